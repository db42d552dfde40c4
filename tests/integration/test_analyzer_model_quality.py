"""Model-quality executions end to end: the merger image, then the analyzer's MODEL_QUALITY mode.

Baseline: the real churn validation set with predictions (``examples_model_quality_churn``),
whose metrics and constraints are compared with the values the real service displayed.
Monitoring: the SDK's reference capture (``capture.jsonl``, CSV probabilities) and ground truth
(``actuals.jsonl``) with their ``{%s}`` placeholders filled, laid out as a schedule's jobs see
them, merged by the merger image's ``run`` and analysed against the churn baseline: that model
is much worse than the churn one, so the window violates.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.compat.monitor_metrics import read_metric_files
from plimsoll.images import groundtruth_merger
from plimsoll.images.model_monitor_analyzer import run
from plimsoll.metadata.entities import ClusterSpec, JobStatus, ProcessingJobSpec
from plimsoll.services.processing import ProcessingService
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for

REFERENCE = Path(__file__).resolve().parents[3] / "shared/reference/model_monitor"
CHURN = REFERENCE / "examples_model_quality_churn"
VALIDATION = CHURN / "baseline_input/validation_with_predictions.csv"
SDK = REFERENCE / "sdk_v2.199.0/tests_data_monitor"
START = datetime(2024, 3, 5, 10, tzinfo=UTC)
END = START + timedelta(hours=1)
MERGE_FORMAT = '{"sagemakerMergeJson":{"captureIndexNames":["endpointOutput"]}}'
ANALYZER = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest"
MERGER = (
    "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-groundtruth-merger:latest"
)
QUALITY = {
    "analysis_type": "MODEL_QUALITY",
    "problem_type": "BinaryClassification",
}


def _churn_env(out: Path) -> dict[str, str]:
    return {
        **QUALITY,
        "dataset_format": '{"csv": {"header": true, "output_columns_position": "START"}}',
        "dataset_source": str(VALIDATION),
        "output_path": str(out),
        "output_message_file": str(out / "message"),
        "inference_attribute": "prediction",
        "probability_attribute": "probability",
        "ground_truth_attribute": "label",
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mq-baseline")
    assert run(_churn_env(out)) == 0, (out / "message").read_text()
    return out


def _displayed(value: float) -> str:
    """As pandas displayed the reference frames (6 significant digits)."""
    return f"{value:.6g}"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_churn_baseline_gives_the_reference_metrics(baseline: Path) -> None:
    assert VALIDATION.read_text().splitlines()[0] == "probability,prediction,label"
    assert (baseline / "message").read_text().startswith("Completed: ")
    statistics = json.loads((baseline / "statistics.json").read_text())
    assert statistics["dataset"]["item_count"] == 201
    metrics = statistics["binary_classification_metrics"]
    for row in _rows(CHURN / "baseline_output/binary_classification_metrics.as_displayed.csv"):
        key = row["flattened_key"]
        if key.startswith("confusion_matrix."):
            _, actual, predicted = key.split(".")
            assert metrics["confusion_matrix"][actual][predicted] == int(row["value_as_displayed"])
        elif key.endswith(".value"):
            value = metrics[key.removesuffix(".value")]["value"]
            assert _displayed(value) == row["value_as_displayed"], key
    assert not (baseline / "constraint_violations.json").exists()


def test_the_churn_baseline_suggests_the_reference_constraints(baseline: Path) -> None:
    body = json.loads((baseline / "constraints.json").read_text())
    constraints = body["binary_classification_constraints"]
    expected = _rows(CHURN / "baseline_output/binary_classification_constraints.as_displayed.csv")
    assert list(constraints) == [row["metric"] for row in expected]
    for row in expected:
        found = constraints[row["metric"]]
        assert _displayed(found["threshold"]) == row["threshold_as_displayed"], row["metric"]
        assert found["comparison_operator"] == row["comparison_operator"]


# -- monitoring: reference capture + ground truth -> merger -> analyzer ------------------------


def _filled(path: Path, start: datetime) -> list[str]:
    """The SDK fixture's lines with ``{%s}`` filled: one record a minute from ``start``."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [
        line.replace("{%s}", f"{start + timedelta(minutes=i):%Y-%m-%dT%H:%M:%SZ}")
        for i, line in enumerate(lines)
    ]


