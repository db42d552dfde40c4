"""The Clarify image as a monitoring job: a baseline in, constraint_violations.json out."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from plimsoll.images.clarify import COMPLETED_MESSAGE
from tests.integration._clarify import adult, run_image, write_csv

HEADERS = ["age", "sex", "race", "hours", "income", "predicted"]
CONFIG = {
    "dataset_type": "text/csv",
    "headers": HEADERS,
    "label": "income",
    "label_values_or_threshold": [1],
    "facet": [{"name_or_index": "sex", "value_or_threshold": ["Female"]}],
    "predicted_label": "predicted",
    "methods": {
        "pre_training_bias": {"methods": ["CI", "DPL"]},
        "post_training_bias": {"methods": ["DPPL", "DI"]},
    },
}


def test_a_baseline_gives_violations_and_the_analyzers_exit_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for root in (tmp_path, tmp_path / "plain"):
        write_csv(adult(), root / "data" / "train.csv", header=False)
    code, message, analysis = run_image(tmp_path / "plain", CONFIG)
    assert (code, message) == (0, COMPLETED_MESSAGE)  # no baseline: no monitoring output
    assert analysis is not None
    assert not (tmp_path / "plain" / "output" / "constraint_violations.json").exists()

    # A baseline where every metric sat at its ideal value: each current value is farther.
    ideal = copy.deepcopy(analysis)
    for section in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for metric in ideal[section]["facets"]["sex"][0]["metrics"]:
            metric["value"] = 1.0 if metric["name"] == "DI" else 0.0
    baseline = tmp_path / "baseline" / "analysis.json"
    baseline.parent.mkdir()
    baseline.write_text(json.dumps(ideal))
    monkeypatch.setenv("baseline_constraints", str(baseline))
    code, message, again = run_image(tmp_path, CONFIG)
    assert code == 0, message
    assert again == analysis
    assert message == "CompletedWithViolations: Job completed successfully with 4 violations."
    body = json.loads((tmp_path / "output" / "constraint_violations.json").read_text())
    assert body["version"] == "1.0"
    assert [(v["facet"], v["facet_value"], v["metric_name"]) for v in body["violations"]] == [
        ("sex", "Female", "CI"), ("sex", "Female", "DPL"),
        ("sex", "Female", "DI"), ("sex", "Female", "DPPL"),
    ]  # fmt: skip
    assert {v["constraint_check_type"] for v in body["violations"]} == {"bias_drift_check"}

    baseline.write_text(json.dumps(analysis))  # the same data again: no drift
    code, message, _ = run_image(tmp_path, CONFIG)
    assert (code, message) == (0, "Completed: Job completed successfully with no violations.")
    body = json.loads((tmp_path / "output" / "constraint_violations.json").read_text())
    assert body == {"version": "1.0", "violations": []}

    monkeypatch.setenv("baseline_constraints", str(tmp_path / "missing.json"))
    code, message, _ = run_image(tmp_path, CONFIG)
    assert code == 1
    assert message == f"Error: baseline_constraints file {tmp_path / 'missing.json'} does not exist"
