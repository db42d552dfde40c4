"""The model-quality ``statistics.json`` document (spec §4.4) and the problem-type dispatch.

Layout: ``{"version": 0.0, "dataset": {"item_count", "evaluation_time"},
"<problem>_metrics": {...}}``. ``confusion_matrix`` comes first; for binary classification the
two curves sit between ``false_negative_rate`` and ``auc`` (AWS documentation order). NaN and
infinities are written as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` (Jackson's
spelling, as in ``"standard_deviation": "NaN"``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy.typing as npt

from plimsoll.engines.model_quality.binary import binary_classification_metrics
from plimsoll.engines.model_quality.curves import DEFAULT_CURVE_BINS
from plimsoll.engines.model_quality.java_double import json_number
from plimsoll.engines.model_quality.multiclass import multiclass_classification_metrics
from plimsoll.engines.model_quality.regression import regression_metrics
from plimsoll.engines.model_quality.result import ModelQualityResult, ProblemType
from plimsoll.errors import ValidationError

__all__ = ["evaluate_model_quality", "statistics_document"]


def _evaluation_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValidationError("evaluation_time must be timezone-aware.")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _metrics_body(result: ModelQualityResult) -> dict[str, object]:
    body: dict[str, object] = {}
    if result.confusion_matrix is not None:
        body["confusion_matrix"] = result.confusion_matrix.to_dict()
    for name, metric in result.metrics.items():
        if name == "auc" and result.roc_curve is not None:
            body["receiver_operating_characteristic_curve"] = {
                "false_positive_rates": [
                    json_number(v) for v in result.roc_curve.false_positive_rates
                ],
                "true_positive_rates": [
                    json_number(v) for v in result.roc_curve.true_positive_rates
                ],
            }
        if name == "auc" and result.precision_recall_curve is not None:
            body["precision_recall_curve"] = {
                "precisions": [json_number(v) for v in result.precision_recall_curve.precisions],
                "recalls": [json_number(v) for v in result.precision_recall_curve.recalls],
            }
        body[name] = {
            "value": json_number(metric.value),
            "standard_deviation": json_number(metric.standard_deviation),
        }
    return body


def statistics_document(
    result: ModelQualityResult, *, evaluation_time: datetime
) -> dict[str, object]:
    """The ``statistics.json`` content for one evaluation."""
    return {
        "version": 0.0,
        "dataset": {
            "item_count": result.item_count,
            "evaluation_time": _evaluation_time(evaluation_time),
        },
        f"{result.problem_type.section}_metrics": _metrics_body(result),
    }


def evaluate_model_quality(
    problem_type: ProblemType | str,
    ground_truth: npt.ArrayLike,
    *,
    predicted_label: npt.ArrayLike | None = None,
    probability: npt.ArrayLike | None = None,
    probability_threshold: float | None = None,
    seed: int = 0,
    curve_bins: int = DEFAULT_CURVE_BINS,
) -> ModelQualityResult:
    """The metrics of ``problem_type`` (``"BinaryClassification"`` etc.) for one dataset."""
    try:
        kind = ProblemType(problem_type)
    except ValueError:
        allowed = ", ".join(p.value for p in ProblemType)
        raise ValidationError(
            f"problem_type must be one of {allowed}, got {problem_type!r}."
        ) from None
    if kind is ProblemType.BINARY_CLASSIFICATION:
        return binary_classification_metrics(
            ground_truth,
            predicted_label,
            probability,
            probability_threshold=probability_threshold,
            seed=seed,
            curve_bins=curve_bins,
        )
    if predicted_label is None:
        raise ValidationError(f"{kind.value} needs predictions (inference_attribute).")
    if kind is ProblemType.MULTICLASS_CLASSIFICATION:
        return multiclass_classification_metrics(ground_truth, predicted_label, seed=seed)
    return regression_metrics(ground_truth, predicted_label, seed=seed)
