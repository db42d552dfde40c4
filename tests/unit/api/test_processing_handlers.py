"""Conversions between processing shapes and entities: request -> spec -> Describe echo."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plimsoll.api.handlers.processing import (
    DEFAULT_MAX_RUNTIME_IN_SECONDS,
    to_describe_response,
    to_query,
    to_spec,
    to_summary,
)
from plimsoll.api.shapes import CreateProcessingJobRequest, ListProcessingJobsRequest
from plimsoll.api.validation import parse_request
from plimsoll.errors import ValidationError
from plimsoll.metadata.entities import (
    JobStatus,
    ProcessingJob,
    ProcessingJobSpec,
    spec_from_dict,
    spec_to_dict,
)
from tests.unit.api._requests import ROLE, create_request, minimal_request

ARN = "arn:aws:sagemaker:us-east-1:000000000000:processing-job/my-job-1"
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def _spec(request: dict[str, Any]) -> ProcessingJobSpec:
    return to_spec(parse_request(CreateProcessingJobRequest, request))


def _job(spec: ProcessingJobSpec, **changes: Any) -> ProcessingJob:
    job = ProcessingJob(
        spec=spec,
        arn=ARN,
        status=JobStatus.IN_PROGRESS,
        creation_time=T0,
        last_modified_time=T0 + timedelta(seconds=1),
    )
    return dataclasses.replace(job, **changes)


def _describe(job: ProcessingJob) -> dict[str, Any]:
    return to_describe_response(job).model_dump(mode="python", exclude_none=True)


def test_full_request_to_spec() -> None:
    spec = _spec(create_request())
    assert spec.name == "my-job-1"
    assert spec.role_arn == ROLE
    assert spec.image_uri == "python:3.11"
    assert spec.container_entrypoint == ("python3", "/opt/ml/processing/input/code/run.py")
    assert spec.container_arguments == ("--alpha", "1")
    assert (spec.cluster.instance_count, spec.cluster.instance_type) == (2, "ml.m5.xlarge")
    assert (spec.cluster.volume_size_in_gb, spec.cluster.volume_kms_key_id) == (30, "vol-key")
    data, code = spec.inputs
    assert data.input_name == "data" and data.s3_input is not None
    assert data.s3_input.s3_uri == "s3://bucket/prefix/data"
    assert data.s3_input.local_path == "/opt/ml/processing/input/data"
    assert data.s3_input.s3_data_distribution_type == "ShardedByS3Key"
    assert code.s3_input is not None and code.s3_input.s3_uri == "file:///tmp/code"
    (out,) = spec.outputs
    assert out.s3_output is not None
    assert (out.s3_output.s3_uri, out.s3_output.s3_upload_mode) == ("/abs/output", "Continuous")
    assert spec.output_kms_key_id == "alias/my-key"
    assert dict(spec.environment) == {"MODE": "test", "_X1": ""}
    assert spec.max_runtime_in_seconds == 3600 and spec.stopping_condition_given
    assert spec.network_config is not None
    assert spec.network_config["VpcConfig"] == {
        "SecurityGroupIds": ["sg-1"],
        "Subnets": ["subnet-1"],
    }
    assert spec.experiment_config == {"ExperimentName": "exp", "TrialName": "trial"}
    assert spec.tags == ({"Key": "team", "Value": "ml"},)


def test_spec_survives_the_store_round_trip() -> None:
    spec = _spec(create_request())
    assert spec_from_dict(spec_to_dict(spec)) == spec


def test_minimal_request_gets_sagemaker_defaults() -> None:
    spec = _spec(minimal_request())
    assert spec.max_runtime_in_seconds == DEFAULT_MAX_RUNTIME_IN_SECONDS == 86400
    assert spec.stopping_condition_given is False
    assert spec.inputs == () and spec.outputs == ()
    assert spec.container_entrypoint is None and spec.container_arguments is None
    assert dict(spec.environment) == {} and spec.tags == ()
    assert spec.network_config is None and spec.experiment_config is None


def test_s3_input_defaults_filled() -> None:
    request = minimal_request(
        ProcessingInputs=[
            {"InputName": "in", "S3Input": {"S3Uri": "s3://b/k", "S3DataType": "S3Prefix"}}
        ]
    )
    (item,) = _spec(request).inputs
    assert item.s3_input is not None
    assert item.s3_input.s3_input_mode == "File"
    assert item.s3_input.s3_data_distribution_type == "FullyReplicated"
    assert item.s3_input.s3_compression_type == "None"
    assert item.s3_input.local_path is None


def test_describe_echoes_every_request_field_but_tags() -> None:
    request = create_request()
    described = _describe(_job(_spec(request)))
    for key, value in request.items():
        if key != "Tags":
            assert described[key] == value, key
    assert "Tags" not in described
    assert described["ProcessingJobArn"] == ARN
    assert described["ProcessingJobStatus"] == "InProgress"
    assert described["CreationTime"] == T0
    assert described["LastModifiedTime"] == T0 + timedelta(seconds=1)
    assert "ProcessingEndTime" not in described and "FailureReason" not in described


def test_describe_echoes_stopping_condition_only_when_given() -> None:
    described = _describe(_job(_spec(minimal_request())))
    assert "StoppingCondition" not in described
    assert "ProcessingInputs" not in described and "ProcessingOutputConfig" not in described
    assert "Environment" not in described
    assert described["ProcessingResources"] == minimal_request()["ProcessingResources"]
    assert described["AppSpecification"] == {"ImageUri": "python:3.11"}


def test_describe_of_a_finished_job() -> None:
    end = T0 + timedelta(minutes=5)
    job = _job(
        _spec(minimal_request()),
        status=JobStatus.FAILED,
        processing_start_time=T0,
        processing_end_time=end,
        failure_reason="AlgorithmError: boom, exit code: 1" + "x" * 2000,
        exit_message="bye",
    )
    described = _describe(job)
    assert described["ProcessingJobStatus"] == "Failed"
    assert described["ProcessingStartTime"] == T0 and described["ProcessingEndTime"] == end
    assert described["FailureReason"].startswith("AlgorithmError: boom, exit code: 1")
    assert len(described["FailureReason"]) == 1024
    assert described["ExitMessage"] == "bye"


def test_naive_times_are_reported_as_utc() -> None:
    naive = datetime(2024, 5, 1, 12, 0, 0)
    described = _describe(_job(_spec(minimal_request()), creation_time=naive))
    assert described["CreationTime"] == T0 and described["CreationTime"].tzinfo is not None


def test_summary() -> None:
    job = _job(_spec(minimal_request()), status=JobStatus.COMPLETED, processing_end_time=T0)
    summary = to_summary(job).model_dump(mode="python", exclude_none=True)
    assert summary == {
        "ProcessingJobName": "small",
        "ProcessingJobArn": ARN,
        "ProcessingJobStatus": "Completed",
        "CreationTime": T0,
        "LastModifiedTime": T0 + timedelta(seconds=1),
        "ProcessingEndTime": T0,
    }


def test_query_defaults() -> None:
    query = to_query(parse_request(ListProcessingJobsRequest, {}))
    assert query.name_contains is None and query.status_equals is None
    assert (query.sort_by, query.sort_order, query.max_results) == (
        "CreationTime",
        "Descending",
        10,
    )
    assert query.next_token is None


def test_query_filters() -> None:
    request = parse_request(
        ListProcessingJobsRequest,
        {
            "NameContains": "abc",
            "StatusEquals": "Stopped",
            "CreationTimeAfter": T0.timestamp(),
            "CreationTimeBefore": "2024-05-02T00:00:00",
            "LastModifiedTimeAfter": T0,
            "SortBy": "Name",
            "SortOrder": "Ascending",
            "MaxResults": 3,
            "NextToken": "tok",
        },
    )
    query = to_query(request)
    assert query.name_contains == "abc"
    assert query.status_equals is JobStatus.STOPPED
    assert query.creation_time_after == T0
    assert query.creation_time_before == datetime(2024, 5, 2, tzinfo=UTC)
    assert query.last_modified_time_after == T0
    assert (query.sort_by, query.sort_order, query.max_results) == ("Name", "Ascending", 3)
    assert query.next_token == "tok"


def test_instance_type_and_count_are_needed() -> None:
    request = minimal_request()
    del request["ProcessingResources"]["ClusterConfig"]["InstanceType"]
    with pytest.raises(ValidationError) as info:
        _spec(request)
    assert info.value.message == (
        "1 validation error detected: Value null at "
        "'processingResources.clusterConfig.instanceType' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_instance_preferences_are_not_supported() -> None:
    request = minimal_request()
    request["ProcessingResources"]["ClusterConfig"]["InstancePreferences"] = [
        {"InstanceType": "ml.m5.large"}
    ]
    with pytest.raises(ValidationError, match="instancePreferences' is not supported"):
        _spec(request)
