"""The built-in Clarify image: bias analysis without a model, in-process and as a real job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from plimsoll.engines.bias import Stage, bias_report, bias_section
from plimsoll.images.clarify import COMPLETED_MESSAGE
from plimsoll.metadata.entities import ClusterSpec, JobStatus, ProcessingJobSpec
from plimsoll.services.processing import ProcessingService
from tests.integration._clarify import adult, run_image, write_csv
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for

IMAGE = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
HEADERS = ["age", "sex", "race", "hours", "income", "predicted"]


def _config(**overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "dataset_type": "text/csv",
        "headers": HEADERS,
        "label": "income",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "sex", "value_or_threshold": ["Female"]}],
        "group_variable": "race",
        "methods": {
            "pre_training_bias": {"methods": "all"},
            "report": {"name": "report", "title": "Analysis Report"},
        },
    }
    config.update(overrides)
    return config


def _expected_pre(columns: dict[str, np.ndarray], facet_values: list[Any] | None) -> dict:
    results = bias_report(
        facet=columns["sex"], facet_values_or_threshold=facet_values, label=columns["income"],
        label_values_or_threshold=[1], stage=Stage.PRE_TRAINING,
        group_variable=columns["race"],
    )  # fmt: skip
    return bias_section(
        label_name="income", label=columns["income"], label_values_or_threshold=[1],
        facets={"sex": results},
    ).to_dict()  # fmt: skip


@pytest.mark.parametrize("header_row", [False, True], ids=["headerless", "header-row"])
def test_csv_pre_training_equals_the_engine_on_the_same_columns(
    tmp_path: Path, header_row: bool
) -> None:
    columns = adult()
    write_csv(columns, tmp_path / "data" / "train.csv", header=header_row)
    code, message, analysis = run_image(tmp_path, _config())
    assert (code, message) == (0, COMPLETED_MESSAGE)
    assert analysis is not None and set(analysis) == {"version", "pre_training_bias_metrics"}
    assert analysis["version"] == "1.0"
    assert analysis["pre_training_bias_metrics"] == _expected_pre(columns, ["Female"])
    entry = analysis["pre_training_bias_metrics"]["facets"]["sex"][0]
    assert entry["value_or_threshold"] == "Female"
    names = [m["name"] for m in entry["metrics"]]
    assert names == ["CDDL", "CI", "DPL", "JS", "KL", "KS", "LP", "TVD"]
    # hand check: CI = (n_a - n_d) / n, DPL = q_a - q_d
    female, y = columns["sex"] == "Female", columns["income"] == 1
    by_name = {m["name"]: m["value"] for m in entry["metrics"]}
    assert by_name["CI"] == pytest.approx(((~female).sum() - female.sum()) / female.size)
    assert by_name["DPL"] == pytest.approx(y[~female].mean() - y[female].mean())


def test_csv_with_its_own_header_row_and_no_headers_key(tmp_path: Path) -> None:
    columns = adult()
    write_csv(columns, tmp_path / "data" / "part-0.csv", header=True)
    config = _config(label=4, facet=[{"name_or_index": 1}])  # indices, one-vs-all
    del config["headers"]
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    section = analysis["pre_training_bias_metrics"]
    assert section == _expected_pre(columns, None)
    assert section["label"] == "income" and section["label_value_or_threshold"] == "1"
    assert [e["value_or_threshold"] for e in section["facets"]["sex"]] == list(
        dict.fromkeys(columns["sex"].tolist())
    )


def test_jsonlines_with_a_features_array(tmp_path: Path) -> None:
    columns = adult()
    features = ["age", "sex", "race", "hours"]
    data = tmp_path / "data"
    data.mkdir()
    rows = zip(*(columns[f].tolist() for f in features), strict=True)
    with (data / "train.jsonl").open("w") as fh:
        for row, label in zip(rows, columns["income"].tolist(), strict=True):
            fh.write(json.dumps({"features": list(row), "label": label}) + "\n")
    config = _config(dataset_type="application/jsonlines", features="features", label="label",
                     headers=[*features, "income"])  # fmt: skip
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    assert analysis["pre_training_bias_metrics"] == _expected_pre(columns, ["Female"])


def test_parquet_pre_and_post_training_with_a_predicted_label_column(tmp_path: Path) -> None:
    columns = adult()
    (tmp_path / "data").mkdir()
    pq.write_table(pa.table(dict(columns)), tmp_path / "data" / "train.parquet")
    config = _config(dataset_type="application/x-parquet", predicted_label="predicted",
                     excluded_columns=["race"])  # fmt: skip
    del config["headers"]
    config["methods"]["post_training_bias"] = {"methods": ["DPPL", "DI", "AD", "FT"]}
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    assert analysis["pre_training_bias_metrics"] == _expected_pre(columns, ["Female"])
    post = analysis["post_training_bias_metrics"]
    expected = bias_report(
        facet=columns["sex"], facet_values_or_threshold=["Female"], label=columns["income"],
        label_values_or_threshold=[1], stage=Stage.POST_TRAINING,
        predicted_label=columns["predicted"], metrics=["DPPL", "DI", "AD", "FT"],
        group_variable=columns["race"], features={"age": columns["age"], "hours": columns["hours"]},
    )  # fmt: skip
    assert post["facets"]["sex"] == [r.to_dict() for r in expected]
    ft = next(m for m in post["facets"]["sex"][0]["metrics"] if m["name"] == "FT")
    assert "error" not in ft  # race (text) is excluded, so the flip test has numeric features


# spec clarify.md §2.4, the hand-checkable worked example
WORKED = """sex,y,yhat,grp,x
F,yes,yes,1,0.5
F,no,yes,1,1.0
F,no,no,2,2.0
F,yes,no,2,3.5
F,no,no,2,4.0
M,yes,yes,1,0.7
M,yes,yes,1,1.2
M,no,yes,2,2.2
M,yes,no,2,3.1
M,no,no,1,4.4
M,yes,yes,2,5.0
M,no,no,1,0.1
"""
WORKED_VALUES = {
    "CI": 0.166667, "DPL": 0.171429, "KL": 0.059612, "JS": 0.014779, "LP": 0.242437,
    "TVD": 0.171429, "KS": 0.171429, "CDDL": 0.166667, "AD": 0.114286, "CDDPL": 0.125,
    "DAR": 0.25, "DCA": 0.0, "DCR": 0.0, "DI": 0.7, "DPPL": 0.171429, "DRR": 0.0, "FT": -0.2,
    "GE": 0.166667, "RD": 0.25, "SD": 0.0, "TE": 0.0,
}  # fmt: skip


def test_the_specs_worked_example_all_metrics(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "worked.csv").write_text(WORKED)
    config = {
        "dataset_type": "text/csv", "label": "y", "predicted_label": "yhat",
        "label_values_or_threshold": ["yes"], "group_variable": "grp",
        "facet": [{"name_or_index": "sex", "value_or_threshold": ["F"]}],
        "methods": {"pre_training_bias": {"methods": "all"},
                    "post_training_bias": {"methods": "all"}},
    }  # fmt: skip
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    values = {}
    for key in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        section = analysis[key]
        assert (section["label"], section["label_value_or_threshold"]) == ("y", "yes")
        [entry] = section["facets"]["sex"]
        assert entry["value_or_threshold"] == "F"
        values.update({m["name"]: m["value"] for m in entry["metrics"]})
    assert values == pytest.approx(WORKED_VALUES, abs=1e-6)


@pytest.mark.parametrize(
    ("methods", "predictor", "text"),
    [
        ({"shap": {"baseline": [[30, "Male", "White", 40.0]], "num_samples": 10}},
         {"endpoint_name": "e"}, "The shap method"),
        ({"pdp": {"grid_resolution": 5, "features": ["age"]}}, {"endpoint_name": "e"},
         "The pdp method"),
        ({"post_training_bias": {"methods": "all"}}, {"model_name": "m", "instance_type":
          "ml.m5.xlarge", "initial_instance_count": 1}, "Post-training bias"),
    ],
    ids=["shap", "pdp", "post-training-from-a-model"],
)  # fmt: skip
def test_what_needs_a_model_fails_with_a_clear_message(
    tmp_path: Path,
    methods: dict[str, Any],
    predictor: dict[str, Any],
    text: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the SageMaker endpoint variables the job cannot reach a model (see
    test_clarify_model.py for the jobs that can)."""
    for name in ("AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"):
        monkeypatch.delenv(name, raising=False)
    write_csv(adult(), tmp_path / "data" / "train.csv", header=False)
    config = _config(predictor=predictor)
    config["methods"].update(methods)
    code, message, _ = run_image(tmp_path, config)
    assert code == 1
    assert message.startswith(f"Error: {text}")
    assert "needs model access: set AWS_ENDPOINT_URL_SAGEMAKER" in message
    assert not (tmp_path / "output" / "analysis.json").exists()


