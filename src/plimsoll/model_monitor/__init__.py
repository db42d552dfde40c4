"""Model Monitor, at SageMaker's path: ``sagemaker.model_monitor`` -> ``plimsoll.model_monitor``."""

from __future__ import annotations

from plimsoll.sdk.model_monitor import DataCaptureConfig

__all__ = ["DataCaptureConfig"]
