"""The exceptions the facade raises when a job ends badly (``sagemaker.exceptions``)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CapacityError", "UnexpectedStatusException"]


class UnexpectedStatusException(ValueError):
    """Mirrors `sagemaker.exceptions.UnexpectedStatusException`.

    Raised when a job ends in a status the caller did not allow, for example ``Failed``.

    Args:
        message: What happened, naming the job, its status and the failure reason.
        allowed_statuses: The statuses that would not have raised.
        actual_status: The status the job ended in.
    """

    def __init__(self, message: str, allowed_statuses: Sequence[str], actual_status: str) -> None:
        self.allowed_statuses = list(allowed_statuses)
        self.actual_status = actual_status
        super().__init__(message)


class CapacityError(UnexpectedStatusException):
    """Mirrors `sagemaker.exceptions.CapacityError`: the failure reason names CapacityError."""
