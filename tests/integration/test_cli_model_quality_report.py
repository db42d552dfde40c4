"""``plimsoll monitor report`` on a model-quality schedule: the history of real executions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plimsoll.api.wiring import Api, build_api
from plimsoll.cli.main import cli
from plimsoll.settings import Settings
from tests.integration._jobs import python_job, s3_output, wait_for
from tests.integration._monitoring import store_endpoint
from tests.integration.test_model_quality_service import _write_traffic, mq_definition


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


def _ok(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def test_report_shows_every_execution_of_a_model_quality_schedule(
    api: Api, cli_settings: Settings, home: Path
) -> None:
    runner = CliRunner(env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""})
    destination = store_endpoint(api, cli_settings)
    truth = f"file://{home}/ground-truth"
    _write_traffic(api, destination, truth, datetime.now(UTC) - timedelta(minutes=10), 200)
    constraints = home / "baseline" / "constraints.json"
    constraints.parent.mkdir(parents=True)
    constraints.write_text(
        json.dumps(
            {
                "version": 0.0,
                "binary_classification_constraints": {
                    "accuracy": {"threshold": 0.95, "comparison_operator": "LessThanThreshold"}
                },
            }
        )
    )
    definition = mq_definition(cli_settings)
    definition["ModelQualityBaselineConfig"] = {
        "ConstraintsResource": {"S3Uri": f"file://{constraints}"}
    }
    api.dispatcher.call("CreateModelQualityJobDefinition", definition)
    api.dispatcher.call(
        "CreateMonitoringSchedule",
        {
            "MonitoringScheduleName": "mq-hourly",
            "MonitoringScheduleConfig": {
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                "MonitoringJobDefinitionName": "mq-def",
                "MonitoringType": "ModelQuality",
            },
        },
    )
    with pytest.raises(AssertionError, match="no execution of mq-hourly has written"):
        _ok(runner, "monitor", "report", "mq-hourly")
    for _ in range(2):
        ran = _ok(runner, "monitor", "run", "mq-hourly", "--wait").output
        assert "CompletedWithViolations" in ran, ran

    path = Path(_ok(runner, "monitor", "report", "mq-hourly").output.strip())
    assert path.name == "report.html" and path.is_relative_to(home / "reports" / "churn")
    page = path.read_text()
    accuracy = re.search(r"<svg [^>]*><title>accuracy</title>.*?</svg>", page)
    assert accuracy is not None
    points = re.findall(r'<rect [^>]*class="([^"]*)"><title>\d{4}-[^<]*</title>', accuracy[0])
    assert points == ["alert-bar violation", "alert-bar violation"]  # 2 executions, both below
    assert 'class="threshold"' in accuracy[0] and "threshold 0.95" in accuracy[0]
    assert "2 (" in page  # the header counts both executions
    # The data-quality path is untouched: an unknown name is still a one-line error.
    missing = runner.invoke(cli, ["monitor", "report", "nope"])
    assert missing.exit_code != 0 and "Traceback" not in missing.output


def test_report_of_an_embedded_bucket_is_opened_where_it_is_stored(
    api: Api, cli_settings: Settings, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In embedded mode s3:// lives on this disk: the report is not copied to the working
    directory, and the printed path is the stored file."""
    runner = CliRunner(env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""})
    destination = store_endpoint(api, cli_settings)
    truth = f"file://{home}/ground-truth"
    _write_traffic(api, destination, truth, datetime.now(UTC) - timedelta(minutes=10), 50)
    definition = mq_definition(cli_settings)
    output = definition["ModelQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]
    output["S3Uri"] = "s3://reports-bucket/mq"
    api.dispatcher.call("CreateModelQualityJobDefinition", definition)
    api.dispatcher.call(
        "CreateMonitoringSchedule",
        {
            "MonitoringScheduleName": "mq-s3",
            "MonitoringScheduleConfig": {
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                "MonitoringJobDefinitionName": "mq-def",
                "MonitoringType": "ModelQuality",
            },
        },
    )
    _ok(runner, "monitor", "run", "mq-s3", "--wait")
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    path = Path(_ok(runner, "monitor", "report", "mq-s3").output.strip().splitlines()[-1])
    assert path.is_relative_to(home) and path.name == "report.html", path
    assert "Model quality: mq-s3" in path.read_text()
    assert list(workdir.iterdir()) == []


def test_report_reads_the_baseline_of_a_baselining_job(
    api: Api, cli_settings: Settings, home: Path
) -> None:
    """A definition whose baseline is ``BaseliningJobName``: the execution and the report both
    take ``constraints.json`` from that job's output."""
    runner = CliRunner(env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""})
    destination = store_endpoint(api, cli_settings)
    truth = f"file://{home}/ground-truth"
    _write_traffic(api, destination, truth, datetime.now(UTC) - timedelta(minutes=10), 100)
    constraints = {
        "version": 0.0,
        "binary_classification_constraints": {
            "accuracy": {"threshold": 0.95, "comparison_operator": "LessThanThreshold"}
        },
    }
    code = (
        "import json, pathlib; p = pathlib.Path('/opt/ml/processing/output/constraints.json'); "
        f"p.write_text(json.dumps({constraints!r}))"
    )
    baselining = api.processing.create_processing_job(
        python_job(
            code,
            name="mq-baselining",
            outputs=[s3_output("out", "/opt/ml/processing/output", f"file://{home}/baseline")],
        )
    )
    assert wait_for(api.processing, baselining.spec.name).status.value == "Completed"
    definition = mq_definition(cli_settings)
    definition["ModelQualityBaselineConfig"] = {"BaseliningJobName": "mq-baselining"}
    api.dispatcher.call("CreateModelQualityJobDefinition", definition)
    api.dispatcher.call(
        "CreateMonitoringSchedule",
        {
            "MonitoringScheduleName": "mq-job-baseline",
            "MonitoringScheduleConfig": {
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                "MonitoringJobDefinitionName": "mq-def",
                "MonitoringType": "ModelQuality",
            },
        },
    )
    ran = _ok(runner, "monitor", "run", "mq-job-baseline", "--wait").output
    assert "CompletedWithViolations" in ran, ran  # accuracy about 0.8 < 0.95
    page = Path(_ok(runner, "monitor", "report", "mq-job-baseline").output.strip()).read_text()
    accuracy = re.search(r"<svg [^>]*><title>accuracy</title>.*?</svg>", page)
    assert accuracy is not None and "threshold 0.95" in accuracy[0]