def _layout(root: Path, capture_start: datetime = START) -> tuple[Path, Path]:
    """Capture under ``<endpoint>/<variant>/yyyy/mm/dd/hh`` and ground truth under
    ``yyyy/mm/dd/hh`` (uploaded in the window's hour), as the merge job's inputs."""
    capture = root / "input_data"
    hour = capture / f"churn-ep/AllTraffic/{capture_start:%Y/%m/%d/%H}"
    hour.mkdir(parents=True)
    (hour / "capture-1.jsonl").write_text("\n".join(_filled(SDK / "capture.jsonl", capture_start)))
    truth = root / "groundtruth"
    folder = truth / f"{START:%Y/%m/%d/%H}"
    folder.mkdir(parents=True)
    (folder / "actuals.jsonl").write_text("\n".join(_filled(SDK / "actuals.jsonl", START)))
    return capture, truth


def _merge(root: Path, capture: Path, truth: Path) -> tuple[int, Path]:
    out = root / "merge"
    code = groundtruth_merger.run(
        {
            "dataset_source": str(capture),
            "ground_truth_source": str(truth),
            "output_path": str(out),
            "start_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
            "end_time": f"{END:%Y-%m-%dT%H:%M:%SZ}",
            "output_message_file": str(root / "merge_message"),
        }
    )
    return code, out


def _monitor_env(root: Path, merged: Path, baseline: Path, **extra: str) -> dict[str, str]:
    return {
        **QUALITY,
        "dataset_format": MERGE_FORMAT,
        "dataset_source": str(merged),
        "output_path": str(root / "result"),
        "output_message_file": str(root / "message"),
        "baseline_constraints": str(baseline / "constraints.json"),
        "probability_attribute": "0",
        "probability_threshold_attribute": "0.5",
        "start_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
        "end_time": f"{END:%Y-%m-%dT%H:%M:%SZ}",
        "metric_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
        "publish_cloudwatch_metrics": "Enabled",
        "cloudwatch_metrics_directory": str(root / "metrics"),
        "sagemaker_endpoint_name": "churn-ep",
        "sagemaker_monitoring_schedule_name": "churn-quality",
        **extra,
    }


def _expected_window() -> dict[str, float]:
    """Accuracy, recall and precision of the fixture, computed here from its raw lines."""
    captures = [json.loads(line) for line in _filled(SDK / "capture.jsonl", START)]
    actuals = {
        (r := json.loads(line))["eventMetadata"]["eventId"]: r["groundTruthData"]["data"]
        for line in _filled(SDK / "actuals.jsonl", START)
    }
    pairs = [
        (actuals[c["eventMetadata"]["eventId"]], float(c["captureData"]["endpointOutput"]["data"]))
        for c in captures
    ]
    tp = sum(1 for label, p in pairs if label == "1" and p > 0.5)
    fp = sum(1 for label, p in pairs if label == "0" and p > 0.5)
    fn = sum(1 for label, p in pairs if label == "1" and p <= 0.5)
    correct = sum(1 for label, p in pairs if (label == "1") == (p > 0.5))
    return {
        "accuracy": correct / len(pairs),
        "recall": tp / (tp + fn),
        "precision": tp / (tp + fp),
        "rows": float(len(pairs)),
    }


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


def test_merged_window_is_scored_and_violates_the_churn_baseline(
    baseline: Path, tmp_path: Path
) -> None:
    capture, truth = _layout(tmp_path)
    code, merged = _merge(tmp_path, capture, truth)
    assert code == 0, (tmp_path / "merge_message").read_text()
    assert (tmp_path / "merge_message").read_text() == (
        "Completed: Merged 44 captured records with their ground truth."
    )
    parts = sorted(merged.rglob("part-*.c000.jsonl"))
    assert [p.relative_to(merged).parent.as_posix() for p in parts] == [
        f"churn-ep/AllTraffic/{START:%Y/%m/%d/%H}"
    ]
    assert _json(merged / "merge_report.json")["matched"] == 44

    assert run(_monitor_env(tmp_path, merged, baseline)) == 0, (tmp_path / "message").read_text()
    out = tmp_path / "result"
    expected = _expected_window()
    metrics = _json(out / "statistics.json")["binary_classification_metrics"]
    assert _json(out / "statistics.json")["dataset"]["item_count"] == expected["rows"]
    for name in ("accuracy", "recall", "precision"):
        assert metrics[name]["value"] == pytest.approx(expected[name], abs=1e-12), name
    violations = _json(out / "constraint_violations.json")["violations"]
    names = {v["metric_name"] for v in violations}
    assert {"accuracy", "auc", "precision", "falsePositiveRate", "trueNegativeRate"} <= names
    assert (tmp_path / "message").read_text() == (
        f"CompletedWithViolations: Job completed successfully with {len(violations)} violations."
    )
    assert "binary_classification_constraints" in _json(out / "constraints.json")
    published = {d.name: d for d in read_metric_files(tmp_path / "metrics")}
    assert set(published) == {k for k, v in metrics.items() if "value" in v}
    assert published["accuracy"].value == pytest.approx(expected["accuracy"])
    assert published["accuracy"].dimensions == (
        ("Endpoint", "churn-ep"),
        ("MonitoringSchedule", "churn-quality"),
    )
    assert published["accuracy"].timestamp == START


