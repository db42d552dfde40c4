"""``plimsoll monitor report`` on ModelBias and ModelExplainability schedules.

The bias executions run through the real service (ground-truth merge, then the Clarify image);
the first one has no traffic yet and fails, as it would on SageMaker.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plimsoll.api.wiring import Api, build_api
from plimsoll.cli.main import cli
from plimsoll.settings import Settings
from tests.integration._monitoring import store_endpoint
from tests.integration.test_clarify_monitor_service import (
    HEADERS,
    _baseline,
    _definition,
    _write_json,
    _write_traffic,
)


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
    return CliRunner(env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""})


def _ok(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def _next_second() -> None:
    """Executions are identified to the second: a run within the same second is the same."""
    started = datetime.now(UTC).replace(microsecond=0)
    while datetime.now(UTC).replace(microsecond=0) == started:
        time.sleep(0.05)


def _hourly(name: str, definition: str, kind: str) -> dict[str, object]:
    return {
        "MonitoringScheduleName": name,
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            "MonitoringJobDefinitionName": definition,
            "MonitoringType": kind,
        },
    }


def test_bias_report_shows_every_execution_against_the_baseline(
    api: Api, cli_settings: Settings, runner: CliRunner, home: Path
) -> None:
    destination = store_endpoint(api, cli_settings)
    config = {
        "label": "label",
        "facet": [{"name_or_index": "sex", "value_or_threshold": [0]}],
        "label_values_or_threshold": [1],
        "headers": HEADERS,
    }
    _write_json(api, f"file://{home}/configs/ModelBias/analysis_config.json", config)
    baseline = _write_json(api, f"file://{home}/baseline/analysis.json", _baseline(cli_settings))
    api.dispatcher.call(
        "CreateModelBiasJobDefinition",
        _definition(
            cli_settings,
            "ModelBias",
            ModelBiasBaselineConfig={"ConstraintsResource": {"S3Uri": baseline}},
        ),
    )
    api.dispatcher.call("CreateMonitoringSchedule", _hourly("bias", "modelbias-def", "ModelBias"))
    failed = runner.invoke(cli, ["monitor", "run", "bias", "--wait"])  # no traffic yet
    assert failed.exit_code == 1 and "Failed" in failed.output, failed.output
    _next_second()
    truth = f"file://{home}/ground-truth"
    _write_traffic(
        api, destination, truth, datetime.now(UTC) - timedelta(minutes=10), 300, biased=True
    )
    for _ in range(2):
        ran = _ok(runner, "monitor", "run", "bias", "--wait").output
        assert "CompletedWithViolations" in ran, ran

    path = Path(_ok(runner, "monitor", "report", "bias").output.strip())
    assert path.name == "history_report.html" and (path.parent / "analysis.json").is_file()
    assert path.is_relative_to(home / "reports" / "churn" / "bias")
    page = path.read_text()
    header = page.split("</header>", 1)[0]
    assert "Bias drift: bias" in header and "ModelBias" in header
    assert "3 (" in header and "1 without analysis.json" in header
    # The baseline is fair; the traffic approves sex=0 far less often. DPPL, AD and RD move
    # away from 0 and violate; DI falls from 0.98 to about 0.2, closer to 0: as on SageMaker,
    # not a violation.
    for metric, marks in (("DPPL", 2), ("DI", 0), ("AD", 2), ("RD", 2)):
        chart = re.search(rf"<svg [^>]*><title>{metric} \(sex = 0\)</title>.*?</svg>", page)
        assert chart is not None, metric
        points = re.findall(r'<rect [^>]*class="([^"]*)"><title>\d{4}-[^<]*</title>', chart[0])
        assert points[-2:].count("alert-bar violation") == marks, (metric, points)
        assert chart[0].count('class="threshold"') == 2, metric  # the baseline's band
        assert ": failed</title>✕" in chart[0], metric
    latest = json.loads((path.parent / "constraint_violations.json").read_text())["violations"]
    violations = page.split('id="violations"', 1)[1].split("</section>", 1)[0]
    assert all(v["description"].replace("'", "&#x27;") in violations for v in latest)
    assert f"{len(latest)} violations in the latest analysed execution" in header
    # Another output file: the report goes where asked, the stored copy stays.
    copy = home / "copy.html"
    _ok(runner, "monitor", "report", "bias", "--output", str(copy))
    assert copy.read_text() == path.read_text()


def test_explainability_report_with_failed_executions_only(
    api: Api, cli_settings: Settings, runner: CliRunner, home: Path
) -> None:
    store_endpoint(api, cli_settings)
    shap = {"global_shap_values": {"sex": 0.2, "score": 0.1}, "expected_value": 0.5}
    baseline = _write_json(
        api,
        f"file://{home}/explain-baseline/analysis.json",
        {"version": "1.0", "explanations": {"kernel_shap": {"label0": shap}}},
    )
    api.dispatcher.call(
        "CreateModelExplainabilityJobDefinition",
        _definition(
            cli_settings,
            "ModelExplainability",
            ModelExplainabilityBaselineConfig={"ConstraintsResource": {"S3Uri": baseline}},
        ),
    )
    api.dispatcher.call(
        "CreateMonitoringSchedule",
        _hourly("explain", "modelexplainability-def", "ModelExplainability"),
    )
    with pytest.raises(AssertionError, match="no execution of explain has finished yet"):
        _ok(runner, "monitor", "report", "explain")
    failed = runner.invoke(cli, ["monitor", "run", "explain", "--wait"])
    assert failed.exit_code == 1, failed.output
    output = home / "explain.html"
    path = Path(_ok(runner, "monitor", "report", "explain", "--output", str(output)).output.strip())
    assert path == output
    page = output.read_text()
    assert "Feature attribution drift: explain" in page
    assert "No execution has written analysis.json yet." in page
    assert "ModelExplainability" in page and "analysis.json of the job definition" in page
    executions = page.split('id="executions"', 1)[1].split("</section>", 1)[0]
    assert "<td>Failed</td>" in executions
    # A baseline the definition names but that does not exist is an error, not a traceback.
    Path(baseline.removeprefix("file://")).unlink()
    broken = runner.invoke(cli, ["monitor", "report", "explain", "--output", str(output)])
    assert broken.exit_code != 0 and "no baseline analysis.json at" in broken.output
    assert "Traceback" not in broken.output
    # A baseline that is not JSON is an error naming it, not a traceback.
    Path(baseline.removeprefix("file://")).write_text("{not json")
    corrupt = runner.invoke(cli, ["monitor", "report", "explain", "--output", str(output)])
    assert corrupt.exit_code != 0 and f"{baseline} is not valid JSON" in corrupt.output
    assert "Traceback" not in corrupt.output
