"""SDK exceptions, at SageMaker's path: ``sagemaker.exceptions`` -> ``plimsoll.exceptions``."""

from __future__ import annotations

from plimsoll.sdk.exceptions import CapacityError, UnexpectedStatusException

__all__ = ["CapacityError", "UnexpectedStatusException"]
