"""The Ray runtime's parts that need no cluster: registry entry, options, the folder check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plimsoll.errors import ConfigError, RuntimeUnavailable
from plimsoll.runtimes import (
    HostLaunch,
    ImageEnvironment,
    JobLaunch,
    get_runtime,
    known_implementations,
)
from plimsoll.runtimes._ray_host import HostAgent, marker_path
from plimsoll.runtimes.local import LocalRuntime
from plimsoll.runtimes.ray import RayRuntime


def _job(tmp_path: Path) -> JobLaunch:
    return JobLaunch(
        job_name="job",
        image=ImageEnvironment(image_uri="x", python=sys.executable),
        container_entrypoint=("true",),
        container_arguments=None,
        environment={},
        hosts=(
            HostLaunch(
                host="algo-1",
                opt_ml=tmp_path / "ml",
                tmp=tmp_path / "tmp",
                env_dir=tmp_path / "env",
                log_path=tmp_path / "logs" / "algo-1.log",
            ),
        ),
    )


def test_ray_is_known_with_an_install_hint() -> None:
    assert known_implementations["ray"]["class"] == "plimsoll.runtimes.ray.RayRuntime"
    assert "pip install 'plimsoll[ray]'" in known_implementations["ray"]["err"]


def test_get_runtime_passes_the_address_to_ray_only() -> None:
    ray_runtime = get_runtime("ray", sandbox="none", address="10.1.2.3:6379")
    assert isinstance(ray_runtime, RayRuntime)
    assert ray_runtime.address == "10.1.2.3:6379"
    assert ray_runtime.describe() == "ray (cluster 10.1.2.3:6379; none sandbox on each node)"
    local = get_runtime("local", sandbox="none", address="10.1.2.3:6379")
    assert isinstance(local, LocalRuntime)


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="sandbox='docker'"):
        RayRuntime(sandbox="docker")
    with pytest.raises(ConfigError, match="cpus_per_host=0"):
        RayRuntime(cpus_per_host=0)


def test_a_node_that_does_not_see_the_folders_is_refused(tmp_path: Path) -> None:
    job = _job(tmp_path)
    (tmp_path / "ml").mkdir()
    (tmp_path / "logs").mkdir()
    agent = HostAgent("none")
    with pytest.raises(RuntimeUnavailable, match="does not see the job's folders .*NFS"):
        agent.locate(job, "token")
    marker_path(job.hosts[0].log_path).write_text("another token")
    with pytest.raises(RuntimeUnavailable, match="does not see the job's folders"):
        agent.locate(job, "token")
    marker_path(job.hosts[0].log_path).write_text("token")
    assert agent.locate(job, "token")  # the node's address


def test_the_marker_lies_outside_what_the_job_sees(tmp_path: Path) -> None:
    marker = marker_path(tmp_path / "logs" / "algo-1.log")
    assert marker.parent == tmp_path / "logs"
    assert marker.name.startswith(".") and not marker.name.endswith(".log")
