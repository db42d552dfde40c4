from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from plimsoll.errors import ConfigError, ValidationError
from plimsoll.runtimes import HostLaunch, ImageEnvironment, JobLaunch
from plimsoll.runtimes.local import LocalRuntime, job_environment, resolve_command


def _job(
    *,
    entrypoint: tuple[str, ...] | None = None,
    arguments: tuple[str, ...] | None = None,
    image_entrypoint: tuple[str, ...] | None = None,
    image_env: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    hosts: tuple[HostLaunch, ...] = (),
) -> JobLaunch:
    return JobLaunch(
        job_name="job",
        image=ImageEnvironment(
            image_uri="acct.dkr.ecr.us-east-1.amazonaws.com/img:1",
            python="/images/py/bin/python",
            entrypoint=image_entrypoint,
            environment=image_env or {},
        ),
        container_entrypoint=entrypoint,
        container_arguments=arguments,
        environment=env or {},
        hosts=hosts,
    )


@pytest.mark.parametrize(
    ("entrypoint", "arguments", "image_entrypoint", "expected"),
    [
        (("python3", "a.py"), ("--x", "1"), ("img",), ("python3", "a.py", "--x", "1")),
        (("python3", "a.py"), None, ("img",), ("python3", "a.py")),
        (None, ("--x",), ("img", "run"), ("img", "run", "--x")),
        (None, None, ("img",), ("img",)),
        (("sh",), None, None, ("sh",)),
    ],
)
def test_command_follows_docker_rules(
    entrypoint: tuple[str, ...] | None,
    arguments: tuple[str, ...] | None,
    image_entrypoint: tuple[str, ...] | None,
    expected: tuple[str, ...],
) -> None:
    job = _job(entrypoint=entrypoint, arguments=arguments, image_entrypoint=image_entrypoint)
    assert resolve_command(job) == expected


def test_no_entrypoint_anywhere_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="has no entrypoint; set ContainerEntrypoint"):
        resolve_command(_job(arguments=("x",)))


def test_launch_refuses_before_starting_anything(tmp_path: Path) -> None:
    host = HostLaunch(
        host="algo-1",
        opt_ml=tmp_path / "ml",
        tmp=tmp_path / "tmp",
        env_dir=tmp_path / "env",
        log_path=tmp_path / "log",
    )
    with pytest.raises(ValidationError):
        LocalRuntime(sandbox="none").launch(_job(hosts=(host,)))
    assert list(tmp_path.iterdir()) == []


def test_environment_layers_base_image_then_job() -> None:
    job = _job(
        image_env={"A": "image", "B": "image", "LANG": "en_US.UTF-8"},
        env={"B": "job", "C": "job"},
    )
    env = job_environment(job, env_bin="/opt/plimsoll/env/bin", tmp="/tmp")
    assert env == {
        "PATH": "/opt/plimsoll/env/bin:/images/py/bin:"
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "LANG": "en_US.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PIP_CACHE_DIR": "/tmp/.cache/pip",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "A": "image",
        "B": "job",
        "C": "job",
    }


def test_unknown_sandbox_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="use one of auto, bwrap, none"):
        LocalRuntime(sandbox="docker")


def test_unsandboxed_runtime_says_so() -> None:
    runtime = LocalRuntime(sandbox="none")
    assert runtime.sandbox == "none"
    assert runtime.describe().startswith("local (no sandbox")
    assert sys.executable  # the none mode needs no probe and no bwrap
