"""``Regression`` metrics (spec §4.4): mae, mse, rmse, r2, as Spark MLlib ``RegressionMetrics``.

``r2 = 1 - SS_res / SS_tot``; when the ground truth is constant (SS_tot = 0) r2 is undefined
and reported as NaN (``"NaN"`` in JSON), which never raises a violation. Ground truth and
predictions must be finite numbers.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from plimsoll.engines.model_quality.result import ModelQualityResult, ProblemType
from plimsoll.engines.model_quality.sampling import evaluate_with_deviation
from plimsoll.errors import ValidationError

__all__ = ["regression_metrics"]


def _numbers(values: npt.ArrayLike, *, name: str) -> npt.NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be numbers for Regression: {exc}") from exc
    if array.ndim != 1:
        raise ValidationError(f"{name} must be one-dimensional, got shape {array.shape}.")
    bad = int(np.count_nonzero(~np.isfinite(array)))
    if bad:
        raise ValidationError(f"{name} has {bad} missing or non-finite value(s) of {array.size}.")
    return array


def _evaluate(
    actual: npt.NDArray[np.float64],
    predicted: npt.NDArray[np.float64],
    mask: npt.NDArray[np.bool_] | None,
) -> dict[str, float]:
    if mask is not None:
        actual, predicted = actual[mask], predicted[mask]
    errors = actual - predicted
    mse = float(np.mean(errors * errors))
    deviations = actual - np.mean(actual)
    total = float(np.dot(deviations, deviations))
    residual = float(np.dot(errors, errors))
    return {
        "mae": float(np.mean(np.abs(errors))),
        "mse": mse,
        "rmse": math.sqrt(mse),
        "r2": 1.0 - residual / total if total > 0 else math.nan,
    }


def regression_metrics(
    ground_truth: npt.ArrayLike, prediction: npt.ArrayLike, *, seed: int = 0
) -> ModelQualityResult:
    """Every ``regression_metrics`` entry for one dataset."""
    actual = _numbers(ground_truth, name="ground truth")
    predicted = _numbers(prediction, name="prediction")
    if actual.size == 0:
        raise ValidationError("no rows to evaluate: the dataset is empty.")
    if predicted.size != actual.size:
        raise ValidationError(
            f"ground truth has {actual.size} rows but predictions have {predicted.size}."
        )
    metrics = evaluate_with_deviation(
        actual.size, seed, lambda mask: _evaluate(actual, predicted, mask)
    )
    return ModelQualityResult(
        problem_type=ProblemType.REGRESSION, item_count=int(actual.size), metrics=metrics
    )
