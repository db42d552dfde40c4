"""The data-plane clients (boto3's ``sagemaker-runtime``): ``invoke_endpoint``, in-process or HTTP.

Both answer like boto3: a dict with ``Body`` (a ``botocore.response.StreamingBody``),
``ContentType``, ``InvokedProductionVariant``, ``CustomAttributes`` (when the model set it)
and ``ResponseMetadata``. Errors are ``botocore.exceptions.ClientError`` with the runtime's
codes: ``ValidationError`` (400), ``ModelError`` (424, with ``OriginalStatusCode`` and
``OriginalMessage`` at the top of the error response, as boto3 puts modeled fields),
``InternalFailure`` (500). Bad parameters raise ``ParamValidationError`` before any call.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import quote

import httpx

from plimsoll.errors import InternalError, ModelError, PlimsollError
from plimsoll.sdk._client._http_session import HttpSession
from plimsoll.services.invocations import InvokeRequest, InvokeResult

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)

OPERATION = "InvokeEndpoint"
VALIDATION_ERROR = "ValidationError"  # the runtime's code; the control plane says ...Exception
MODEL_ERROR_STATUS = 424

# InvokeEndpoint's parameters and their HTTP headers (restJson1), in the service model's order.
_HEADERS = {
    "ContentType": "Content-Type",
    "Accept": "Accept",
    "CustomAttributes": "X-Amzn-SageMaker-Custom-Attributes",
    "TargetModel": "X-Amzn-SageMaker-Target-Model",
    "TargetVariant": "X-Amzn-SageMaker-Target-Variant",
    "TargetContainerHostname": "X-Amzn-SageMaker-Target-Container-Hostname",
    "InferenceId": "X-Amzn-SageMaker-Inference-Id",
    "EnableExplanations": "X-Amzn-SageMaker-Enable-Explanations",
    "InferenceComponentName": "X-Amzn-SageMaker-Inference-Component",
    "SessionId": "X-Amzn-SageMaker-Session-Id",
}
_RESPONSE_HEADERS = {
    "ContentType": "content-type",
    "InvokedProductionVariant": "x-amzn-invoked-production-variant",
    "CustomAttributes": "x-amzn-sagemaker-custom-attributes",
    "NewSessionId": "x-amzn-sagemaker-new-session-id",
    "ClosedSessionId": "x-amzn-sagemaker-closed-session-id",
}
_PARAMETERS = ("EndpointName", "Body", *_HEADERS)
# Parameters the embedded router has no use for: refused rather than silently dropped.
_UNSUPPORTED_IN_PROCESS = (
    "TargetModel",
    "TargetContainerHostname",
    "EnableExplanations",
    "InferenceComponentName",
    "SessionId",
)
# Modeled members of ModelError that boto3 copies to the top of the error response.
_MODEL_ERROR_FIELDS = ("OriginalStatusCode", "OriginalMessage", "LogStreamArn")


@runtime_checkable
class SageMakerRuntimeClient(Protocol):
    """What the facade calls for inference: boto3's ``sagemaker-runtime`` method name."""

    def invoke_endpoint(self, **kwargs: Any) -> dict[str, Any]: ...


class _Invocations(Protocol):
    def invoke_sync(self, request: InvokeRequest) -> InvokeResult: ...


class _ApiWithInvocations(Protocol):
    @property
    def invocations(self) -> _Invocations: ...


def _param_error(report: str) -> Exception:
    from botocore.exceptions import ParamValidationError

    return ParamValidationError(report=report)


def _body_bytes(body: Any) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if hasattr(body, "read"):
        return _body_bytes(body.read())
    raise _param_error(
        f"Invalid type for parameter Body, value: {body!r}, type: {type(body)}, valid types: "
        "<class 'bytes'>, <class 'bytearray'>, file-like object"
    )


def _check_params(params: Mapping[str, Any]) -> None:
    """boto3's client-side validation: required names present, no unknown names, strings."""
    for name in ("EndpointName", "Body"):
        if name not in params:
            raise _param_error(f'Missing required parameter in input: "{name}"')
    for name, value in params.items():
        if name not in _PARAMETERS:
            raise _param_error(
                f'Unknown parameter in input: "{name}", must be one of: {", ".join(_PARAMETERS)}'
            )
        if name != "Body" and not isinstance(value, str):
            raise _param_error(
                f"Invalid type for parameter {name}, value: {value!r}, type: {type(value)}, "
                "valid types: <class 'str'>"
            )


def _streaming_body(data: bytes) -> Any:
    from botocore.response import StreamingBody

    return StreamingBody(io.BytesIO(data), len(data))


def _metadata(status: int, headers: Mapping[str, str], request_id: str) -> dict[str, Any]:
    return {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": dict(headers),
        "RetryAttempts": 0,
    }


def runtime_client_error(
    code: str, message: str, status: int, extra: Mapping[str, Any] | None = None
) -> ClientError:
    """The ``ClientError`` boto3 raises for a failed InvokeEndpoint."""
    from botocore.exceptions import ClientError

    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": _metadata(status, {}, ""),
        **(extra or {}),
    }
    return ClientError(response, OPERATION)  # type: ignore[arg-type]


