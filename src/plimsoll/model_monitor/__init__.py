"""Model Monitor, at SageMaker's path: ``sagemaker.model_monitor`` -> ``plimsoll.model_monitor``."""

from __future__ import annotations

from plimsoll.sdk.model_monitor import (
    CronExpressionGenerator,
    DataCaptureConfig,
    DatasetFormat,
    MonitoringDatasetFormat,
)

__all__ = [
    "CronExpressionGenerator",
    "DataCaptureConfig",
    "DatasetFormat",
    "MonitoringDatasetFormat",
]
