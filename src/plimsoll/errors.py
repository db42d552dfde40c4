"""The one exception tree of Plimsoll.

Every error a user can see carries ``code``, the SageMaker ``__type`` string, so that the API
layer, the HTTP server and the SDK clients translate it at their boundary without guessing::

    PlimsollError
    ├── ValidationError          ValidationException   bad request field or value
    │   └── UnknownOperation     UnknownOperationException  an operation we do not serve
    ├── ResourceNotFound         ResourceNotFound      unknown job, endpoint, schedule
    ├── ResourceInUse            ResourceInUse         name already taken, or busy
    ├── ResourceLimitExceeded    ResourceLimitExceeded too many of something
    ├── ConflictError            ConflictException     state does not allow the operation
    ├── ModelError               ModelError            the model container answered 4xx/5xx
    ├── JobFailed                JobFailed             a job ended Failed (client-side wait)
    ├── RuntimeUnavailable       RuntimeUnavailable    a runtime/sandbox cannot be used here
    ├── EngineError              EngineError           a computation cannot be done
    │   └── InsufficientData     InsufficientData
    ├── ConfigError              ConfigError           settings or image map are wrong
    └── InternalError            InternalFailure       a bug or a broken backend

Storage raises the built-in ``OSError`` family, as fsspec does; services translate it.
"""

from __future__ import annotations


class PlimsollError(Exception):
    """Base of every Plimsoll error."""

    code: str = "InternalFailure"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(PlimsollError):
    code = "ValidationException"


class UnknownOperation(ValidationError):
    code = "UnknownOperationException"


class ResourceNotFound(PlimsollError):
    code = "ResourceNotFound"


class ResourceInUse(PlimsollError):
    code = "ResourceInUse"


class ResourceLimitExceeded(PlimsollError):
    code = "ResourceLimitExceeded"


class ConflictError(PlimsollError):
    code = "ConflictException"


class ModelError(PlimsollError):
    """InvokeEndpoint's 424: the model failed; carries what the container said."""

    code = "ModelError"

    def __init__(
        self, message: str, *, original_status_code: int = 500, original_message: str = ""
    ) -> None:
        super().__init__(message)
        self.original_status_code = original_status_code
        self.original_message = original_message


class JobFailed(PlimsollError):
    code = "JobFailed"


class RuntimeUnavailable(PlimsollError):
    code = "RuntimeUnavailable"


class EngineError(PlimsollError):
    code = "EngineError"


class InsufficientData(EngineError):
    code = "InsufficientData"


class ConfigError(PlimsollError):
    code = "ConfigError"


class InternalError(PlimsollError):
    code = "InternalFailure"


ERRORS_BY_CODE: dict[str, type[PlimsollError]] = {
    cls.code: cls
    for cls in (
        ValidationError,
        UnknownOperation,
        ResourceNotFound,
        ResourceInUse,
        ResourceLimitExceeded,
        ConflictError,
        ModelError,
        JobFailed,
        RuntimeUnavailable,
        EngineError,
        InsufficientData,
        ConfigError,
        InternalError,
    )
}
