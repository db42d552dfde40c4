"""Categorical drift by Pearson's chi-squared test (Deequ ``categoricalDistance`` ChiSquared).

Expected counts are the baseline frequencies rescaled to the current total, over the
baseline's categories only. Small expected categories are merged (smallest into the
second smallest) until Cochran's rule holds: every expected count >= 10 for 2 categories,
at most 20 % of expected counts < 5 otherwise. Fewer than 2 categories gives NaN (no
check). The value is the p-value; a violation is a p-value *below*
``categorical_comparison_threshold`` (SageMaker's direction is undocumented [INFERRED]).
"""

from __future__ import annotations

import logging
import math

from plimsoll.engines.checks.categorical import Counts
from plimsoll.engines.checks.stattest import StatTest, register_stattest
from plimsoll.engines.checks.types import ComparisonMethod
from plimsoll.engines.profile import InferredType

logger = logging.getLogger(__name__)

__all__ = ["CATEGORICAL_CHI_SQUARED", "chi_squared_p_value", "chi_squared_sf"]


def chi_squared_sf(statistic: float, df: int) -> float:
    """Survival function of the chi-squared distribution with integer ``df`` >= 1."""
    if statistic <= 0:
        return 1.0
    half = statistic / 2.0
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, df // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    total = math.erfc(math.sqrt(half))
    term = math.sqrt(half) / math.gamma(1.5)
    for i in range(1, (df - 1) // 2 + 1):
        total += math.exp(-half) * term
        term *= half / (i + 0.5)
    return min(1.0, total)


def _merge_small(pairs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Merges (expected, observed) cells until the expected counts are large enough."""
    cells = sorted(pairs)
    while len(cells) >= 2:
        small = sum(1 for e, _ in cells if e < 5)
        if len(cells) == 2 and all(e >= 10 for e, _ in cells):
            break
        if len(cells) > 2 and small <= 0.2 * len(cells):
            break
        (e1, o1), (e2, o2) = cells[0], cells[1]
        cells = sorted([(e1 + e2, o1 + o2), *cells[2:]])
    return cells


def chi_squared_p_value(baseline: Counts, current: Counts, method: ComparisonMethod) -> float:
    """p-value of the current counts against the baseline frequencies; NaN when undefined."""
    del method  # the p-value is reported in both comparison modes
    n = float(sum(baseline.values()))
    m = float(sum(current.get(c, 0) for c in baseline))
    if n == 0 or m == 0:
        return math.nan
    pairs = [(count * m / n, float(current.get(c, 0))) for c, count in baseline.items()]
    cells = _merge_small(pairs)
    if len(cells) < 2:
        return math.nan
    statistic = sum((o - e) ** 2 / e for e, o in cells if e > 0)
    return chi_squared_sf(statistic, len(cells) - 1)


CATEGORICAL_CHI_SQUARED: StatTest[Counts] = register_stattest(
    StatTest(
        id="categorical_chi_squared",
        column_types=frozenset({InferredType.STRING}),
        default_threshold=0.1,
        higher_is_drift=False,
        func=chi_squared_p_value,
    )
)
