"""ROC and precision-recall curves and AUC, as Spark MLlib's ``BinaryClassificationMetrics``.

The service's curves have that class's shape (the AWS example: ROC starts at (0, 0), one point
per distinct score threshold in descending order, ends at (1, 1); the PR curve starts at
(recall 0, precision of the first point)). A point at threshold t counts rows with score >= t
as predicted positive. AUC is the trapezoidal area under the full ROC curve, summed left to
right as Spark does (this reproduces the churn baseline's 0.9395127993393898 to the last digit).
Zero denominators follow Spark: recall and false-positive rate 0.0, precision 1.0. With one
class only (no positives or no negatives) AUC is undefined and reported as NaN.

Curves for plotting are down-sampled like Spark's ``numBins``: with ``bins`` > 0 and at least
``2 * bins`` distinct thresholds, consecutive thresholds are grouped in chunks of
``count // bins`` and each chunk keeps its last point; fewer thresholds are kept as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from plimsoll.engines.model_quality.result import PrecisionRecallCurve, RocCurve

__all__ = ["DEFAULT_CURVE_BINS", "ScoreOrder", "area_under_roc", "curves"]

DEFAULT_CURVE_BINS = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreOrder:
    """Scores sorted descending once, with the rows' positive flags in the same order."""

    scores: npt.NDArray[np.float64]
    positive: npt.NDArray[np.bool_]
    order: npt.NDArray[np.intp]

    @classmethod
    def of(cls, scores: npt.NDArray[np.float64], positive: npt.NDArray[np.bool_]) -> ScoreOrder:
        order = np.argsort(-scores, kind="stable")
        return cls(scores=scores[order], positive=positive[order], order=order)

    def subsample(self, mask: npt.NDArray[np.bool_]) -> ScoreOrder:
        """The rows of ``mask`` (a row mask in the original order), still sorted."""
        keep = mask[self.order]
        return ScoreOrder(scores=self.scores[keep], positive=self.positive[keep], order=self.order)


def _cumulative(order: ScoreOrder) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """True and false positives at each distinct threshold, highest threshold first."""
    scores = order.scores
    last = np.empty(scores.size, dtype=np.bool_)
    last[:-1] = scores[1:] != scores[:-1]
    last[-1:] = True
    true_positives = np.cumsum(order.positive, dtype=np.int64)[last]
    false_positives = np.cumsum(~order.positive, dtype=np.int64)[last]
    return true_positives.astype(np.float64), false_positives.astype(np.float64)


def _rate(count: npt.NDArray[np.float64], total: float) -> npt.NDArray[np.float64]:
    return count / total if total > 0 else np.zeros_like(count)


def area_under_roc(order: ScoreOrder) -> float:
    """Trapezoidal AUC of the ROC curve; NaN unless both classes are present."""
    if order.scores.size == 0:
        return math.nan
    true_positives, false_positives = _cumulative(order)
    positives, negatives = true_positives[-1], false_positives[-1]
    if positives == 0 or negatives == 0:
        return math.nan
    x = np.concatenate([[0.0], false_positives / negatives, [1.0]])
    y = np.concatenate([[0.0], true_positives / positives, [1.0]])
    trapezoids = (x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0
    return float(np.cumsum(trapezoids)[-1])  # cumsum adds left to right, like Spark


def _binned(size: int, bins: int) -> npt.NDArray[np.intp]:
    grouping = size // bins if bins > 0 else 0
    if grouping < 2:
        return np.arange(size)
    ends = np.arange(grouping - 1, size, grouping)
    if size % grouping:
        ends = np.append(ends, size - 1)
    return ends


def curves(
    order: ScoreOrder, *, bins: int = DEFAULT_CURVE_BINS
) -> tuple[RocCurve, PrecisionRecallCurve]:
    """The ROC and precision-recall curves (Spark ``roc()`` and ``pr()``)."""
    true_positives, false_positives = _cumulative(order)
    keep = _binned(true_positives.size, bins)
    true_positives, false_positives = true_positives[keep], false_positives[keep]
    positives = float(true_positives[-1]) if true_positives.size else 0.0
    negatives = float(false_positives[-1]) if false_positives.size else 0.0
    recalls = _rate(true_positives, positives)
    predicted = true_positives + false_positives
    precisions = np.divide(
        true_positives, predicted, out=np.ones_like(true_positives), where=predicted > 0
    )
    first_precision = float(precisions[0]) if precisions.size else 1.0
    roc = RocCurve(
        false_positive_rates=(0.0, *_rate(false_positives, negatives).tolist(), 1.0),
        true_positive_rates=(0.0, *recalls.tolist(), 1.0),
    )
    pr = PrecisionRecallCurve(
        precisions=(first_precision, *precisions.tolist()), recalls=(0.0, *recalls.tolist())
    )
    return roc, pr
