"""Ratios of counts with the analyzer's zero-denominator rule, and the F-beta score.

A ratio with a zero denominator is 0.0: the churn baseline reports
``precision_best_constant_classifier`` 0 for a constant classifier that predicts no positive
(Spark MLlib ``MulticlassMetrics`` does the same). F-beta is computed from precision and recall
as ``(1 + b^2) P R / (b^2 P + R)`` (0.0 when P + R is 0), which reproduces the service's f1
and f2 digits (``0.19512195121951217``) where the count formula gives ``0.1951219512195122``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["F_BETAS", "f_beta", "f_beta_array", "ratio", "ratio_array"]

F_BETAS: tuple[tuple[str, float], ...] = (("f0_5", 0.5), ("f1", 1.0), ("f2", 2.0))
"""Metric name suffixes and their beta."""


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else 0.0


def f_beta(precision: float, recall: float, beta: float) -> float:
    squared = beta * beta
    denominator = squared * precision + recall
    return (1.0 + squared) * precision * recall / denominator if denominator != 0 else 0.0


def ratio_array(
    numerator: npt.NDArray[np.float64], denominator: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


def f_beta_array(
    precision: npt.NDArray[np.float64], recall: npt.NDArray[np.float64], beta: float
) -> npt.NDArray[np.float64]:
    squared = beta * beta
    return ratio_array((1.0 + squared) * precision * recall, squared * precision + recall)
