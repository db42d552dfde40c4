"""``BinaryClassification`` metrics (spec §4.4), formulas matched to the churn reference.

Inputs (decided from the SDK docs, the churn notebook and the Clarify convention):

* ``predicted_label`` (``inference_attribute``) is used as given when present;
* otherwise the label is derived from ``probability`` (``probability_attribute``):
  ``"1"`` when probability > ``probability_threshold`` (``probability_threshold_attribute``,
  default 0.5), else ``"0"`` (the churn baseline's ``prediction`` column is exactly
  probability > 0.8);
* ``probability`` also scores the ROC/PR curves and AUC (the reference AUC 0.9395 needs the
  probabilities; the hard labels give 0.786). Without it the predicted labels (1.0 for the
  positive label, else 0.0) are the scores.

Positive label: ``positive_label`` when given, else ``"1"`` for 0/1 labels, ``"true"`` for
booleans, else the last label in label order; the positive label may be absent (a window of
only "0"). At most two distinct labels may appear (ground truth and predictions together).
``false_negative_rate`` is ``1 - recall`` and ``true_negative_rate`` is ``1 - false_positive_rate``,
as the service's digits show (``0.4285714285714286``).
Best constant classifier: always predict the majority ground-truth class of the (sub)sample
(real churn output: accuracy 0.860697 = 173/201, recall 0); ties go to the first label in
label order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from plimsoll.engines.model_quality.curves import (
    DEFAULT_CURVE_BINS,
    ScoreOrder,
    area_under_roc,
    curves,
)
from plimsoll.engines.model_quality.labels import (
    EncodedLabels,
    canonical_labels,
    encode_labels,
    labels_from_probabilities,
    validated_probabilities,
)
from plimsoll.engines.model_quality.rates import F_BETAS, f_beta, ratio
from plimsoll.engines.model_quality.result import (
    ConfusionMatrix,
    ModelQualityResult,
    ProblemType,
)
from plimsoll.engines.model_quality.sampling import evaluate_with_deviation
from plimsoll.errors import ValidationError

__all__ = ["binary_classification_metrics"]

DEFAULT_PROBABILITY_THRESHOLD = 0.5
_BCC = "_best_constant_classifier"


def _rates(tp: float, fp: float, fn: float, tn: float) -> dict[str, float]:
    recall = ratio(tp, tp + fn)
    precision = ratio(tp, tp + fp)
    false_positive_rate = ratio(fp, fp + tn)
    values = {
        "recall": recall,
        "precision": precision,
        "accuracy": ratio(tp + tn, tp + fp + fn + tn),
        "true_positive_rate": recall,
        "true_negative_rate": 1.0 - false_positive_rate,
        "false_positive_rate": false_positive_rate,
        "false_negative_rate": 1.0 - recall,
    }
    for name, beta in F_BETAS:
        values[name] = f_beta(precision, recall, beta)
    return values


def _evaluate(
    encoded: EncodedLabels,
    positive: int | None,
    order: ScoreOrder,
    mask: npt.NDArray[np.bool_] | None,
) -> dict[str, float]:
    counts = encoded.confusion_counts(mask).astype(np.float64)
    total = float(counts.sum())
    if positive is None:
        tp = fn = fp = 0.0
    else:
        tp = float(counts[positive, positive])
        fn = float(counts[positive].sum()) - tp
        fp = float(counts[:, positive].sum()) - tp
    model = _rates(tp, fp, fn, total - tp - fn - fp)
    actual_positive = tp + fn
    majority = int(np.argmax(counts.sum(axis=1)))
    if positive is not None and majority == positive:
        constant = _rates(actual_positive, total - actual_positive, 0.0, 0.0)
    else:
        constant = _rates(0.0, 0.0, actual_positive, total - actual_positive)
    auc = area_under_roc(order if mask is None else order.subsample(mask))
    names_with_constant = ("recall", "precision", "accuracy")
    values = {name: model[name] for name in names_with_constant}
    values.update({name + _BCC: constant[name] for name in names_with_constant})
    for name in ("true_positive_rate", "true_negative_rate", "false_positive_rate"):
        values[name] = model[name]
    values["false_negative_rate"] = model["false_negative_rate"]
    values["auc"] = auc
    values.update({name: model[name] for name, _ in F_BETAS})
    values.update({name + _BCC: constant[name] for name, _ in F_BETAS})
    return values


def _positive_code(labels: tuple[str, ...], positive_label: object | None) -> int | None:
    if positive_label is not None:
        wanted = str(
            canonical_labels(np.asarray([positive_label], dtype=object), name="positive_label")[0]
        )
    elif set(labels) <= {"0", "1"}:
        wanted = "1"
    elif set(labels) <= {"false", "true"}:
        wanted = "true"
    else:
        wanted = labels[-1]
    return labels.index(wanted) if wanted in labels else None


def _predicted(
    count: int,
    predicted_label: npt.ArrayLike | None,
    probabilities: npt.NDArray[np.float64] | None,
    threshold: float | None,
) -> npt.NDArray[np.str_]:
    if predicted_label is not None:
        predicted = canonical_labels(predicted_label, name="predicted label")
    elif probabilities is not None:
        cut = DEFAULT_PROBABILITY_THRESHOLD if threshold is None else float(threshold)
        predicted = labels_from_probabilities(probabilities, cut)
    else:
        raise ValidationError(
            "BinaryClassification needs predicted labels (inference_attribute) or "
            "probabilities (probability_attribute)."
        )
    if predicted.size != count:
        raise ValidationError(
            f"ground truth has {count} rows but predictions have {predicted.size}."
        )
    return predicted


def binary_classification_metrics(
    ground_truth: npt.ArrayLike,
    predicted_label: npt.ArrayLike | None = None,
    probability: npt.ArrayLike | None = None,
    *,
    probability_threshold: float | None = None,
    positive_label: object | None = None,
    seed: int = 0,
    curve_bins: int = DEFAULT_CURVE_BINS,
) -> ModelQualityResult:
    """Every ``binary_classification_metrics`` entry for one dataset."""
    actual = canonical_labels(ground_truth, name="ground truth")
    if actual.size == 0:
        raise ValidationError("no rows to evaluate: the dataset is empty.")
    probabilities = None
    if probability is not None:
        probabilities = validated_probabilities(probability, name="probability")
        if probabilities.size != actual.size:
            raise ValidationError(
                f"ground truth has {actual.size} rows but probabilities have {probabilities.size}."
            )
    predicted = _predicted(actual.size, predicted_label, probabilities, probability_threshold)
    encoded = encode_labels(actual, predicted)
    if len(encoded.labels) > 2:
        shown = ", ".join(encoded.labels[:10])
        raise ValidationError(
            f"BinaryClassification needs at most two labels, found {len(encoded.labels)}: {shown}."
        )
    positive = _positive_code(encoded.labels, positive_label)
    is_positive = encoded.actual == positive
    scores = (
        probabilities
        if probabilities is not None
        else (encoded.predicted == positive).astype(np.float64)
    )
    order = ScoreOrder.of(scores, is_positive)
    metrics = evaluate_with_deviation(
        actual.size, seed, lambda mask: _evaluate(encoded, positive, order, mask)
    )
    roc, pr = curves(order, bins=curve_bins)
    return ModelQualityResult(
        problem_type=ProblemType.BINARY_CLASSIFICATION,
        item_count=int(actual.size),
        metrics=metrics,
        confusion_matrix=ConfusionMatrix(labels=encoded.labels, counts=encoded.confusion_counts()),
        roc_curve=roc,
        precision_recall_curve=pr,
    )
