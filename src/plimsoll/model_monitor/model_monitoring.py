"""SageMaker's path ``sagemaker.model_monitor.model_monitoring`` -> this module."""

from __future__ import annotations

from plimsoll.sdk.model_monitor.model_monitoring import (
    BaseliningJob,
    BatchTransformInput,
    DefaultModelMonitor,
    EndpointInput,
    ModelMonitor,
    MonitoringExecution,
    MonitoringInput,
    MonitoringOutput,
)

__all__ = [
    "BaseliningJob",
    "BatchTransformInput",
    "DefaultModelMonitor",
    "EndpointInput",
    "ModelMonitor",
    "MonitoringExecution",
    "MonitoringInput",
    "MonitoringOutput",
]
