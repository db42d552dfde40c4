"""The inference server's exceptions: startup failures and request errors carrying a status."""

from __future__ import annotations


class StartupError(Exception):
    """The server cannot start: bad environment, user module or model (exit non-zero)."""


class InferenceError(Exception):
    """A request failed with a chosen HTTP status (users may raise it or any subclass).

    Like the toolkit's ``BaseInferenceToolkitError``: any exception with an integer
    ``status_code`` attribute between 400 and 599 answers with that status.
    """

    status_code = 500

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        if status_code is not None:
            self.status_code = status_code


class UnsupportedFormatError(InferenceError):
    """The request's content type cannot be decoded (415)."""

    status_code = 415


class NotAcceptableError(InferenceError):
    """The prediction cannot be encoded to any type the Accept header allows (406)."""

    status_code = 406
