"""Data-quality checks engine: constraints + current profile -> constraint violations."""

from __future__ import annotations

from plimsoll.engines.checks.stattest import StatTest, get_stattest, register_stattest
from plimsoll.engines.checks.types import (
    CategoricalDriftMethod,
    ChecksConfig,
    CheckType,
    ComparisonMethod,
    FeatureChecks,
    Violation,
    format_double,
)
from plimsoll.engines.checks.violations import checks_config_from_suggestion, run_checks

__all__ = [
    "CategoricalDriftMethod",
    "CheckType",
    "ChecksConfig",
    "ComparisonMethod",
    "FeatureChecks",
    "StatTest",
    "Violation",
    "checks_config_from_suggestion",
    "format_double",
    "get_stattest",
    "register_stattest",
    "run_checks",
]
