"""SageMaker's path ``sagemaker.model_monitor.dataset_format`` -> this module."""

from __future__ import annotations

from plimsoll.sdk.model_monitor.dataset_format import DatasetFormat, MonitoringDatasetFormat

__all__ = ["DatasetFormat", "MonitoringDatasetFormat"]
