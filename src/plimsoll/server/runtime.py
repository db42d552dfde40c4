"""The SageMaker Runtime API in front of the control-plane app, as raw ASGI for speed.

``POST /endpoints/{EndpointName}/invocations`` (what boto3's ``sagemaker-runtime`` client
and ``curl`` call) goes straight to the router without the routing framework; everything
else falls through to the Starlette app. Errors follow the runtime API's REST-JSON shape:
``x-amzn-ErrorType`` header and a JSON body with ``message`` (plus ``OriginalStatusCode``
and ``OriginalMessage`` for ``ModelError``).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from plimsoll.errors import ModelError, PlimsollError, ValidationError
from plimsoll.services.invocations import MAX_BODY_BYTES, InvocationRouter, InvokeRequest

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX, SUFFIX = "/endpoints/", "/invocations"
NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
PRINTABLE = re.compile(r"^[\x20-\x7e]*$")
STATUS = {"ValidationError": 400, "ModelError": 424, "InternalFailure": 500}
HEADER_LIMITS = {
    b"content-type": ("ContentType", 1024),
    b"accept": ("Accept", 1024),
    b"x-amzn-sagemaker-custom-attributes": ("CustomAttributes", 1024),
    b"x-amzn-sagemaker-target-variant": ("TargetVariant", 63),
    b"x-amzn-sagemaker-inference-id": ("InferenceId", 64),
}


class RuntimeFront:
    """Serves the runtime path itself and hands every other request to ``app``."""

    def __init__(self, app: ASGIApp, router: InvocationRouter) -> None:
        self._app = app
        self._router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and path.startswith(PREFIX)
            and path.endswith(SUFFIX)
        ):
            await self._invoke(path[len(PREFIX) : -len(SUFFIX)], scope, receive, send)
            return
        await self._app(scope, receive, send)

    async def _invoke(self, name: str, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await _read_body(receive)
            request = _request(name, scope["headers"], body)
            result = await self._router.invoke(request)
        except PlimsollError as exc:
            await _error(send, exc)
            return
        except Exception:
            request_id = str(uuid.uuid4())
            logger.exception("invocation of %s failed (request %s)", name, request_id)
            await _send(
                send,
                500,
                _error_headers("InternalFailure", request_id),
                json.dumps({"message": f"Internal failure (request {request_id})"}),
            )
            return
        headers = [
            (b"content-type", (result.content_type or "application/octet-stream").encode()),
            (b"x-amzn-invoked-production-variant", result.invoked_variant.encode()),
        ]
        if result.custom_attributes is not None:
            headers.append(
                (b"x-amzn-sagemaker-custom-attributes", result.custom_attributes.encode("latin-1"))
            )
        await _send(send, 200, headers, result.body)


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ValidationError(
                f"Request body exceeds the InvokeEndpoint limit of {MAX_BODY_BYTES} bytes"
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _request(name: str, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> InvokeRequest:
    if not NAME.match(name):
        raise ValidationError(
            f"1 validation error detected: Value {name!r} at 'endpointName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
        )
    found: dict[str, str] = {}
    for key, value in raw_headers:
        limit = HEADER_LIMITS.get(key)
        if limit is None:
            continue
        field, max_len = limit
        text = value.decode("latin-1")
        if len(text) > max_len or not PRINTABLE.match(text):
            raise ValidationError(
                f"{field} {text[:80]!r} must be at most {max_len} printable ASCII characters"
            )
        found[field] = text
    return InvokeRequest(
        endpoint_name=name,
        body=body,
        content_type=found.get("ContentType"),
        accept=found.get("Accept"),
        custom_attributes=found.get("CustomAttributes"),
        target_variant=found.get("TargetVariant"),
        inference_id=found.get("InferenceId"),
    )


def _error_headers(code: str, request_id: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"application/json"),
        (b"x-amzn-errortype", code.encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]


async def _error(send: Send, exc: PlimsollError) -> None:
    code = exc.code if exc.code in STATUS else "ValidationError"
    if exc.code == "ValidationException":
        code = "ValidationError"  # the runtime API's name for it
    body: dict[str, Any] = {"message": exc.message}
    if isinstance(exc, ModelError):
        body["OriginalStatusCode"] = exc.original_status_code
        body["OriginalMessage"] = exc.original_message
    await _send(
        send, STATUS.get(code, 400), _error_headers(code, str(uuid.uuid4())), json.dumps(body)
    )


async def _send(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes | str
) -> None:
    data = body.encode() if isinstance(body, str) else body
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})
