"""The data plane: InvokeEndpoint routed to a variant instance, with Data Capture.

The hot path is one coroutine on the server's event loop: pick a variant by weight (or the
target variant), pick an instance round-robin, forward over a pooled keep-alive
connection, and, when the sampling draw says so, hand the untouched bodies to the capture
writer's queue (no JSON, no lock, no thread hand-off here). Route tables are immutable
objects swapped whole, so updates never block or tear a request.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from plimsoll.errors import ModelError, ValidationError
from plimsoll.services._http_pool import ConnectionPool, HttpResponse, InstanceUnreachable
from plimsoll.services.capture import CaptureEvent, CaptureWriter
from plimsoll.services.serving_metrics import ServingMetrics

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 6 * 1024 * 1024  # 6 MiB, InvokeEndpoint's limit
CUSTOM_ATTRIBUTES = "X-Amzn-SageMaker-Custom-Attributes"


@dataclass(frozen=True, slots=True, kw_only=True)
class InvokeRequest:
    endpoint_name: str
    body: bytes
    content_type: str | None = None
    accept: str | None = None
    custom_attributes: str | None = None
    target_variant: str | None = None
    inference_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InvokeResult:
    body: bytes
    content_type: str | None
    invoked_variant: str
    custom_attributes: str | None = None


@dataclass(frozen=True, slots=True)
class InstanceAddress:
    name: str
    host: str
    port: int


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantRoute:
    name: str
    weight: float
    instances: tuple[InstanceAddress, ...]
    turn: itertools.count[int] = field(default_factory=itertools.count)

    def next_instance(self) -> InstanceAddress:
        return self.instances[next(self.turn) % len(self.instances)]


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointRoute:
    name: str
    variants: tuple[VariantRoute, ...]

    def pick(self, target: str | None) -> VariantRoute:
        if target is not None:
            for variant in self.variants:
                if variant.name == target:
                    return variant
            raise ValidationError(
                f"TargetVariant {target!r} is not a production variant of endpoint {self.name}"
            )
        if len(self.variants) == 1:
            return self.variants[0]
        total = sum(v.weight for v in self.variants)
        if total <= 0:
            return random.choice(self.variants)
        draw = random.random() * total
        for variant in self.variants:
            draw -= variant.weight
            if draw < 0:
                return variant
        return self.variants[-1]


class InvocationRouter:
    """Routes invocations by variant weight to instances over keep-alive HTTP."""

    def __init__(
        self, *, capture: CaptureWriter, account_id: str, timeout_seconds: float = 60.0
    ) -> None:
        self._capture = capture
        self._account_id = account_id
        self._timeout = timeout_seconds
        self._routes: dict[str, EndpointRoute] = {}
        self._not_in_service: dict[str, str] = {}
        self._pools: dict[asyncio.AbstractEventLoop, ConnectionPool] = {}
        self.metrics = ServingMetrics()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: threading.Thread | None = None
        self._loop_lock = threading.Lock()

    # -- route table (called by the endpoint service) ---------------------------------------

    def set_route(
        self, endpoint: str, variants: Sequence[tuple[str, float, Sequence[InstanceAddress]]]
    ) -> None:
        """Replaces the endpoint's variants (name, weight, healthy instances) in one swap."""
        self._routes[endpoint] = EndpointRoute(
            name=endpoint,
            variants=tuple(
                VariantRoute(name=name, weight=weight, instances=tuple(instances))
                for name, weight, instances in variants
                if instances
            ),
        )
        self._not_in_service.pop(endpoint, None)

    def mark_unavailable(self, endpoint: str, status: str) -> None:
        """The endpoint exists but cannot serve (Creating, Failed, Deleting)."""
        self._routes.pop(endpoint, None)
        self._not_in_service[endpoint] = status

    def endpoint_names(self) -> list[str]:
        """Endpoints the router serves or knows to be unavailable."""
        return sorted({*self._routes, *self._not_in_service})

    def forget(self, endpoint: str) -> None:
        self._routes.pop(endpoint, None)
        self._not_in_service.pop(endpoint, None)

    # -- the hot path -----------------------------------------------------------------------

    async def invoke(self, request: InvokeRequest) -> InvokeResult:
        """Raises ValidationError (bad request, unknown or unavailable endpoint) or ModelError."""
        received = time.time()
        name = request.endpoint_name
        if len(request.body) > MAX_BODY_BYTES:
            raise ValidationError(
                f"Request body of {len(request.body)} bytes exceeds the limit of "
                f"{MAX_BODY_BYTES} bytes for endpoint {name}"
            )
        route = self._routes.get(name)
        if route is None or not route.variants:
            self.metrics.observe(name, "", 400, None)
            raise ValidationError(self._unavailable_message(name))
        variant = route.pick(request.target_variant)
        headers = _forward_headers(request)
        started = time.perf_counter()
        response = await self._send(variant, headers, request.body, name)
        elapsed = time.perf_counter() - started
        self.metrics.observe(name, variant.name, 200 if response.status < 400 else 424, elapsed)
        if response.status >= 400:
            raise _model_error(response, name, self._account_id)
        content_type = response.headers.get("content-type")
        attributes = response.headers.get(CUSTOM_ATTRIBUTES.lower())
        if self._capture.should_capture(name):
            self._capture.submit(
                CaptureEvent(
                    endpoint=name,
                    variant=variant.name,
                    event_id=None,
                    inference_id=request.inference_id,
                    custom_attributes=request.custom_attributes,
                    time=received,
                    request_body=request.body,
                    request_content_type=request.content_type,
                    response_body=response.body,
                    response_content_type=content_type,
                )
            )
        return InvokeResult(
            body=response.body,
            content_type=content_type,
            invoked_variant=variant.name,
            custom_attributes=attributes,
        )

    async def _send(
        self, variant: VariantRoute, headers: list[tuple[str, str]], body: bytes, endpoint: str
    ) -> HttpResponse:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = ConnectionPool()
        tries = min(len(variant.instances), 2)
        for attempt in range(tries):
            instance = variant.next_instance()
            try:
                return await asyncio.wait_for(
                    pool.post(instance.host, instance.port, "/invocations", body, headers),
                    self._timeout,
                )
            except InstanceUnreachable as exc:
                pool.discard(instance.host, instance.port)
                logger.warning(
                    "endpoint %s: instance %s unreachable: %s", endpoint, instance.name, exc
                )
                if attempt + 1 == tries:
                    self.metrics.observe(endpoint, variant.name, 424, None)
                    raise ModelError(
                        f"Received server error (500) from {variant.name} with message "
                        f'"the model instance {instance.name} is not reachable".',
                        original_status_code=500,
                        original_message=str(exc),
                    ) from exc
            except TimeoutError as exc:
                self.metrics.observe(endpoint, variant.name, 424, None)
                raise ModelError(
                    f"Your invocation timed out while waiting for a response from container "
                    f"{variant.name} ({self._timeout:g} s). See `plimsoll endpoints logs "
                    f"{endpoint}` for more information.",
                    original_status_code=504,
                    original_message="model timeout",
                ) from exc
        raise AssertionError("unreachable")

    def _unavailable_message(self, name: str) -> str:
        status = self._not_in_service.get(name)
        if status is not None:
            return f"Endpoint {name} is not in service (status {status})."
        return f"Endpoint {name} of account {self._account_id} not found."

    # -- in-process callers -----------------------------------------------------------------

    def invoke_sync(self, request: InvokeRequest) -> InvokeResult:
        """Runs :meth:`invoke` on the router's own loop thread (in-process clients)."""
        future = asyncio.run_coroutine_threadsafe(self.invoke(request), self._own_loop())
        return future.result()

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        with self._loop_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="router", daemon=True)
                thread.start()
                self._loop, self._loop_thread = loop, thread
            return self._loop

    async def close_loop_pool(self) -> None:
        """Closes the connections pooled for the running loop (a server shutting down)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def close(self) -> None:
        """Closes the in-process loop and its pooled connections; idempotent."""
        with self._loop_lock:
            loop, thread = self._loop, self._loop_thread
            self._loop = self._loop_thread = None
        if loop is None or thread is None:
            return
        pool = self._pools.pop(loop, None)

        async def shut() -> None:
            if pool is not None:
                await pool.close()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _forward_headers(request: InvokeRequest) -> list[tuple[str, str]]:
    headers = []
    if request.content_type is not None:
        headers.append(("Content-Type", request.content_type))
    if request.accept is not None:
        headers.append(("Accept", request.accept))
    if request.custom_attributes is not None:
        headers.append((CUSTOM_ATTRIBUTES, request.custom_attributes))
    if request.inference_id is not None:
        headers.append(("X-Amzn-SageMaker-Inference-Id", request.inference_id))
    for _, value in headers:
        if "\r" in value or "\n" in value:
            raise ValidationError(f"Header value {value!r} contains a line break")
    return headers


def _model_error(response: HttpResponse, endpoint: str, account_id: str) -> ModelError:
    kind = "client" if response.status < 500 else "server"
    text = response.body[:1024].decode("utf-8", "replace")
    return ModelError(
        f'Received {kind} error ({response.status}) from primary with message "{text}". '
        f"See `plimsoll endpoints logs {endpoint}` in account {account_id} for more information.",
        original_status_code=response.status,
        original_message=text,
    )
