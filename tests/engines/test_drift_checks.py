"""Clarify monitors' drift checks: bias drift against the real 2024 violations file, and nDCG."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from plimsoll.engines.drift_checks import (
    attribution_drift_violations,
    bias_drift_violations,
    facet_group,
    ndcg,
    violations_document,
)
from plimsoll.errors import ValidationError

REFERENCE = (
    Path(__file__).resolve().parents[3]
    / "shared/reference/model_monitor/examples_clarify_bias_adult"
)

pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference files not available")

# The current values behind the real violations file (its descriptions' "Metric value"s).
CURRENT_POST = {
    "CDDPL": 0.3748947825295131,
    "DAR": -0.34693877551020413,
    "DCA": -36.69387755102041,
    "DCR": -0.07650793650793647,
    "FT": -0.13636363636363635,
    "GE": 0.9454985573866702,
    "RD": 0.17253086419753086,
    "SD": 0.27419354838709675,
    "TE": math.inf,
    # closer to the ideal than the baseline, or equal: no violation
    "AD": -0.1,
    "DPPL": 0.2199248120300752,
    "DRR": -0.01,
    "DI": 0.08333333333333333,  # the real execution: closer to 0 than 0.178, not flagged
}


def _baseline() -> dict[str, Any]:
    return json.loads((REFERENCE / "baseline_output/analysis.json").read_text())


def _with(analysis: dict[str, Any], section: str, values: dict[str, float]) -> dict[str, Any]:
    out = copy.deepcopy(analysis)
    for metric in out[section]["facets"]["Sex"][0]["metrics"]:
        if metric["name"] in values:
            metric["value"] = values[metric["name"]]
    return out


def _bias(name: str, value: float | None, facet_value: str = "0", **extra: Any) -> dict[str, Any]:
    metric = {"name": name, "description": name, "value": value, **extra}
    return {
        "post_training_bias_metrics": {
            "label": "Target",
            "label_value_or_threshold": "1",
            "facets": {"Sex": [{"value_or_threshold": facet_value, "metrics": [metric]}]},
        }
    }


def _shap(values: dict[str, float], label: str = "label0") -> dict[str, Any]:
    section = {"global_shap_values": values, "expected_value": 0.3}
    return {"version": "1.0", "explanations": {"kernel_shap": {label: section}}}


def test_the_real_adult_execution_gives_the_real_violations_file() -> None:
    baseline = _baseline()
    current = _with(baseline, "post_training_bias_metrics", CURRENT_POST)
    document = violations_document(bias_drift_violations(baseline, current))
    reference = (REFERENCE / "monitoring_output/constraint_violations.json").read_text()
    # The reference layout is the copier's (sorted keys, 4 spaces): same text, byte for byte.
    assert json.dumps(document, indent=4, sort_keys=True) + "\n" == reference
    assert [v["metric_name"] for v in document["violations"]] == [
        "CDDPL", "DAR", "DCA", "DCR", "FT", "GE", "RD", "SD", "TE",
    ]  # fmt: skip


def test_the_baseline_against_itself_has_no_violations() -> None:
    baseline = _baseline()
    assert bias_drift_violations(baseline, copy.deepcopy(baseline)) == []


def test_pre_training_metrics_are_checked_too() -> None:
    baseline = _baseline()
    current = _with(baseline, "pre_training_bias_metrics", {"CI": -0.5, "KL": 0.1})
    assert bias_drift_violations(baseline, current) == [
        {
            "facet": "Sex",
            "facet_value": "0",
            "metric_name": "CI",
            "constraint_check_type": "bias_drift_check",
            "description": "Metric value -0.5 doesn't meet the baseline constraint requirement "
            "0.36936936936936937",
        }
    ]


@pytest.mark.parametrize(
    ("baseline", "current", "violates"),
    [
        (0.2, 0.1, False),  # the AWS docs' DPPL example: closer to 0
        (0.2, -0.3, True),  # farther from 0 on the other side
        (0.2, -0.2, False),  # equally far is not a violation
        (2.9, math.inf, True),
        (-2.9, -math.inf, True),
        (math.inf, math.inf, False),  # nothing is farther than an infinite baseline
        (math.inf, -math.inf, False),
        (0.2, math.nan, False),
    ],
)
def test_farther_from_zero(baseline: float, current: float, violates: bool) -> None:
    found = bias_drift_violations(_bias("DPPL", baseline), _bias("DPPL", current))
    assert bool(found) is violates


@pytest.mark.parametrize(
    ("baseline", "current", "violates"),
    # the real 2024 adult execution: DI 0.178 -> 0.083 was not flagged
    [(0.178, 0.083, False), (0.18, 0.9, True), (0.18, 0.05, False), (0.8, 1.3, True)],
)
def test_disparate_impact_is_measured_from_zero_like_the_service(
    baseline: float, current: float, violates: bool
) -> None:
    found = bias_drift_violations(_bias("DI", baseline), _bias("DI", current))
    assert bool(found) is violates


def test_numbers_are_printed_as_java_prints_doubles() -> None:
    found = bias_drift_violations(_bias("CI", 0.00001), _bias("CI", -math.inf))
    found += bias_drift_violations(_bias("KL", 0.0), _bias("KL", 0.0005))
    found += bias_drift_violations(_bias("TE", 1.0), _bias("TE", 12345678.0))
    assert [v["description"] for v in found] == [
        "Metric value -Infinity doesn't meet the baseline constraint requirement 1.0E-5",
        "Metric value 5.0E-4 doesn't meet the baseline constraint requirement 0.0",
        "Metric value 1.2345678E7 doesn't meet the baseline constraint requirement 1.0",
    ]


def test_missing_errored_and_unmatched_metrics_are_skipped() -> None:
    baseline = _bias("DPPL", 0.1)
    assert bias_drift_violations(baseline, _bias("DPPL", None, error="Facet set is empty.")) == []
    assert bias_drift_violations(_bias("DPPL", None, error="x"), _bias("DPPL", 0.9)) == []
    assert bias_drift_violations(baseline, _bias("DI", 9.0)) == []
    assert bias_drift_violations(baseline, _bias("DPPL", 0.9, facet_value="1")) == []
    assert bias_drift_violations({}, _bias("DPPL", 0.9)) == []
    assert bias_drift_violations(baseline, {"version": "1.0"}) == []


def test_an_identical_ranking_scores_one() -> None:
    values = {"a": 0.5, "b": 0.3, "c": 0.1}
    assert ndcg(values, {"a": 5.0, "b": 3.0, "c": 1.0}) == 1.0
    assert ndcg(values, {"a": 0.2, "b": 0.2, "c": 0.2}) == 1.0  # ties keep the baseline order


def test_swapping_the_top_two() -> None:
    # relevance 3, 2, 1; live order b, a, c: (2 + 3/log2 3 + 1/2) / (3 + 2/log2 3 + 1/2)
    score = ndcg({"a": 3.0, "b": 2.0, "c": 1.0}, {"a": 2.0, "b": 3.0, "c": 1.0})
    assert score == pytest.approx(4.392789260714372 / 4.761859507142915, rel=1e-12)
    assert score == pytest.approx(0.92249, abs=1e-5)


def test_the_aws_docs_college_admission_example() -> None:
    training = {"SAT score": 0.70, "GPA": 0.50, "Class rank": 0.05}
    live = {"SAT score": 0.10, "GPA": 0.20, "Class rank": 0.70}
    # (0.05 + 0.5/log2 3 + 0.7/2) / (0.7 + 0.5/log2 3 + 0.05/2)
    assert ndcg(training, live) == pytest.approx(0.68764, abs=1e-5)


def test_signs_missing_and_extra_features() -> None:
    baseline = {"a": -3.0, "b": 2.0, "c": 1.0}
    assert ndcg(baseline, {"a": 0.9, "b": -0.5, "c": 0.1}) == 1.0  # absolute values
    # "a" missing counts as 0 (last); "z" has no baseline relevance and is ignored
    assert ndcg(baseline, {"b": 2.0, "c": 1.0, "z": 99.0}) == pytest.approx(
        (2 + 1 / math.log2(3) + 3 / 2) / (3 + 2 / math.log2(3) + 1 / 2)
    )
    assert ndcg({"a": 0.0, "b": 0.0}, {"a": 1.0, "b": 0.0}) == 1.0


def test_attribution_drift_below_the_threshold_is_a_violation() -> None:
    training = _shap({"SAT score": 0.70, "GPA": 0.50, "Class rank": 0.05})
    live = _shap({"SAT score": 0.10, "GPA": 0.20, "Class rank": 0.70})
    found = attribution_drift_violations(training, live)
    assert found == [
        {
            "label": "label0",
            "metric_name": "shap",
            "constraint_check_type": "feature_attribution_drift_check",
            "description": "Feature attribution drift 0.6876396241226223 exceeds threshold 0.9",
        }
    ]
    assert attribution_drift_violations(training, training) == []
    assert attribution_drift_violations(training, live, threshold=0.5) == []
    assert attribution_drift_violations(training, _shap({"GPA": 1.0}, label="income")) == []
    assert violations_document(found) == {"version": "1.0", "violations": found}


def test_a_threshold_outside_zero_one_is_rejected() -> None:
    with pytest.raises(ValidationError, match="threshold"):
        attribution_drift_violations(_shap({"a": 1.0}), _shap({"a": 1.0}), threshold=1.5)


def test_threshold_facet_groups_match_whatever_the_datas_maximum() -> None:
    # A numeric facet's group is "(threshold, data max]": the max moves between executions.
    baseline = _bias("AD", 0.017, facet_value="(14.0, 24.63]")
    found = bias_drift_violations(baseline, _bias("AD", 0.305, facet_value="(14.0, 22.01]"))
    assert [(v["facet_value"], v["metric_name"]) for v in found] == [("(14.0, 22.01]", "AD")]
    assert bias_drift_violations(baseline, _bias("AD", 0.3, facet_value="(15.0, 22.01]")) == []
    assert facet_group("(10, 20],(20, 31]") == "(10, 20],(20, …]"
    assert facet_group("Female") == "Female"
