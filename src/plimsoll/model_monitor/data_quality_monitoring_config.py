"""SageMaker's path ``sagemaker.model_monitor.data_quality_monitoring_config`` -> this module."""

from __future__ import annotations

from plimsoll.sdk.model_monitor.data_quality_monitoring_config import (
    CHI_SQUARED_METHOD,
    L_INFINITY_METHOD,
    DataQualityDistributionConstraints,
    DataQualityMonitoringConfig,
)

__all__ = [
    "CHI_SQUARED_METHOD",
    "L_INFINITY_METHOD",
    "DataQualityDistributionConstraints",
    "DataQualityMonitoringConfig",
]
