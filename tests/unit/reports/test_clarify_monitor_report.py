"""The ModelBias / ModelExplainability history report: bands, nDCG, rankings, violations.

The bias baseline is the real SageMaker ``analysis.json`` of the adult example and the latest
execution carries the real ``constraint_violations.json`` written against it.
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.errors import ValidationError
from plimsoll.reports import ClarifyExecutionPoint, render_clarify_monitor_report

REFERENCE = (
    Path(__file__).resolve().parents[4]
    / "shared/reference/model_monitor/examples_clarify_bias_adult"
)
START = datetime(2024, 1, 19, 10, 0, tzinfo=UTC)
POST = "post_training_bias_metrics"
# The current values behind the real violations file (its descriptions' "Metric value"s).
LATEST_POST = {
    "CDDPL": 0.3748947825295131,
    "DAR": -0.34693877551020413,
    "DCA": -36.69387755102041,
    "DCR": -0.07650793650793647,
    "FT": -0.13636363636363635,
    "GE": 0.9454985573866702,
    "RD": 0.17253086419753086,
    "SD": 0.27419354838709675,
    "TE": math.inf,
}
VIOLATED = set(LATEST_POST)
POST_METRICS = ["AD", "CDDPL", "DAR", "DCA", "DCR", "DI", "DPPL", "DRR", "FT", "GE", "RD", "SD"]
POST_METRICS.append("TE")


def _baseline() -> dict[str, Any]:
    return json.loads((REFERENCE / "baseline_output/analysis.json").read_text())


def _real_violations() -> dict[str, Any]:
    return json.loads((REFERENCE / "monitoring_output/constraint_violations.json").read_text())


def _post(values: dict[str, float]) -> dict[str, Any]:
    """A monitoring analysis.json: the baseline's post-training section with ``values``."""
    section = copy.deepcopy(_baseline()[POST])
    for metric in section["facets"]["Sex"][0]["metrics"]:
        metric["value"] = values.get(metric["name"], metric["value"])
    return {"version": "1.0", POST: section}


def _at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


def _bias_history() -> list[ClarifyExecutionPoint]:
    return [
        ClarifyExecutionPoint(
            scheduled_time=_at(0),
            status="Completed",
            analysis=_post({}),
            violations={"version": "1.0", "violations": []},
        ),
        ClarifyExecutionPoint(
            scheduled_time=_at(1), status="Failed", failure_reason="AlgorithmError: no data"
        ),
        # No violations file: checked here against the baseline (DPPL 0.3 > 0.2199: violation;
        # DI 0.083 is closer to 0 than the baseline's 0.178: no violation, as on SageMaker).
        ClarifyExecutionPoint(
            scheduled_time=_at(2), status="Completed", analysis=_post({"DI": 0.083, "DPPL": 0.3})
        ),
        ClarifyExecutionPoint(
            scheduled_time=_at(3),
            status="CompletedWithViolations",
            analysis=_post(LATEST_POST),
            violations=_real_violations(),
        ),
    ]


def _charts(page: str) -> dict[str, str]:
    """Each SVG keyed by its accessible title."""
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r"<svg [^>]*><title>([^<]*)</title>.*?</svg>", page)
    }


def _points(chart: str) -> list[tuple[str, str]]:
    """(class, tooltip) of each data point (squares with an execution-time tooltip)."""
    return re.findall(r'<rect [^>]*class="([^"]*)"><title>(2024-[^<]*)</title></rect>', chart)


def _section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def _rows(fragment: str) -> list[list[str]]:
    """The text of each body row's cells."""
    body = fragment.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_bias_history_has_a_band_chart_per_metric_with_violations_marked() -> None:
    page = render_clarify_monitor_report("ModelBias", "bias-hourly", _bias_history(), _baseline())
    charts = _charts(page)
    # One chart per post-training metric; the baseline's pre-training stage has no history.
    assert sorted(t for t in charts) == sorted(f"{m} (Sex = 0)" for m in POST_METRICS)
    for name in POST_METRICS:
        chart = charts[f"{name} (Sex = 0)"]
        points = _points(chart)
        assert [tip.split(":")[0] for _, tip in points] == [
            "2024-01-19 10",
            "2024-01-19 12",
            "2024-01-19 13",
        ], name  # one point per analysed execution, in time order
        marked = [tip[:16] for cls, tip in points if cls == "alert-bar violation"]
        expected = ["2024-01-19 13:00"] if name in VIOLATED else []
        if name == "DPPL":
            expected = ["2024-01-19 12:00"]  # computed: that execution wrote no violations
        assert marked == expected, name
        assert "<title>2024-01-19 11:00: failed</title>✕" in chart, name  # the failed one
        assert chart.count('class="threshold"') == 2, name  # both edges of the band
    # The band of DI is around 0 like every other, and the values are where they were measured.
    assert "2024-01-19 12:00: 0.083</title>" in charts["DI (Sex = 0)"]
    assert "2024-01-19 13:00: inf (violation)</title>" in charts["TE (Sex = 0)"]
    assert ">∞</text>" in charts["TE (Sex = 0)"]
    summary = page.split("<details", 1)[1].split("</summary>", 1)[0]
    assert "Post-training bias: facet Sex = 0 (label Target = 1): 10 violations so far" in summary


