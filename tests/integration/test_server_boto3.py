"""Real boto3 against a real ``plimsoll server``: the processing API on the wire."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

ROLE = "arn:aws:iam::000000000000:role/test"
TERMINAL = {"Completed", "Failed", "Stopped"}


def _name(prefix: str = "srv") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _request(name: str, code: str = "print('hi')", **extra: Any) -> dict[str, Any]:
    return {
        "ProcessingJobName": name,
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 5,
            }
        },
        "AppSpecification": {
            "ImageUri": "python:3.11",
            "ContainerEntrypoint": ["python3", "-c", code],
        },
        "RoleArn": ROLE,
        **extra,
    }


def _wait(client: Any, name: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = client.describe_processing_job(ProcessingJobName=name)
        if described["ProcessingJobStatus"] in TERMINAL or time.monotonic() > deadline:
            return described
        time.sleep(0.1)


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


@pytest.fixture(scope="module")
def finished_jobs(boto_sagemaker: Any) -> list[str]:
    """Three completed jobs sharing a prefix, created in name order."""
    prefix = _name("lst")
    names = [f"{prefix}-{i}" for i in range(3)]
    for name in names:
        boto_sagemaker.create_processing_job(**_request(name))
    for name in names:
        assert _wait(boto_sagemaker, name)["ProcessingJobStatus"] == "Completed"
    return names


def test_create_describe_and_run(boto_sagemaker: Any, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "x.txt").write_text("41")
    target = tmp_path / "out"
    code = (
        "n = int(open('/opt/ml/processing/input/data/x.txt').read())\n"
        "open('/opt/ml/processing/output/y.txt', 'w').write(str(n + 1))\n"
        "print('hi')\n"
    )
    name = _name()
    inputs = [
        {
            "InputName": "data",
            "AppManaged": False,
            "S3Input": {
                "S3Uri": str(source),
                "LocalPath": "/opt/ml/processing/input/data",
                "S3DataType": "S3Prefix",
                "S3InputMode": "File",
                "S3DataDistributionType": "FullyReplicated",
                "S3CompressionType": "None",
            },
        }
    ]
    outputs = {
        "Outputs": [
            {
                "OutputName": "result",
                "AppManaged": False,
                "S3Output": {
                    "S3Uri": f"file://{target}",
                    "LocalPath": "/opt/ml/processing/output",
                    "S3UploadMode": "EndOfJob",
                },
            }
        ]
    }
    request = _request(
        name,
        code,
        ProcessingInputs=inputs,
        ProcessingOutputConfig=outputs,
        Environment={"FLAG": "1"},
        StoppingCondition={"MaxRuntimeInSeconds": 600},
        Tags=[{"Key": "k", "Value": "v"}],
    )
    created = boto_sagemaker.create_processing_job(**request)
    assert created["ProcessingJobArn"] == (
        f"arn:aws:sagemaker:us-east-1:000000000000:processing-job/{name}"
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200

    described = _wait(boto_sagemaker, name)
    assert described["ProcessingJobStatus"] == "Completed", described.get("FailureReason")
    for key, value in request.items():
        if key != "Tags":
            assert described[key] == value, key
    assert "Tags" not in described
    for key in ("CreationTime", "LastModifiedTime", "ProcessingStartTime", "ProcessingEndTime"):
        assert isinstance(described[key], datetime) and described[key].tzinfo is not None, key
    assert described["ProcessingEndTime"] >= described["CreationTime"]
    assert (target / "y.txt").read_text() == "42"


def test_stopping_condition_echoed_only_when_given(boto_sagemaker: Any) -> None:
    name = _name()
    boto_sagemaker.create_processing_job(**_request(name))
    assert "StoppingCondition" not in boto_sagemaker.describe_processing_job(ProcessingJobName=name)


def test_list_filters_and_sorts(boto_sagemaker: Any, finished_jobs: list[str]) -> None:
    prefix = finished_jobs[0].rsplit("-", 1)[0]
    listed = boto_sagemaker.list_processing_jobs(
        NameContains=prefix, SortBy="Name", SortOrder="Ascending"
    )["ProcessingJobSummaries"]
    assert [s["ProcessingJobName"] for s in listed] == finished_jobs
    summary = listed[0]
    assert summary["ProcessingJobStatus"] == "Completed"
    assert isinstance(summary["CreationTime"], datetime)
    assert summary["ProcessingJobArn"].endswith(f"processing-job/{finished_jobs[0]}")

    newest_first = boto_sagemaker.list_processing_jobs(
        NameContains=prefix, SortBy="CreationTime", SortOrder="Descending"
    )["ProcessingJobSummaries"]
    assert [s["ProcessingJobName"] for s in newest_first] == finished_jobs[::-1]

    completed = boto_sagemaker.list_processing_jobs(NameContains=prefix, StatusEquals="Completed")
    assert len(completed["ProcessingJobSummaries"]) == 3
    failed = boto_sagemaker.list_processing_jobs(NameContains=prefix, StatusEquals="Failed")
    assert failed["ProcessingJobSummaries"] == []

    later = boto_sagemaker.list_processing_jobs(
        NameContains=prefix, CreationTimeAfter=datetime(2999, 1, 1)
    )
    assert later["ProcessingJobSummaries"] == []


def test_list_pages_with_next_token(boto_sagemaker: Any, finished_jobs: list[str]) -> None:
    prefix = finished_jobs[0].rsplit("-", 1)[0]
    seen: list[str] = []
    kwargs: dict[str, Any] = {
        "NameContains": prefix,
        "SortBy": "Name",
        "SortOrder": "Ascending",
        "MaxResults": 2,
    }
    first = boto_sagemaker.list_processing_jobs(**kwargs)
    assert len(first["ProcessingJobSummaries"]) == 2 and first.get("NextToken")
    seen += [s["ProcessingJobName"] for s in first["ProcessingJobSummaries"]]
    second = boto_sagemaker.list_processing_jobs(**kwargs, NextToken=first["NextToken"])
    seen += [s["ProcessingJobName"] for s in second["ProcessingJobSummaries"]]
    assert not second.get("NextToken")
    assert seen == finished_jobs

    paginator = boto_sagemaker.get_paginator("list_processing_jobs")
    pages = list(paginator.paginate(**kwargs))
    assert [s["ProcessingJobName"] for p in pages for s in p["ProcessingJobSummaries"]] == (
        finished_jobs
    )


def test_stop(boto_sagemaker: Any) -> None:
    name = _name("stop")
    boto_sagemaker.create_processing_job(**_request(name, "import time; time.sleep(120)"))
    boto_sagemaker.stop_processing_job(ProcessingJobName=name)
    status = boto_sagemaker.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"]
    assert status in ("Stopping", "Stopped")
    assert _wait(boto_sagemaker, name, timeout=60)["ProcessingJobStatus"] == "Stopped"
    with pytest.raises(ClientError) as info:
        boto_sagemaker.stop_processing_job(ProcessingJobName=name)
    assert _code(info) == "ValidationException"


def test_bad_name(boto_sagemaker: Any) -> None:
    with pytest.raises(ClientError) as info:
        boto_sagemaker.create_processing_job(**_request("bad_name!"))
    assert _code(info) == "ValidationException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = info.value.response["Error"]["Message"]
    assert "Value 'bad_name!' at 'processingJobName' failed to satisfy constraint" in message


def test_bad_role_and_uri(boto_sagemaker: Any) -> None:
    with pytest.raises(ClientError) as info:
        boto_sagemaker.create_processing_job(**{**_request(_name()), "RoleArn": "x" * 25})
    assert _code(info) == "ValidationException"
    outputs = {
        "Outputs": [
            {"OutputName": "o", "S3Output": {"S3Uri": "ftp://h/x", "S3UploadMode": "EndOfJob"}}
        ]
    }
    with pytest.raises(ClientError) as info:
        boto_sagemaker.create_processing_job(**_request(_name(), ProcessingOutputConfig=outputs))
    assert "processingOutputConfig.outputs.1.member.s3Output.s3Uri" in str(info.value)


def test_duplicate_name(boto_sagemaker: Any) -> None:
    name = _name()
    boto_sagemaker.create_processing_job(**_request(name))
    with pytest.raises(ClientError) as info:
        boto_sagemaker.create_processing_job(**_request(name))
    assert _code(info) == "ResourceInUse"


def test_unknown_job(boto_sagemaker: Any) -> None:
    with pytest.raises(ClientError) as info:
        boto_sagemaker.describe_processing_job(ProcessingJobName="no-such-job")
    assert _code(info) == "ResourceNotFound"
    assert "no-such-job" in info.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as info:
        boto_sagemaker.stop_processing_job(ProcessingJobName="no-such-job")
    assert _code(info) == "ResourceNotFound"


def test_boto3_refuses_unknown_fields_itself(boto_sagemaker: Any) -> None:
    with pytest.raises(ParamValidationError):
        boto_sagemaker.create_processing_job(**_request(_name(), Bogus=1))


def test_list_tags_records_the_runtime_and_a_bad_runtime_tag_is_refused(
    boto_sagemaker: Any,
) -> None:
    name = f"Tagged-{uuid.uuid4().hex[:10]}"  # upper case: the ARN holds it in lower case
    arn = boto_sagemaker.create_processing_job(
        **_request(name, Tags=[{"Key": "team", "Value": "fraud"}])
    )["ProcessingJobArn"]
    assert arn.endswith(f"processing-job/{name.lower()}")
    assert _wait(boto_sagemaker, name)["ProcessingJobStatus"] == "Completed"
    tags = boto_sagemaker.list_tags(ResourceArn=arn)["Tags"]
    assert tags == [
        {"Key": "team", "Value": "fraud"},
        {"Key": "plimsoll:runtime", "Value": "local"},
    ]
    with pytest.raises(ClientError) as info:
        boto_sagemaker.create_processing_job(
            **_request(_name(), Tags=[{"Key": "plimsoll:runtime", "Value": "mainframe"}])
        )
    assert _code(info) == "ValidationException"
    assert "names no runtime" in info.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as info:
        boto_sagemaker.list_tags(ResourceArn=arn.replace(name.lower(), "no-such-job"))
    assert _code(info) == "ResourceNotFound"
