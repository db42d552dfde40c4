"""The CLI's violations table names what each monitor's violations are about."""

from __future__ import annotations

import json
from pathlib import Path

from plimsoll.cli._monitor_render import violation_subject, violations_summary

REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "model_monitor"


def test_every_monitors_violations_name_their_subject() -> None:
    bias = json.loads(
        (
            REFERENCE / "examples_clarify_bias_adult/monitoring_output/constraint_violations.json"
        ).read_text()
    )["violations"]
    assert violation_subject(bias[0]) == "CDDPL (Sex = 0)"
    assert violation_subject({"feature_name": "Day Mins", "metric_name": "x"}) == "Day Mins"
    assert violation_subject({"metric_name": "auc"}) == "auc"
    assert violation_subject({"metric_name": "shap", "label": "label0"}) == "shap (label0)"
    assert "on 9 metrics (bias_drift_check 9)" in violations_summary(bias)
    features = [{"feature_name": "a", "constraint_check_type": "data_type_check"}] * 2
    assert "2 violations[/] on 1 feature (data_type_check 2)" in violations_summary(features)
