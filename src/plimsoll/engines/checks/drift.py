"""Numerical baseline drift: Deequ's ``numericalDistance`` between two KLL sketches.

Each sketch is its retained items by level (an item on level i weighs 2^i), as
``NumericSummary.sketch_levels`` holds them and statistics.json stores them. The CDF of a
sketch at x is the weight of items <= x over the total weight; the distance is the largest
CDF gap over the union of items (the two-sample Kolmogorov-Smirnov statistic). ``Robust``
subtracts the KS critical value ``1.8 * sqrt((n + m) / (n * m))`` (floored at 0),
``Simple`` does not. A violation is a distance above ``comparison_threshold``.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import numpy.typing as npt

from plimsoll.engines.checks.stattest import StatTest, register_stattest
from plimsoll.engines.checks.types import (
    ChecksConfig,
    CheckType,
    ComparisonMethod,
    FeatureChecks,
    Violation,
    format_double,
)
from plimsoll.engines.profile import ColumnResult, InferredType

logger = logging.getLogger(__name__)

__all__ = [
    "KS_CRITICAL_FACTOR",
    "NUMERICAL_LINF",
    "Levels",
    "check_numerical_drift",
    "drift_description",
    "kll_distance",
    "low_sample_correction",
]

KS_CRITICAL_FACTOR = 1.8

Levels = tuple[tuple[float, ...], ...]


def low_sample_correction(n: float, m: float) -> float:
    """The KS critical value Deequ subtracts in ``Robust`` mode."""
    return KS_CRITICAL_FACTOR * math.sqrt((n + m) / (n * m))


def _cdf_points(levels: Levels) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Sorted items and the cumulative weight up to and including each (prefixed by 0)."""
    items = np.array([x for level in levels for x in level], dtype=np.float64)
    weights = np.array([2.0**i for i, level in enumerate(levels) for _ in level], dtype=np.float64)
    order = np.argsort(items, kind="stable")
    cumulative = np.concatenate(([0.0], np.cumsum(weights[order])))
    return items[order], cumulative


def kll_distance(baseline: Levels, current: Levels, method: ComparisonMethod) -> float:
    """L-infinity distance between the CDFs of two KLL sketches; NaN when one is empty."""
    xb, cb = _cdf_points(baseline)
    xc, cc = _cdf_points(current)
    n, m = float(cb[-1]), float(cc[-1])
    if n == 0 or m == 0:
        return math.nan
    union = np.union1d(xb, xc)
    rank_b = cb[np.searchsorted(xb, union, side="right")]
    rank_c = cc[np.searchsorted(xc, union, side="right")]
    # |rank_b/n - rank_c/m| over one division: exact for integral weights.
    simple = float(np.max(np.abs(rank_b * m - rank_c * n))) / (n * m)
    if method is ComparisonMethod.SIMPLE:
        return simple
    return max(0.0, simple - low_sample_correction(n, m))


NUMERICAL_LINF: StatTest[Levels] = register_stattest(
    StatTest(
        id="numerical_linf",
        column_types=frozenset({InferredType.INTEGRAL, InferredType.FRACTIONAL}),
        default_threshold=0.1,
        higher_is_drift=True,
        func=kll_distance,
    )
)


def drift_description(distance: float, threshold: float) -> str:
    """``baseline_drift_check`` text; AWS's notebooks parse ``distance: <d> exceeds``."""
    return (
        f"Baseline drift distance: {format_double(distance)} exceeds threshold: "
        f"{format_double(threshold)}"
    )


def check_numerical_drift(
    feature: FeatureChecks,
    baseline: ColumnResult | None,
    current: ColumnResult,
    config: ChecksConfig,
) -> Violation | None:
    """``baseline_drift_check`` of a numeric feature, or ``None`` when within threshold.

    Needs both columns' sketches; a feature without a baseline sketch (no baseline
    statistics) or a current column that is not numeric is not compared.
    """
    if baseline is None or baseline.numeric is None or current.numeric is None:
        return None
    distance = NUMERICAL_LINF.func(
        baseline.numeric.sketch_levels, current.numeric.sketch_levels, config.comparison_method
    )
    logger.debug("drift of %s: %s", feature.name, distance)
    if not NUMERICAL_LINF.drifted(distance, config.comparison_threshold):
        return None
    return Violation(
        feature_name=feature.name,
        constraint_check_type=CheckType.BASELINE_DRIFT,
        description=drift_description(distance, config.comparison_threshold),
    )
