"""The built-in analyzer's monitoring executions on the real churn baseline and capture layout.

The baseline is the real training CSV, baselined by the analyzer itself. Capture files are laid
out as a schedule's job sees them (``<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl``) with records
in and outside the window. Drifted traffic is rebuilt as in ``tests/engines/test_checks_golden``
(the real execution's 1970 requests + 7 mangled header rows, probabilities in the label
position), with ``Day Mins`` shifted so that one numeric feature drifts too.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.compat.monitor_metrics import read_metric_files
from plimsoll.images.model_monitor_analyzer import run
from plimsoll.metadata.entities import ClusterSpec, JobStatus, ProcessingJobSpec
from plimsoll.services.processing import ProcessingService
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for

REFERENCE = Path(__file__).resolve().parents[3] / "shared/reference/model_monitor"
CHURN = REFERENCE / "examples_data_quality_churn"
GOLDEN = CHURN / "monitoring_output/constraint_violations.first10of60.reconstructed.json"
TRAINING = CHURN / "baseline_input/training-dataset-with-header.csv"
IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
START = datetime(2022, 4, 18, 0, tzinfo=UTC)
CAPTURE_FORMAT = '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}'


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("baseline")
    code = run(
        {
            "dataset_format": '{"csv": {"header": true, "output_columns_position": "START"}}',
            "dataset_source": str(TRAINING),
            "output_path": str(out),
            "output_message_file": str(out / "message"),
        }
    )
    assert code == 0, (out / "message").read_text()
    return out


def _record(output: str, inputs: Iterable[str], when: datetime, n: int) -> str:
    side = {"observedContentType": "text/csv", "encoding": "CSV"}
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {**side, "mode": "INPUT", "data": ",".join(inputs)},
                "endpointOutput": {**side, "mode": "OUTPUT", "data": output},
            },
            "eventMetadata": {
                "eventId": f"event-{n}",
                "inferenceTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            "eventVersion": "0",
        }
    )


def _write_capture(root: Path, lines: list[str], hour: datetime) -> None:
    folder = root / "churn-ep/AllTraffic" / hour.strftime("%Y/%m/%d/%H")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"capture-{hour:%H}.jsonl").write_text("\n".join(lines) + "\n")


def _training_rows() -> list[list[str]]:
    with TRAINING.open() as f:
        return list(csv.reader(f))[1:]


def _normal_lines(when: datetime, limit: int | None = None) -> list[str]:
    """Training rows as traffic: output = the label, input = the 69 features."""
    rows = _training_rows()[:limit]
    return [_record(r[0], r[1:], when + timedelta(seconds=i % 3000), i) for i, r in enumerate(rows)]


def _drifted_lines(when: datetime) -> list[str]:
    with (CHURN / "endpoint_requests/test_sample.csv").open() as f:
        header_row, *requests = list(csv.reader(f))
    shifted = [[r[0], r[1], str(float(r[2]) + 150), *r[3:]] for r in requests]
    inputs = [shifted[i % len(shifted)] for i in range(1970)] + [header_row] * 7
    return [
        _record(f"0.{(i * 37) % 1000:03d}1", r, when + timedelta(seconds=i % 3000), i)
        for i, r in enumerate(inputs)
    ]


def _env(tmp: Path, baseline: Path, capture: Path, **overrides: str) -> dict[str, str]:
    env = {
        "dataset_format": CAPTURE_FORMAT,
        "dataset_source": str(capture),
        "output_path": str(tmp / "output"),
        "baseline_constraints": str(baseline / "constraints.json"),
        "baseline_statistics": str(baseline / "statistics.json"),
        "start_time": "2022-04-18T00:00:00Z",
        "end_time": "2022-04-18T01:00:00Z",
        "metric_time": "2022-04-18T00:00:00Z",
        "publish_cloudwatch_metrics": "Disabled",
        "cloudwatch_metrics_directory": str(tmp / "metrics"),
        "sagemaker_endpoint_name": "churn-ep",
        "sagemaker_monitoring_schedule_name": "churn-schedule",
        "output_message_file": str(tmp / "message"),
    }
    return {**env, **overrides}


def _outputs(tmp: Path) -> dict[str, Any]:
    return {
        name: json.loads((tmp / "output" / f"{name}.json").read_text())
        for name in ("statistics", "constraints", "constraint_violations")
    }


def _message(tmp: Path) -> str:
    return (tmp / "message").read_text()


def test_drifted_window_reports_the_real_violations(baseline: Path, tmp_path: Path) -> None:
    capture = tmp_path / "capture"
    _write_capture(capture, _drifted_lines(START), START)
    # the next hour is in the job's input but outside the window: normal traffic, ignored
    _write_capture(
        capture, _normal_lines(START + timedelta(hours=1), 50), START + timedelta(hours=1)
    )
    assert run(_env(tmp_path, baseline, capture)) == 0
    out = _outputs(tmp_path)
    assert out["statistics"]["dataset"] == {"item_count": 1977}
    found = {
        (v["feature_name"], v["constraint_check_type"], v["description"])
        for v in out["constraint_violations"]["violations"]
    }
    golden = json.loads(GOLDEN.read_text())["violations"]
    assert {(g["feature_name"], g["constraint_check_type"], g["description"]) for g in golden} <= (
        found
    )
    kinds = {(name, kind) for name, kind, _ in found}
    assert ("Day Mins", "baseline_drift_check") in kinds
    assert {kind for _, kind in kinds} == {"data_type_check", "baseline_drift_check"}
    assert len(found) == 61
    assert (
        _message(tmp_path)
        == "CompletedWithViolations: Job completed successfully with 61 violations."
    )
    assert out["constraints"]["features"][0]["name"] == "Churn"
    assert not (tmp_path / "metrics").exists()
    report = (tmp_path / "output" / "report.html").read_text()
    assert "61 violations" in report and "Day Mins" in report and "<svg" in report


def test_normal_window_has_no_violations_and_publishes_metrics(
    baseline: Path, tmp_path: Path
) -> None:
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START), START)
    _write_capture(capture, _drifted_lines(START + timedelta(hours=1)), START + timedelta(hours=1))
    env = _env(tmp_path, baseline, capture, publish_cloudwatch_metrics="Enabled")
    assert run(env) == 0
    assert _message(tmp_path) == "Completed: Job completed successfully with no violations."
    assert _outputs(tmp_path)["constraint_violations"] == {"violations": []}
    metrics = {m.name: m for m in read_metric_files(tmp_path / "metrics")}
    day = metrics["feature_data_Day Mins"].statistic_values
    assert day is not None and day.sample_count == 2333.0
    assert metrics["feature_non_null_Churn"].value == 1.0
    assert metrics["feature_baseline_drift_Day Mins"].value == 0.0
    assert metrics["feature_baseline_drift_Churn"].dimensions == (
        ("Endpoint", "churn-ep"),
        ("MonitoringSchedule", "churn-schedule"),
    )
    assert metrics["feature_non_null_Churn"].timestamp == START


def test_emit_metrics_disabled_in_the_constraints_wins(baseline: Path, tmp_path: Path) -> None:
    constraints = json.loads((baseline / "constraints.json").read_text())
    constraints["monitoring_config"]["emit_metrics"] = "Disabled"
    (tmp_path / "constraints.json").write_text(json.dumps(constraints))
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START, 30), START)
    env = _env(
        tmp_path,
        baseline,
        capture,
        publish_cloudwatch_metrics="Enabled",
        baseline_constraints=str(tmp_path / "constraints.json"),
    )
    assert run(env) == 0, _message(tmp_path)
    assert not (tmp_path / "metrics").exists()


def test_empty_window_has_no_data(baseline: Path, tmp_path: Path) -> None:
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START, 10), START)
    env = _env(
        tmp_path,
        baseline,
        capture,
        start_time="2022-04-19T00:00:00Z",
        end_time="2022-04-19T01:00:00Z",
    )
    assert run(env) == 1
    assert _message(tmp_path) == "Error: Job inputs had no data"
    assert run(_env(tmp_path, baseline, tmp_path / "nothing-here")) == 1
    assert _message(tmp_path).startswith("Error: Job inputs had no data")


def test_a_malformed_line_is_counted_and_skipped(
    baseline: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    capture = tmp_path / "capture"
    lines = _normal_lines(START, 40)
    lines.insert(5, '{"captureData": {"endpointInput": ')
    _write_capture(capture, lines, START)
    with caplog.at_level(logging.INFO):
        assert run(_env(tmp_path, baseline, capture)) == 0
    assert _outputs(tmp_path)["statistics"]["dataset"] == {"item_count": 40}
    assert "invalid_json" in caplog.text
    assert "1 skipped" in caplog.text


def test_a_failing_preprocessor_names_script_and_line(baseline: Path, tmp_path: Path) -> None:
    script = tmp_path / "pre.py"
    script.write_text("def preprocess_handler(inference_record):\n    raise KeyError('Churn')\n")
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START, 5), START)
    env = _env(tmp_path, baseline, capture, record_preprocessor_script=str(script))
    assert run(env) == 1
    message = _message(tmp_path)
    assert message.startswith("Error: Exception while invoking preprocessor script.")
    assert f"{script.resolve()} line 2" in message


def test_a_preprocessor_returning_nested_values_fails_clearly(
    baseline: Path, tmp_path: Path
) -> None:
    script = tmp_path / "pre.py"
    script.write_text(
        "def preprocess_handler(inference_record):\n    return {'features': {'a': 1}}\n"
    )
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START, 5), START)
    env = _env(tmp_path, baseline, capture, record_preprocessor_script=str(script))
    assert run(env) == 1
    message = _message(tmp_path)
    assert "nested value for key 'features'" in message and "must be flat" in message


def test_preprocessor_rows_and_postprocessor_after_outputs(baseline: Path, tmp_path: Path) -> None:
    pre = tmp_path / "pre.py"
    pre.write_text(
        "def preprocess_handler(inference_record, logger):\n"
        "    label = inference_record.endpoint_output.data\n"
        "    values = inference_record.endpoint_input.data.split(',')\n"
        "    if values[0] == '128':\n"
        "        return []\n"
        "    return {'Churn': label, 'Account Length': values[0]}\n"
    )
    marker = tmp_path / "post-ran"
    post = tmp_path / "post.py"
    post.write_text(
        "from pathlib import Path\n"
        "def postprocess_handler():\n"
        f"    out = Path({str(tmp_path / 'output')!r})\n"
        "    done = (out / 'constraint_violations.json').exists()\n"
        f"    Path({str(marker)!r}).write_text(str(done))\n"
    )
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START, 20), START)
    env = _env(
        tmp_path,
        baseline,
        capture,
        record_preprocessor_script=str(pre),
        post_analytics_processor_script=str(post),
    )
    assert run(env) == 0, _message(tmp_path)
    stats = _outputs(tmp_path)["statistics"]
    assert [f["name"] for f in stats["features"]] == ["Churn", "Account Length"]
    dropped = sum(1 for r in _training_rows()[:20] if r[1] == "128")
    assert stats["dataset"]["item_count"] == 20 - dropped
    assert marker.read_text() == "True"
    violations = _outputs(tmp_path)["constraint_violations"]["violations"]
    assert {v["constraint_check_type"] for v in violations} == {"missing_column_check"}


def test_a_failing_postprocessor_fails_the_job(baseline: Path, tmp_path: Path) -> None:
    post = tmp_path / "post.py"
    post.write_text("def postprocess_handler():\n    1 / 0\n")
    capture = tmp_path / "capture"
    _write_capture(capture, _normal_lines(START, 5), START)
    assert run(_env(tmp_path, baseline, capture, post_analytics_processor_script=str(post))) == 1
    message = _message(tmp_path)
    assert "post-analytics processor script" in message and "line 2" in message


def test_excluded_features_are_not_profiled_or_checked(baseline: Path, tmp_path: Path) -> None:
    capture = tmp_path / "capture"
    _write_capture(capture, _drifted_lines(START), START)
    env = _env(tmp_path, baseline, capture, exclude_features_attribute="Churn,Day Mins")
    assert run(env) == 0
    out = _outputs(tmp_path)
    names = [f["name"] for f in out["statistics"]["features"]]
    assert "Churn" not in names and "Day Mins" not in names and len(names) == 68
    flagged = {v["feature_name"] for v in out["constraint_violations"]["violations"]}
    assert flagged and not flagged & {"Churn", "Day Mins"}


def test_batch_transform_csv_without_header(baseline: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("".join(",".join(r) + "\n" for r in _training_rows()))
    env = _env(
        tmp_path,
        baseline,
        data,
        dataset_format='{"csv": {"header": false}}',
        sagemaker_endpoint_name="",
    )
    assert run(env) == 0, _message(tmp_path)
    out = _outputs(tmp_path)
    assert out["constraint_violations"] == {"violations": []}
    assert out["statistics"]["features"][3]["name"] == "Day Mins"


def test_parquet_baseline(tmp_path: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    pq.write_table(pacsv.read_csv(TRAINING), tmp_path / "train.parquet")
    env = {
        "dataset_format": '{"parquet": {}}',
        "dataset_source": str(tmp_path / "train.parquet"),
        "output_path": str(tmp_path / "output"),
        "output_message_file": str(tmp_path / "message"),
        "categorical_drift_method": "ChiSquared",
    }
    assert run(env) == 0, _message(tmp_path)
    stats = json.loads((tmp_path / "output/statistics.json").read_text())
    assert stats["dataset"] == {"item_count": 2333}
    constraints = json.loads((tmp_path / "output/constraints.json").read_text())
    dist = constraints["monitoring_config"]["distribution_constraints"]
    assert dist["categorical_drift_method"] == "ChiSquared"
    assert not (tmp_path / "output/constraint_violations.json").exists()


def test_monitoring_execution_as_a_processing_job(
    service: ProcessingService, baseline: Path, tmp_path: Path
) -> None:
    capture = tmp_path / "capture"
    _write_capture(capture, _drifted_lines(START), START)
    out = tmp_path / "result"
    spec = ProcessingJobSpec(
        name=unique_name("model-monitoring"),
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=IMAGE,
        cluster=ClusterSpec(instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20),
        inputs=(
            s3_input("input_1", f"file://{capture}", "/opt/ml/processing/input/endpoint"),
            s3_input(
                "constraints",
                str(baseline / "constraints.json"),
                "/opt/ml/processing/baseline/constraints",
            ),
            s3_input(
                "baseline",
                str(baseline / "statistics.json"),
                "/opt/ml/processing/baseline/stats",
            ),
        ),
        outputs=(s3_output("result", "/opt/ml/processing/output", str(out)),),
        environment={
            "dataset_format": CAPTURE_FORMAT,
            "dataset_source": "/opt/ml/processing/input/endpoint",
            "output_path": "/opt/ml/processing/output",
            "baseline_constraints": "/opt/ml/processing/baseline/constraints/constraints.json",
            "baseline_statistics": "/opt/ml/processing/baseline/stats/statistics.json",
            "start_time": "2022-04-18T00:00:00Z",
            "end_time": "2022-04-18T01:00:00Z",
            "metric_time": "2022-04-18T00:00:00Z",
            "publish_cloudwatch_metrics": "Disabled",
            "sagemaker_endpoint_name": "churn-ep",
            "sagemaker_monitoring_schedule_name": "churn-schedule",
        },
    )
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=180)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == (
        "CompletedWithViolations: Job completed successfully with 61 violations."
    )
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    assert len(violations) == 61
    assert (out / "statistics.json").exists() and (out / "constraints.json").exists()
