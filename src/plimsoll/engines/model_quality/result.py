"""What a model-quality evaluation produces: metrics with standard deviations, and tables."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

__all__ = [
    "ConfusionMatrix",
    "Metric",
    "ModelQualityResult",
    "PrecisionRecallCurve",
    "ProblemType",
    "RocCurve",
    "SCALAR_METRICS",
]


class ProblemType(StrEnum):
    """The analyzer's ``problem_type`` values."""

    BINARY_CLASSIFICATION = "BinaryClassification"
    MULTICLASS_CLASSIFICATION = "MulticlassClassification"
    REGRESSION = "Regression"

    @property
    def section(self) -> str:
        """The statistics.json / constraints.json key prefix, e.g. ``binary_classification``."""
        return {
            ProblemType.BINARY_CLASSIFICATION: "binary_classification",
            ProblemType.MULTICLASS_CLASSIFICATION: "multiclass_classification",
            ProblemType.REGRESSION: "regression",
        }[self]


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One scalar metric; ``standard_deviation`` is NaN when it was not estimated."""

    value: float
    standard_deviation: float = math.nan


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfusionMatrix:
    """Counts keyed actual (ground truth, rows) then predicted (columns), labels as strings."""

    labels: tuple[str, ...]
    counts: npt.NDArray[np.int64]

    def to_dict(self) -> dict[str, dict[str, int]]:
        """``{"<actual>": {"<predicted>": count}}`` in label order."""
        return {
            actual: {predicted: int(self.counts[i, j]) for j, predicted in enumerate(self.labels)}
            for i, actual in enumerate(self.labels)
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RocCurve:
    false_positive_rates: tuple[float, ...]
    true_positive_rates: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PrecisionRecallCurve:
    precisions: tuple[float, ...]
    recalls: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelQualityResult:
    """Metrics of one problem type in the analyzer's order (spec §4.4)."""

    problem_type: ProblemType
    item_count: int
    metrics: Mapping[str, Metric]
    confusion_matrix: ConfusionMatrix | None = None
    roc_curve: RocCurve | None = None
    precision_recall_curve: PrecisionRecallCurve | None = None


_BCC = "_best_constant_classifier"

SCALAR_METRICS: Mapping[ProblemType, tuple[str, ...]] = {
    ProblemType.BINARY_CLASSIFICATION: (
        "recall",
        "precision",
        "accuracy",
        "recall" + _BCC,
        "precision" + _BCC,
        "accuracy" + _BCC,
        "true_positive_rate",
        "true_negative_rate",
        "false_positive_rate",
        "false_negative_rate",
        "auc",
        "f0_5",
        "f1",
        "f2",
        "f0_5" + _BCC,
        "f1" + _BCC,
        "f2" + _BCC,
    ),
    ProblemType.MULTICLASS_CLASSIFICATION: (
        "accuracy",
        "weighted_recall",
        "weighted_precision",
        "weighted_f0_5",
        "weighted_f1",
        "weighted_f2",
        "accuracy" + _BCC,
        "weighted_recall" + _BCC,
        "weighted_precision" + _BCC,
        "weighted_f0_5" + _BCC,
        "weighted_f1" + _BCC,
        "weighted_f2" + _BCC,
    ),
    ProblemType.REGRESSION: ("mae", "mse", "rmse", "r2"),
}
"""The scalar (``value`` / ``standard_deviation``) metrics of each problem type, in order."""
