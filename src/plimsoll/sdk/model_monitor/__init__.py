"""Model Monitor classes of the facade (``sagemaker.model_monitor``).

Import them from ``plimsoll.model_monitor``; each is defined once in a module of this package.
"""

from __future__ import annotations

from plimsoll.sdk.model_monitor.cron_expression_generator import CronExpressionGenerator
from plimsoll.sdk.model_monitor.data_capture_config import DataCaptureConfig
from plimsoll.sdk.model_monitor.dataset_format import DatasetFormat, MonitoringDatasetFormat

__all__ = [
    "CronExpressionGenerator",
    "DataCaptureConfig",
    "DatasetFormat",
    "MonitoringDatasetFormat",
]
