"""Monitoring schedules and executions through the API dispatcher: real analyzer jobs.

The endpoint's records are stored directly and its capture files written with the capture
format's own functions, so these tests exercise the control plane, the scheduler's time
logic and the execution jobs without starting model servers (the SDK tests do that).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.errors import ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.images.model_monitor_analyzer import run
from plimsoll.metadata.monitoring_entities import ExecutionRecord, ExecutionStatus, MonitoringType
from plimsoll.settings import Settings
from tests.integration._monitoring import (
    HOUR,
    dq_definition,
    sample_rows,
    schedule_request,
    store_endpoint,
    write_capture,
)


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    built = build_api(settings, scheduler=False)  # the tests drive time themselves
    yield built
    built.close()


@pytest.fixture
def baseline(tmp_path: Path) -> dict[str, str]:
    """statistics.json and constraints.json of a 4-column training set (label first)."""
    data = tmp_path / "train"
    data.mkdir()
    lines = ["label,a,b,colour"] + [",".join(r) for r in sample_rows(500)]
    (data / "train.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "baseline"
    env = {
        "dataset_format": json.dumps({"csv": {"header": True}}),
        "dataset_source": str(data),
        "output_path": str(out),
        "output_message_file": str(tmp_path / "baseline-message"),
    }
    assert run(env) == 0
    return {
        "constraints": f"file://{out}/constraints.json",
        "statistics": f"file://{out}/statistics.json",
    }


def _wait_execution(api: Api, schedule: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = api.dispatcher.call(
            "ListMonitoringExecutions", {"MonitoringScheduleName": schedule}
        )["MonitoringExecutionSummaries"]
        if found and found[0]["MonitoringExecutionStatus"] not in ("Pending", "InProgress"):
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"execution still running: {found}")
        time.sleep(0.2)


def test_cron_schedule_runs_the_due_hour_and_reports_drift(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    destination = store_endpoint(api, settings)
    call = api.dispatcher.call
    call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    created = call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))
    assert created["MonitoringScheduleArn"].endswith(":monitoring-schedule/hourly")
    described = call("DescribeMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    assert described["MonitoringScheduleStatus"] == "Scheduled"
    assert described["EndpointName"] == "churn"
    assert "LastMonitoringExecutionSummary" not in described

    created_at = described["CreationTime"]
    window_hour = created_at.replace(minute=0, second=0, microsecond=0) + HOUR
    write_capture(
        api, destination, window_hour + timedelta(minutes=5), sample_rows(300, shift=3.0, seed=1)
    )
    assert api.monitoring.tick(created_at) == []  # nothing due yet
    empty = api.monitoring.tick(window_hour + timedelta(minutes=30))  # the hour before: no data
    assert [(e.status.value, e.failure_reason) for e in empty] == [
        ("Failed", "Job inputs had no data")
    ]
    started = api.monitoring.tick(window_hour + HOUR + timedelta(minutes=1))
    assert [e.scheduled_time for e in started] == [window_hour + HOUR]
    assert api.monitoring.tick(window_hour + HOUR + timedelta(minutes=2)) == []  # once per time

    execution = _wait_execution(api, "hourly")
    assert execution["MonitoringExecutionStatus"] == "CompletedWithViolations", execution
    job = api.processing.describe_processing_job(execution["ProcessingJobArn"].rsplit("/", 1)[1])
    assert job.exit_message and job.exit_message.startswith("CompletedWithViolations")
    env = job.spec.environment
    assert env["start_time"] == f"{window_hour:%Y-%m-%dT%H:%M:%SZ}"
    assert env["sagemaker_monitoring_schedule_name"] == "hourly"
    out = Path(settings.home) / "reports" / "churn" / "hourly" / f"{window_hour + HOUR:%Y/%m/%d/%H}"
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    assert ("a", "baseline_drift_check") in {
        (v["feature_name"], v["constraint_check_type"]) for v in violations
    }
    assert (out / "report.html").is_file()
    metrics = api.monitor_metrics.render()
    assert 'metric_name="feature_baseline_drift_a"' in metrics
    assert 'schedule="hourly",status="CompletedWithViolations"} 1' in metrics
    latest = call("DescribeMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    assert latest["LastMonitoringExecutionSummary"]["MonitoringExecutionStatus"] == (
        "CompletedWithViolations"
    )


def test_an_hour_without_capture_fails_with_no_data(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    store_endpoint(api, settings)
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))
    api.monitoring.tick(datetime.now(UTC) + 2 * HOUR)
    execution = _wait_execution(api, "hourly")
    assert execution["MonitoringExecutionStatus"] == "Failed"
    assert execution["FailureReason"] == "Job inputs had no data"
    assert "ProcessingJobArn" not in execution


def test_now_schedule_runs_once_right_away_without_violations(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    destination = store_endpoint(api, settings)
    write_capture(
        api, destination, datetime.now(UTC) - timedelta(minutes=1), sample_rows(200, seed=3)
    )
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    api.dispatcher.call(
        "CreateMonitoringSchedule",
        schedule_request("NOW", DataAnalysisStartTime="-PT1H", DataAnalysisEndTime="PT0H"),
    )
    execution = _wait_execution(api, "hourly")
    assert execution["MonitoringExecutionStatus"] == "Completed", execution
    assert api.monitoring.tick(datetime.now(UTC) + 5 * HOUR) == []  # one time only


def test_a_cron_time_while_one_runs_is_recorded_as_skipped(
    api: Api, settings: Settings, baseline: dict[str, str], tmp_path: Path
) -> None:
    destination = store_endpoint(api, settings)
    slow = tmp_path / "slow_preprocessor.py"  # keeps the first execution running a while
    slow.write_text(
        "import time\n"
        "time.sleep(3)\n"
        "def preprocess_handler(inference_record):\n"
        "    values = inference_record.endpoint_input.data.split(',')\n"
        "    label = inference_record.endpoint_output.data\n"
        "    return dict(zip(['label', 'a', 'b', 'colour'], [label, *values]))\n"
    )
    definition = dq_definition(baseline, settings)
    definition["DataQualityAppSpecification"]["RecordPreprocessorSourceUri"] = f"file://{slow}"
    api.dispatcher.call("CreateDataQualityJobDefinition", definition)
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    write_capture(api, destination, now + HOUR + timedelta(minutes=1), sample_rows(50))
    first = api.monitoring.tick(now + 2 * HOUR)
    second = api.monitoring.tick(now + 3 * HOUR)
    assert [e.status.value for e in first] == ["InProgress"]
    assert [(e.status.value, e.failure_reason) for e in second] == [
        ("Failed", "Skipped: the previous execution of this schedule was still running")
    ]
    executions = api.dispatcher.call(
        "ListMonitoringExecutions",
        {"MonitoringScheduleName": "hourly", "SortBy": "ScheduledTime", "SortOrder": "Ascending"},
    )["MonitoringExecutionSummaries"]
    assert len(executions) == 2
    deadline = time.monotonic() + 60
    while api.monitoring.refresh(first[0]).status.value == "InProgress":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert api.monitoring.refresh(first[0]).status.value == "Completed"


def test_stop_start_update_and_delete(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    store_endpoint(api, settings)
    call = api.dispatcher.call
    call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))
    call("StopMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    assert api.monitoring.tick(datetime.now(UTC) + 3 * HOUR) == []
    listed = call("ListMonitoringSchedules", {"StatusEquals": "Stopped"})
    assert [s["MonitoringScheduleName"] for s in listed["MonitoringScheduleSummaries"]] == [
        "hourly"
    ]
    call("StartMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    call(
        "UpdateMonitoringSchedule",
        {
            "MonitoringScheduleName": "hourly",
            "MonitoringScheduleConfig": {
                **schedule_request("cron(0 6 ? * * *)")["MonitoringScheduleConfig"]
            },
        },
    )
    described = call("DescribeMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    assert described["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"] == (
        "cron(0 6 ? * * *)"
    )
    with pytest.raises(ResourceInUse, match="hourly"):
        call("DeleteDataQualityJobDefinition", {"JobDefinitionName": "dq-def"})
    call("DeleteMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    with pytest.raises(ResourceNotFound):
        call("DescribeMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    call("DeleteDataQualityJobDefinition", {"JobDefinitionName": "dq-def"})


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (schedule_request("cron(5 * ? * * *)"), "Minutes must be 0"),
        (schedule_request("NOW"), "DataAnalysisStartTime and DataAnalysisEndTime are required"),
        (schedule_request("cron(0 * ? * * *)", DataAnalysisStartTime="-PT1H"), "only valid with"),
        (
            schedule_request("NOW", DataAnalysisStartTime="PT0H", DataAnalysisEndTime="-PT1H"),
            "earlier",
        ),
    ],
)
def test_bad_schedules_are_validation_errors(
    api: Api, settings: Settings, baseline: dict[str, str], schedule: Any, message: str
) -> None:
    store_endpoint(api, settings)
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    with pytest.raises(ValidationError, match=message):
        api.dispatcher.call("CreateMonitoringSchedule", schedule)


def test_definitions_need_a_capturing_endpoint_and_valid_offsets(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    with pytest.raises(ValidationError, match="Endpoint churn does not exist"):
        api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    store_endpoint(api, settings)
    with pytest.raises(ValidationError, match="StartTimeOffset"):
        api.dispatcher.call(
            "CreateDataQualityJobDefinition",
            dq_definition(baseline, settings, StartTimeOffset="-PXT1"),
        )
    with pytest.raises(ResourceNotFound):
        api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))


def test_run_schedule_now_is_a_plimsoll_extension_over_the_wire(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    destination = store_endpoint(api, settings)
    write_capture(
        api, destination, datetime.now(UTC) - timedelta(minutes=2), sample_rows(100, seed=5)
    )
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 0 ? * * *)"))
    ran = api.dispatcher.call("RunMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    assert ran["MonitoringExecutionSummary"]["MonitoringExecutionStatus"] == "InProgress"
    with pytest.raises(ResourceInUse, match="still running"):
        api.dispatcher.call("RunMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    assert _wait_execution(api, "hourly")["MonitoringExecutionStatus"] == "Completed"
    with pytest.raises(ResourceNotFound):
        api.dispatcher.call("RunMonitoringSchedule", {"MonitoringScheduleName": "nope"})


def test_bad_rows_become_violations_not_crashes(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    destination = store_endpoint(api, settings)
    rows = [[*r, "extra"] for r in sample_rows(80, seed=9)]  # one column more than the baseline
    for row in rows[:40]:
        row[1] = "not-a-number"  # text in the numeric column "a"
    write_capture(api, destination, datetime.now(UTC) - timedelta(minutes=3), rows)
    uri = f"{destination}/churn/AllTraffic/{datetime.now(UTC):%Y/%m/%d/%H}/zz-bad.jsonl"
    api.storage.for_uri(uri).write_bytes(uri, b"{not json\n")  # a malformed capture line
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 0 ? * * *)"))
    api.dispatcher.call("RunMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    execution = _wait_execution(api, "hourly")
    assert execution["MonitoringExecutionStatus"] == "CompletedWithViolations", execution
    job = execution["ProcessingJobArn"].rsplit("/", 1)[1]
    out = api.processing.describe_processing_job(job).spec.outputs[0].s3_output
    assert out is not None
    body = api.storage.for_uri(out.s3_uri).read_bytes(f"{out.s3_uri}/constraint_violations.json")
    kinds = {
        (v["feature_name"], v["constraint_check_type"]) for v in json.loads(body)["violations"]
    }
    assert ("a", "data_type_check") in kinds
    assert any(kind == "extra_column_check" for _, kind in kinds)
    log = b"".join(
        api.processing.read_log(job, host).data for host in api.processing.log_hosts(job)
    )
    assert b"invalid_json" in log or b"skipped" in log


def test_batch_transform_input_reads_the_data_files_as_they_are(
    api: Api, settings: Settings, baseline: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "batch-output"
    data.mkdir()
    lines = ["label,a,b,colour"] + [",".join(r) for r in sample_rows(120, shift=4.0, seed=11)]
    (data / "part-0.csv").write_text("\n".join(lines) + "\n")
    definition = dq_definition(baseline, settings)
    definition["DataQualityJobInput"] = {
        "BatchTransformInput": {
            "DataCapturedDestinationS3Uri": f"file://{data}",
            "DatasetFormat": {"Csv": {"Header": True}},
            "LocalPath": "/opt/ml/processing/input/batch",
        }
    }
    api.dispatcher.call("CreateDataQualityJobDefinition", definition)
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 0 ? * * *)"))
    described = api.dispatcher.call(
        "DescribeMonitoringSchedule", {"MonitoringScheduleName": "hourly"}
    )
    assert "EndpointName" not in described
    api.dispatcher.call("RunMonitoringSchedule", {"MonitoringScheduleName": "hourly"})
    execution = _wait_execution(api, "hourly")
    assert execution["MonitoringExecutionStatus"] == "CompletedWithViolations", execution
    job = api.processing.describe_processing_job(execution["ProcessingJobArn"].rsplit("/", 1)[1])
    assert json.loads(job.spec.environment["dataset_format"]) == {"csv": {"header": True}}
    out = job.spec.outputs[0].s3_output
    assert out is not None and "/batch-transform/hourly/" in out.s3_uri


def test_a_pending_execution_left_by_a_dead_process_does_not_block_its_schedule(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    store_endpoint(api, settings)
    api.dispatcher.call("CreateDataQualityJobDefinition", dq_definition(baseline, settings))
    api.dispatcher.call("CreateMonitoringSchedule", schedule_request("cron(0 * ? * * *)"))
    long_ago = datetime.now(UTC) - timedelta(minutes=11)
    api.endpoints._store.add_execution(  # noqa: SLF001 - what a crashed scheduler leaves
        ExecutionRecord(
            execution_id="hourly-orphan",
            schedule_name="hourly",
            scheduled_time=long_ago,
            creation_time=long_ago,
            last_modified_time=long_ago,
            status=ExecutionStatus.PENDING,
            monitoring_type=MonitoringType.DATA_QUALITY,
            endpoint_name="churn",
        )
    )
    started = api.monitoring.tick(datetime.now(UTC) + 2 * HOUR)
    assert [e.failure_reason for e in started] == ["Job inputs had no data"]  # not "Skipped"
    orphan = api.endpoints._store.get_execution("hourly-orphan")  # noqa: SLF001
    assert orphan.status is ExecutionStatus.FAILED
    assert orphan.failure_reason and "stopped before starting its job" in orphan.failure_reason


def test_two_instances_share_the_capture_files_and_algo_1_merges(
    api: Api, settings: Settings, baseline: dict[str, str]
) -> None:
    """A ShardedByS3Key endpoint input reaches the job: each host profiles its share of the
    hour's capture files, algo-1 merges, and drift is found as with one instance."""
    destination = store_endpoint(api, settings)
    now = datetime.now(UTC)
    for minutes, seed in ((9, 1), (6, 2), (3, 3)):  # three capture files in the last hour
        rows = sample_rows(150, shift=3.0, seed=seed)
        write_capture(api, destination, now - timedelta(minutes=minutes), rows)
    definition = dq_definition(baseline, settings, S3DataDistributionType="ShardedByS3Key")
    definition["JobResources"]["ClusterConfig"]["InstanceCount"] = 2
    api.dispatcher.call("CreateDataQualityJobDefinition", definition)
    api.dispatcher.call(
        "CreateMonitoringSchedule",
        schedule_request("NOW", DataAnalysisStartTime="-PT1H", DataAnalysisEndTime="PT0H"),
    )
    execution = _wait_execution(api, "hourly", timeout=90)
    assert execution["MonitoringExecutionStatus"] == "CompletedWithViolations", execution
    job = api.processing.describe_processing_job(execution["ProcessingJobArn"].rsplit("/", 1)[1])
    assert job.spec.cluster.instance_count == 2
    data_inputs = [i for i in job.spec.inputs if i.input_name.startswith("endpoint_input")]
    assert data_inputs
    assert {i.s3_input.s3_data_distribution_type for i in data_inputs if i.s3_input} == {
        "ShardedByS3Key"
    }
    reports = Path(settings.home) / "reports" / "churn" / "hourly"
    [statistics] = reports.rglob("statistics.json")
    counts = json.loads(statistics.read_text())["dataset"]["item_count"]
    assert counts == 450  # every record of the three files, each profiled by one host
