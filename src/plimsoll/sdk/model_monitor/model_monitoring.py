"""SageMaker's path ``sagemaker.model_monitor.model_monitoring``: a re-export shim.

The classes are defined once in this package's private modules.
"""

from __future__ import annotations

from plimsoll.sdk.model_monitor._baselining import BaseliningJob
from plimsoll.sdk.model_monitor._default import DefaultModelMonitor
from plimsoll.sdk.model_monitor._execution import MonitoringExecution
from plimsoll.sdk.model_monitor._model_monitor import ModelMonitor
from plimsoll.sdk.model_monitor._monitoring_io import (
    BatchTransformInput,
    EndpointInput,
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