def test_a_malformed_config_fails_with_the_validators_message(tmp_path: Path) -> None:
    write_csv(adult(), tmp_path / "data" / "train.csv", header=False)
    code, message, _ = run_image(tmp_path, _config(dataset_type="text/tsv", facets=[]))
    assert code == 1
    assert message.startswith("Error: Invalid analysis_config: ")
    assert "dataset_type" in message and "facets" in message


def test_a_facet_that_is_not_a_column_fails(tmp_path: Path) -> None:
    write_csv(adult(), tmp_path / "data" / "train.csv", header=False)
    code, message, _ = run_image(tmp_path, _config(facet=[{"name_or_index": "gender"}]))
    assert code == 1
    assert message.startswith("Error: facet 'gender' is not a column of the dataset")


def test_the_image_runs_as_a_processing_job(service: ProcessingService, tmp_path: Path) -> None:
    columns = adult()
    write_csv(columns, tmp_path / "in" / "data" / "train.csv", header=False)
    (tmp_path / "in" / "config").mkdir()
    (tmp_path / "in" / "config" / "analysis_config.json").write_text(json.dumps(_config()))
    out = tmp_path / "out"
    spec = ProcessingJobSpec(
        name=unique_name("clarify"),
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=IMAGE,
        cluster=ClusterSpec(instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20),
        inputs=(
            s3_input(
                "analysis_config",
                str(tmp_path / "in" / "config"),
                "/opt/ml/processing/input/config",
            ),
            s3_input("dataset", str(tmp_path / "in" / "data"), "/opt/ml/processing/input/data"),
        ),  # fmt: skip
        outputs=(s3_output("analysis_result", "/opt/ml/processing/output", str(out)),),
    )
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=120)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == COMPLETED_MESSAGE
    analysis = json.loads((out / "analysis.json").read_text())
    assert analysis["pre_training_bias_metrics"] == _expected_pre(columns, ["Female"])
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert "Analysis Report" in (out / "report.html").read_text()
