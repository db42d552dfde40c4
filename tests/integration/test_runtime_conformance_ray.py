"""The runtime conformance suite on the Ray runtime, against a real local Ray cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plimsoll.errors import RuntimeUnavailable
from plimsoll.runtimes import HostLaunch, ImageEnvironment, JobLaunch
from plimsoll.runtimes.ray import RayRuntime
from tests.conformance.runtime_suite import SandboxedRuntimeSuite
from tests.fixtures.ray_cluster import RayCluster

pytestmark = [pytest.mark.ray, pytest.mark.sandbox]


@pytest.fixture(scope="module")
def ray_runtime(ray_cluster: RayCluster) -> RayRuntime:
    return RayRuntime(sandbox="bwrap", address=ray_cluster.address)


class TestRayRuntime(SandboxedRuntimeSuite):
    @pytest.fixture
    def runtime(self, ray_runtime: RayRuntime) -> RayRuntime:
        return ray_runtime

    @pytest.fixture
    def sandbox(self) -> str:
        return "bwrap"


def _job(root: Path, command: tuple[str, ...], hosts: int = 1) -> JobLaunch:
    return JobLaunch(
        job_name="ray-job",
        image=ImageEnvironment(image_uri="local/test:1", python=sys.executable),
        container_entrypoint=command,
        container_arguments=None,
        environment={},
        hosts=tuple(
            HostLaunch(
                host=f"algo-{i}",
                opt_ml=root / f"algo-{i}" / "ml",
                tmp=root / f"algo-{i}" / "tmp",
                env_dir=root / f"algo-{i}" / "env",
                log_path=root / "logs" / f"algo-{i}.log",
            )
            for i in range(1, hosts + 1)
        ),
    )


def test_a_job_the_cluster_cannot_hold_fails_to_launch(
    ray_cluster: RayCluster, tmp_path: Path
) -> None:
    runtime = RayRuntime(
        sandbox="bwrap", address=ray_cluster.address, cpus_per_host=64, placement_timeout=1
    )
    with pytest.raises(
        RuntimeUnavailable,
        match=r"could not place 2 host\(s\) of 64 CPU each within 1 s \([\d.]+ CPU free now\)",
    ):
        runtime.launch(_job(tmp_path, ("true",), hosts=2))
    assert not list((tmp_path / "logs").iterdir())  # no marker left behind


def test_unsandboxed_hosts_find_their_folders_through_the_environment(
    ray_cluster: RayCluster, tmp_path: Path
) -> None:
    runtime = RayRuntime(sandbox="none", address=ray_cluster.address)
    script = 'cd "$PLIMSOLL_OPT_ML" && pwd > where && echo "$TMPDIR"'
    job = _job(tmp_path, ("sh", "-c", script), hosts=2)
    handle = runtime.launch(job)
    assert handle.wait(30)
    assert handle.poll() == {"algo-1": 0, "algo-2": 0}
    for host in job.hosts:
        assert (host.opt_ml / "where").read_text() == f"{host.opt_ml}\n"
        assert host.log_path.read_text() == f"{host.tmp}\n"
