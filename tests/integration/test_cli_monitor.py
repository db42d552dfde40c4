"""``plimsoll monitor`` and ``plimsoll scheduler`` on a real home, in-process (no server).

Endpoint records and capture files are stored directly (as in test_monitoring_service) by an
API built on the same PLIMSOLL_HOME; the CLI's own embedded service shares its SQLite store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plimsoll.api.wiring import Api, build_api
from plimsoll.cli.main import cli
from plimsoll.settings import Settings
from tests.integration._monitoring import (
    dq_definition,
    sample_rows,
    schedule_request,
    store_endpoint,
    write_capture,
)

HOUR = timedelta(hours=1)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def cli_settings(home: Path) -> Settings:
    return Settings.load(home=home, stop_grace_seconds=2.0, scheduler_interval_seconds=0)


@pytest.fixture
def api(cli_settings: Settings) -> Iterator[Api]:
    built = build_api(cli_settings, scheduler=False)
    yield built
    built.close()


@pytest.fixture
def runner(home: Path) -> CliRunner:
    # Wide enough that rich does not fold job names inside table cells.
    return CliRunner(
        env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": "", "COLUMNS": "250"}
    )


def _ok(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def _baseline(runner: CliRunner, tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "train"
    data.mkdir()
    lines = ["label,a,b,colour"] + [",".join(r) for r in sample_rows(300)]
    (data / "train.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "baseline"
    made = _ok(runner, "monitor", "baseline", str(data), "--output", f"file://{out}")
    assert "colour" in made.output and "Integral" in made.output, made.output
    assert f"file://{out}/constraints.json" in made.output
    constraints = json.loads((out / "constraints.json").read_text())
    assert {f["name"] for f in constraints["features"]} == {"label", "a", "b", "colour"}
    return {
        "constraints": f"file://{out}/constraints.json",
        "statistics": f"file://{out}/statistics.json",
    }


def test_schedule_run_violations_and_report(
    runner: CliRunner, api: Api, cli_settings: Settings, tmp_path: Path
) -> None:
    baseline = _baseline(runner, tmp_path)
    destination = store_endpoint(api, cli_settings)
    write_capture(
        api, destination, datetime.now(UTC) - timedelta(minutes=2), sample_rows(200, shift=3.0)
    )
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, cli_settings))
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))

    listed = _ok(runner, "monitor", "schedules", "--endpoint", "churn").output
    assert all(s in listed for s in ("hourly", "Scheduled", "DataQuality", "cron(0 * ? * * *)"))
    assert (
        "No monitoring schedules."
        in _ok(runner, "monitor", "schedules", "--status", "Failed").output
    )
    assert "No executions of hourly" in _ok(runner, "monitor", "executions", "hourly").output

    ran = _ok(runner, "monitor", "run", "hourly", "--wait").output
    assert "CompletedWithViolations" in ran
    assert "baseline_drift_check" in ran and "violations on" in ran, ran

    executions = _ok(runner, "monitor", "executions", "hourly").output
    job = next(word for word in executions.split() if word.startswith("model-monitoring-"))
    picked = _ok(runner, "monitor", "violations", "hourly", "--execution", job).output
    assert "baseline_drift_check" in picked and job in picked
    described = json.loads(_ok(runner, "monitor", "describe", "hourly", "--json").output)
    assert described["LastMonitoringExecutionSummary"]["MonitoringExecutionStatus"] == (
        "CompletedWithViolations"
    )

    copied = tmp_path / "copy.html"
    reported = _ok(runner, "monitor", "report", "hourly", "--output", str(copied)).output
    assert reported.strip() == str(copied.resolve())
    assert "<html" in copied.read_text().lower()
    in_place = Path(_ok(runner, "monitor", "report", job).output.strip())  # file:// output
    assert in_place.is_relative_to(cli_settings.home / "reports") and in_place.is_file()

    # A later cron time whose hour has no capture: no job, its failure reason instead.
    api.monitoring.tick(datetime.now(UTC) + 2 * HOUR)
    empty = _ok(runner, "monitor", "violations", "hourly").output
    assert "Job inputs had no data" in empty and "baseline_drift_check" not in empty
    assert "Job inputs had no data" in _ok(runner, "monitor", "executions", "hourly").output
    assert Path(_ok(runner, "monitor", "report", "hourly").output.strip()) == in_place
    scheduled = described["LastMonitoringExecutionSummary"]["ScheduledTime"]
    by_time = _ok(runner, "monitor", "violations", "hourly", "--execution", scheduled).output
    assert "baseline_drift_check" in by_time and job in by_time


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["monitor", "executions", "nope"], "ResourceNotFound"),
        (["monitor", "run", "nope"], "ResourceNotFound"),
        (["monitor", "describe", "nope"], "ResourceNotFound"),
        (["monitor", "report", "nope"], "ResourceNotFound"),
        (["monitor", "violations", "bad name!"], "ValidationException"),
    ],
)
def test_bad_schedule_names_are_one_line_errors(
    runner: CliRunner, args: list[str], code: str
) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert code in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_scheduler_runs_due_schedules_until_terminated(
    api: Api, cli_settings: Settings, home: Path
) -> None:
    store_endpoint(api, cli_settings)
    body = dq_definition({"constraints": "", "statistics": ""}, cli_settings)
    del body["DataQualityBaselineConfig"]
    api.dispatcher.call("CreateDataQualityJobDefinition", body)
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))
    # Created two hours ago (as a record): its last cron time is due at the first tick.
    created, _ = api.monitoring.describe_schedule("hourly")
    store = api.monitoring._store  # noqa: SLF001 - test setup of records only
    store.save_schedule(replace(created, creation_time=created.creation_time - 2 * HOUR))
    env = {**os.environ, "PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plimsoll.cli", "scheduler", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not api.dispatcher.call(
            "ListMonitoringExecutions", {"MonitoringScheduleName": "hourly"}
        )["MonitoringExecutionSummaries"]:
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the scheduler started no execution"
            time.sleep(0.2)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "plimsoll scheduler: every 0.2 s" in output
    assert "schedule hourly: execution for" in output and "is Failed" in output, output
    executions = api.dispatcher.call(
        "ListMonitoringExecutions", {"MonitoringScheduleName": "hourly"}
    )["MonitoringExecutionSummaries"]
    assert [e["FailureReason"] for e in executions] == ["Job inputs had no data"]
    assert "stopped after" in output and "Traceback" not in output