def test_the_window_filters_records_and_its_own_constraints_do_not_violate(
    tmp_path: Path,
) -> None:
    """Half the capture falls after the window: the merge leaves it out; checked against the
    constraints suggested from the same records, the window has no violation."""
    capture, truth = _layout(tmp_path, capture_start=END - timedelta(minutes=22))
    code, merged = _merge(tmp_path, capture, truth)
    assert code == 0
    report = _json(merged / "merge_report.json")
    assert (report["matched"], report["capture_outside_window"]) == (22, 22)
    assert report["ground_truth_outside_window"] == 22
    first = tmp_path / "first"
    env = _monitor_env(first, merged, tmp_path, baseline_constraints="")
    assert run(env) == 0
    assert _json(first / "result/constraint_violations.json") == {"violations": []}
    again = _monitor_env(tmp_path, merged, first / "result")
    assert run(again) == 0, (tmp_path / "message").read_text()
    assert _json(tmp_path / "result/statistics.json")["dataset"]["item_count"] == 22
    assert (tmp_path / "message").read_text() == (
        "Completed: Job completed successfully with no violations."
    )


def _merged_line(output: str, truth: str, when: datetime = START) -> str:
    return json.dumps(
        {
            "captureData": {"endpointOutput": {"data": output, "encoding": "CSV"}},
            "eventMetadata": {"eventId": "e", "inferenceTime": f"{when:%Y-%m-%dT%H:%M:%SZ}"},
            "eventVersion": "0",
            "groundTruthData": {"data": truth, "encoding": "CSV"},
        }
    )


@pytest.mark.parametrize(
    ("lines", "extra", "message"),
    [
        (
            [_merged_line("1.7", "1"), _merged_line("0.2", "0")],
            {},
            "Error: probability must be in [0, 1]: 1 of 2 value(s) are not (first: 1.7).",
        ),
        (
            [_merged_line("0.9", "cat"), _merged_line("0.2", "dog"), _merged_line("0.1", "0")],
            {},
            "Error: BinaryClassification needs at most two labels",
        ),
        (
            [_merged_line("0.9", "1", START - timedelta(hours=2))],
            {},
            "Error: Job inputs had no data",
        ),
        (
            [_merged_line("0.9", "1")],
            {"problem_type": "Ranking"},
            "Error: problem_type must be one of BinaryClassification",
        ),
    ],
)
def test_bad_input_fails_with_a_message(
    baseline: Path, tmp_path: Path, lines: list[str], extra: dict[str, str], message: str
) -> None:
    merged = tmp_path / "merged/churn-ep/AllTraffic/2024/03/05/10"
    merged.mkdir(parents=True)
    (merged / "part-00000-x.c000.jsonl").write_text("\n".join(lines))
    env = _monitor_env(tmp_path, tmp_path / "merged", baseline, **extra)
    assert run(env) == 1
    assert (tmp_path / "message").read_text().startswith(message)
    assert not (tmp_path / "result/constraint_violations.json").exists()