def test_bias_latest_metrics_violations_and_executions_tables() -> None:
    page = render_clarify_monitor_report("ModelBias", "bias-hourly", _bias_history(), _baseline())
    latest = {row[2]: row for row in _rows(_section(page, "latest"))}
    assert list(latest) == POST_METRICS
    assert latest["DI"] == [
        "Post-training bias", "Sex = 0", "DI", "0.178", "0.178", "[-0.178, 0.178]", "ok",
    ]  # fmt: skip
    assert latest["TE"][3:] == ["2.917", "∞", "[-2.917, 2.917]", "violation"]
    assert {name for name, row in latest.items() if row[-1] == "violation"} == VIOLATED
    assert "execution 2024-01-19 13:00 UTC" in page.split('id="latest"', 1)[1][:80]

    violations = _rows(_section(page, "violations"))
    real = _real_violations()["violations"]
    assert violations == [
        ["Sex", "0", v["metric_name"], "bias_drift_check", v["description"]] for v in real
    ]
    assert "9 violations in the latest analysed execution (2024-01-19 13:00 UTC)." in page

    executions = _rows(_section(page, "executions"))
    assert executions == [
        ["2024-01-19 13:00", "CompletedWithViolations", "9", "-"],
        ["2024-01-19 12:00", "Completed", "1 (computed)", "-"],
        ["2024-01-19 11:00", "Failed", "-", "AlgorithmError: no data"],
        ["2024-01-19 10:00", "Completed", "0", "-"],
    ]
    header = page.split("</header>", 1)[0]
    assert "bias-hourly" in header and "ModelBias" in header
    assert "4 (2024-01-19 10:00 to 2024-01-19 13:00 UTC), 1 without analysis.json" in header
    assert "2024-01-19 13:00 UTC, CompletedWithViolations" in header


def _shap(values: dict[str, float], label: str = "label0") -> dict[str, Any]:
    section = {"global_shap_values": values, "expected_value": 0.3}
    return {"version": "1.0", "explanations": {"kernel_shap": {label: section}}}


BASE_SHAP = {"age": 0.30, "income": 0.20, "hours": 0.10, "sex": 0.05, "race": 0.02}
# age and sex swap places; zip appears (not in the baseline: nDCG ignores it).
SWAPPED = {"age": 0.05, "income": 0.20, "hours": 0.10, "sex": 0.30, "race": 0.02, "zip": 0.01}


def _expected_ndcg() -> float:
    """The AWS formula by hand: relevance = baseline value, ranked by the current values."""
    ideal = sorted(BASE_SHAP.values(), reverse=True)
    current = sorted(BASE_SHAP, key=lambda name: -SWAPPED[name])
    dcg = sum(BASE_SHAP[name] / math.log2(i + 2) for i, name in enumerate(current))
    return dcg / sum(value / math.log2(i + 2) for i, value in enumerate(ideal))


def _explain_history() -> list[ClarifyExecutionPoint]:
    score = _expected_ndcg()
    drift = {
        "label": "label0",
        "metric_name": "shap",
        "constraint_check_type": "feature_attribution_drift_check",
        "description": f"Feature attribution drift {score} exceeds threshold 0.9",
    }
    return [
        ClarifyExecutionPoint(
            scheduled_time=_at(0),
            status="Completed",
            analysis=_shap(dict(BASE_SHAP)),
            violations={"violations": []},
        ),
        ClarifyExecutionPoint(scheduled_time=_at(1), status="Failed", failure_reason="boom"),
        ClarifyExecutionPoint(
            scheduled_time=_at(2),
            status="CompletedWithViolations",
            analysis=_shap(SWAPPED),
            violations={"version": "1.0", "violations": [drift]},
        ),
    ]


def test_explainability_ndcg_history_shap_bars_and_ranking_changes() -> None:
    score = _expected_ndcg()
    assert 0.71 < score < 0.72  # the swap drifts well below the threshold
    page = render_clarify_monitor_report(
        "ModelExplainability", "explain-hourly", _explain_history(), _shap(BASE_SHAP)
    )
    charts = _charts(page)
    ndcg_chart = charts["nDCG: label0"]
    points = _points(ndcg_chart)
    assert [cls for cls, _ in points] == ["base-bar", "alert-bar violation"]
    assert points[0][1] == "2024-01-19 10:00: 1.0"
    assert float(points[1][1].split(": ")[1].removesuffix(" (violation)")) == pytest.approx(score)
    assert ndcg_chart.count('class="threshold"') == 1 and "threshold 0.9" in ndcg_chart
    summary = _rows(_section(page, "history"))
    assert summary == [["label0", f"{score:.4g}", "0.9", "1", "1"]]

    bars = charts["Global SHAP values: label0"]
    tips = re.findall(r"<title>([^<]*: (?:baseline|current) [^<]*)</title>", bars)
    assert tips[:4] == [
        "age: baseline 0.3",
        "age: current 0.05",
        "sex: baseline 0.05",
        "sex: current 0.3",
    ]  # largest magnitude in either file first
    assert "zip: current 0.01" in tips and not any(t.startswith("zip: baseline") for t in tips)

    ranking = _rows(_section(page, "latest"))
    assert ranking == [
        ["age", "1", "4", "▼ 3", "0.3", "0.05"],
        ["income", "2", "2", "=", "0.2", "0.2"],
        ["hours", "3", "3", "=", "0.1", "0.1"],
        ["sex", "4", "1", "▲ 3", "0.05", "0.3"],
        ["race", "5", "5", "=", "0.02", "0.02"],
        ["zip", "-", "6", "new", "-", "0.01"],
    ]
    violations = _rows(_section(page, "violations"))
    assert violations == [
        [
            "label0",
            "shap",
            "feature_attribution_drift_check",
            f"Feature attribution drift {score} exceeds threshold 0.9",
        ]
    ]
    assert "Feature attribution drift: explain-hourly" in page


