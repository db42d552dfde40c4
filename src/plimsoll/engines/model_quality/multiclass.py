"""``MulticlassClassification`` metrics (spec §4.4), as Spark MLlib ``MulticlassMetrics``.

Weighted metrics average the per-class value weighted by the class's ground-truth count
(classes only ever predicted weigh 0), which is scikit-learn's ``average="weighted"`` with
``zero_division=0``. Per-class F-beta comes from per-class precision and recall. The best
constant classifier always predicts the majority ground-truth class (ties: first label in
label order). Probabilities are not used for this problem type.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from plimsoll.engines.model_quality.labels import (
    EncodedLabels,
    canonical_labels,
    encode_labels,
)
from plimsoll.engines.model_quality.rates import F_BETAS, f_beta_array, ratio_array
from plimsoll.engines.model_quality.result import (
    ConfusionMatrix,
    ModelQualityResult,
    ProblemType,
)
from plimsoll.engines.model_quality.sampling import evaluate_with_deviation
from plimsoll.errors import ValidationError

__all__ = ["multiclass_classification_metrics"]

_BCC = "_best_constant_classifier"


def _weighted(counts: npt.NDArray[np.float64]) -> dict[str, float]:
    total = float(counts.sum())
    support = counts.sum(axis=1)
    hits = np.diagonal(counts)
    precision = ratio_array(hits, counts.sum(axis=0))
    recall = ratio_array(hits, support)
    weights = support / total
    values = {
        "accuracy": float(hits.sum() / total),
        "weighted_recall": float(np.dot(recall, weights)),
        "weighted_precision": float(np.dot(precision, weights)),
    }
    for name, beta in F_BETAS:
        values["weighted_" + name] = float(np.dot(f_beta_array(precision, recall, beta), weights))
    return values


def _evaluate(encoded: EncodedLabels, mask: npt.NDArray[np.bool_] | None) -> dict[str, float]:
    counts = encoded.confusion_counts(mask).astype(np.float64)
    support = counts.sum(axis=1)
    constant_counts = np.zeros_like(counts)
    constant_counts[:, int(np.argmax(support))] = support
    model = _weighted(counts)
    constant = _weighted(constant_counts)
    return {**model, **{name + _BCC: value for name, value in constant.items()}}


def multiclass_classification_metrics(
    ground_truth: npt.ArrayLike, predicted_label: npt.ArrayLike, *, seed: int = 0
) -> ModelQualityResult:
    """Every ``multiclass_classification_metrics`` entry for one dataset."""
    actual = canonical_labels(ground_truth, name="ground truth")
    if actual.size == 0:
        raise ValidationError("no rows to evaluate: the dataset is empty.")
    predicted = canonical_labels(predicted_label, name="predicted label")
    if predicted.size != actual.size:
        raise ValidationError(
            f"ground truth has {actual.size} rows but predictions have {predicted.size}."
        )
    encoded = encode_labels(actual, predicted)
    metrics = evaluate_with_deviation(actual.size, seed, lambda mask: _evaluate(encoded, mask))
    return ModelQualityResult(
        problem_type=ProblemType.MULTICLASS_CLASSIFICATION,
        item_count=int(actual.size),
        metrics=metrics,
        confusion_matrix=ConfusionMatrix(labels=encoded.labels, counts=encoded.confusion_counts()),
    )
