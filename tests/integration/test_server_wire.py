"""The server's wire protocol spoken by hand (httpx), and Plimsoll's two clients against it."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from plimsoll.api.wiring import Api
from plimsoll.sdk._client.base import LogReader, SageMakerClient
from plimsoll.sdk._client.http import HttpClient
from plimsoll.sdk._client.inprocess import InProcessClient

AMZ_JSON = "application/x-amz-json-1.1"


def _request(name: str, code: str = "print('hello from the job')") -> dict[str, Any]:
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
        "RoleArn": "arn:aws:iam::000000000000:role/test",
    }


@pytest.fixture
def wire(plimsoll_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=plimsoll_server.url, timeout=30) as client:
        yield client


@pytest.fixture
def http_client(plimsoll_server: Any) -> Iterator[HttpClient]:
    with HttpClient(plimsoll_server.url) as client:
        yield client


def _post(wire: httpx.Client, target: str | None, body: bytes) -> httpx.Response:
    headers = {"Content-Type": AMZ_JSON}
    if target is not None:
        headers["X-Amz-Target"] = target
    return wire.post("/", content=body, headers=headers)


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert response.headers["x-amzn-ErrorType"] == body["__type"]
    assert "Traceback" not in body["message"]
    return response.status_code, body["__type"], body["message"]


def test_ping(wire: httpx.Client) -> None:
    assert wire.get("/ping").status_code == 200


def test_unknown_target(wire: httpx.Client) -> None:
    status, code, message = _error(_post(wire, "SageMaker.CreateTrainingJob", b"{}"))
    assert (status, code) == (400, "UnknownOperationException")
    assert "SageMaker.CreateTrainingJob" in message
    assert (
        _error(_post(wire, "Other.DescribeProcessingJob", b"{}"))[1] == "UnknownOperationException"
    )


def test_missing_target(wire: httpx.Client) -> None:
    assert _error(_post(wire, None, b"{}"))[:2] == (400, "UnknownOperationException")


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_body(wire: httpx.Client, body: bytes) -> None:
    assert _error(_post(wire, "SageMaker.DescribeProcessingJob", body))[:2] == (
        400,
        "SerializationException",
    )


def test_unknown_field_is_named(wire: httpx.Client) -> None:
    body = b'{"ProcessingJobName": "x", "Verbose": true}'
    status, code, message = _error(_post(wire, "SageMaker.DescribeProcessingJob", body))
    assert (status, code) == (400, "ValidationException")
    assert "Unknown parameter 'Verbose'" in message


def test_answers_are_amz_json_with_epoch_timestamps(wire: httpx.Client) -> None:
    name = f"wire-{uuid.uuid4().hex[:10]}"
    created = _post(wire, "SageMaker.CreateProcessingJob", json.dumps(_request(name)).encode())
    assert created.status_code == 200 and created.headers["content-type"] == AMZ_JSON
    assert created.headers["x-amzn-RequestId"]
    body = json.dumps({"ProcessingJobName": name}).encode()
    described = _post(wire, "SageMaker.DescribeProcessingJob", body)
    assert isinstance(described.json()["CreationTime"], float)


def test_log_routes(wire: httpx.Client, http_client: HttpClient) -> None:
    name = f"logs-{uuid.uuid4().hex[:10]}"
    http_client.create_processing_job(**_request(name))
    _wait(http_client, name)
    assert wire.get(f"/_plimsoll/processing-jobs/{name}/logs").json() == ["algo-1"]
    raw = wire.get(f"/_plimsoll/processing-jobs/{name}/logs/algo-1", params={"offset": 0})
    assert raw.headers["content-type"] == "application/octet-stream"
    assert b"hello from the job" in raw.content
    assert int(raw.headers["X-Plimsoll-Next-Offset"]) == len(raw.content)
    bad = wire.get(f"/_plimsoll/processing-jobs/{name}/logs/algo-1", params={"offset": "x"})
    assert _error(bad)[:2] == (400, "ValidationException")
    assert _error(wire.get("/_plimsoll/processing-jobs/nope-nope/logs"))[:2] == (
        400,
        "ResourceNotFound",
    )


def _wait(client: SageMakerClient, name: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while True:
        described = client.describe_processing_job(ProcessingJobName=name)
        if described["ProcessingJobStatus"] in ("Completed", "Failed", "Stopped"):
            return described
        assert time.monotonic() < deadline, described
        time.sleep(0.1)


def _exercise(client: Any) -> None:
    assert isinstance(client, SageMakerClient) and isinstance(client, LogReader)
    name = f"cli-{uuid.uuid4().hex[:10]}"
    arn = client.create_processing_job(**_request(name))["ProcessingJobArn"]
    described = _wait(client, name)
    assert described["ProcessingJobArn"] == arn
    assert described["ProcessingJobStatus"] == "Completed", described.get("FailureReason")
    assert isinstance(described["CreationTime"], datetime) and described["CreationTime"].tzinfo
    listed = client.list_processing_jobs(NameContains=name)["ProcessingJobSummaries"]
    assert [s["ProcessingJobName"] for s in listed] == [name]
    assert isinstance(listed[0]["CreationTime"], datetime)
    assert client.list_processing_job_log_hosts(name) == ["algo-1"]
    data, offset = client.read_processing_job_log(name, "algo-1")
    assert b"hello from the job" in data and offset == len(data)
    assert client.read_processing_job_log(name, "algo-1", offset) == (b"", offset)

    for call, kwargs, code in [
        (client.describe_processing_job, {"ProcessingJobName": "absent-job"}, "ResourceNotFound"),
        (client.create_processing_job, _request(name), "ResourceInUse"),
        (client.create_processing_job, _request("bad_name!"), "ValidationException"),
        (
            client.describe_processing_job,
            {"ProcessingJobName": "x", "Extra": 1},
            "ValidationException",
        ),
        (client.stop_processing_job, {"ProcessingJobName": name}, "ValidationException"),
    ]:
        with pytest.raises(ClientError) as info:
            call(**kwargs)
        assert info.value.response["Error"]["Code"] == code
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as info:
        client.list_processing_job_log_hosts("absent-job")
    assert info.value.response["Error"]["Code"] == "ResourceNotFound"


def test_http_client(http_client: HttpClient) -> None:
    _exercise(http_client)


def test_in_process_client(api: Api) -> None:
    _exercise(InProcessClient(api))


def test_in_process_answers_are_copies(api: Api) -> None:
    client = InProcessClient(api)
    name = f"copy-{uuid.uuid4().hex[:10]}"
    client.create_processing_job(**_request(name))
    first = client.describe_processing_job(ProcessingJobName=name)
    first["AppSpecification"]["ContainerEntrypoint"].append("mutated")
    second = client.describe_processing_job(ProcessingJobName=name)
    assert "mutated" not in second["AppSpecification"]["ContainerEntrypoint"]
    _wait(client, name)


def test_http_client_unreachable() -> None:
    with socket.socket() as sock:  # bound, not listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with HttpClient(url, timeout=5) as client, pytest.raises(EndpointConnectionError):
            client.describe_processing_job(ProcessingJobName="x")
