"""Model Monitor classes of the facade (``sagemaker.model_monitor``).

Import them from ``plimsoll.model_monitor``; each is defined once in a module of this package.
"""

from __future__ import annotations

from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk.model_monitor._baselining import BaseliningJob
from plimsoll.sdk.model_monitor._bias import ModelBiasMonitor
from plimsoll.sdk.model_monitor._clarify_monitor_config import (
    BiasAnalysisConfig,
    ExplainabilityAnalysisConfig,
)
from plimsoll.sdk.model_monitor._default import DefaultModelMonitor
from plimsoll.sdk.model_monitor._execution import MonitoringExecution
from plimsoll.sdk.model_monitor._explainability import ModelExplainabilityMonitor
from plimsoll.sdk.model_monitor._model_monitor import ModelMonitor
from plimsoll.sdk.model_monitor._model_quality import ModelQualityMonitor
from plimsoll.sdk.model_monitor._monitoring_io import (
    BatchTransformInput,
    EndpointInput,
    MonitoringOutput,
)
from plimsoll.sdk.model_monitor.cron_expression_generator import CronExpressionGenerator
from plimsoll.sdk.model_monitor.data_capture_config import DataCaptureConfig
from plimsoll.sdk.model_monitor.data_quality_monitoring_config import (
    DataQualityDistributionConstraints,
    DataQualityMonitoringConfig,
)
from plimsoll.sdk.model_monitor.dataset_format import DatasetFormat, MonitoringDatasetFormat
from plimsoll.sdk.model_monitor.monitoring_files import (
    Constraints,
    ConstraintViolations,
    Statistics,
)

__all__ = [
    "BaseliningJob",
    "BatchTransformInput",
    "BiasAnalysisConfig",
    "ConstraintViolations",
    "Constraints",
    "CronExpressionGenerator",
    "DataCaptureConfig",
    "DataQualityDistributionConstraints",
    "DataQualityMonitoringConfig",
    "DatasetFormat",
    "DefaultModelMonitor",
    "EndpointInput",
    "ExplainabilityAnalysisConfig",
    "ModelBiasMonitor",
    "ModelExplainabilityMonitor",
    "ModelMonitor",
    "ModelQualityMonitor",
    "MonitoringDatasetFormat",
    "MonitoringExecution",
    "MonitoringOutput",
    "NetworkConfig",
    "Statistics",
]
