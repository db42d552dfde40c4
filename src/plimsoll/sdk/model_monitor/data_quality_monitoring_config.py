"""Mirrors `sagemaker.model_monitor.data_quality_monitoring_config`: baseline overrides.

Only the categorical drift method of the suggested constraints' ``monitoring_config`` can be
overridden (it becomes the analyzer's ``categorical_drift_method`` environment variable).
"""

from __future__ import annotations

__all__ = [
    "CHI_SQUARED_METHOD",
    "L_INFINITY_METHOD",
    "DataQualityDistributionConstraints",
    "DataQualityMonitoringConfig",
]

CHI_SQUARED_METHOD = "ChiSquared"
L_INFINITY_METHOD = "LInfinity"


class DataQualityDistributionConstraints:
    """Mirrors `sagemaker.model_monitor.DataQualityDistributionConstraints`.

    Args:
        categorical_drift_method: ``ChiSquared`` or ``LInfinity``; None keeps the default.
    """

    def __init__(self, categorical_drift_method: str | None = None) -> None:
        self.categorical_drift_method = categorical_drift_method

    @staticmethod
    def valid_distribution_constraints(
        distribution_constraints: DataQualityDistributionConstraints | None,
    ) -> bool:
        """True when absent or when its drift method is valid."""
        if not distribution_constraints:
            return True
        return DataQualityDistributionConstraints.valid_categorical_drift_method(
            distribution_constraints.categorical_drift_method
        )

    @staticmethod
    def valid_categorical_drift_method(categorical_drift_method: str | None) -> bool:
        """True when absent or one of ``ChiSquared`` and ``LInfinity``."""
        if not categorical_drift_method:
            return True
        return categorical_drift_method in (CHI_SQUARED_METHOD, L_INFINITY_METHOD)


class DataQualityMonitoringConfig:
    """Mirrors `sagemaker.model_monitor.DataQualityMonitoringConfig`.

    Args:
        distribution_constraints: The drift settings to override.
    """

    def __init__(
        self, distribution_constraints: DataQualityDistributionConstraints | None = None
    ) -> None:
        self.distribution_constraints = distribution_constraints

    @staticmethod
    def valid_monitoring_config(monitoring_config: DataQualityMonitoringConfig | None) -> bool:
        """True when absent or when its distribution constraints are valid."""
        if not monitoring_config:
            return True
        return DataQualityDistributionConstraints.valid_distribution_constraints(
            monitoring_config.distribution_constraints
        )
