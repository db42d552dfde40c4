"""Requests that fail their shape: ValidationException with AWS-style messages."""

from __future__ import annotations

from typing import Any, cast

import pytest

from plimsoll.api.dispatch import Dispatcher
from plimsoll.api.shapes import CreateProcessingJobRequest, ListProcessingJobsRequest
from plimsoll.api.validation import member_path, parse_request
from plimsoll.errors import UnknownOperation, ValidationError
from plimsoll.services.processing import ProcessingService
from tests.unit.api._requests import create_request, minimal_request

NAME_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"


@pytest.fixture
def dispatcher() -> Dispatcher:
    # Validation fails before any service is reached: a service that is not one proves it.
    return Dispatcher(processing=cast(ProcessingService, object()))


def _message(dispatcher: Dispatcher, operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        dispatcher.call(operation, params)
    assert info.value.code == "ValidationException"
    return info.value.message


def test_bad_job_name_reads_like_aws(dispatcher: Dispatcher) -> None:
    message = _message(
        dispatcher, "CreateProcessingJob", minimal_request(ProcessingJobName="bad_name!")
    )
    assert message == (
        "1 validation error detected: Value 'bad_name!' at 'processingJobName' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}"
    )


def test_bad_name_on_describe_and_stop(dispatcher: Dispatcher) -> None:
    for operation in ("DescribeProcessingJob", "StopProcessingJob"):
        message = _message(dispatcher, operation, {"ProcessingJobName": "-x"})
        assert "Value '-x' at 'processingJobName'" in message


def test_name_too_long(dispatcher: Dispatcher) -> None:
    message = _message(dispatcher, "DescribeProcessingJob", {"ProcessingJobName": "a" * 64})
    assert "Member must have length less than or equal to 63" in message


def test_missing_required_member(dispatcher: Dispatcher) -> None:
    request = minimal_request()
    del request["RoleArn"]
    message = _message(dispatcher, "CreateProcessingJob", request)
    assert message == (
        "1 validation error detected: Value null at 'roleArn' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_role_arn_pattern_enforced(dispatcher: Dispatcher) -> None:
    message = _message(
        dispatcher, "CreateProcessingJob", minimal_request(RoleArn="SageMakerRole-is-a-name")
    )
    assert "Value 'SageMakerRole-is-a-name' at 'roleArn'" in message
    assert "arn:aws[a-z\\-]*:iam::\\d{12}:role/" in message


def test_unknown_top_level_field_is_named(dispatcher: Dispatcher) -> None:
    message = _message(dispatcher, "CreateProcessingJob", minimal_request(Bogus=1))
    assert message.startswith("1 validation error detected: Unknown parameter 'Bogus', ")
    assert "ProcessingJobName" in message


def test_unknown_nested_field_is_named_with_its_path(dispatcher: Dispatcher) -> None:
    request = minimal_request()
    request["ProcessingResources"]["ClusterConfig"]["Cores"] = 4
    message = _message(dispatcher, "CreateProcessingJob", request)
    assert "Unknown parameter 'Cores' at 'processingResources.clusterConfig'" in message
    assert "VolumeSizeInGB" in message


def test_list_items_are_numbered_from_one(dispatcher: Dispatcher) -> None:
    request = create_request()
    request["ProcessingInputs"][1]["S3Input"]["S3DataType"] = "Folder"
    message = _message(dispatcher, "CreateProcessingJob", request)
    assert (
        "Value 'Folder' at 'processingInputs.2.member.s3Input.s3DataType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ManifestFile, S3Prefix]"
    ) in message


def test_number_limits(dispatcher: Dispatcher) -> None:
    request = minimal_request(StoppingCondition={"MaxRuntimeInSeconds": 0})
    request["ProcessingResources"]["ClusterConfig"]["InstanceCount"] = 101
    message = _message(dispatcher, "CreateProcessingJob", request)
    assert message.startswith("2 validation errors detected: ")
    assert (
        "Value '101' at 'processingResources.clusterConfig.instanceCount' failed to satisfy "
        "constraint: Member must have value less than or equal to 100"
    ) in message
    assert (
        "at 'stoppingCondition.maxRuntimeInSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    ) in message


def test_unknown_instance_type(dispatcher: Dispatcher) -> None:
    request = minimal_request()
    request["ProcessingResources"]["ClusterConfig"]["InstanceType"] = "ml.huge"
    message = _message(dispatcher, "CreateProcessingJob", request)
    assert "Value 'ml.huge' at 'processingResources.clusterConfig.instanceType'" in message
    assert "enum value set: [ml.t3.medium, " in message


def test_environment_keys_and_values(dispatcher: Dispatcher) -> None:
    message = _message(
        dispatcher,
        "CreateProcessingJob",
        minimal_request(Environment={"1BAD": "x", "OK": "v" * 257}),
    )
    assert (
        "Value '1BAD' at 'environment' failed to satisfy constraint: Map keys must satisfy "
        "constraint: [Member must satisfy regular expression pattern: ^[a-zA-Z_][a-zA-Z0-9_]*$]"
    ) in message
    assert "Map value for key 'OK' must satisfy constraint: [Member must have length" in message


def test_too_many_inputs(dispatcher: Dispatcher) -> None:
    inputs = [create_request()["ProcessingInputs"][0] for _ in range(11)]
    message = _message(dispatcher, "CreateProcessingJob", minimal_request(ProcessingInputs=inputs))
    assert "at 'processingInputs' failed to satisfy constraint: Member must have length less" in (
        message
    )


def test_wrong_types(dispatcher: Dispatcher) -> None:
    message = _message(
        dispatcher,
        "ListProcessingJobs",
        {"MaxResults": "many", "CreationTimeAfter": "yesterday", "NameContains": 5},
    )
    assert message.startswith("3 validation errors detected: ")
    assert (
        "Value 'many' at 'maxResults' failed to satisfy constraint: Member must be an integer"
        in (message)
    )
    assert "at 'creationTimeAfter' failed to satisfy constraint: Member must be a timestamp" in (
        message
    )
    assert "at 'nameContains' failed to satisfy constraint: Member must be a string" in message


def test_list_filters_limits(dispatcher: Dispatcher) -> None:
    message = _message(
        dispatcher, "ListProcessingJobs", {"MaxResults": 0, "StatusEquals": "Running"}
    )
    assert "Value '0' at 'maxResults'" in message
    assert (
        "Value 'Running' at 'statusEquals' failed to satisfy constraint: Member must satisfy "
        "enum value set: [InProgress, Completed, Failed, Stopping, Stopped]"
    ) in message


def test_body_must_be_an_object(dispatcher: Dispatcher) -> None:
    with pytest.raises(ValidationError, match="JSON object"):
        dispatcher.call("DescribeProcessingJob", cast(Any, ["my-job"]))


def test_unknown_operation(dispatcher: Dispatcher) -> None:
    with pytest.raises(UnknownOperation, match="Unknown operation 'CreateTrainingJob'") as info:
        dispatcher.call("CreateTrainingJob", {})
    assert info.value.code == "UnknownOperationException"
    assert "CreateProcessingJob" in dispatcher.operations


@pytest.mark.parametrize(
    "uri", ["s3://bucket/key", "https://host/x", "file:///data/in", "/data/in", "s3://b"]
)
def test_storage_uris_accepted(uri: str) -> None:
    request = create_request()
    request["ProcessingInputs"][0]["S3Input"]["S3Uri"] = uri
    request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] = uri
    parsed = parse_request(CreateProcessingJobRequest, request)
    assert parsed.ProcessingInputs is not None
    assert parsed.ProcessingInputs[0].S3Input is not None
    assert parsed.ProcessingInputs[0].S3Input.S3Uri == uri


@pytest.mark.parametrize("uri", ["relative/path", "ftp://host/x", "s3:/bucket", "gs://b/k"])
def test_other_uris_rejected(uri: str) -> None:
    request = create_request()
    request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] = uri
    with pytest.raises(ValidationError) as info:
        parse_request(CreateProcessingJobRequest, request)
    assert (
        f"Value '{uri}' at 'processingOutputConfig.outputs.1.member.s3Output.s3Uri' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: "
    ) in info.value.message


def test_pattern_must_match_the_whole_value() -> None:
    with pytest.raises(ValidationError):
        parse_request(ListProcessingJobsRequest, {"NextToken": "x", "SortBy": "Name\n"})
    with pytest.raises(ValidationError):
        parse_request(CreateProcessingJobRequest, minimal_request(ProcessingJobName="job\n"))


def test_timestamps_accept_epoch_seconds() -> None:
    parsed = parse_request(ListProcessingJobsRequest, {"CreationTimeAfter": 1_700_000_000})
    assert parsed.CreationTimeAfter is not None
    assert parsed.CreationTimeAfter.timestamp() == 1_700_000_000


def test_member_path() -> None:
    assert member_path("ProcessingInputs", 0, "S3Input", "S3Uri") == (
        "processingInputs.1.member.s3Input.s3Uri"
    )
