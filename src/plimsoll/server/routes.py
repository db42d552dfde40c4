"""HTTP routes: SageMaker's AWS JSON 1.1 protocol on ``POST /``, plus Plimsoll's extensions.

* ``POST /`` with ``X-Amz-Target: SageMaker.<Operation>`` and a JSON body; answers JSON with
  timestamps as epoch seconds, errors as ``{"__type", "message"}`` plus ``x-amzn-ErrorType``.
* ``GET /_plimsoll/processing-jobs/{name}/logs``: JSON list of the job's hosts with a log.
* ``GET /_plimsoll/processing-jobs/{name}/logs/{host}?offset=N``: raw log bytes from ``N``,
  with ``X-Plimsoll-Next-Offset``.
* ``GET /ping``: health.
* ``GET /metrics``: serving metrics in the Prometheus text format.

No stack trace ever reaches a client: unexpected exceptions answer 500 ``InternalFailure``
and are logged here with the request id.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from plimsoll.api.wire_errors import SERIALIZATION, UNKNOWN_OPERATION, to_wire
from plimsoll.api.wire_json import AMZ_JSON, dumps
from plimsoll.errors import InternalError, PlimsollError, ValidationError
from plimsoll.services.serving_metrics import CaptureSample

if TYPE_CHECKING:
    from plimsoll.api.wiring import Api

logger = logging.getLogger(__name__)

TARGET_PREFIX = "SageMaker."
NEXT_OFFSET_HEADER = "X-Plimsoll-Next-Offset"

Endpoint = Callable[[Request], Awaitable[Response]]


def build_routes(api: Api) -> list[Route]:
    """The server's routes, bound to ``api``."""
    return [
        Route("/", aws_errors(_sagemaker(api)), methods=["POST"]),
        Route("/ping", _ping, methods=["GET"]),
        Route("/metrics", _metrics(api), methods=["GET"]),
        Route(
            "/_plimsoll/processing-jobs/{name}/logs", aws_errors(_log_hosts(api)), methods=["GET"]
        ),
        Route(
            "/_plimsoll/processing-jobs/{name}/logs/{host}",
            aws_errors(_log_read(api)),
            methods=["GET"],
        ),
    ]


def error_response(code: str, message: str, status: int, request_id: str) -> Response:
    """An AWS JSON 1.1 error answer."""
    headers = {"x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
    body = json.dumps({"__type": code, "message": message})
    return Response(body, status_code=status, headers=headers, media_type=AMZ_JSON)


def aws_errors(endpoint: Endpoint) -> Endpoint:
    """Wraps ``endpoint`` so that every error becomes an AWS error answer.

    Plimsoll errors answer with their code and status; anything else is logged with the
    request id and answers 500 ``InternalFailure`` without details.
    """

    async def run(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        request.state.request_id = request_id
        try:
            response = await endpoint(request)
        except PlimsollError as exc:
            status, body = to_wire(exc)
            if status >= 500:
                logger.error("request %s failed: %s", request_id, exc.message)
            return error_response(body["__type"], body["message"], status, request_id)
        except Exception:
            logger.exception("request %s failed unexpectedly", request_id)
            message = f"An internal error occurred (request id {request_id})"
            return error_response(InternalError.code, message, 500, request_id)
        response.headers["x-amzn-RequestId"] = request_id
        return response

    return run


def _sagemaker(api: Api) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        request_id: str = request.state.request_id
        target = request.headers.get("x-amz-target", "")
        operation = target.removeprefix(TARGET_PREFIX) if target.startswith(TARGET_PREFIX) else ""
        if operation not in api.dispatcher.operations:
            shown = f"'{target}'" if target else "none (X-Amz-Target header missing)"
            message = f"Unknown operation: target {shown}"
            return error_response(UNKNOWN_OPERATION, message, 400, request_id)
        raw = await request.body()
        try:
            params = json.loads(raw) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            message = f"Request body is not valid JSON: {exc}"
            return error_response(SERIALIZATION, message, 400, request_id)
        if not isinstance(params, dict):
            message = f"Request body must be a JSON object, not {type(params).__name__}"
            return error_response(SERIALIZATION, message, 400, request_id)
        result = await run_in_threadpool(api.dispatcher.call, operation, params)
        return Response(dumps(result), media_type=AMZ_JSON)

    return endpoint


def _log_hosts(api: Api) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        hosts = await run_in_threadpool(api.processing.log_hosts, name)
        return JSONResponse(hosts)

    return endpoint


def _log_read(api: Api) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        name, host = request.path_params["name"], request.path_params["host"]
        raw_offset = request.query_params.get("offset", "0")
        try:
            offset = int(raw_offset)
        except ValueError:
            raise ValidationError(f"offset must be an integer, got {raw_offset!r}") from None
        if offset < 0:
            raise ValidationError(f"offset must be >= 0, got {offset}")
        chunk = await run_in_threadpool(api.processing.read_log, name, host, offset)
        headers = {NEXT_OFFSET_HEADER: str(chunk.next_offset)}
        return Response(chunk.data, media_type="application/octet-stream", headers=headers)

    return endpoint


async def _ping(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _metrics(api: Api) -> Endpoint:
    async def metrics(request: Request) -> Response:
        def samples() -> list[CaptureSample]:
            found = []
            for name in api.invocations.endpoint_names():
                stats = api.capture.stats(name)
                found.append(
                    CaptureSample(
                        endpoint=name,
                        written=stats.records_written,
                        dropped=stats.records_dropped,
                        pending=stats.records_pending,
                        paused=stats.paused_for_disk,
                    )
                )
            return found

        text = api.invocations.metrics.render(samples) + api.monitor_metrics.render()
        return Response(text, media_type="text/plain; version=0.0.4")

    return metrics
