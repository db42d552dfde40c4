"""Model-quality schedules through the API dispatcher: merge job, then analysis job.

The endpoint's records are stored directly; capture and ground truth are written with the
formats' own functions. A ``NOW`` schedule runs its execution at once: the ground-truth merge
job, then (when it has completed) the model-quality analysis job on the merged hours.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.compat import ground_truth
from plimsoll.compat.capture_format import object_key, record_line
from plimsoll.errors import ResourceNotFound, ValidationError
from plimsoll.settings import Settings
from tests.integration._monitoring import (
    ANALYZER,
    CSV,
    ROLE,
    execution_job,
    job_inputs,
    store_endpoint,
    wait_execution,
)

MERGE_NAME = r"groundtruth-merge-\d{12}-[0-9a-f]{24}"


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    built = build_api(settings, scheduler=False)
    yield built
    built.close()


def _write_traffic(api: Api, destination: str, truth_uri: str, when: datetime, n: int) -> None:
    """``n`` captured predictions (label ``0``/``1`` in column 0) and their ground truth,
    right 80 % of the time."""
    rng = random.Random(3)
    lines, truth = [], []
    for i in range(n):
        label = rng.randint(0, 1)
        predicted = label if rng.random() < 0.8 else 1 - label
        event_id = f"event-{i}"
        lines.append(
            record_line(
                event_id=event_id,
                epoch_seconds=when.timestamp() + i * 0.01,
                rules=CSV,
                request=(f"{rng.random():.3f},{rng.random():.3f}".encode(), "text/csv"),
                response=(str(predicted).encode(), "text/csv"),
            )
        )
        truth.append(ground_truth.to_json_line(ground_truth.build_record(event_id, label)))
    uri = object_key(destination, "churn", "AllTraffic", when.timestamp(), "capture-1")
    api.storage.for_uri(uri).write_bytes(uri, b"\n".join(lines) + b"\n")
    key = ground_truth.object_key(truth_uri, datetime.now(UTC), "labels")
    api.storage.for_uri(key).write_bytes(key, b"".join(truth))


def mq_definition(settings: Settings, **app_extra: Any) -> dict[str, Any]:
    return {
        "JobDefinitionName": "mq-def",
        "ModelQualityAppSpecification": {
            "ImageUri": ANALYZER,
            "ProblemType": "BinaryClassification",
            **app_extra,
        },
        "ModelQualityJobInput": {
            "EndpointInput": {
                "EndpointName": "churn",
                "LocalPath": "/opt/ml/processing/input/endpoint",
                "InferenceAttribute": "0",
            },
            "GroundTruthS3Input": {"S3Uri": f"file://{settings.home}/ground-truth"},
        },
        "ModelQualityJobOutputConfig": {
            "MonitoringOutputs": [
                {
                    "S3Output": {
                        "S3Uri": f"file://{settings.home}/reports",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "Continuous",
                    }
                }
            ]
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 20,
            }
        },
        "RoleArn": ROLE,
    }


def now_schedule(name: str = "mq-now") -> dict[str, Any]:
    return {
        "MonitoringScheduleName": name,
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {
                "ScheduleExpression": "NOW",
                "DataAnalysisStartTime": "-PT1H",
                "DataAnalysisEndTime": "PT0H",
            },
            "MonitoringJobDefinitionName": "mq-def",
            "MonitoringType": "ModelQuality",
        },
    }


def test_definition_crud_and_validation(api: Api, settings: Settings) -> None:
    store_endpoint(api, settings)
    call = api.dispatcher.call
    arn = call("CreateModelQualityJobDefinition", mq_definition(settings))["JobDefinitionArn"]
    assert arn.endswith(":model-quality-job-definition/mq-def")
    described = call("DescribeModelQualityJobDefinition", {"JobDefinitionName": "mq-def"})
    assert described["ModelQualityAppSpecification"]["ProblemType"] == "BinaryClassification"
    assert described["ModelQualityJobInput"]["GroundTruthS3Input"]["S3Uri"].endswith(
        "/ground-truth"
    )
    listed = call("ListModelQualityJobDefinitions", {})["JobDefinitionSummaries"]
    assert [(s["MonitoringJobDefinitionName"], s["EndpointName"]) for s in listed] == [
        ("mq-def", "churn")
    ]
    assert call("ListDataQualityJobDefinitions", {})["JobDefinitionSummaries"] == []
    with pytest.raises(ResourceNotFound):
        call("DescribeDataQualityJobDefinition", {"JobDefinitionName": "mq-def"})

    no_truth = mq_definition(settings)
    no_truth["JobDefinitionName"] = "no-truth"
    no_truth["ModelQualityJobInput"]["GroundTruthS3Input"] = {}
    with pytest.raises(ValidationError, match="GroundTruthS3Input"):
        call("CreateModelQualityJobDefinition", no_truth)
    no_problem = mq_definition(settings)
    no_problem["JobDefinitionName"] = "no-problem"
    del no_problem["ModelQualityAppSpecification"]["ProblemType"]
    with pytest.raises(ValidationError, match="ProblemType"):
        call("CreateModelQualityJobDefinition", no_problem)
    with pytest.raises(ValidationError):
        call("CreateModelQualityJobDefinition", mq_definition(settings, ProblemType="Ranking"))
    other = mq_definition(settings)
    other["JobDefinitionName"] = "other"
    other["ModelQualityJobInput"]["EndpointInput"]["EndpointName"] = "missing"
    with pytest.raises(ValidationError, match="missing does not exist"):
        call("CreateModelQualityJobDefinition", other)
    wrong_type = now_schedule()
    wrong_type["MonitoringScheduleConfig"]["MonitoringType"] = "DataQuality"
    with pytest.raises(ValidationError, match="is ModelQuality"):
        call("CreateMonitoringSchedule", wrong_type)

    call("DeleteModelQualityJobDefinition", {"JobDefinitionName": "mq-def"})
    assert call("ListModelQualityJobDefinitions", {})["JobDefinitionSummaries"] == []


def test_now_schedule_merges_then_analyses(api: Api, settings: Settings) -> None:
    destination = store_endpoint(api, settings)
    truth_uri = f"file://{settings.home}/ground-truth"
    captured = datetime.now(UTC) - timedelta(minutes=10)
    _write_traffic(api, destination, truth_uri, captured, 200)
    call = api.dispatcher.call
    call("CreateModelQualityJobDefinition", mq_definition(settings))
    call("CreateMonitoringSchedule", now_schedule())

    execution = wait_execution(api, "mq-now")
    assert execution["MonitoringType"] == "ModelQuality"
    assert execution["MonitoringJobDefinitionName"] == "mq-def"
    analysis = execution_job(api, execution)
    assert analysis.spec.name.startswith("model-quality-monitoring-"), analysis.spec.name
    merge = api.processing.describe_processing_job(
        "groundtruth-merge-" + analysis.spec.name[len("model-quality-monitoring-") :]
    )
    assert merge.spec.image_uri.endswith("/sagemaker-model-monitor-groundtruth-merger")
    assert merge.spec.environment == {
        "dataset_source": "/opt/ml/processing/input_data",
        "ground_truth_source": "/opt/ml/processing/groundtruth",
        "output_path": "/opt/ml/processing/output",
    }
    hour = f"{captured:%Y/%m/%d/%H}"
    truth_hour = f"{datetime.now(UTC):%Y/%m/%d/%H}"
    merge_inputs = job_inputs(merge)
    assert merge_inputs["endpoint_input_1"] == (
        f"{destination}/churn/AllTraffic/{hour}/",
        f"/opt/ml/processing/input_data/churn/AllTraffic/{hour}",
    )
    assert (
        f"{truth_uri}/{truth_hour}/",
        f"/opt/ml/processing/groundtruth/{truth_hour}",
    ) in merge_inputs.values()
    assert all(name.startswith(("endpoint_input_", "groundtruth_input_")) for name in merge_inputs)
    (merge_output,) = merge.spec.outputs
    assert merge_output.output_name == "result" and merge_output.s3_output is not None
    assert merge_output.s3_output.s3_uri == f"file://{settings.home}/reports/merge"
    assert merge_output.s3_output.s3_upload_mode == "EndOfJob"

    reports = f"file://{settings.home}/reports"
    assert job_inputs(analysis) == {
        "endpoint_input_1": (
            f"{reports}/merge/churn/AllTraffic/{hour}/",
            f"/opt/ml/processing/input_data/churn/AllTraffic/{hour}",
        )
    }
    env = analysis.spec.environment
    assert env["analysis_type"] == "MODEL_QUALITY"
    assert json.loads(env["dataset_format"]) == {
        "sagemakerMergeJson": {"captureIndexNames": ["endpointOutput"]}
    }
    assert env["dataset_source"] == "/opt/ml/processing/input_data"
    assert env["problem_type"] == "BinaryClassification"
    assert env["inference_attribute"] == "0"
    assert env["sagemaker_endpoint_name"] == "churn"
    assert env["sagemaker_monitoring_schedule_name"] == "mq-now"
    assert env["publish_cloudwatch_metrics"] == "Enabled"
    assert {"start_time", "end_time", "metric_time"} <= set(env)
    (result,) = analysis.spec.outputs
    assert result.s3_output is not None
    assert result.s3_output.s3_uri.startswith(f"{reports}/churn/mq-now/")

    assert execution["MonitoringExecutionStatus"] == "Completed", execution
    out = Path(result.s3_output.s3_uri.removeprefix("file://"))
    metrics = json.loads((out / "statistics.json").read_text())
    accuracy = metrics["binary_classification_metrics"]["accuracy"]["value"]
    assert 0.7 < accuracy < 0.9
    assert 'metric_name="accuracy"' in api.monitor_metrics.render()


def test_failed_merge_fails_the_execution_with_its_reason(api: Api, settings: Settings) -> None:
    destination = store_endpoint(api, settings)
    truth_uri = f"file://{settings.home}/ground-truth"
    captured = datetime.now(UTC) - timedelta(minutes=10)
    _write_traffic(api, destination, truth_uri, captured, 20)
    # Labels for other events only: the merge job finds no match and fails.
    key = ground_truth.object_key(truth_uri, datetime.now(UTC), "labels")
    other = ground_truth.to_json_line(ground_truth.build_record("someone-else", 1))
    api.storage.for_uri(key).write_bytes(key, other)
    call = api.dispatcher.call
    call("CreateModelQualityJobDefinition", mq_definition(settings))
    call("CreateMonitoringSchedule", now_schedule())

    execution = wait_execution(api, "mq-now")
    assert execution["MonitoringExecutionStatus"] == "Failed"
    assert "No ground truth matched" in execution["FailureReason"]
    assert execution_job(api, execution).spec.name.startswith("groundtruth-merge-")


def test_no_ground_truth_fails_before_any_job(api: Api, settings: Settings) -> None:
    destination = store_endpoint(api, settings)
    when = datetime.now(UTC) - timedelta(minutes=10)
    uri = object_key(destination, "churn", "AllTraffic", when.timestamp(), "capture-1")
    line = record_line(
        event_id="e1",
        epoch_seconds=when.timestamp(),
        rules=CSV,
        request=(b"1,2", "text/csv"),
        response=(b"1", "text/csv"),
    )
    api.storage.for_uri(uri).write_bytes(uri, line + b"\n")
    call = api.dispatcher.call
    call("CreateModelQualityJobDefinition", mq_definition(settings))
    call("CreateMonitoringSchedule", now_schedule())
    execution = wait_execution(api, "mq-now")
    assert execution["MonitoringExecutionStatus"] == "Failed"
    assert execution["FailureReason"].startswith("Ground truth input had no data")
    assert "ProcessingJobArn" not in execution
