"""Model Monitor, at SageMaker's path: ``sagemaker.model_monitor`` -> ``plimsoll.model_monitor``."""

from __future__ import annotations

from plimsoll.sdk.model_monitor import (
    BaseliningJob,
    Constraints,
    ConstraintViolations,
    CronExpressionGenerator,
    DataCaptureConfig,
    DatasetFormat,
    DefaultModelMonitor,
    MonitoringDatasetFormat,
    Statistics,
)

__all__ = [
    "BaseliningJob",
    "ConstraintViolations",
    "Constraints",
    "CronExpressionGenerator",
    "DataCaptureConfig",
    "DatasetFormat",
    "DefaultModelMonitor",
    "MonitoringDatasetFormat",
    "Statistics",
]
