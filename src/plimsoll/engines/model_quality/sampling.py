"""Standard deviations of metrics from random subsamples (spec §4.4).

The analyzer reports a ``standard_deviation`` only for >= 200 rows, "computed from 5 random
80 % subsamples". Estimator used here: each subsample draws exactly ``floor(0.8 * n)`` distinct
rows (numpy ``default_rng(seed).choice(..., replace=False)``); a metric's standard deviation is
``np.std(values, ddof=1)`` over its 5 subsample values (Spark's ``stddev``, the sample
standard deviation). A NaN in any subsample value gives NaN. The service's own random draws
are unknowable, so its standard deviations can only be matched in magnitude, not digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping

import numpy as np
import numpy.typing as npt

from plimsoll.engines.model_quality.result import Metric

__all__ = [
    "MIN_ITEMS_FOR_STANDARD_DEVIATION",
    "SUBSAMPLE_COUNT",
    "SUBSAMPLE_FRACTION",
    "Evaluate",
    "evaluate_with_deviation",
    "standard_deviations",
    "subsample_masks",
]

Evaluate = Callable[[npt.NDArray[np.bool_] | None], Mapping[str, float]]
"""Metric values over all rows (``None``) or over the rows of a mask."""

MIN_ITEMS_FOR_STANDARD_DEVIATION = 200
SUBSAMPLE_COUNT = 5
SUBSAMPLE_FRACTION = 0.8


def subsample_masks(item_count: int, seed: int) -> Iterator[npt.NDArray[np.bool_]]:
    """The 5 subsample row masks, each selecting ``floor(0.8 * item_count)`` rows."""
    rng = np.random.default_rng(seed)
    size = int(item_count * SUBSAMPLE_FRACTION)
    for _ in range(SUBSAMPLE_COUNT):
        mask = np.zeros(item_count, dtype=np.bool_)
        mask[rng.choice(item_count, size=size, replace=False)] = True
        yield mask


def standard_deviations(
    item_count: int,
    seed: int,
    evaluate: Evaluate,
) -> dict[str, float]:
    """Per metric name, the sample standard deviation of ``evaluate`` over the subsamples.

    Below ``MIN_ITEMS_FOR_STANDARD_DEVIATION`` rows ``evaluate`` is not called and every
    value is NaN (the caller fills them in for its own names).
    """
    if item_count < MIN_ITEMS_FOR_STANDARD_DEVIATION:
        return {}
    runs = [evaluate(mask) for mask in subsample_masks(item_count, seed)]
    result: dict[str, float] = {}
    for name in runs[0]:
        values = np.asarray([run[name] for run in runs], dtype=np.float64)
        result[name] = math.nan if np.isnan(values).any() else float(np.std(values, ddof=1))
    return result


def evaluate_with_deviation(item_count: int, seed: int, evaluate: Evaluate) -> dict[str, Metric]:
    """Every metric of ``evaluate`` on all rows, with its subsample standard deviation."""
    values = evaluate(None)
    deviations = standard_deviations(item_count, seed, evaluate)
    return {
        name: Metric(value=float(value), standard_deviation=deviations.get(name, math.nan))
        for name, value in values.items()
    }
