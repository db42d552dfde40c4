"""The analyzer and Clarify on two hosts: each host reads its part, the primary merges, and the
results equal one host's (the image's own ``run``, as a one-host job runs it)."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import datasketches
import numpy as np

from plimsoll.images.model_monitor_analyzer import run
from plimsoll.metadata.entities import ClusterSpec, JobStatus, ProcessingJobSpec
from plimsoll.services.processing import ProcessingService
from tests.integration._clarify import adult, run_image, write_csv
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for

ANALYZER = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
CLARIFY = "sagemaker-clarify-processing:1.0"
EPS = datasketches.kll_doubles_sketch.get_normalized_rank_error(2048, False)
HLL_ERROR = 0.05  # lg_k 12: about 1.6 % standard error
START = datetime(2022, 4, 18, 0, tzinfo=UTC)
CAPTURE = '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}'
ROWS_PER_FILE = 4000


def _row(rng: random.Random, shift: float = 0.0) -> dict[str, str]:
    return {
        "label": str(rng.randint(0, 1)),
        "x": "" if rng.random() < 0.05 else f"{rng.gauss(50, 20) + shift:.6f}",
        "n": str(rng.randint(-5, 3000)),
        "cat": rng.choice(["a", "b", "c", ""]),
    }


def _dataset(folder: Path, files: int = 5) -> Path:
    """CSV files with a header; file 1 has an extra column in the middle, ``id`` overflows
    the distinct-value cap (an HLL count)."""
    rng = random.Random(5)
    folder.mkdir(parents=True)
    for f in range(files):
        names = (
            ["label", "x", "late", "n", "cat", "id"] if f == 1 else ["label", "x", "n", "cat", "id"]
        )
        lines = [",".join(names)]
        for i in range(ROWS_PER_FILE):
            row = {**_row(rng), "id": f"u{f}-{i}", "late": str(rng.random())}
            lines.append(",".join(row[n] for n in names))
        (folder / f"part-{f}.csv").write_text("\n".join(lines) + "\n")
    return folder


def _job(
    name: str, image: str, inputs: tuple[Any, ...], output: Path, env: dict[str, str]
) -> ProcessingJobSpec:
    return ProcessingJobSpec(
        name=name,
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=image,
        cluster=ClusterSpec(instance_count=2, instance_type="ml.m5.xlarge", volume_size_in_gb=20),
        inputs=inputs,
        outputs=(s3_output("result", "/opt/ml/processing/output", str(output)),),
        environment=env,
    )


def _run_job(service: ProcessingService, spec: ProcessingJobSpec) -> Any:
    service.create_processing_job(spec)
    return wait_for(service, spec.name, timeout=120)


def _close(ours: float, theirs: float, rel: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=rel, abs_tol=1e-12)


def _same_statistics(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Equal except where sketches allow: moments to 1e-9, KLL buckets by rank error, HLL."""
    assert ours["dataset"] == theirs["dataset"]
    assert [f["name"] for f in ours["features"]] == [f["name"] for f in theirs["features"]]
    n = ours["dataset"]["item_count"]
    for a, b in zip(ours["features"], theirs["features"], strict=True):
        assert a["inferred_type"] == b["inferred_type"], a["name"]
        if "numerical_statistics" in b:
            x, y = a["numerical_statistics"], b["numerical_statistics"]
            assert x["common"] == y["common"] and (x["min"], x["max"]) == (y["min"], y["max"])
            for key in ("mean", "sum", "std_dev"):
                assert _close(x[key], y[key], 1e-9), (a["name"], key)
            kll_a, kll_b = x["distribution"]["kll"], y["distribution"]["kll"]
            assert kll_a["sketch"]["parameters"] == kll_b["sketch"]["parameters"]
            for p, q in zip(kll_a["buckets"], kll_b["buckets"], strict=True):
                assert (p["lower_bound"], p["upper_bound"]) == (q["lower_bound"], q["upper_bound"])
                assert abs(p["count"] - q["count"]) <= 4 * EPS * n + 2, (a["name"], p, q)
        if "string_statistics" in b:
            x, y = a["string_statistics"], b["string_statistics"]
            assert x["common"] == y["common"]
            assert x.get("distribution") == y.get("distribution")
            if "distribution" in y:  # exact value counts: an exact distinct count
                assert x["distinct_count"] == y["distinct_count"]
            else:
                assert _close(x["distinct_count"], y["distinct_count"], HLL_ERROR)


