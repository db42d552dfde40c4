"""Model Monitor, at SageMaker's path: ``sagemaker.model_monitor`` -> ``plimsoll.model_monitor``."""

from __future__ import annotations

from plimsoll.sdk.model_monitor import (
    BaseliningJob,
    BatchTransformInput,
    Constraints,
    ConstraintViolations,
    CronExpressionGenerator,
    DataCaptureConfig,
    DataQualityDistributionConstraints,
    DataQualityMonitoringConfig,
    DatasetFormat,
    DefaultModelMonitor,
    EndpointInput,
    ModelMonitor,
    ModelQualityMonitor,
    MonitoringDatasetFormat,
    MonitoringExecution,
    MonitoringOutput,
    NetworkConfig,
    Statistics,
)

__all__ = [
    "BaseliningJob",
    "BatchTransformInput",
    "ConstraintViolations",
    "Constraints",
    "CronExpressionGenerator",
    "DataCaptureConfig",
    "DataQualityDistributionConstraints",
    "DataQualityMonitoringConfig",
    "DatasetFormat",
    "DefaultModelMonitor",
    "EndpointInput",
    "ModelMonitor",
    "ModelQualityMonitor",
    "MonitoringDatasetFormat",
    "MonitoringExecution",
    "MonitoringOutput",
    "NetworkConfig",
    "Statistics",
]
