"""The model-quality history report: charts per metric, thresholds, violations, matrix."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from plimsoll.reports import render_model_quality_report

START = datetime(2024, 5, 18, 1, 0, tzinfo=UTC)
METRICS = ("recall", "precision", "accuracy", "false_positive_rate", "auc", "f1")
CONSTRAINTS = {
    "version": 0.0,
    "binary_classification_constraints": {
        "accuracy": {"threshold": 0.8, "comparison_operator": "LessThanThreshold"},
        "false_positive_rate": {"threshold": 0.2, "comparison_operator": "GreaterThanThreshold"},
        "auc": {"threshold": 0.9, "comparison_operator": "LessThanThreshold"},
    },
}


def _statistics(step: int) -> dict[str, Any]:
    metrics: dict[str, Any] = {
        "confusion_matrix": {
            "0": {"0": 101 + step, "1": 17},
            "1": {"0": 23, "1": 77 - step},
        }
    }
    for index, name in enumerate(METRICS):
        metrics[name] = {"value": 0.9 - 0.05 * step + 0.001 * index, "standard_deviation": "NaN"}
        if name == "false_positive_rate":
            metrics["receiver_operating_characteristic_curve"] = {
                "false_positive_rates": [0.0, 0.1, 0.4, 1.0],
                "true_positive_rates": [0.0, 0.6, 0.9, 1.0],
            }
            metrics["precision_recall_curve"] = {
                "precisions": [1.0, 0.8, 0.5],
                "recalls": [0.0, 0.7, 1.0],
            }
            metrics[name] = {"value": 0.1 + 0.1 * step, "standard_deviation": 0.01}
    return {
        "version": 0.0,
        "dataset": {"item_count": 218, "evaluation_time": "2024-05-18T01:05:00.000Z"},
        "binary_classification_metrics": metrics,
    }


def _violations(step: int) -> dict[str, Any]:
    found = []
    if step >= 1:
        found.append(
            {
                "metric_name": "auc",
                "constraint_check_type": "LessThanThreshold",
                "description": f"Metric auc with {0.904 - 0.05 * step} was LessThan",
            }
        )
    if step == 2:
        found.append(
            {
                "metric_name": "falsePositiveRate",
                "constraint_check_type": "GreaterThanThreshold",
                "description": "Metric falsePositiveRate with 0.3 was GreaterThan",
            }
        )
    return {"violations": found}


def _history() -> list[tuple[datetime, dict[str, Any], dict[str, Any]]]:
    return [
        (START + timedelta(hours=step), _statistics(step), _violations(step)) for step in range(3)
    ]


def _charts(page: str) -> dict[str, str]:
    """Each SVG keyed by its accessible title."""
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r"<svg [^>]*><title>([^<]*)</title>.*?</svg>", page)
    }


def _points(chart: str) -> list[str]:
    """The data points of a history chart (squares with an execution-time tooltip)."""
    return re.findall(r'<rect [^>]*class="[^"]*"><title>2024-[^<]*</title></rect>', chart)


def test_every_metric_has_a_history_chart_with_thresholds_and_violations() -> None:
    page = render_model_quality_report(_history(), title="churn mq", constraints=CONSTRAINTS)
    charts = _charts(page)
    assert set(METRICS) <= set(charts)
    for name in METRICS:
        assert len(_points(charts[name])) == 3, name  # one point per execution
    for name in ("accuracy", "false_positive_rate", "auc"):
        assert charts[name].count('class="threshold"') == 1, name
    for name in ("recall", "precision", "f1"):
        assert 'class="threshold"' not in charts[name], name
    assert "threshold 0.8 (LessThanThreshold)" in charts["accuracy"]
    assert "threshold 0.2 (GreaterThanThreshold)" in charts["false_positive_rate"]
    # auc is violated in executions 2 and 3, false_positive_rate in execution 3 only.
    assert charts["auc"].count('class="alert-bar violation"') == 2
    assert charts["false_positive_rate"].count('class="alert-bar violation"') == 1
    assert all('class="alert-bar violation"' not in charts[n] for n in ("accuracy", "recall"))
    assert "2024-05-18 03:00: 0.3" in charts["false_positive_rate"]  # the latest point's tip
    # The x axis carries every execution's time.
    assert all(f"2024-05-18 0{h}:00" in charts["recall"] for h in (1, 2, 3))


def test_latest_confusion_matrix_curves_and_violations() -> None:
    page = render_model_quality_report(_history(), title="churn mq", constraints=CONSTRAINTS)
    matrix = page.split('id="confusion-matrix"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="num"[^>]*>(\d+)</td>', matrix)
    assert cells == ["103", "17", "23", "75"]  # the latest execution's counts, actual rows
    assert "ROC curve" in _charts(page) and "Precision-recall curve" in _charts(page)
    violations = page.split('id="violations"', 1)[1].split("</section>", 1)[0]
    assert "falsePositiveRate" in violations and "GreaterThanThreshold" in violations
    assert "2 violations in the latest execution." in page
    assert "3 (2024-05-18 01:00 to 2024-05-18 03:00 UTC)" in page


def test_output_is_deterministic_and_independent_of_history_order() -> None:
    history = _history()
    first = render_model_quality_report(history, title="t", constraints=CONSTRAINTS)
    again = render_model_quality_report(list(reversed(history)), title="t", constraints=CONSTRAINTS)
    assert first == again


def test_without_constraints_or_executions() -> None:
    page = render_model_quality_report(_history(), title="t", constraints=None)
    assert 'class="threshold"' not in page
    assert page.count('class="alert-bar violation"') == 3  # violations still come from the files
    empty = render_model_quality_report([], title="t", constraints=None)
    assert "No execution has written statistics yet." in empty


def test_nan_values_are_gaps_and_names_are_escaped() -> None:
    stats = _statistics(0)
    stats["binary_classification_metrics"]["auc"] = {"value": "NaN", "standard_deviation": "NaN"}
    stats["binary_classification_metrics"]["<b>odd</b>"] = {"value": 1, "standard_deviation": 0}
    page = render_model_quality_report([(START, stats, None)], title="t", constraints=CONSTRAINTS)
    auc = _charts(page)["auc"]
    assert _points(auc) == []  # a NaN value draws no point
    assert len(_points(_charts(page)["recall"])) == 1
    assert "<b>odd</b>" not in page and "&lt;b&gt;odd&lt;/b&gt;" in page