def _read(folder: Path, name: str) -> dict[str, Any]:
    return json.loads((folder / f"{name}.json").read_text())


def test_baselining_on_two_hosts_equals_one_host(
    service: ProcessingService, tmp_path: Path
) -> None:
    data = _dataset(tmp_path / "data")
    fmt = '{"csv": {"header": true}}'
    one = tmp_path / "one"
    env = {"dataset_format": fmt, "dataset_source": str(data), "output_path": str(one),
           "output_message_file": str(tmp_path / "message")}  # fmt: skip
    assert run(env) == 0, (tmp_path / "message").read_text()
    two = tmp_path / "two"
    local = "/opt/ml/processing/input/baseline_dataset_input"
    env = {
        "dataset_format": fmt,
        "dataset_source": local,
        "output_path": "/opt/ml/processing/output",
        "publish_cloudwatch_metrics": "Disabled",
    }
    inputs = (s3_input("baseline_dataset_input", str(data), local),)
    spec = _job(unique_name("dist-baseline"), ANALYZER, inputs, two, env)
    job = _run_job(service, spec)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == "Completed: Job completed successfully with no violations."
    stats = _read(two, "statistics")
    assert stats["dataset"] == {"item_count": 5 * ROWS_PER_FILE}
    assert [f["name"] for f in stats["features"]] == ["label", "x", "n", "cat", "id", "late"]
    _same_statistics(stats, _read(one, "statistics"))
    assert _read(two, "constraints") == _read(one, "constraints")
    log = service.read_log(spec.name, "algo-2").data
    assert b"Host algo-2 of 2: 2 of 5 files" in log


def _record(row: dict[str, str], when: datetime, n: int) -> str:
    side = {"observedContentType": "text/csv", "encoding": "CSV"}
    data = ",".join((row["x"], row["n"], row["cat"]))
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {**side, "mode": "INPUT", "data": data},
                "endpointOutput": {**side, "mode": "OUTPUT", "data": row["label"]},
            },
            "eventMetadata": {"eventId": f"e-{n}", "inferenceTime": f"{when:%Y-%m-%dT%H:%M:%SZ}"},
            "eventVersion": "0",
        }
    )


