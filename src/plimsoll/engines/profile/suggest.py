"""Suggested data-quality constraints from a profile, as SageMaker's baseline job writes them.

Rules (real 2022 churn output shows exactly these; see spec §4.2 / §8):

* ``inferred_type`` = the observed type; ``completeness`` = 1.0 for complete columns and,
  for columns between 20 % and 100 % complete, Deequ's RetainCompletenessRule: the lower
  bound of the 95 % Wald interval of the observed share, rounded down to two decimals
  (0.98 observed over 1,000,000 rows suggests 0.97), so a window drawn from the same data
  does not fail the check by chance. Other columns keep the observed share.
* ``is_non_negative`` for numeric features = baseline minimum >= 0 (Deequ NonNegativeNumbersRule).
* ``domains`` for String features with at most ``DOMAIN_CARDINALITY_LIMIT`` distinct values
  (Deequ's histogram threshold) whose share of values seen exactly once is <= 10 %
  (Deequ CategoricalRangeRule), most frequent first. SageMaker shows domains only on String.
* ``monitoring_config`` = the defaults of the real suggestion (no categorical drift keys).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from plimsoll.engines.profile.columns import InferredType
from plimsoll.engines.profile.profile import ColumnResult, ProfileResult

logger = logging.getLogger(__name__)

__all__ = [
    "DOMAIN_CARDINALITY_LIMIT",
    "ConstraintSuggestion",
    "DistributionConstraints",
    "FeatureConstraint",
    "MonitoringConfig",
    "suggest_constraints",
]

DOMAIN_CARDINALITY_LIMIT = 120
_MAX_SINGLETON_RATIO = 0.1


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureConstraint:
    """Suggested checks for one feature; ``None`` fields are not written."""

    name: str
    inferred_type: InferredType
    completeness: float
    is_non_negative: bool | None = None
    domains: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DistributionConstraints:
    """``monitoring_config.distribution_constraints``."""

    perform_comparison: str = "Enabled"
    comparison_threshold: float = 0.1
    comparison_method: str = "Robust"
    categorical_comparison_threshold: float | None = None
    categorical_drift_method: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringConfig:
    """Global ``monitoring_config`` of constraints.json."""

    evaluate_constraints: str = "Enabled"
    emit_metrics: str = "Enabled"
    datatype_check_threshold: float = 1.0
    domain_content_threshold: float = 1.0
    distribution_constraints: DistributionConstraints = field(
        default_factory=DistributionConstraints
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstraintSuggestion:
    """The whole suggested constraints.json."""

    features: tuple[FeatureConstraint, ...]
    monitoring_config: MonitoringConfig = field(default_factory=MonitoringConfig)


def _domains(column: ColumnResult) -> tuple[str, ...] | None:
    string = column.string
    if column.inferred_type is not InferredType.STRING or string is None:
        return None
    counts = string.frequencies
    if not counts or len(counts) > DOMAIN_CARDINALITY_LIMIT:
        return None
    singletons = sum(1 for _, n in counts if n == 1)
    if singletons / len(counts) > _MAX_SINGLETON_RATIO:
        return None
    return tuple(value for value, _ in sorted(counts, key=lambda vc: (-vc[1], vc[0])))


def suggested_completeness(present: int, item_count: int) -> float:
    """Deequ's RetainCompletenessRule (Wald lower bound, z = 1.96, two decimals, down) for
    shares in (0.2, 1.0); the observed share otherwise."""
    if item_count == 0:
        return 0.0
    p = present / item_count
    if not 0.2 < p < 1.0:
        return p
    bound = p - 1.96 * math.sqrt(p * (1 - p) / item_count)
    return float(Decimal(bound).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def _feature(column: ColumnResult, item_count: int) -> FeatureConstraint:
    non_negative = None if column.numeric is None else column.numeric.min >= 0
    return FeatureConstraint(
        name=column.name,
        inferred_type=column.inferred_type,
        completeness=suggested_completeness(column.num_present, item_count),
        is_non_negative=non_negative,
        domains=_domains(column),
    )


def suggest_constraints(result: ProfileResult) -> ConstraintSuggestion:
    """Suggests baseline constraints the way SageMaker's analyzer does.

    Args:
        result: The finalized baseline profile.

    Returns:
        One :class:`FeatureConstraint` per column, in column order, plus default config.
    """
    return ConstraintSuggestion(
        features=tuple(_feature(c, result.item_count) for c in result.columns)
    )
