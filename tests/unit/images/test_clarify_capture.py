"""Monitoring mode of the Clarify image: its environment, the monitor's config, and captured
and merged records read into the table the bias and explain paths use."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from plimsoll.compat.clarify_analysis_config import AnalysisConfig, parse_analysis_config
from plimsoll.errors import InsufficientData, ValidationError
from plimsoll.images._clarify_capture import CaptureAttributes, read_capture
from plimsoll.images._clarify_metrics import bias_metrics
from plimsoll.images._clarify_monitoring import complete_config, monitoring_job, output_path

REFERENCE = (
    Path(__file__).resolve().parents[4]
    / "shared/reference/model_monitor/examples_clarify_bias_adult"
)
# The adult dataset's columns in the order of the AWS notebook that produced the reference
# files (label "Target" last); feature 9 is the facet Sex of the baseline analysis.json.
ADULT_HEADERS = ["Age", "Workclass", "fnlwgt", "Education", "Education-Num", "Marital Status",
                 "Occupation", "Relationship", "Ethnic group", "Sex", "Capital Gain",
                 "Capital Loss", "Hours per week", "Country", "Target"]  # fmt: skip
JSON_ATTRIBUTES = CaptureAttributes(
    features="instances[*].features",
    inference="predictions[*].predicted_label",
    probability="predictions[*].score",
    bias=True,
)
HOUR = (datetime(2024, 1, 19, 20, tzinfo=UTC), datetime(2024, 1, 19, 21, tzinfo=UTC))


def _config(**extra: Any) -> AnalysisConfig:
    body = {"dataset_type": "application/sagemakercapturejson", "methods": {}, **extra}
    return parse_analysis_config(body)


def _side(data: str, content_type: str = "text/csv", encoding: str = "CSV") -> dict[str, str]:
    return {"observedContentType": content_type, "mode": "INPUT", "data": data,
            "encoding": encoding}  # fmt: skip


def _record(
    features: str, output: str | None = None, truth: str | None = None,
    time: str = "2024-01-19T20:10:00Z", **sides: Any,
) -> dict[str, Any]:  # fmt: skip
    capture: dict[str, Any] = {"endpointInput": sides.get("input") or _side(features)}
    if output is not None:
        capture["endpointOutput"] = _side(output)
    record: dict[str, Any] = {"captureData": capture,
                              "eventMetadata": {"eventId": "e", "inferenceTime": time},
                              "eventVersion": "0"}  # fmt: skip
    if truth is not None:
        record["groundTruthData"] = {"data": truth, "encoding": "CSV"}
    return record


def _write(root: Path, *records: dict[str, Any], name: str = "part-0.jsonl") -> Path:
    folder = root / "ep" / "AllTraffic" / "2024" / "01" / "19" / "20"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _adult() -> dict[str, Any]:
    return json.loads((REFERENCE / "merged" / "merged_record_sample.json").read_text())


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference files not available")
def test_the_real_merged_record_gives_features_label_and_prediction(tmp_path: Path) -> None:
    record = _adult()
    _write(tmp_path, record)
    config = _config(headers=ADULT_HEADERS, label="instances[*].label")
    read = read_capture(config, tmp_path, JSON_ATTRIBUTES)
    dataset = read.dataset
    assert (read.records, read.outside_window, dataset.rows) == (1, 0, 334)
    assert list(dataset.columns) == [*ADULT_HEADERS, "predicted_label"]
    assert (dataset.label, dataset.predicted_label) == ("Target", "predicted_label")
    inputs = json.loads(record["captureData"]["endpointInput"]["data"])["instances"]
    truth = json.loads(record["groundTruthData"]["data"])["instances"]
    outputs = json.loads(record["captureData"]["endpointOutput"]["data"])["predictions"]
    assert dataset.columns["Sex"].tolist() == [row["features"][9] for row in inputs]
    assert dataset.columns["Age"].dtype == np.int64
    assert dataset.columns["Target"].tolist() == [row["label"] for row in truth]
    assert dataset.columns["predicted_label"].tolist() == [p["predicted_label"] for p in outputs]
    assert (read.input_content_type, read.output_content_type) == ("application/json",) * 2


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference files not available")
def test_without_inference_attribute_the_score_is_thresholded_strictly(tmp_path: Path) -> None:
    record = _adult()
    _write(tmp_path, record)
    config = _config(headers=ADULT_HEADERS, label="instances[*].label")
    outputs = json.loads(record["captureData"]["endpointOutput"]["data"])["predictions"]
    scores = np.array([p["score"] for p in outputs])
    for threshold in (None, 0.9):
        attributes = CaptureAttributes(features="instances[*].features",
                                       probability="predictions[*].score",
                                       probability_threshold=threshold, bias=True)  # fmt: skip
        predicted = read_capture(config, tmp_path, attributes).dataset.columns["predicted_label"]
        cut = 0.5 if threshold is None else threshold
        assert predicted.tolist() == (scores > cut).astype(int).tolist()
        assert 0 < predicted.sum() < len(predicted)


def test_csv_batches_base64_and_headers_without_the_label(tmp_path: Path) -> None:
    plain = _record("1,a,2.5\n2,b,3.5", output="0.9,1\n0.2,0", truth="1\n0")
    encoded = _record("", output="0.7,1", truth="1")
    encoded["captureData"]["endpointInput"] = _side(
        base64.b64encode(b"3,a,4.5").decode(), "text/csv", "BASE64"
    )
    _write(tmp_path, plain, encoded)
    config = _config(headers=["label", "x", "cat", "y"], label="label")
    attributes = CaptureAttributes(inference="1", bias=True)
    dataset = read_capture(config, tmp_path, attributes).dataset
    assert list(dataset.columns) == ["x", "cat", "y", "label", "predicted_label"]
    assert dataset.columns["x"].tolist() == [1, 2, 3]
    assert dataset.columns["cat"].tolist() == ["a", "b", "a"]
    assert dataset.columns["y"].tolist() == [2.5, 3.5, 4.5]
    assert dataset.columns["label"].tolist() == [1, 0, 1]
    assert dataset.columns["predicted_label"].tolist() == [1, 0, 1]
    # probability column 0 instead, against the default threshold 0.5
    scored = read_capture(config, tmp_path, CaptureAttributes(probability="0", bias=True))
    assert scored.dataset.columns["predicted_label"].tolist() == [1, 0, 1]


def test_explainability_reads_only_the_features(tmp_path: Path) -> None:
    _write(tmp_path, _record("1,2\n3,4"), _record("5,6", output="0.1"))
    read = read_capture(_config(), tmp_path, CaptureAttributes())
    assert list(read.dataset.columns) == ["column_0", "column_1"]
    assert read.dataset.columns["column_1"].tolist() == [2, 4, 6]
    assert (read.dataset.label, read.dataset.predicted_label) == (None, None)
    assert read.output_content_type == "text/csv"
    named = read_capture(_config(headers=["a", "b"]), tmp_path, CaptureAttributes())
    assert list(named.dataset.columns) == ["a", "b"]


def test_records_outside_the_window_are_counted_not_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        _record("1", output="1", truth="1", time="2024-01-19T19:59:59Z"),
        _record("2", output="0", truth="1"),
        _record("3", output="1", truth="0", time="2024-01-19T21:00:00Z"),  # end is excluded
    )
    attributes = CaptureAttributes(window=HOUR, bias=True)
    read = read_capture(_config(label="y"), tmp_path, attributes)
    assert (read.records, read.outside_window) == (1, 2)
    assert read.dataset.columns["column_0"].tolist() == [2]
    with pytest.raises(InsufficientData, match=r"^Job inputs had no data$"):
        read_capture(_config(label="y"), tmp_path / "missing", attributes)
    late = CaptureAttributes(window=(HOUR[1], datetime(2024, 1, 19, 22, tzinfo=UTC)))
    assert read_capture(_config(), tmp_path, late).dataset.rows == 1


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            _record("1\n2", output="1", truth="1\n0"),
            "line 2: row counts disagree: 2 feature rows, 1 predictions, 2 ground-truth labels",
        ),
        (_record("1", output="1"), "line 2: the record has no groundTruthData"),
        (
            _record("1,2", output="1", truth="0"),
            "line 2: 2 features per row, but earlier records have 1",
        ),
        (_record("1", output="0.3,1", truth="1"), "line 2: the endpointOutput CSV has 2 columns"),
        ({"eventMetadata": {}}, "line 2: the line is not a capture record"),
    ],
)
def test_unreadable_records_fail_the_job_naming_file_and_line(
    tmp_path: Path, record: dict[str, Any], message: str
) -> None:
    path = _write(tmp_path, _record("5", output="1", truth="1"), record)
    with pytest.raises(ValidationError) as raised:
        read_capture(_config(label="y"), tmp_path, CaptureAttributes(bias=True))
    assert raised.value.message.startswith(f"{path} {message}")


def test_a_line_that_is_not_json_fails_the_job(tmp_path: Path) -> None:
    path = _write(tmp_path, _record("5"))
    with path.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(ValidationError, match=r"part-0\.jsonl line 2 is not JSON"):
        read_capture(_config(), tmp_path, CaptureAttributes())


def test_json_requests_need_features_attribute_for_objects(tmp_path: Path) -> None:
    body = json.dumps({"instances": [{"features": [1, 2]}]})
    record = _record("", input=_side(body, "application/json", "JSON"))
    _write(tmp_path, record)
    with pytest.raises(ValidationError, match="set features_attribute"):
        read_capture(_config(), tmp_path, CaptureAttributes())
    found = read_capture(_config(), tmp_path, CaptureAttributes(features="instances[*].features"))
    assert found.dataset.columns["column_0"].tolist() == [1]
    lines = "\n".join(json.dumps([i, i + 1]) for i in range(3))  # a JSON Lines request
    _write(tmp_path, _record("", input=_side(lines, "application/jsonlines", "JSON")))
    jsonl = read_capture(_config(), tmp_path, CaptureAttributes())
    assert jsonl.dataset.columns["column_1"].tolist() == [1, 2, 3]
    assert jsonl.input_content_type == "application/jsonlines"


def test_headers_that_do_not_fit_the_records_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, _record("1,2,3"))
    with pytest.raises(ValidationError, match="headers names 5 columns, but the captured"):
        read_capture(_config(headers=list("abcde")), tmp_path, CaptureAttributes())


# -- the monitoring job's environment and the monitor's config ------------------------------------


def test_without_analysis_type_the_image_is_a_plain_clarify_job() -> None:
    assert monitoring_job({"dataset_source": "/x", "start_time": "bad"}) is None
    assert output_path(Path("/default"), {"output_path": "/elsewhere"}) == Path("/default")


def test_the_environment_of_a_bias_monitoring_job() -> None:
    job = monitoring_job({
        "analysis_type": "MODEL_BIAS", "dataset_source": "/data", "features_attribute": "f",
        "inference_attribute": "None", "probability_attribute": "0",
        "probability_threshold_attribute": "0.7", "publish_cloudwatch_metrics": "Enabled",
        "start_time": "2024-01-19T20:00:00Z", "end_time": "2024-01-19T21:00:00Z",
        "sagemaker_endpoint_name": "ep", "sagemaker_monitoring_schedule_name": "s",
    })  # fmt: skip
    assert job is not None and job.bias and job.publish_metrics
    assert job.dataset_source == Path("/data")
    assert job.attributes == CaptureAttributes(
        features="f", probability="0", probability_threshold=0.7, window=HOUR, bias=True
    )  # inference_attribute "None" is the SDK's str(None): absent
    assert job.metric_time == HOUR[1]  # no metric_time: end_time, as the analyzer does
    assert (job.endpoint_name, job.schedule_name) == ("ep", "s")
    assert job.metrics_directory == Path("/opt/ml/output/metrics/cloudwatch")
    explain = monitoring_job({"analysis_type": "model_explainability"})
    assert explain is not None and not explain.bias and not explain.publish_metrics
    assert explain.dataset_source == Path("/opt/ml/processing/input_data")
    assert output_path(Path("/d"), {"analysis_type": "MODEL_BIAS"}) == Path(
        "/opt/ml/processing/output"
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"analysis_type": "MODEL_QUALITY"}, "analysis_type 'MODEL_QUALITY' is not one"),
        ({"start_time": "2024-01-19T20:00:00Z"}, "start_time and end_time must be given together"),
        ({"start_time": "yesterday", "end_time": "2024-01-19T20:00:00Z"}, "start_time must be"),
        ({"probability_threshold_attribute": "high"}, "probability_threshold_attribute must be"),
    ],
)
def test_a_malformed_environment_is_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        monitoring_job({"analysis_type": "MODEL_BIAS", **environ})


def test_the_monitors_config_is_completed_as_the_managed_monitor_runs_it() -> None:
    bias = monitoring_job({"analysis_type": "MODEL_BIAS"})
    explain = monitoring_job({"analysis_type": "MODEL_EXPLAINABILITY", "inference_attribute": "1",
                              "probability_attribute": "predictions[*].score"})  # fmt: skip
    assert bias is not None and explain is not None
    raw = {"label_values_or_threshold": [1], "facet": [{"name_or_index": "a"}], "label": "y"}
    config = parse_analysis_config(complete_config(raw, bias))
    assert config.dataset_type == "application/sagemakercapturejson"
    assert config.methods.pre_training_bias is not None
    assert config.methods.post_training_bias is not None
    assert config.methods.pre_training_bias.methods == "all"
    assert config.predicted_label == "predicted_label"  # no model call for predictions
    chosen = {**raw, "methods": {"post_training_bias": {"methods": ["DPPL"]}}}
    assert complete_config(chosen, bias)["methods"] == chosen["methods"]
    predictor = {"model_name": "m", "content_type": "text/csv"}
    shap = {"methods": {"shap": {"baseline": [[1]]}}, "predictor": predictor}
    filled = parse_analysis_config(complete_config(shap, explain))
    assert filled.predictor is not None
    assert (filled.predictor.probability, filled.predictor.label) == ("predictions[*].score", None)
    only_label = monitoring_job({"analysis_type": "MODEL_EXPLAINABILITY",
                                 "inference_attribute": "1"})  # fmt: skip
    assert only_label is not None
    assert complete_config(shap, only_label)["predictor"]["label"] == 1  # a CSV column index
    given = {**shap, "predictor": {**predictor, "label": "x"}}
    assert complete_config(given, explain)["predictor"] == given["predictor"]


def test_bias_metrics_leave_out_errors_and_publish_infinity_as_sagemaker_does() -> None:
    group = {"value_or_threshold": "(40, 75]", "metrics": [
        {"name": "DI", "value": None, "error": "Facet set is empty."},
        {"name": "DCA", "value": "-Infinity"}, {"name": "AD", "value": float("nan")},
        {"name": "DPPL", "value": 0.25},
    ]}  # fmt: skip
    analysis = {"post_training_bias_metrics": {"label": "y", "label_value_or_threshold": "1",
                                               "facets": {"age": [group]}}}  # fmt: skip
    when = datetime(2024, 1, 19, 20, tzinfo=UTC)
    data = bias_metrics(analysis, timestamp=when, endpoint=None, schedule="s")
    assert [(d.name, d.value) for d in data] == [
        ("bias_metric_DCA", -2.348543e108), ("bias_metric_DPPL", 0.25),
    ]  # fmt: skip
    assert data[0].dimensions == (
        ("MonitoringSchedule", "s"), ("BiasStage", "Post-Training"), ("Label", "y"),
        ("LabelValue", "1"), ("Facet", "age"), ("FacetValue", "(40, 75]"),
    )  # batch transform monitoring: no Endpoint dimension  # fmt: skip
