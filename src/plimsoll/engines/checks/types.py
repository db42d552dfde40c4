"""The checks engine's vocabulary: the constraints it evaluates and the violations it reports.

``ChecksConfig`` is the engine-level form of a data-quality ``constraints.json`` (build it
from a :class:`~plimsoll.engines.profile.ConstraintSuggestion` with
``checks_config_from_suggestion`` or from a file with
``plimsoll.compat.violations_file.checks_config_from_constraints``). Numbers inside violation
descriptions are printed the way the JVM analyzer prints doubles (``format_double``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from plimsoll.engines.profile import InferredType

logger = logging.getLogger(__name__)

__all__ = [
    "CategoricalDriftMethod",
    "CheckType",
    "ChecksConfig",
    "ComparisonMethod",
    "FeatureChecks",
    "Violation",
    "format_double",
]


class CheckType(StrEnum):
    """The six data-quality ``constraint_check_type`` values."""

    DATA_TYPE = "data_type_check"
    COMPLETENESS = "completeness_check"
    BASELINE_DRIFT = "baseline_drift_check"
    MISSING_COLUMN = "missing_column_check"
    EXTRA_COLUMN = "extra_column_check"
    CATEGORICAL_VALUES = "categorical_values_check"


class ComparisonMethod(StrEnum):
    """``distribution_constraints.comparison_method``."""

    ROBUST = "Robust"
    SIMPLE = "Simple"


class CategoricalDriftMethod(StrEnum):
    """``distribution_constraints.categorical_drift_method``."""

    LINFINITY = "LInfinity"
    CHI_SQUARED = "ChiSquared"


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One entry of ``constraint_violations.json``."""

    feature_name: str
    constraint_check_type: CheckType
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureChecks:
    """Constraints of one baseline feature (matched to the current data by position).

    Attributes:
        name: Baseline feature name (the violation's ``feature_name``).
        inferred_type: Expected data type.
        completeness: Minimum share of non-missing values; ``None`` = not checked.
        domains: Allowed values of a String feature; ``None`` = not checked.
        evaluate: ``False`` when a per-feature override disables its checks.
    """

    name: str
    inferred_type: InferredType
    completeness: float | None = None
    domains: tuple[str, ...] | None = None
    evaluate: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecksConfig:
    """Everything ``run_checks`` evaluates: per-feature constraints and ``monitoring_config``.

    Defaults are the values of SageMaker's real suggested constraints; the categorical
    threshold defaults to ``comparison_threshold`` when a file does not set it.
    """

    features: tuple[FeatureChecks, ...]
    evaluate_constraints: bool = True
    datatype_check_threshold: float = 1.0
    domain_content_threshold: float = 1.0
    perform_comparison: bool = True
    comparison_threshold: float = 0.1
    comparison_method: ComparisonMethod = ComparisonMethod.ROBUST
    categorical_comparison_threshold: float = 0.1
    categorical_drift_method: CategoricalDriftMethod = CategoricalDriftMethod.LINFINITY


def format_double(value: float) -> str:
    """A double as Java's ``Double.toString`` prints it (``100.0``, ``5.0E-4``, ``NaN``).

    Java uses plain notation for 1e-3 <= |x| < 1e7 and ``d.dddE±n`` otherwise; its
    shortest-digit algorithm (JDK 19+) gives the same digits as Python's ``repr``.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    parts = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in parts.digits)
    exponent = len(parts.digits) - 1 + int(parts.exponent)
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"