def _capture(root: Path) -> Path:
    """Six capture files: four in the window (two of them drifted, one with a new category),
    two an hour later, outside it."""
    rng = random.Random(11)
    for k in range(6):
        hour = START + timedelta(hours=k // 4)
        folder = root / "ep/AllTraffic" / f"{hour:%Y/%m/%d/%H}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for i in range(1500):
            row = _row(rng, shift=60.0 if k in (1, 2) else 0.0)
            if k == 3 and i % 50 == 0:
                row["cat"] = "zz"
            lines.append(_record(row, hour + timedelta(seconds=i), k * 10_000 + i))
        (folder / f"capture-{k}.jsonl").write_text("\n".join(lines) + "\n")
    return root


def _violations(folder: Path) -> list[tuple[str, str]]:
    found = _read(folder, "constraint_violations")["violations"]
    return sorted((v["feature_name"], v["constraint_check_type"]) for v in found)


def test_a_monitoring_execution_on_two_sharded_hosts_equals_one_host(
    service: ProcessingService, tmp_path: Path
) -> None:
    rng = random.Random(3)
    baseline_data = tmp_path / "baseline.csv"
    rows = [_row(rng) for _ in range(6000)]
    baseline_data.write_text(
        "\n".join(["label,x,n,cat"] + [",".join(r.values()) for r in rows]) + "\n"
    )
    baseline = tmp_path / "baseline"
    env = {
        "dataset_format": '{"csv": {"header": true}}',
        "dataset_source": str(baseline_data),
        "output_path": str(baseline),
        "output_message_file": str(tmp_path / "message"),
    }
    assert run(env) == 0
    capture = _capture(tmp_path / "capture")
    window = {"start_time": "2022-04-18T00:00:00Z", "end_time": "2022-04-18T01:00:00Z",
              "dataset_format": CAPTURE, "publish_cloudwatch_metrics": "Disabled"}  # fmt: skip
    one = tmp_path / "one"
    env = {**window, "dataset_source": str(capture), "output_path": str(one),
           "baseline_statistics": str(baseline / "statistics.json"),
           "baseline_constraints": str(baseline / "constraints.json"),
           "output_message_file": str(tmp_path / "message")}  # fmt: skip
    assert run(env) == 0, (tmp_path / "message").read_text()
    two = tmp_path / "two"
    local = "/opt/ml/processing/input/endpoint"
    stats_dir, constraints_dir = "/opt/ml/processing/baseline/s", "/opt/ml/processing/baseline/c"
    inputs = (
        s3_input(
            "endpoint_input_1", str(capture), local, s3_data_distribution_type="ShardedByS3Key"
        ),
        s3_input("baseline", str(baseline / "statistics.json"), stats_dir),
        s3_input("constraints", str(baseline / "constraints.json"), constraints_dir),
    )
    env = {
        **window,
        "dataset_source": local,
        "output_path": "/opt/ml/processing/output",
        "baseline_statistics": f"{stats_dir}/statistics.json",
        "baseline_constraints": f"{constraints_dir}/constraints.json",
    }
    job = _run_job(service, _job(unique_name("dist-monitor"), ANALYZER, inputs, two, env))
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == (tmp_path / "message").read_text()
    assert job.exit_message.startswith("CompletedWithViolations")
    stats = _read(two, "statistics")
    assert stats["dataset"] == {"item_count": 4 * 1500}
    _same_statistics(stats, _read(one, "statistics"))
    assert _read(two, "constraints") == _read(one, "constraints")
    assert _violations(two) == _violations(one)
    assert ("x", "baseline_drift_check") in _violations(two)
    assert (two / "report.html").is_file()
    assert b"Host algo-2 of 2: 3 of 3 files" in service.read_log(job.name, "algo-2").data


def test_clarify_bias_on_two_hosts_equals_one_host(
    service: ProcessingService, tmp_path: Path
) -> None:
    columns = adult(rows=1200)
    data = tmp_path / "one" / "data"
    for k in range(4):
        part = {name: column[k::4] for name, column in columns.items()}
        write_csv(part, data / f"part-{k}.csv", header=k % 2 == 0)
    config = {
        "dataset_type": "text/csv", "headers": list(columns), "label": "income",
        "label_values_or_threshold": [1], "predicted_label": "predicted", "group_variable": "race",
        "facet": [{"name_or_index": "sex", "value_or_threshold": ["Female"]},
                  {"name_or_index": "age", "value_or_threshold": [40]}],
        "methods": {"pre_training_bias": {"methods": "all"},
                    "post_training_bias": {"methods": "all"}},
    }  # fmt: skip
    code, message, expected = run_image(tmp_path / "one", config)
    assert code == 0, message
    config_dir = tmp_path / "one" / "config"
    inputs = (
        s3_input("dataset", str(data), "/opt/ml/processing/input/data",
                 s3_data_distribution_type="ShardedByS3Key"),
        s3_input("analysis_config", str(config_dir), "/opt/ml/processing/input/config"),
    )  # fmt: skip
    out = tmp_path / "two"
    job = _run_job(service, _job(unique_name("dist-clarify"), CLARIFY, inputs, out, {}))
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == "Completed: Job completed successfully."
    assert _read(out, "analysis") == expected
    assert b"Host algo-2 reads 2 dataset files" in service.read_log(job.name, "algo-2").data
    assert np.isfinite(
        expected["post_training_bias_metrics"]["facets"]["sex"][0]["metrics"][0]["value"]
    )


def test_a_failing_worker_fails_the_job_naming_its_host(
    service: ProcessingService, tmp_path: Path
) -> None:
    data = _dataset(tmp_path / "data", files=4)
    with (data / "part-3.csv").open("a") as fh:  # algo-2 reads part-1 and part-3
        fh.write("1,2.0,3,a,u,too-many\n")
    local = "/opt/ml/processing/input/baseline_dataset_input"
    spec = _job(
        unique_name("dist-fail"), ANALYZER, (s3_input("baseline_dataset_input", str(data), local),),
        tmp_path / "out", {"dataset_format": '{"csv": {"header": true}}', "dataset_source": local,
                           "output_path": "/opt/ml/processing/output"},
    )  # fmt: skip
    job = _run_job(service, spec)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason is not None
    assert job.failure_reason.startswith("AlgorithmError: Error: host algo-2: CSV parse error")
    assert job.failure_reason.endswith("exit code: 1")
    assert not (tmp_path / "out" / "statistics.json").exists()
