"""The one table from error code (SageMaker ``__type``) to HTTP status, and its reverse.

The server turns a :class:`~plimsoll.errors.PlimsollError` into ``(status, body)`` with
:func:`to_wire`; clients turn a response's ``__type`` and ``message`` back into an error with
:func:`error_from_wire`. SageMaker answers 400 for every client fault and 500 for
``InternalFailure``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from plimsoll.errors import (
    ERRORS_BY_CODE,
    ConfigError,
    ConflictError,
    EngineError,
    InsufficientData,
    InternalError,
    JobFailed,
    ModelError,
    PlimsollError,
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    RuntimeUnavailable,
    ValidationError,
)

UNKNOWN_OPERATION = "UnknownOperationException"
"""Wire-only code: the ``X-Amz-Target`` header is missing or names no supported operation."""

SERIALIZATION = "SerializationException"
"""Wire-only code: the request body is not a JSON object."""

ERROR_CODE_TO_HTTP_STATUS: Mapping[str, int] = MappingProxyType(
    {
        ValidationError.code: 400,
        ResourceNotFound.code: 400,
        ResourceInUse.code: 400,
        ResourceLimitExceeded.code: 400,
        ConflictError.code: 400,
        JobFailed.code: 400,
        ModelError.code: 424,
        RuntimeUnavailable.code: 400,
        EngineError.code: 400,
        InsufficientData.code: 400,
        ConfigError.code: 500,
        InternalError.code: 500,
        UNKNOWN_OPERATION: 400,
        SERIALIZATION: 400,
    }
)


def http_status(code: str) -> int:
    """HTTP status for an error code; 500 for codes the table does not know."""
    return ERROR_CODE_TO_HTTP_STATUS.get(code, 500)


def to_wire(exc: PlimsollError) -> tuple[int, dict[str, Any]]:
    """HTTP status and AWS JSON 1.1 error body (``__type`` and ``message``) for an error."""
    return http_status(exc.code), {"__type": exc.code, "message": exc.message}


def error_from_wire(code: str, message: str) -> PlimsollError:
    """The error a wire ``__type`` names; a plain :class:`PlimsollError` carrying unknown codes.

    Accepts the namespaced forms AWS services also send
    (``com.amazonaws.sagemaker#ResourceNotFound``, ``ResourceNotFound:http://...``).
    """
    code = code.rpartition("#")[2].partition(":")[0] or InternalError.code
    cls = ERRORS_BY_CODE.get(code)
    if cls is not None:
        return cls(message)
    error = PlimsollError(message)
    error.code = code
    return error