def test_json_lines_baseline_with_paths_and_regression(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    rows = [{"truth": {"y": float(i)}, "out": {"score": float(i) + 0.5}} for i in range(10)]
    (data / "v.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    env = {
        "analysis_type": "MODEL_QUALITY",
        "problem_type": "Regression",
        "dataset_format": '{"json": {"lines": true}}',
        "dataset_source": str(data),
        "output_path": str(tmp_path / "out"),
        "output_message_file": str(tmp_path / "message"),
        "inference_attribute": "out.score",
        "ground_truth_attribute": "truth.y",
    }
    assert run(env) == 0, (tmp_path / "message").read_text()
    metrics = _json(tmp_path / "out/statistics.json")["regression_metrics"]
    assert metrics["mae"]["value"] == pytest.approx(0.5)
    assert metrics["mse"]["value"] == pytest.approx(0.25)
    constraints = _json(tmp_path / "out/constraints.json")["regression_constraints"]
    assert constraints["mae"]["comparison_operator"] == "GreaterThanThreshold"


def test_headerless_csv_baseline_uses_column_indexes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    body = VALIDATION.read_text().splitlines()[1:]
    (data / "v.csv").write_text("\n".join(body))
    env = {
        **_churn_env(tmp_path / "out"),
        "dataset_format": '{"csv": {"header": false}}',
        "dataset_source": str(data),
        "output_message_file": str(tmp_path / "message"),
        "inference_attribute": "1",
        "probability_attribute": "0",
        "ground_truth_attribute": "2",
    }
    assert run(env) == 0, (tmp_path / "message").read_text()
    metrics = _json(tmp_path / "out/statistics.json")["binary_classification_metrics"]
    assert _displayed(metrics["auc"]["value"]) == "0.939513"


# -- the two images as processing jobs ---------------------------------------------------------


def _spec(image: str, inputs: tuple[Any, ...], out: Path, env: dict[str, str]) -> ProcessingJobSpec:
    return ProcessingJobSpec(
        name=unique_name("model-quality"),
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=image,
        cluster=ClusterSpec(instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20),
        inputs=inputs,
        outputs=(s3_output("result", "/opt/ml/processing/output", str(out)),),
        environment=env,
    )


def test_merge_then_analysis_as_processing_jobs(
    service: ProcessingService, baseline: Path, tmp_path: Path
) -> None:
    capture, truth = _layout(tmp_path)
    hour = f"{START:%Y/%m/%d/%H}"
    window = {
        "start_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
        "end_time": f"{END:%Y-%m-%dT%H:%M:%SZ}",
    }
    merged = tmp_path / "output/merge"
    merge_spec = _spec(
        MERGER,
        (
            s3_input(
                "groundtruth_input_1",
                f"file://{truth}/{hour}",
                f"/opt/ml/processing/groundtruth/{hour}",
            ),
            s3_input(
                "endpoint_input_1",
                f"file://{capture}/churn-ep/AllTraffic/{hour}",
                f"/opt/ml/processing/input_data/churn-ep/AllTraffic/{hour}",
            ),
        ),
        merged,
        {
            "dataset_source": "/opt/ml/processing/input_data",
            "ground_truth_source": "/opt/ml/processing/groundtruth",
            "output_path": "/opt/ml/processing/output",
            **window,
        },
    )
    service.create_processing_job(merge_spec)
    job = wait_for(service, merge_spec.name, timeout=180)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == "Completed: Merged 44 captured records with their ground truth."

    result = tmp_path / "output/churn-ep/churn-quality"
    analysis_spec = _spec(
        ANALYZER,
        (
            s3_input(
                "endpoint_input_1",
                f"file://{merged}/churn-ep/AllTraffic/{hour}",
                f"/opt/ml/processing/input_data/churn-ep/AllTraffic/{hour}",
            ),
            s3_input(
                "constraints",
                str(baseline / "constraints.json"),
                "/opt/ml/processing/baseline/constraints",
            ),
        ),
        result,
        {
            **QUALITY,
            "dataset_format": MERGE_FORMAT,
            "dataset_source": "/opt/ml/processing/input_data",
            "output_path": "/opt/ml/processing/output",
            "baseline_constraints": "/opt/ml/processing/baseline/constraints/constraints.json",
            "probability_attribute": "0",
            "probability_threshold_attribute": "0.5",
            "publish_cloudwatch_metrics": "Disabled",
            "sagemaker_endpoint_name": "churn-ep",
            "sagemaker_monitoring_schedule_name": "churn-quality",
            **window,
        },
    )
    service.create_processing_job(analysis_spec)
    job = wait_for(service, analysis_spec.name, timeout=180)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    violations = _json(result / "constraint_violations.json")["violations"]
    assert violations
    assert job.exit_message == (
        f"CompletedWithViolations: Job completed successfully with {len(violations)} violations."
    )


def test_a_merge_job_without_matches_fails_with_the_counts(
    service: ProcessingService, tmp_path: Path
) -> None:
    capture, truth = _layout(tmp_path, capture_start=START + timedelta(hours=2))
    spec = _spec(
        MERGER,
        (
            s3_input("groundtruth_input_1", f"file://{truth}", "/opt/ml/processing/groundtruth"),
            s3_input("endpoint_input_1", f"file://{capture}", "/opt/ml/processing/input_data"),
        ),
        tmp_path / "merge",
        {
            "dataset_source": "/opt/ml/processing/input_data",
            "ground_truth_source": "/opt/ml/processing/groundtruth",
            "output_path": "/opt/ml/processing/output",
            "start_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
            "end_time": f"{END:%Y-%m-%dT%H:%M:%SZ}",
        },
    )
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=180)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason is not None
    assert "No ground truth matched the captured records in the window" in job.failure_reason
    assert "capture_outside_window=44" in job.failure_reason
