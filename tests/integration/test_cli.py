"""The ``plimsoll`` CLI against a real home: jobs run in-process, the CLI reads them back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from plimsoll.cli.main import cli
from plimsoll.processing import ScriptProcessor
from plimsoll.session import Session
from plimsoll.settings import Settings


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def runner(home: Path) -> CliRunner:
    return CliRunner(env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""})


@pytest.fixture
def session(home: Path) -> Iterator[Session]:
    session = Session(settings=Settings.load(home=home, stop_grace_seconds=2.0))
    yield session
    session.sagemaker_client.close()


def _run(session: Session, tmp_path: Path, code: str, *, wait: bool = True, hosts: int = 2) -> str:
    script = tmp_path / "job.py"
    script.write_text(code)
    processor = ScriptProcessor(
        role="any",
        image_uri="python:3.11",
        command=["python3"],
        instance_count=hosts,
        instance_type="ml.m5.xlarge",
        base_job_name="cli-test",
        sagemaker_session=session,
    )
    processor.run(code=str(script), wait=wait, logs=False)
    assert processor.latest_job is not None
    return processor.latest_job.job_name


def test_list_describe_and_logs(runner: CliRunner, session: Session, tmp_path: Path) -> None:
    name = _run(session, tmp_path, "import socket; print('hello from', socket.gethostname())")

    listed = runner.invoke(cli, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "Completed" in listed.output and name[:20] in listed.output

    described = runner.invoke(cli, ["jobs", "describe", name, "--json"])
    assert described.exit_code == 0, described.output
    body = json.loads(described.output)
    assert body["ProcessingJobName"] == name
    assert body["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 2

    table = runner.invoke(cli, ["jobs", "describe", name])
    assert table.exit_code == 0 and "Completed" in table.output
    assert re.search(r"Runtime\s+local", table.output), table.output

    logs = runner.invoke(cli, ["jobs", "logs", name])
    assert logs.exit_code == 0, logs.output
    assert "[algo-1] hello from algo-1" in logs.output
    assert "[algo-2] hello from algo-2" in logs.output


def test_follow_and_wait_until_the_end(runner: CliRunner, session: Session, tmp_path: Path) -> None:
    code = "import time\nfor i in range(3):\n    print('tick', i, flush=True); time.sleep(0.3)\n"
    name = _run(session, tmp_path, code, wait=False, hosts=1)
    followed = runner.invoke(cli, ["jobs", "logs", name, "--follow"])
    assert followed.exit_code == 0, followed.output
    assert "tick 0\ntick 1\ntick 2\n" in followed.output
    assert f"--- {name}: Completed" in followed.output
    waited = runner.invoke(cli, ["jobs", "wait", name])
    assert waited.exit_code == 0 and "Completed" in waited.output


def test_stop_and_errors_are_one_line(runner: CliRunner, session: Session, tmp_path: Path) -> None:
    name = _run(session, tmp_path, "import time; time.sleep(60)", wait=False, hosts=1)
    stopped = runner.invoke(cli, ["jobs", "stop", name])
    assert stopped.exit_code == 0, stopped.output
    waited = runner.invoke(cli, ["jobs", "wait", name])
    assert waited.exit_code == 1 and "Stopped" in waited.output

    again = runner.invoke(cli, ["jobs", "stop", name])
    assert again.exit_code == 1
    assert again.output.startswith("ValidationException: ")
    assert "Traceback" not in again.output

    unknown = runner.invoke(cli, ["jobs", "describe", "no-such-job"])
    assert unknown.exit_code == 1
    assert unknown.output.startswith("ResourceNotFound: ") and "no-such-job" in unknown.output


def test_empty_list(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["jobs", "list", "--status", "Failed"])
    assert result.exit_code == 0 and "No processing jobs." in result.output
