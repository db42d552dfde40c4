"""Golden tests against the real SageMaker model-quality churn run (examples_model_quality_churn).

Baseline: ``validation_with_predictions.csv`` (201 rows) with ``inference_attribute=prediction``,
``probability_attribute=probability``, ``ground_truth_attribute=label``. Its real metrics and
suggested constraints are only available as pandas displays (6 significant digits), but the
violation descriptions of the monitoring run quote the full-precision thresholds, which must be
reproduced to the last digit. Standard deviations come from the service's random subsamples
and are compared in magnitude only (a factor of 3); zero deviations must be exactly zero.

The monitoring run's own data is not published. Its quoted values fix the counts
tp=156, fp=69, fn=1218, tn=449 (precision 156/225, fpr 69/518, recall 156/1374, accuracy
605/1892); the engine must reproduce every quoted count-based value from those counts.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from plimsoll.engines.model_quality import (
    ComparisonOperator,
    Metric,
    ModelQualityResult,
    ProblemType,
    binary_classification_metrics,
    check_constraints,
    format_java_double,
    suggest_constraints,
    violations_document,
)

REFERENCE = (
    Path(__file__).resolve().parents[3]
    / "shared/reference/model_monitor/examples_model_quality_churn"
)

pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference files not available")

_DESCRIPTION = re.compile(r"Metric (\w+) with (\S+) \+/- (\S+) was (\w+) '(\S+)'")
_SNAKE = {
    "truePositiveRate": "true_positive_rate",
    "trueNegativeRate": "true_negative_rate",
    "falsePositiveRate": "false_positive_rate",
    "falseNegativeRate": "false_negative_rate",
}


@pytest.fixture(scope="module")
def baseline() -> ModelQualityResult:
    rows = np.loadtxt(
        REFERENCE / "baseline_input/validation_with_predictions.csv", delimiter=",", skiprows=1
    )
    probability, prediction, label = rows.T
    return binary_classification_metrics(
        label.astype(np.int64), prediction.astype(np.int64), probability
    )


def _displayed(name: str) -> list[list[str]]:
    with (REFERENCE / "baseline_output" / name).open() as handle:
        return list(csv.reader(handle))[1:]


def _reference_violations() -> list[dict[str, str]]:
    path = REFERENCE / "monitoring_output/constraint_violations.reconstructed.json"
    violations: list[dict[str, str]] = json.loads(path.read_text())["violations"]
    return violations


def _six_digits(value: float) -> float:
    return float(f"{value:.6g}")


def test_confusion_matrix_is_keyed_actual_then_predicted(baseline: ModelQualityResult) -> None:
    assert baseline.confusion_matrix is not None
    assert baseline.confusion_matrix.to_dict() == {"0": {"0": 173, "1": 0}, "1": {"0": 12, "1": 16}}
    shown = {
        k: int(v)
        for k, v in _displayed("binary_classification_metrics.as_displayed.csv")
        if k.startswith("confusion_matrix.")
    }
    assert shown == {
        f"confusion_matrix.{a}.{p}": n
        for a, row in baseline.confusion_matrix.to_dict().items()
        for p, n in row.items()
    }


def test_metric_values_match_the_displayed_real_output(baseline: ModelQualityResult) -> None:
    shown = {
        k.removesuffix(".value"): float(v)
        for k, v in _displayed("binary_classification_metrics.as_displayed.csv")
        if k.endswith(".value")
    }
    assert len(shown) == 17
    assert list(shown) == list(baseline.metrics)
    for name, value in shown.items():
        assert _six_digits(baseline.metrics[name].value) == value, name
    assert baseline.item_count == 201


def test_auc_and_thresholds_match_the_quoted_full_precision_digits(
    baseline: ModelQualityResult,
) -> None:
    quoted = {}
    for violation in _reference_violations():
        match = _DESCRIPTION.fullmatch(violation["description"])
        assert match is not None
        name = _SNAKE.get(match.group(1), match.group(1))
        quoted[name] = match.group(5)
    assert quoted["auc"] == "0.9395127993393898"
    constraints = {c.metric: c for c in suggest_constraints(baseline).constraints}
    for name, text in quoted.items():
        assert format_java_double(constraints[name].threshold) == text, name


def test_standard_deviations_are_zero_where_the_service_had_zero_and_close_elsewhere(
    baseline: ModelQualityResult,
) -> None:
    rows = _displayed("binary_classification_metrics.as_displayed.csv")
    shown = {
        k.split(".")[0]: float(v) for k, v in rows if ".standard_dev" in k and not k.endswith("...")
    }
    shown.update(
        {k.split(".")[0]: float(v) for k, v in rows if k.endswith("...") and ".standard_dev" in k}
    )
    assert len(shown) == 17
    for name, reference in shown.items():
        ours = baseline.metrics[name].standard_deviation
        if reference == 0:
            assert ours == 0.0, name
        else:
            assert reference / 3 < ours < reference * 3, (name, ours, reference)


def test_suggested_constraints_match_the_displayed_real_constraints(
    baseline: ModelQualityResult,
) -> None:
    shown = _displayed("binary_classification_constraints.as_displayed.csv")
    suggested = suggest_constraints(baseline).constraints
    assert [c.metric for c in suggested] == [row[0] for row in shown]
    for constraint, (_, threshold, operator) in zip(suggested, shown, strict=True):
        assert _six_digits(constraint.threshold) == float(threshold)
        assert constraint.comparison_operator == ComparisonOperator(operator)


def _monitoring_window() -> ModelQualityResult:
    counts = {("1", "1"): 156, ("0", "1"): 69, ("1", "0"): 1218, ("0", "0"): 449}
    actual = np.concatenate([np.full(n, a) for (a, _), n in counts.items()])
    predicted = np.concatenate([np.full(n, p) for (_, p), n in counts.items()])
    return binary_classification_metrics(actual, predicted)


def test_monitoring_values_are_reproduced_from_their_counts() -> None:
    current = _monitoring_window()
    for violation in _reference_violations():
        match = _DESCRIPTION.fullmatch(violation["description"])
        assert match is not None
        name = _SNAKE.get(match.group(1), match.group(1))
        if name == "auc":  # needs the run's probabilities, which are not published
            continue
        assert format_java_double(current.metrics[name].value) == match.group(2), name


def test_violations_match_the_real_file_strings_and_order(baseline: ModelQualityResult) -> None:
    reference = _reference_violations()
    metrics = dict(baseline.metrics)
    metrics["f0_5"] = baseline.metrics["f0_5"]  # the 2021 run reported no f0_5 violation
    for violation in reference:
        match = _DESCRIPTION.fullmatch(violation["description"])
        assert match is not None
        metrics[_SNAKE.get(match.group(1), match.group(1))] = Metric(
            value=float(match.group(2)), standard_deviation=float(match.group(3))
        )
    current = ModelQualityResult(
        problem_type=ProblemType.BINARY_CLASSIFICATION, item_count=1892, metrics=metrics
    )
    produced = violations_document(check_constraints(current, suggest_constraints(baseline)))
    assert produced == {"violations": reference}


def test_the_current_window_also_violates_f0_5_which_the_2021_service_did_not_report(
    baseline: ModelQualityResult,
) -> None:
    violations = check_constraints(_monitoring_window(), suggest_constraints(baseline))
    names = [v.metric_name for v in violations]
    # without the run's probabilities AUC is scored from the hard labels: (tpr + tnr) / 2
    assert [n for n in names if n != "f0_5"] == [v["metric_name"] for v in _reference_violations()]
    assert names.index("f0_5") == names.index("falsePositiveRate") + 1  # Scala HashMap order
