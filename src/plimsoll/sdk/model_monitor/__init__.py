"""Model Monitor classes of the facade (``sagemaker.model_monitor``).

Import them from ``plimsoll.model_monitor``; each is defined once in a module of this package.
"""

from __future__ import annotations

from plimsoll.sdk.model_monitor._baselining import BaseliningJob
from plimsoll.sdk.model_monitor._default import DefaultModelMonitor
from plimsoll.sdk.model_monitor.cron_expression_generator import CronExpressionGenerator
from plimsoll.sdk.model_monitor.data_capture_config import DataCaptureConfig
from plimsoll.sdk.model_monitor.dataset_format import DatasetFormat, MonitoringDatasetFormat
from plimsoll.sdk.model_monitor.monitoring_files import (
    Constraints,
    ConstraintViolations,
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
