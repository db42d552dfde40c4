"""The SDK session, at SageMaker's path: ``sagemaker.session`` -> ``plimsoll.session``."""

from __future__ import annotations

from plimsoll.sdk.session import Session

__all__ = ["Session"]