def test_explainability_without_violations_file_is_checked_against_the_baseline() -> None:
    history = [
        ClarifyExecutionPoint(scheduled_time=_at(0), status="Completed", analysis=_shap(SWAPPED))
    ]
    page = render_clarify_monitor_report("ModelExplainability", "e", history, _shap(BASE_SHAP))
    assert _points(_charts(page)["nDCG: label0"])[0][0] == "alert-bar violation"
    assert "computed now against the baseline" in _section(page, "violations")


@pytest.mark.parametrize("kind", ["ModelBias", "ModelExplainability"])
def test_output_is_deterministic_and_independent_of_history_order(kind: str) -> None:
    if kind == "ModelBias":
        history, baseline = _bias_history(), _baseline()
    else:
        history, baseline = _explain_history(), _shap(BASE_SHAP)
    first = render_clarify_monitor_report(kind, "s", history, baseline)  # type: ignore[arg-type]
    again = render_clarify_monitor_report(kind, "s", history[::-1], baseline)  # type: ignore[arg-type]
    assert first == again
    assert "<script" not in first and "http" not in first.split("</head>", 1)[1]


def test_without_baseline_marks_come_from_the_violations_files() -> None:
    page = render_clarify_monitor_report("ModelBias", "b", _bias_history(), None)
    assert 'class="threshold"' not in page  # no band without a baseline
    assert page.count('class="alert-bar violation"') == len(VIOLATED)  # DPPL's was computed
    latest = {row[2]: row for row in _rows(_section(page, "latest"))}
    assert latest["DI"][3:] == ["-", "0.178", "-", "no baseline"]
    explain = render_clarify_monitor_report("ModelExplainability", "e", _explain_history(), None)
    assert "No baseline SHAP values: nDCG cannot be computed." in explain
    assert "nDCG: label0" not in _charts(explain)


def test_failed_latest_execution_empty_history_and_unknown_kind() -> None:
    history = [
        *_bias_history(),
        ClarifyExecutionPoint(scheduled_time=_at(4), status="Failed", failure_reason="OOM"),
    ]
    page = render_clarify_monitor_report("ModelBias", "b", history, _baseline())
    header = page.split("</header>", 1)[0]
    assert "2024-01-19 14:00 UTC, Failed: OOM" in header
    assert "9 violations in the latest analysed execution (2024-01-19 13:00 UTC)." in header
    only_failed = render_clarify_monitor_report("ModelBias", "b", history[1:2], _baseline())
    assert "No execution has written analysis.json yet." in only_failed
    assert "No execution wrote bias metrics." in only_failed
    empty = render_clarify_monitor_report("ModelExplainability", "e", [], None)
    assert "<td>0</td>" in empty.split("</header>", 1)[0]
    with pytest.raises(ValidationError, match="ModelQuality"):
        render_clarify_monitor_report("ModelQuality", "q", [], None)  # type: ignore[arg-type]


def _group(facet: str, value: str, di: float) -> dict[str, Any]:
    return {
        "value_or_threshold": value,
        "metrics": [{"name": "DI", "description": "d", "value": di}],
    }


def test_many_groups_open_only_those_with_violations_and_names_are_escaped() -> None:
    facets = {"<b>f</b>": [_group("f", str(i), 0.9) for i in range(5)]}
    section = {"label": "y", "label_value_or_threshold": "1", "facets": facets}
    baseline = {POST: section}
    current = copy.deepcopy(baseline)
    current[POST]["facets"]["<b>f</b>"][2]["metrics"][0]["value"] = 1.2  # farther from 0
    history = [ClarifyExecutionPoint(scheduled_time=START, status="Completed", analysis=current)]
    page = render_clarify_monitor_report("ModelBias", "b", history, baseline)
    details = re.findall(r"<details( open=\"open\")?><summary>([^<]*)</summary>", page)
    assert [bool(opened) for opened, _ in details] == [False, False, True, False, False]
    assert "facet &lt;b&gt;f&lt;/b&gt; = 2 (label y = 1): 1 violation so far" in details[2][1]
    assert "<b>f</b>" not in page
