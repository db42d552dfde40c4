"""Models, at SageMaker's path: ``sagemaker.model`` -> ``plimsoll.model``."""

from __future__ import annotations

from plimsoll.sdk.model import Model

__all__ = ["Model"]
