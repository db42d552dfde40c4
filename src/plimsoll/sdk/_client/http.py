"""The HTTP client: boto3's SageMaker method names over ``plimsoll server``'s wire protocol."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import httpx

from plimsoll.api.shapes import OPERATION_SHAPES
from plimsoll.api.wire_errors import error_from_wire
from plimsoll.api.wire_json import AMZ_JSON, decode_timestamps, dumps
from plimsoll.errors import InternalError
from plimsoll.sdk._client._errors import to_client_error
from plimsoll.sdk._client._http_session import HttpSession
from plimsoll.sdk._client._operations import BotoOperations

logger = logging.getLogger(__name__)

NEXT_OFFSET_HEADER = "X-Plimsoll-Next-Offset"


class HttpClient(BotoOperations, HttpSession):
    """Calls ``plimsoll server`` at ``endpoint_url``, answering as boto3 does.

    Service errors raise ``botocore.exceptions.ClientError`` with SageMaker's ``Error.Code``;
    an unreachable server raises ``EndpointConnectionError`` (``ReadTimeoutError`` on
    timeout). Timestamps the output shape declares come back as aware ``datetime`` objects.

    Args:
        endpoint_url: Base URL of the server, e.g. ``http://127.0.0.1:8880``.
        timeout: Seconds to wait for each request.
    """

    def __init__(self, endpoint_url: str, timeout: float = 30) -> None:
        self._endpoint_url = endpoint_url.rstrip("/")
        self._http = httpx.Client(base_url=self._endpoint_url, timeout=timeout)

    def read_processing_job_log(
        self, job_name: str, host: str, offset: int = 0
    ) -> tuple[bytes, int]:
        """Bytes of ``host``'s log from ``offset`` and the offset to read from next."""
        path = f"/_plimsoll/processing-jobs/{quote(job_name, safe='')}/logs/{quote(host, safe='')}"
        response = self._get(path, "ReadProcessingJobLog", params={"offset": str(offset)})
        next_offset = int(response.headers.get(NEXT_OFFSET_HEADER, offset + len(response.content)))
        return response.content, next_offset

    def list_processing_job_log_hosts(self, job_name: str) -> list[str]:
        """Hosts of the job that have a log, algo-1 first."""
        path = f"/_plimsoll/processing-jobs/{quote(job_name, safe='')}/logs"
        hosts = self._get(path, "ListProcessingJobLogHosts").json()
        return [str(h) for h in hosts]

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        headers = {"X-Amz-Target": f"SageMaker.{operation}", "Content-Type": AMZ_JSON}
        body = dumps(params)
        with self._transport_errors():
            response = self._http.post("/", content=body, headers=headers)
        if response.status_code >= 300:
            raise self._error(response, operation)
        data: dict[str, Any] = response.json() if response.content else {}
        output = OPERATION_SHAPES.get(operation, (None, None))[1]
        if output is not None:
            data = decode_timestamps(output, data)
        data["ResponseMetadata"] = {
            "RequestId": response.headers.get("x-amzn-RequestId", ""),
            "HTTPStatusCode": response.status_code,
            "HTTPHeaders": dict(response.headers),
            "RetryAttempts": 0,
        }
        return data

    def _get(
        self, path: str, operation: str, params: dict[str, str] | None = None
    ) -> httpx.Response:
        with self._transport_errors():
            response = self._http.get(path, params=params)
        if response.status_code >= 300:
            raise self._error(response, operation)
        return response

    def _error(self, response: httpx.Response, operation: str) -> Exception:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        code = str(body.get("__type") or response.headers.get("x-amzn-ErrorType") or "")
        message = str(body.get("message") or body.get("Message") or "")
        if not code:
            code = InternalError.code
            message = message or f"HTTP {response.status_code}: {response.text[:200]}"
        return to_client_error(
            error_from_wire(code, message), operation, status=response.status_code
        )

    @contextmanager
    def _transport_errors(self) -> Iterator[None]:
        """httpx's transport errors as the botocore errors boto3 users catch."""
        from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

        try:
            yield
        except httpx.TimeoutException as exc:
            raise ReadTimeoutError(endpoint_url=self._endpoint_url, error=exc) from exc
        except httpx.TransportError as exc:
            raise EndpointConnectionError(endpoint_url=self._endpoint_url, error=exc) from exc
