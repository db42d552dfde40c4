"""Processing jobs through the service with real storage, SQLite and the sandboxed runtime."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plimsoll.api.wiring import Api
from plimsoll.errors import ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.metadata.entities import JobStatus
from plimsoll.services.processing import ProcessingService
from tests.integration._jobs import python_job, s3_input, s3_output, wait_for, wait_log

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "processing_and_capture"


def test_completed_job_sees_sagemaker_config_files(
    service: ProcessingService, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code = (
        "import json, shutil, os\n"
        "out = '/opt/ml/processing/out/'\n"
        "shutil.copy('/opt/ml/config/processingjobconfig.json', out + 'pjc.json')\n"
        "shutil.copy('/opt/ml/config/resourceconfig.json', out + 'rc.json')\n"
        "json.dump(dict(os.environ), open('/opt/ml/processing/out/env.json', 'w'))\n"
    )
    spec = python_job(
        code,
        outputs=[s3_output("out", "/opt/ml/processing/out", str(out))],
        environment={"MY_FLAG": "on"},
    )
    job = service.create_processing_job(spec)
    assert job.status is JobStatus.IN_PROGRESS
    done = wait_for(service, spec.name)
    assert done.status is JobStatus.COMPLETED, done.failure_reason
    assert done.processing_start_time is not None and done.processing_end_time is not None

    golden = json.loads(
        (REFERENCE / "devguide_examples/processingjobconfig.example.json").read_text()
    )
    config = json.loads((out / "pjc.json").read_text())
    assert set(config) == set(golden)
    assert set(config["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]) == set(
        golden["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]
    )
    assert config["ProcessingJobName"] == spec.name
    assert config["ProcessingJobArn"] == job.arn
    assert config["AppSpecification"]["ContainerArguments"] is None
    resource = json.loads((out / "rc.json").read_text())
    assert resource == {"current_host": "algo-1", "hosts": ["algo-1"]}
    golden_rc = REFERENCE / "spark_container_tests/config__multi_node__algo-2__resourceconfig.json"
    assert set(resource) == set(json.loads(golden_rc.read_text()))
    env = json.loads((out / "env.json").read_text())
    assert env["MY_FLAG"] == "on" and env["AWS_REGION"] == "us-east-1"


def test_inputs_replicated_and_sharded_across_hosts(
    service: ProcessingService, tmp_path: Path
) -> None:
    src = tmp_path / "data"
    src.mkdir()
    for i in range(5):
        (src / f"part-{i}.csv").write_text(f"row {i}\n")
    (src / "nested").mkdir()
    (src / "nested" / "deep.txt").write_text("deep")
    code = (
        "import os, json, pathlib\n"
        "host = json.load(open('/opt/ml/config/resourceconfig.json'))['current_host']\n"
        "def ls(p):\n"
        "    files = [x for x in pathlib.Path(p).rglob('*') if x.is_file()]\n"
        "    return sorted(str(x.relative_to(p)) for x in files)\n"
        "view = {'full': ls('/opt/ml/processing/full'), 'shard': ls('/opt/ml/processing/shard')}\n"
        "json.dump(view, open(f'/opt/ml/processing/out/{host}.json', 'w'))\n"
    )
    out = tmp_path / "out"
    spec = python_job(
        code,
        hosts=3,
        inputs=[
            s3_input("full", f"file://{src}", "/opt/ml/processing/full"),
            s3_input(
                "shard",
                str(src),
                "/opt/ml/processing/shard",
                s3_data_distribution_type="ShardedByS3Key",
            ),
        ],
        outputs=[s3_output("out", "/opt/ml/processing/out", str(out))],
    )
    service.create_processing_job(spec)
    assert wait_for(service, spec.name).status is JobStatus.COMPLETED
    views = {h: json.loads((out / f"{h}.json").read_text()) for h in ("algo-1", "algo-2", "algo-3")}
    everything = ["nested/deep.txt"] + [f"part-{i}.csv" for i in range(5)]
    for view in views.values():
        assert view["full"] == everything
    # Round-robin over the sorted keys: nested/deep, part-0, part-1, part-2, part-3, part-4.
    assert views["algo-1"]["shard"] == ["nested/deep.txt", "part-2.csv"]
    assert views["algo-2"]["shard"] == ["part-0.csv", "part-3.csv"]
    assert views["algo-3"]["shard"] == ["part-1.csv", "part-4.csv"]


def test_manifest_and_gzip_inputs(service: ProcessingService, tmp_path: Path) -> None:
    import gzip

    src = tmp_path / "objects"
    (src / "a").mkdir(parents=True)
    (src / "a" / "one.csv").write_text("1\n")
    (src / "two.csv").write_text("2\n")
    (src / "skip.csv").write_text("no\n")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([{"prefix": f"file://{src}/"}, "a/one.csv", "two.csv"]))
    zipped = tmp_path / "zipped"
    zipped.mkdir()
    (zipped / "z.csv.gz").write_bytes(gzip.compress(b"unzipped\n"))
    out = tmp_path / "out"
    code = (
        "import pathlib, json\n"
        "root = pathlib.Path('/opt/ml/processing/m')\n"
        "m = sorted(str(p.relative_to(root)) for p in root.rglob('*') if p.is_file())\n"
        "z = pathlib.Path('/opt/ml/processing/z/z.csv').read_text()\n"
        "json.dump({'m': m, 'z': z}, open('/opt/ml/processing/out/r.json', 'w'))\n"
    )
    spec = python_job(
        code,
        inputs=[
            s3_input("m", str(manifest), "/opt/ml/processing/m", s3_data_type="ManifestFile"),
            s3_input("z", str(zipped), "/opt/ml/processing/z", s3_compression_type="Gzip"),
        ],
        outputs=[s3_output("out", "/opt/ml/processing/out", str(out))],
    )
    service.create_processing_job(spec)
    assert wait_for(service, spec.name).status is JobStatus.COMPLETED
    assert json.loads((out / "r.json").read_text()) == {
        "m": ["a/one.csv", "two.csv"],
        "z": "unzipped\n",
    }


def test_failure_keeps_outputs_and_reports_algorithm_error(
    service: ProcessingService, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code = (
        "open('/opt/ml/processing/out/partial.txt', 'w').write('half done')\n"
        "import sys; print('boom: bad row 17', file=sys.stderr); sys.exit(3)\n"
    )
    spec = python_job(code, outputs=[s3_output("out", "/opt/ml/processing/out", str(out))])
    service.create_processing_job(spec)
    job = wait_for(service, spec.name)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason == "AlgorithmError: boom: bad row 17, exit code: 3"
    assert (out / "partial.txt").read_text() == "half done"


def test_exit_message_becomes_exit_message(service: ProcessingService) -> None:
    code = "open('/opt/ml/output/message', 'w').write('CompletedWithViolations: 3 violations.')"
    spec = python_job(code)
    service.create_processing_job(spec)
    job = wait_for(service, spec.name)
    assert job.status is JobStatus.COMPLETED
    assert job.exit_message == "CompletedWithViolations: 3 violations."


def test_message_is_failure_detail_and_missing_command_is_127(service: ProcessingService) -> None:
    spec = python_job(
        "open('/opt/ml/output/message','w').write('schema mismatch'); raise SystemExit(2)"
    )
    service.create_processing_job(spec)
    job = wait_for(service, spec.name)
    assert job.failure_reason == "AlgorithmError: schema mismatch, exit code: 2"
    assert job.exit_message == "schema mismatch"

    missing = python_job("")
    missing = type(missing)(**{**_fields(missing), "container_entrypoint": ("no-such-binary-xyz",)})
    service.create_processing_job(missing)
    job = wait_for(service, missing.name)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason is not None and job.failure_reason.endswith("exit code: 127")


def _fields(spec: object) -> dict[str, object]:
    return {f: getattr(spec, f) for f in spec.__dataclass_fields__}  # type: ignore[attr-defined]


def test_one_failing_host_stops_the_others(service: ProcessingService) -> None:
    code = (
        "import json, time\n"
        "host = json.load(open('/opt/ml/config/resourceconfig.json'))['current_host']\n"
        "raise SystemExit(5) if host == 'algo-2' else time.sleep(60)\n"
    )
    spec = python_job(code, hosts=3)
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=30)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason is not None and job.failure_reason.endswith("exit code: 5")


def test_stop_sends_sigterm_and_uploads_what_was_written(
    service: ProcessingService, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code = (
        "import signal, sys, time\n"
        "def bye(*_):\n"
        "    open('/opt/ml/processing/out/terminated.txt', 'w').write('got SIGTERM')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, bye)\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    spec = python_job(code, outputs=[s3_output("out", "/opt/ml/processing/out", str(out))])
    service.create_processing_job(spec)
    wait_log(service, spec.name, b"ready")
    service.stop_processing_job(spec.name)
    assert service.describe_processing_job(spec.name).status in (
        JobStatus.STOPPING,
        JobStatus.STOPPED,
    )
    job = wait_for(service, spec.name)
    assert job.status is JobStatus.STOPPED
    assert (out / "terminated.txt").read_text() == "got SIGTERM"
    with pytest.raises(ValidationError, match="only an InProgress job can be stopped"):
        service.stop_processing_job(spec.name)


def test_sigterm_ignored_then_killed_and_max_runtime(service: ProcessingService) -> None:
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
    spec = python_job(code, max_runtime=1)
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=30)
    assert job.status is JobStatus.STOPPED
    assert job.failure_reason is not None and "MaxRuntimeInSeconds" in job.failure_reason


def test_continuous_output_syncs_while_running(service: ProcessingService, tmp_path: Path) -> None:
    out = tmp_path / "events"
    code = (
        "import time\n"
        "open('/opt/ml/processing/events/e1.log', 'w').write('first')\n"
        "time.sleep(120)\n"
    )
    spec = python_job(
        code, outputs=[s3_output("ev", "/opt/ml/processing/events", str(out), "Continuous")]
    )
    service.create_processing_job(spec)
    import time

    deadline = time.monotonic() + 20
    while not (out / "e1.log").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (out / "e1.log").read_text() == "first"
    assert service.describe_processing_job(spec.name).status is JobStatus.IN_PROGRESS
    service.stop_processing_job(spec.name)
    assert wait_for(service, spec.name).status is JobStatus.STOPPED


def test_volume_quota_fails_the_job(service: ProcessingService) -> None:
    code = (
        "import time\n"
        "with open('/opt/ml/processing/out/big.bin', 'wb') as f: f.truncate(2 << 30)\n"
        "time.sleep(60)\n"
    )
    spec = python_job(
        code,
        volume_gb=1,
        outputs=[s3_output("out", "/opt/ml/processing/out", "s3://quota-bucket/out")],
    )
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=30)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason is not None and "VolumeSizeInGB=1" in job.failure_reason


def test_binary_garbage_and_flood_leave_service_healthy(api: Api) -> None:
    service = api.processing
    code = (
        "import os, sys\n"
        "for _ in range(200): os.write(1, os.urandom(4096))\n"
        "os.write(2, b'\\xff\\xfe\\x00 not utf8 \\x80\\n')\n"
    )
    spec = python_job(code)
    service.create_processing_job(spec)
    assert wait_for(service, spec.name).status is JobStatus.COMPLETED
    chunk = service.read_log(spec.name, "algo-1")
    assert len(chunk.data) >= 200 * 4096
    again = python_job("print('still fine')")
    service.create_processing_job(again)
    assert wait_for(service, again.name).status is JobStatus.COMPLETED
    assert service.read_log(again.name, "algo-1").data == b"still fine\n"


def test_two_jobs_with_the_same_paths_at_once(service: ProcessingService, tmp_path: Path) -> None:
    code = (
        "import os, time\n"
        "p = '/opt/ml/processing/out/who.txt'\n"
        "open(p, 'w').write(os.environ['WHO'])\n"
        "time.sleep(1.5)\n"
        "assert open(p).read() == os.environ['WHO']\n"
    )
    specs = [
        python_job(
            code,
            environment={"WHO": who},
            outputs=[s3_output("out", "/opt/ml/processing/out", str(tmp_path / who))],
        )
        for who in ("first", "second")
    ]
    for spec in specs:
        service.create_processing_job(spec)
    for spec in specs:
        assert wait_for(service, spec.name).status is JobStatus.COMPLETED
    assert (tmp_path / "first" / "who.txt").read_text() == "first"
    assert (tmp_path / "second" / "who.txt").read_text() == "second"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inputs": [s3_input("a", "/nonexistent/zzz", "/opt/ml/processing/a")]}, "does not exist"),
        ({"inputs": [s3_input("a", "/tmp", "/data/a")]}, "/opt/ml/processing/"),
        ({"inputs": [s3_input("a", "/tmp", "/opt/ml/processing/../x")]}, "/opt/ml/processing/"),
        (
            {
                "inputs": [
                    s3_input("a", "/tmp", "/opt/ml/processing/a"),
                    s3_input("a", "/tmp", "/opt/ml/processing/b"),
                ]
            },
            "InputName 'a' is used more than once",
        ),
        (
            {
                "outputs": [
                    s3_output("o", "/opt/ml/processing/o", "s3://bkt/o"),
                    s3_output("o", "/opt/ml/processing/p", "s3://bkt/p"),
                ]
            },
            "OutputName 'o' is used more than once",
        ),
        ({"inputs": [s3_input("a", "/tmp", "/opt/ml/processing/a", s3_input_mode="Pipe")]}, "Pipe"),
        ({"outputs": [s3_output("o", "/opt/ml/processing/o", "ftp://x/o")]}, "scheme 'ftp'"),
    ],
)
def test_bad_requests_are_rejected(
    service: ProcessingService, change: dict[str, object], message: str
) -> None:
    spec = python_job("pass", **change)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(".", r"\.")):
        service.create_processing_job(spec)
    with pytest.raises(ResourceNotFound):
        service.describe_processing_job(spec.name)


def test_reused_name_and_unknown_job(service: ProcessingService) -> None:
    spec = python_job("pass")
    service.create_processing_job(spec)
    # Right after creation the host has no log file yet: an empty read, not an error.
    assert service.read_log(spec.name, "algo-1").next_offset >= 0
    with pytest.raises(ResourceNotFound, match="no host 'algo-9'"):
        service.read_log(spec.name, "algo-9")
    with pytest.raises(ResourceInUse, match=spec.name):
        service.create_processing_job(spec)
    with pytest.raises(ResourceNotFound, match="nope-job"):
        service.describe_processing_job("nope-job")
    wait_for(service, spec.name)