def _from_plimsoll_error(exc: PlimsollError) -> ClientError:
    """The runtime API knows three codes; every other client fault is a ValidationError."""
    if isinstance(exc, ModelError):
        extra = {
            "OriginalStatusCode": exc.original_status_code,
            "OriginalMessage": exc.original_message,
        }
        return runtime_client_error(ModelError.code, exc.message, MODEL_ERROR_STATUS, extra)
    if exc.code == InternalError.code:
        return runtime_client_error(InternalError.code, exc.message, 500)
    return runtime_client_error(VALIDATION_ERROR, exc.message, 400)


class InProcessRuntimeClient:
    """``invoke_endpoint`` against the invocation router of an API in this process.

    Args:
        api: The wired API (anything with ``invocations.invoke_sync``); share the one behind
            the session's in-process SageMaker client, so that its endpoints are visible.
    """

    def __init__(self, api: _ApiWithInvocations) -> None:
        self._api = api

    def invoke_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        """Invokes an endpoint, answering like boto3's ``sagemaker-runtime`` client.

        Raises:
            ParamValidationError: A missing, unknown or mistyped parameter.
            ClientError: ``ValidationError`` (unknown endpoint or variant, body too large,
                endpoint not InService, a parameter Plimsoll does not serve), ``ModelError``.
        """
        _check_params(kwargs)
        body = _body_bytes(kwargs["Body"])
        for name in _UNSUPPORTED_IN_PROCESS:
            if kwargs.get(name) is not None:
                raise runtime_client_error(
                    VALIDATION_ERROR,
                    f"{name}={kwargs[name]!r} is not supported by Plimsoll",
                    400,
                )
        request = InvokeRequest(
            endpoint_name=kwargs["EndpointName"],
            body=body,
            content_type=kwargs.get("ContentType"),
            accept=kwargs.get("Accept"),
            custom_attributes=kwargs.get("CustomAttributes"),
            target_variant=kwargs.get("TargetVariant"),
            inference_id=kwargs.get("InferenceId"),
        )
        try:
            result = self._api.invocations.invoke_sync(request)
        except PlimsollError as exc:
            raise _from_plimsoll_error(exc) from exc
        response: dict[str, Any] = {
            "ResponseMetadata": _metadata(200, {}, str(uuid.uuid4())),
            "Body": _streaming_body(result.body),
            # The server sends this default too when the model named no content type.
            "ContentType": result.content_type or "application/octet-stream",
            "InvokedProductionVariant": result.invoked_variant,
        }
        if result.custom_attributes is not None:
            response["CustomAttributes"] = result.custom_attributes
        return response


class HttpRuntimeClient(HttpSession):
    """``invoke_endpoint`` over HTTP, as boto3 sends it: ``POST /endpoints/<name>/invocations``.

    Args:
        endpoint_url: Base URL of ``plimsoll server``, e.g. ``http://127.0.0.1:8880``.
        timeout: Seconds to wait for a response (boto3's SDK default read timeout is 70-80 s;
            models have 60 s).
    """

    def __init__(self, endpoint_url: str, timeout: float = 70) -> None:
        self._endpoint_url = endpoint_url.rstrip("/")
        self._http = httpx.Client(base_url=self._endpoint_url, timeout=timeout)

    def invoke_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        """Invokes an endpoint on the server, answering like boto3.

        Raises:
            ParamValidationError: A missing, unknown or mistyped parameter.
            ClientError: The server's error, with its code (``ValidationError``,
                ``ModelError`` with ``OriginalStatusCode``/``OriginalMessage``, ...).
            EndpointConnectionError: The server cannot be reached.
            ReadTimeoutError: No answer within ``timeout``.
        """
        _check_params(kwargs)
        body = _body_bytes(kwargs["Body"])
        headers = {h: kwargs[n] for n, h in _HEADERS.items() if kwargs.get(n) is not None}
        path = f"/endpoints/{quote(kwargs['EndpointName'], safe='')}/invocations"
        with self._transport_errors():
            response = self._http.post(path, content=body, headers=headers)
        if response.status_code >= 300:
            raise self._error(response)
        result: dict[str, Any] = {
            "ResponseMetadata": _metadata(
                response.status_code,
                {k.lower(): v for k, v in response.headers.items()},
                response.headers.get("x-amzn-RequestId", ""),
            ),
            "Body": _streaming_body(response.content),
        }
        for name, header in _RESPONSE_HEADERS.items():
            if header in response.headers:
                result[name] = response.headers[header]
        return result

    def _error(self, response: httpx.Response) -> ClientError:
        """Parses a restJson1 error the way botocore does."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        code = response.headers.get("x-amzn-ErrorType", "").partition(":")[0]
        if not code:
            code = str(body.get("code") or body.get("Code") or body.get("__type") or "")
        code = code.rpartition("#")[2] or str(response.status_code)
        message = str(body.get("message") or body.get("Message") or "")
        if not message and not body:
            message = response.text[:200]
        extra = {name: body[name] for name in _MODEL_ERROR_FIELDS if name in body}
        error = runtime_client_error(code, message, response.status_code, extra)
        metadata = error.response["ResponseMetadata"]
        metadata["HTTPHeaders"] = {k.lower(): v for k, v in response.headers.items()}
        metadata["RequestId"] = response.headers.get("x-amzn-RequestId", "")
        return error

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
