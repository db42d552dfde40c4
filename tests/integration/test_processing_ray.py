"""Processing jobs through the service on the Ray runtime (a real local Ray cluster)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.metadata.entities import JobStatus
from plimsoll.settings import Settings
from tests.conformance.runtime_suite import processes_with, unique_token
from tests.fixtures.ray_cluster import RayCluster
from tests.integration._jobs import python_job, s3_input, s3_output, wait_for

pytestmark = [pytest.mark.ray, pytest.mark.sandbox]


def _api(tmp_path: Path, address: str) -> Api:
    settings = Settings.load(
        home=tmp_path / "home",
        runtime="ray",
        ray_address=address,
        stop_grace_seconds=2.0,
        continuous_upload_seconds=0.5,
    )
    return build_api(settings, scheduler=False)


@pytest.fixture
def ray_api(tmp_path: Path, ray_cluster: RayCluster) -> Iterator[Api]:
    api = _api(tmp_path, ray_cluster.address)
    yield api
    api.close()


def test_two_host_job_with_inputs_and_outputs(ray_api: Api, tmp_path: Path) -> None:
    src = tmp_path / "data"
    src.mkdir()
    for i in range(4):
        (src / f"part-{i}.csv").write_text(f"row {i}\n")
    token = unique_token()
    code = (
        "import json, pathlib, socket, subprocess\n"
        f"subprocess.Popen(['sleep', '{token}'])\n"  # left running: the runtime must end it
        "host = json.load(open('/opt/ml/config/resourceconfig.json'))['current_host']\n"
        "def ls(p):\n"
        "    return sorted(x.name for x in pathlib.Path(p).iterdir())\n"
        "view = {\n"
        "    'host': host, 'hostname': socket.gethostname(),\n"
        "    'full': ls('/opt/ml/processing/full'), 'shard': ls('/opt/ml/processing/shard'),\n"
        "    'peers': [socket.gethostbyname(f'algo-{i}') for i in (1, 2)],\n"
        "}\n"
        "json.dump(view, open(f'/opt/ml/processing/out/{host}.json', 'w'))\n"
        "print('done on', host)\n"
    )
    out = tmp_path / "out"
    spec = python_job(
        code,
        hosts=2,
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
    ray_api.processing.create_processing_job(spec)
    job = wait_for(ray_api.processing, spec.name, timeout=90)
    assert job.status is JobStatus.COMPLETED, job.failure_reason

    views = {h: json.loads((out / f"{h}.json").read_text()) for h in ("algo-1", "algo-2")}
    everything = [f"part-{i}.csv" for i in range(4)]
    for host, view in views.items():
        assert view["host"] == view["hostname"] == host
        assert view["full"] == everything
        assert view["peers"] == ["127.0.0.1", "127.0.0.1"]  # the one node of the test cluster
    assert views["algo-1"]["shard"] == ["part-0.csv", "part-2.csv"]
    assert views["algo-2"]["shard"] == ["part-1.csv", "part-3.csv"]
    assert ray_api.processing.read_log(spec.name, "algo-2").data == b"done on algo-2\n"
    assert processes_with(token) == []


def test_failing_host_fails_the_job_with_its_exit_code(ray_api: Api) -> None:
    code = (
        "import json, sys, time\n"
        "host = json.load(open('/opt/ml/config/resourceconfig.json'))['current_host']\n"
        "if host == 'algo-2':\n"
        "    print('bad input on algo-2', flush=True)\n"
        "    sys.exit(4)\n"
        "time.sleep(60)\n"
    )
    spec = python_job(code, hosts=2)
    ray_api.processing.create_processing_job(spec)
    job = wait_for(ray_api.processing, spec.name, timeout=60)
    assert job.status is JobStatus.FAILED
    assert job.failure_reason == "AlgorithmError: bad input on algo-2, exit code: 4"


def test_unreachable_cluster_fails_the_job_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{sock.getsockname()[1]}"
    api = _api(tmp_path, address)
    try:
        spec = python_job("print('never runs')")
        api.processing.create_processing_job(spec)
        job = wait_for(api.processing, spec.name, timeout=60)
    finally:
        api.close()
    assert job.status is JobStatus.FAILED
    assert job.failure_reason is not None
    assert job.failure_reason.startswith(
        f"ClientError: cannot connect to the Ray cluster at {address}: "
    )
    assert "Connection refused" in job.failure_reason
