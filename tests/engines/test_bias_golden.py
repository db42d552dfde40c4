"""Golden test against real SageMaker Clarify output (reference examples_clarify_bias_adult).

The baseline ``analysis.json`` was computed on the notebook's validation set, which is not in
the reference folder, so its *values* cannot be reproduced; its metric names and description
texts are checked instead. The monitoring run's ``constraint_violations.json`` quotes the
metric values Clarify computed on the merged record that *is* stored (334 rows: features,
ground-truth label, model ``predicted_label``), so those values are reproduced to 1e-9.
Facet ``Sex`` (feature 9) = [0], label [1], group variable ``Age`` (feature 0). FT is the one
quoted value not reproduced (-0.136 quoted, 0.0 here and with scikit-learn's kNN on the 13
remaining features): how the container builds the flip-test feature matrix is not visible.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from plimsoll.engines.bias import DESCRIPTIONS, Stage, bias_report

REFERENCE = (
    Path(__file__).resolve().parents[3]
    / "shared/reference/model_monitor/examples_clarify_bias_adult"
)

pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference files not available")


def _merged():
    record = json.loads((REFERENCE / "merged/merged_record_sample.json").read_text())
    truth = json.loads(record["groundTruthData"]["data"])["instances"]
    inputs = json.loads(record["captureData"]["endpointInput"]["data"])["instances"]
    outputs = json.loads(record["captureData"]["endpointOutput"]["data"])["predictions"]
    features = np.array([row["features"] for row in inputs])
    label = np.array([row["label"] for row in truth])
    predicted = np.array([row["predicted_label"] for row in outputs])
    return features, label, predicted


def test_monitoring_values_are_reproduced() -> None:
    features, label, predicted = _merged()
    violations = json.loads(
        (REFERENCE / "monitoring_output/constraint_violations.json").read_text()
    )
    quoted = {}
    for violation in violations["violations"]:
        assert violation["facet"] == "Sex" and violation["facet_value"] == "0"
        text = re.match(r"Metric value (\S+) doesn't", violation["description"]).group(1)
        quoted[violation["metric_name"]] = math.inf if text == "Infinity" else float(text)
    [entry] = bias_report(
        facet=features[:, 9],
        facet_values_or_threshold=[0],
        label=label,
        label_values_or_threshold=[1],
        stage=Stage.POST_TRAINING,
        predicted_label=predicted,
        group_variable=features[:, 0],
        features={str(i): features[:, i] for i in range(14) if i != 9},
    )
    assert entry.value_or_threshold == "0"
    ours = {m.name: m.value for m in entry.metrics}
    checked = {name: value for name, value in quoted.items() if name != "FT"}
    assert len(checked) == 8
    for name, value in checked.items():
        if math.isinf(value):
            assert ours[name] == value, name
        else:
            assert ours[name] == pytest.approx(value, abs=1e-9, rel=0), name


def test_baseline_names_and_descriptions_match() -> None:
    analysis = json.loads((REFERENCE / "baseline_output/analysis.json").read_text())
    for section in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        assert analysis[section]["label_value_or_threshold"] == "1"
        [entry] = analysis[section]["facets"]["Sex"]
        names = [m["name"] for m in entry["metrics"]]
        assert names == sorted(names)
        for metric in entry["metrics"]:
            assert DESCRIPTIONS[metric["name"]] == metric["description"]
            assert set(metric) <= {"name", "description", "value", "error"}
