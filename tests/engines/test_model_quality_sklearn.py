"""Metric parity with scikit-learn on seeded random data, for every problem type."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from plimsoll.engines.model_quality import (
    binary_classification_metrics,
    multiclass_classification_metrics,
    regression_metrics,
)

TOL = 1e-12


def _binary_data(seed: int, rows: int = 600) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, rows)
    # rounded to create tied scores, which both libraries must group into one threshold
    probability = np.round(np.clip(0.35 * label + rng.random(rows) * 0.65, 0, 1), 2)
    return label, probability


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binary_metrics_match_sklearn(seed: int) -> None:
    label, probability = _binary_data(seed)
    predicted = (probability > 0.5).astype(np.int64)
    result = binary_classification_metrics(label, None, probability, probability_threshold=0.5)
    m = {name: metric.value for name, metric in result.metrics.items()}
    tn, fp, fn, tp = skm.confusion_matrix(label, predicted, labels=[0, 1]).ravel()
    expected = {
        "accuracy": skm.accuracy_score(label, predicted),
        "precision": skm.precision_score(label, predicted, zero_division=0),
        "recall": skm.recall_score(label, predicted, zero_division=0),
        "true_positive_rate": tp / (tp + fn),
        "true_negative_rate": tn / (tn + fp),
        "false_positive_rate": fp / (fp + tn),
        "false_negative_rate": fn / (fn + tp),
        "auc": skm.roc_auc_score(label, probability),
        "f0_5": skm.fbeta_score(label, predicted, beta=0.5),
        "f1": skm.f1_score(label, predicted),
        "f2": skm.fbeta_score(label, predicted, beta=2.0),
    }
    for name, value in expected.items():
        assert m[name] == pytest.approx(value, abs=TOL), name
    assert result.confusion_matrix is not None
    assert (
        result.confusion_matrix.counts.tolist() == skm.confusion_matrix(label, predicted).tolist()
    )


def test_best_constant_classifier_matches_sklearn_dummy_majority() -> None:
    label, probability = _binary_data(4)
    label = np.where(np.arange(label.size) % 3 == 0, 1, label)  # make 1 the majority
    result = binary_classification_metrics(label, (probability > 0.5).astype(int), probability)
    majority = np.full(label.size, np.bincount(label).argmax())
    for name, function in [
        ("accuracy", skm.accuracy_score),
        ("precision", lambda a, b: skm.precision_score(a, b, zero_division=0)),
        ("recall", skm.recall_score),
        ("f0_5", lambda a, b: skm.fbeta_score(a, b, beta=0.5, zero_division=0)),
        ("f1", lambda a, b: skm.f1_score(a, b, zero_division=0)),
        ("f2", lambda a, b: skm.fbeta_score(a, b, beta=2.0, zero_division=0)),
    ]:
        value = result.metrics[f"{name}_best_constant_classifier"].value
        assert value == pytest.approx(function(label, majority), abs=TOL), name


@pytest.mark.parametrize("seed", [5, 6])
def test_binary_curves_match_sklearn(seed: int) -> None:
    label, probability = _binary_data(seed, rows=300)
    result = binary_classification_metrics(label, None, probability, curve_bins=0)
    fpr, tpr, _ = skm.roc_curve(label, probability, drop_intermediate=False)
    assert result.roc_curve is not None and result.precision_recall_curve is not None
    # Spark's roc() appends (1, 1); sklearn's last point already is (1, 1)
    assert np.allclose(result.roc_curve.false_positive_rates[:-1], fpr, atol=TOL, rtol=0)
    assert np.allclose(result.roc_curve.true_positive_rates[:-1], tpr, atol=TOL, rtol=0)
    precision, recall, _ = skm.precision_recall_curve(label, probability)
    # sklearn: increasing thresholds then the (recall 0, precision 1) end point
    assert np.allclose(result.precision_recall_curve.precisions[1:], precision[:-1][::-1], atol=TOL)
    assert np.allclose(result.precision_recall_curve.recalls[1:], recall[:-1][::-1], atol=TOL)


def test_string_labels_with_an_explicit_positive_label_match_sklearn() -> None:
    rng = np.random.default_rng(7)
    label = rng.choice(["churn", "stay"], 250)
    predicted = np.where(rng.random(250) < 0.8, label, rng.choice(["churn", "stay"], 250))
    result = binary_classification_metrics(label, predicted, positive_label="churn")
    assert result.metrics["precision"].value == pytest.approx(
        skm.precision_score(label, predicted, pos_label="churn"), abs=TOL
    )
    assert result.metrics["recall"].value == pytest.approx(
        skm.recall_score(label, predicted, pos_label="churn"), abs=TOL
    )


@pytest.mark.parametrize("seed", [8, 9])
def test_multiclass_weighted_metrics_match_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    label = rng.choice(5, 700, p=[0.4, 0.25, 0.15, 0.15, 0.05])
    predicted = np.where(rng.random(700) < 0.6, label, rng.integers(0, 6, 700))  # 5: never true
    result = multiclass_classification_metrics(label, predicted)
    m = {name: metric.value for name, metric in result.metrics.items()}

    def weighted(function, actual, guess):  # type: ignore[no-untyped-def]
        return function(actual, guess, average="weighted", zero_division=0)

    majority = np.full(label.size, np.bincount(label).argmax())
    for suffix, actual_pred in [("", predicted), ("_best_constant_classifier", majority)]:
        assert m["accuracy" + suffix] == pytest.approx(
            skm.accuracy_score(label, actual_pred), abs=TOL
        )
        assert m["weighted_recall" + suffix] == pytest.approx(
            weighted(skm.recall_score, label, actual_pred), abs=TOL
        )
        assert m["weighted_precision" + suffix] == pytest.approx(
            weighted(skm.precision_score, label, actual_pred), abs=TOL
        )
        for name, beta in [("weighted_f0_5", 0.5), ("weighted_f1", 1.0), ("weighted_f2", 2.0)]:
            expected = skm.fbeta_score(
                label, actual_pred, beta=beta, average="weighted", zero_division=0
            )
            assert m[name + suffix] == pytest.approx(expected, abs=TOL), name + suffix
    assert result.confusion_matrix is not None
    assert result.confusion_matrix.labels == ("0", "1", "2", "3", "4", "5")
    assert (
        result.confusion_matrix.counts.tolist() == skm.confusion_matrix(label, predicted).tolist()
    )


@pytest.mark.parametrize("seed", [10, 11])
def test_regression_metrics_match_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    actual = rng.normal(3.0, 2.0, 500)
    predicted = actual + rng.normal(0.2, 1.0, 500)
    m = {
        name: metric.value for name, metric in regression_metrics(actual, predicted).metrics.items()
    }
    assert list(m) == ["mae", "mse", "rmse", "r2"]
    assert m["mae"] == pytest.approx(skm.mean_absolute_error(actual, predicted), abs=TOL)
    assert m["mse"] == pytest.approx(skm.mean_squared_error(actual, predicted), abs=TOL)
    assert m["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(actual, predicted)), abs=TOL)
    assert m["r2"] == pytest.approx(skm.r2_score(actual, predicted), abs=TOL)
