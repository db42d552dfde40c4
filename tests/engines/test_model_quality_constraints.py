"""Suggested constraints, violation checks, document layouts, formatting and bad input."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from plimsoll.engines.model_quality import (
    SCALAR_METRICS,
    ComparisonOperator,
    Constraint,
    ConstraintSet,
    Metric,
    ModelQualityResult,
    ProblemType,
    binary_classification_metrics,
    camel_case_metric,
    check_constraints,
    constraints_document,
    constraints_from_document,
    evaluate_model_quality,
    format_java_double,
    multiclass_classification_metrics,
    regression_metrics,
    statistics_document,
    suggest_constraints,
    violations_document,
)
from plimsoll.errors import ValidationError


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.092682820403929e-4, "5.092682820403929E-4"),
        (0.1, "0.1"),
        (1.0e7, "1.0E7"),
        (123.0, "123.0"),
        (0.001, "0.001"),
        (9999999.0, "9999999.0"),
        (-2.5e-5, "-2.5E-5"),
        (1.2345e20, "1.2345E20"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (0.4285714285714286, "0.4285714285714286"),
    ],
)
def test_java_double_format(value: float, text: str) -> None:
    assert format_java_double(value) == text


@pytest.mark.parametrize(
    ("name", "camel"),
    [
        ("true_positive_rate", "truePositiveRate"),
        ("auc", "auc"),
        ("f0_5", "f0_5"),
        ("weighted_f0_5", "weightedF0_5"),
        ("weighted_recall", "weightedRecall"),
        ("r2", "r2"),
    ],
)
def test_camel_case_metric_names(name: str, camel: str) -> None:
    assert camel_case_metric(name) == camel


def _result(problem_type: ProblemType, **values: float) -> ModelQualityResult:
    metrics = {
        name: Metric(value=0.5, standard_deviation=0.01) for name in SCALAR_METRICS[problem_type]
    }
    metrics.update(
        {name: Metric(value=v, standard_deviation=math.nan) for name, v in values.items()}
    )
    return ModelQualityResult(problem_type=problem_type, item_count=10, metrics=metrics)


def test_suggested_operators_per_problem_type() -> None:
    regression = suggest_constraints(_result(ProblemType.REGRESSION))
    assert [(c.metric, c.comparison_operator.value) for c in regression.constraints] == [
        ("mae", "GreaterThanThreshold"),
        ("mse", "GreaterThanThreshold"),
        ("rmse", "GreaterThanThreshold"),
        ("r2", "LessThanThreshold"),
    ]
    multiclass = suggest_constraints(_result(ProblemType.MULTICLASS_CLASSIFICATION))
    assert [c.metric for c in multiclass.constraints] == [
        "accuracy",
        "weighted_recall",
        "weighted_precision",
        "weighted_f0_5",
        "weighted_f1",
        "weighted_f2",
    ]
    assert {c.comparison_operator for c in multiclass.constraints} == {
        ComparisonOperator.LESS_THAN_THRESHOLD
    }
    binary = suggest_constraints(_result(ProblemType.BINARY_CLASSIFICATION, auc=math.nan))
    assert "auc" not in [c.metric for c in binary.constraints]  # NaN baselines are not suggested
    assert len(binary.constraints) == 10


def test_constraints_document_round_trips() -> None:
    suggested = suggest_constraints(_result(ProblemType.REGRESSION, r2=0.25))
    document = json.loads(json.dumps(constraints_document(suggested)))
    assert document["version"] == 0.0
    assert document["regression_constraints"]["r2"] == {
        "threshold": 0.25,
        "comparison_operator": "LessThanThreshold",
    }
    assert constraints_from_document(document) == suggested


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": 0.0}, "exactly one of"),
        (
            {
                "regression_constraints": {
                    "auc": {"threshold": 1, "comparison_operator": "LessThanThreshold"}
                }
            },
            "no metric 'auc'",
        ),
        (
            {"regression_constraints": {"mae": {"threshold": 1, "comparison_operator": "Bigger"}}},
            "comparison_operator",
        ),
        (
            {
                "regression_constraints": {
                    "mae": {"threshold": "x", "comparison_operator": "LessThanThreshold"}
                }
            },
            "must be a number",
        ),
        ({"regression_constraints": []}, "must be an object"),
    ],
)
def test_bad_constraints_documents_are_validation_errors(
    document: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        constraints_from_document(document)


def test_check_uses_strict_comparisons_and_never_flags_nan() -> None:
    constraints = ConstraintSet(
        problem_type=ProblemType.REGRESSION,
        constraints=(
            Constraint(
                metric="mae",
                threshold=1.0,
                comparison_operator=ComparisonOperator.GREATER_THAN_THRESHOLD,
            ),
            Constraint(
                metric="mse",
                threshold=1.0,
                comparison_operator=ComparisonOperator.GREATER_THAN_THRESHOLD,
            ),
            Constraint(
                metric="rmse",
                threshold=1.0,
                comparison_operator=ComparisonOperator.GREATER_THAN_THRESHOLD,
            ),
            Constraint(
                metric="r2",
                threshold=0.5,
                comparison_operator=ComparisonOperator.LESS_THAN_THRESHOLD,
            ),
        ),
    )
    current = _result(
        ProblemType.REGRESSION, mae=1.0, mse=1.0e7, rmse=math.nan, r2=5.092682820403929e-4
    )
    violations = check_constraints(current, constraints)  # Scala 2.12 HashMap order: mse, r2
    assert violations_document(violations) == {
        "violations": [
            {
                "constraint_check_type": "GreaterThanThreshold",
                "description": "Metric mse with 1.0E7 +/- NaN was GreaterThanThreshold '1.0'",
                "metric_name": "mse",
            },
            {
                "constraint_check_type": "LessThanThreshold",
                "description": (
                    "Metric r2 with 5.092682820403929E-4 +/- NaN was LessThanThreshold '0.5'"
                ),
                "metric_name": "r2",
            },
        ]
    }


def test_check_rejects_constraints_of_another_problem_type() -> None:
    constraints = suggest_constraints(_result(ProblemType.REGRESSION))
    with pytest.raises(ValidationError, match="constraints are for Regression"):
        check_constraints(_result(ProblemType.BINARY_CLASSIFICATION), constraints)


def test_binary_statistics_document_layout() -> None:
    label = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    probability = np.array([0.1, 0.9, 0.4, 0.3, 0.8, 0.6, 0.2, 0.7])
    result = binary_classification_metrics(label, None, probability, probability_threshold=0.5)
    when = datetime(2023, 3, 30, 21, 8, 34, 729000, tzinfo=UTC)
    document = json.loads(json.dumps(statistics_document(result, evaluation_time=when)))
    assert document["version"] == 0.0
    assert document["dataset"] == {"item_count": 8, "evaluation_time": "2023-03-30T21:08:34.729Z"}
    body = document["binary_classification_metrics"]
    assert list(body) == [
        "confusion_matrix",
        "recall",
        "precision",
        "accuracy",
        "recall_best_constant_classifier",
        "precision_best_constant_classifier",
        "accuracy_best_constant_classifier",
        "true_positive_rate",
        "true_negative_rate",
        "false_positive_rate",
        "false_negative_rate",
        "receiver_operating_characteristic_curve",
        "precision_recall_curve",
        "auc",
        "f0_5",
        "f1",
        "f2",
        "f0_5_best_constant_classifier",
        "f1_best_constant_classifier",
        "f2_best_constant_classifier",
    ]
    assert body["confusion_matrix"] == {"0": {"0": 3, "1": 1}, "1": {"0": 1, "1": 3}}
    assert body["accuracy"] == {"value": 0.75, "standard_deviation": "NaN"}  # < 200 rows
    assert body["auc"]["value"] == 15 / 16  # 15 of 16 positive-negative pairs ranked right
    assert body["receiver_operating_characteristic_curve"]["false_positive_rates"][0] == 0.0
    assert body["receiver_operating_characteristic_curve"]["true_positive_rates"][-1] == 1.0
    assert body["precision_recall_curve"]["recalls"][0] == 0.0
    assert len(body["precision_recall_curve"]["precisions"]) == 9  # 8 distinct scores + 1


def test_evaluation_time_is_converted_to_utc_and_must_be_aware() -> None:
    result = regression_metrics([1.0, 2.0, 3.0], [1.0, 2.5, 2.0])
    paris = datetime(2024, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    document = statistics_document(result, evaluation_time=paris)
    assert document["dataset"] == {"item_count": 3, "evaluation_time": "2024-01-01T00:00:00.000Z"}
    with pytest.raises(ValidationError, match="timezone-aware"):
        statistics_document(result, evaluation_time=datetime(2024, 1, 1))


def test_standard_deviation_needs_200_rows_and_is_seeded() -> None:
    rng = np.random.default_rng(3)
    actual = rng.normal(size=200)
    predicted = actual + rng.normal(size=200)
    first = regression_metrics(actual, predicted, seed=1).metrics["mae"]
    again = regression_metrics(actual, predicted, seed=1).metrics["mae"]
    other = regression_metrics(actual, predicted, seed=2).metrics["mae"]
    assert first == again and first.standard_deviation > 0
    assert other.standard_deviation != first.standard_deviation
    short = regression_metrics(actual[:199], predicted[:199]).metrics["mae"]
    assert math.isnan(short.standard_deviation) and short.value > 0


def test_labels_are_canonical_strings_across_types() -> None:
    result = binary_classification_metrics(
        np.array(["1", "0", " 1 ", "0.0"], dtype=object), np.array([1.0, 0.0, 1.0, 1.0])
    )
    assert result.confusion_matrix is not None
    assert result.confusion_matrix.to_dict() == {"0": {"0": 1, "1": 1}, "1": {"0": 0, "1": 2}}
    booleans = binary_classification_metrics(
        [True, False, True], np.array(["true", "False", "false"])
    )
    assert booleans.confusion_matrix is not None
    assert booleans.confusion_matrix.labels == ("false", "true")
    assert booleans.metrics["recall"].value == 0.5
    multiclass = multiclass_classification_metrics([10, 9, 2], ["10", "9", "2"])
    assert multiclass.confusion_matrix is not None
    assert multiclass.confusion_matrix.labels == ("2", "9", "10")  # numeric order


def test_one_class_only_gives_nan_auc_and_zero_ratios() -> None:
    result = binary_classification_metrics([0, 0, 0], None, [0.2, 0.7, 0.4])
    m = {name: metric.value for name, metric in result.metrics.items()}
    assert math.isnan(m["auc"])
    assert m["recall"] == 0.0 and m["precision"] == 0.0 and m["false_negative_rate"] == 1.0
    assert m["accuracy"] == pytest.approx(2 / 3)
    assert m["accuracy_best_constant_classifier"] == 1.0
    assert "auc" not in [c.metric for c in suggest_constraints(result).constraints]
    assert math.isnan(regression_metrics([2.0, 2.0], [1.0, 3.0]).metrics["r2"].value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: binary_classification_metrics([], []), "empty"),
        (lambda: binary_classification_metrics([0, 1], None, [0.5, 1.2]), r"\[0, 1\]: 1 of 2"),
        (lambda: binary_classification_metrics([0, 1], None, [0.5, math.nan]), r"\[0, 1\]"),
        (lambda: binary_classification_metrics([0, 1, 2], [0, 1, 1]), "at most two labels"),
        (lambda: binary_classification_metrics([0, 1]), "inference_attribute"),
        (lambda: binary_classification_metrics([0, None], [0, 1]), "1 missing value"),
        (lambda: binary_classification_metrics([0, 1], [0, 1, 1]), "rows"),
        (lambda: multiclass_classification_metrics([1.0, math.nan], [1, 2]), "missing"),
        (lambda: regression_metrics([1.0, 2.0], ["a", 1.0]), "numbers"),
        (lambda: regression_metrics([1.0, math.inf], [1.0, 2.0]), "non-finite"),
        (lambda: evaluate_model_quality("Ranking", [1]), "problem_type must be one of"),
        (lambda: evaluate_model_quality("Regression", [1.0]), "inference_attribute"),
    ],
)
def test_bad_input_is_a_clear_validation_error(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=message):
        call()


def test_dispatch_by_problem_type_name() -> None:
    result = evaluate_model_quality(
        "BinaryClassification", [0, 1, 1], probability=[0.2, 0.85, 0.7], probability_threshold=0.8
    )
    assert result.problem_type is ProblemType.BINARY_CLASSIFICATION
    assert result.metrics["recall"].value == 0.5  # 0.7 is not > 0.8
    assert result.metrics["auc"].value == 1.0


def test_curves_are_down_sampled_like_spark_num_bins_and_auc_is_not() -> None:
    rng = np.random.default_rng(12)
    label = rng.integers(0, 2, 5003)
    probability = rng.random(5003)
    full = binary_classification_metrics(label, None, probability, curve_bins=0)
    binned = binary_classification_metrics(label, None, probability, curve_bins=1000)
    assert full.roc_curve is not None and binned.roc_curve is not None
    assert len(full.roc_curve.true_positive_rates) == 5003 + 2
    # chunks of 5003 // 1000 = 5 thresholds, the last partial chunk kept: 1001 points + 2 ends
    assert len(binned.roc_curve.true_positive_rates) == 1001 + 2
    assert binned.roc_curve.true_positive_rates[1] == full.roc_curve.true_positive_rates[5]
    assert binned.roc_curve.true_positive_rates[-2] == full.roc_curve.true_positive_rates[-2]
    assert binned.metrics["auc"] == full.metrics["auc"]
