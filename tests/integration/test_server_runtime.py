"""The runtime API of `plimsoll server` with real boto3 (sagemaker + sagemaker-runtime) and
plain HTTP: routing, SageMaker's headers and errors, capture and /metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from tests.fixtures.server import RunningServer
from tests.integration._models import IRIS_ROW, model_tar, wait_in_service

CODE = """
import os, joblib
def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))
def predict_fn(data, model, context):
    if float(data[0][0]) < 0:
        raise ValueError("negative sepal length")
    context.response_custom_attributes = "seen=" + (context.custom_attributes or "")
    return model.predict(data)
"""


@pytest.fixture(scope="module")
def deployed(
    plimsoll_server: RunningServer, boto_sagemaker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("runtime")
    tar = model_tar(folder, code=CODE)
    capture = folder / "capture"
    boto_sagemaker.create_model(
        ModelName="rt-model",
        PrimaryContainer={
            "Image": "sklearn",
            "ModelDataUrl": str(tar),
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
        },
        ExecutionRoleArn="arn:aws:iam::000000000000:role/test",
    )
    boto_sagemaker.create_endpoint_config(
        EndpointConfigName="rt-config",
        ProductionVariants=[
            {
                "VariantName": "blue",
                "ModelName": "rt-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
                "InitialVariantWeight": 1.0,
            },
            {
                "VariantName": "green",
                "ModelName": "rt-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
                "InitialVariantWeight": 3.0,
            },
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": str(capture),
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {
                "CsvContentTypes": ["text/csv"],
                "JsonContentTypes": ["application/json"],
            },
        },
    )
    boto_sagemaker.create_endpoint(EndpointName="rt", EndpointConfigName="rt-config")
    found = wait_in_service(lambda n: boto_sagemaker.describe_endpoint(EndpointName=n), "rt")
    assert found["EndpointStatus"] == "InService", found.get("FailureReason")
    runtime = boto3.client(
        "sagemaker-runtime",
        endpoint_url=plimsoll_server.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    return {"runtime": runtime, "capture": capture, "url": plimsoll_server.url}


def test_boto3_invoke_with_headers_and_weights(
    deployed: dict[str, Any], boto_sagemaker: Any
) -> None:
    runtime = deployed["runtime"]
    variants = []
    for i in range(40):
        response = runtime.invoke_endpoint(
            EndpointName="rt",
            Body=IRIS_ROW.encode(),
            ContentType="text/csv",
            Accept="application/json",
            CustomAttributes="trace=1",
            InferenceId=f"inf-{i}",
        )
        assert json.loads(response["Body"].read()) == [0]
        assert response["ContentType"] == "application/json"
        assert response["CustomAttributes"] == "seen=trace=1"
        variants.append(response["InvokedProductionVariant"])
    assert set(variants) == {"blue", "green"}
    assert variants.count("green") > variants.count("blue")  # weights 3:1
    only_blue = runtime.invoke_endpoint(
        EndpointName="rt", Body=IRIS_ROW.encode(), ContentType="text/csv", TargetVariant="blue"
    )
    assert only_blue["InvokedProductionVariant"] == "blue"

    described = boto_sagemaker.describe_endpoint(EndpointName="rt")
    assert described["DataCaptureConfig"]["CaptureStatus"] == "Started"
    assert described["DataCaptureConfig"]["CurrentSamplingPercentage"] == 100
    assert {v["VariantName"] for v in described["ProductionVariants"]} == {"blue", "green"}


def test_errors_are_sagemakers(deployed: dict[str, Any]) -> None:
    runtime = deployed["runtime"]
    with pytest.raises(ClientError) as info:
        runtime.invoke_endpoint(EndpointName="rt", Body=b"-1,1,1,1", ContentType="text/csv")
    error = info.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert error["OriginalStatusCode"] == 500
    assert "negative sepal length" in error["OriginalMessage"]

    with pytest.raises(ClientError) as info:
        runtime.invoke_endpoint(EndpointName="nope", Body=b"1", ContentType="text/csv")
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert "nope" in info.value.response["Error"]["Message"]

    with pytest.raises(ClientError) as info:
        runtime.invoke_endpoint(
            EndpointName="rt", Body=b"1,2,3,4", ContentType="text/csv", TargetVariant="purple"
        )
    assert info.value.response["Error"]["Code"] == "ValidationError"

    # Non-UTF-8 CSV and an unknown content type are the model's 415: a ModelError.
    for body, content_type in ((b"\xff\xfe,1,2", "text/csv"), (b"x", "application/x-unknown")):
        with pytest.raises(ClientError) as info:
            runtime.invoke_endpoint(EndpointName="rt", Body=body, ContentType=content_type)
        assert info.value.response["Error"]["Code"] == "ModelError"
        assert info.value.response["OriginalStatusCode"] == 415
    # Still serving after all that.
    ok = runtime.invoke_endpoint(EndpointName="rt", Body=IRIS_ROW.encode(), ContentType="text/csv")
    assert json.loads(ok["Body"].read()) == [0]


def test_plain_http_limits_and_metrics(deployed: dict[str, Any]) -> None:
    url = deployed["url"]
    with httpx.Client(base_url=url) as http:
        ok = http.post(
            "/endpoints/rt/invocations", content=IRIS_ROW, headers={"Content-Type": "text/csv"}
        )
        assert ok.status_code == 200 and ok.json() == [0]
        assert ok.headers["x-Amzn-Invoked-Production-Variant"] in ("blue", "green")
        big = http.post(
            "/endpoints/rt/invocations",
            content=b"1" * (6 * 1024 * 1024 + 1),
            headers={"Content-Type": "text/csv"},
        )
        assert big.status_code == 400
        assert big.headers["x-amzn-ErrorType"] == "ValidationError"
        assert "6291456" in big.json()["message"]
        bad_name = http.post("/endpoints/bad_name!/invocations", content=b"1")
        assert bad_name.status_code == 400
        metrics = http.get("/metrics").text
    assert 'plimsoll_invocations_total{endpoint="rt",variant=' in metrics
    assert "plimsoll_model_latency_seconds_bucket" in metrics
    assert 'plimsoll_capture_records_dropped_total{endpoint="rt"} 0' in metrics


def test_capture_files_follow_sagemakers_layout(
    deployed: dict[str, Any], plimsoll_server: RunningServer
) -> None:
    runtime = deployed["runtime"]
    runtime.invoke_endpoint(
        EndpointName="rt",
        Body=IRIS_ROW.encode(),
        ContentType="text/csv",
        InferenceId="layout-check",
    )
    capture: Path = deployed["capture"]
    # The server rolls files every PLIMSOLL_CAPTURE_ROLL_SECONDS; wait for the record to land.
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = [
            line
            for f in capture.glob("rt/*/*/*/*/*/*.jsonl")
            for line in f.read_text().splitlines()
        ]
        if any("layout-check" in line for line in lines):
            break
        time.sleep(0.2)
    files = list(capture.glob("rt/*/*/*/*/*/*.jsonl"))
    assert files, "no capture file was written"
    for path in files:
        variant, year, month, day, hour = path.parts[-6:-1]
        assert variant in ("blue", "green") and len(year) == 4 and len(hour) == 2
    record = next(json.loads(line) for line in lines if "layout-check" in line)
    assert list(record) == ["captureData", "eventMetadata", "eventVersion"]
    assert record["captureData"]["endpointInput"] == {
        "observedContentType": "text/csv",
        "mode": "INPUT",
        "data": IRIS_ROW,
        "encoding": "CSV",
    }
    assert record["eventMetadata"]["inferenceId"] == "layout-check"
    assert record["eventVersion"] == "0"


ANALYZER_IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"


def test_monitoring_control_plane_over_boto3(deployed: dict[str, Any], boto_sagemaker: Any) -> None:
    sm = boto_sagemaker
    arn = sm.create_data_quality_job_definition(
        JobDefinitionName="rt-dq",
        DataQualityAppSpecification={"ImageUri": ANALYZER_IMAGE},
        DataQualityJobInput={
            "EndpointInput": {
                "EndpointName": "rt",
                "LocalPath": "/opt/ml/processing/input/endpoint",
            }
        },
        DataQualityJobOutputConfig={
            "MonitoringOutputs": [
                {"S3Output": {"S3Uri": "s3://reports/rt", "LocalPath": "/opt/ml/processing/output"}}
            ]
        },
        JobResources={
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 20,
            }
        },
        RoleArn="arn:aws:iam::000000000000:role/test",
    )["JobDefinitionArn"]
    assert arn.endswith(":data-quality-job-definition/rt-dq")
    config = {
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        "MonitoringJobDefinitionName": "rt-dq",
        "MonitoringType": "DataQuality",
    }
    sm.create_monitoring_schedule(
        MonitoringScheduleName="rt-hourly", MonitoringScheduleConfig=config
    )
    described = sm.describe_monitoring_schedule(MonitoringScheduleName="rt-hourly")
    assert described["MonitoringScheduleStatus"] == "Scheduled"
    assert described["MonitoringScheduleConfig"] == config
    listed = sm.list_monitoring_schedules(EndpointName="rt")["MonitoringScheduleSummaries"]
    assert [s["MonitoringScheduleName"] for s in listed] == ["rt-hourly"]
    assert (
        sm.list_monitoring_executions(MonitoringScheduleName="rt-hourly")[
            "MonitoringExecutionSummaries"
        ]
        == []
    )
    sm.stop_monitoring_schedule(MonitoringScheduleName="rt-hourly")
    stopped = sm.describe_monitoring_schedule(MonitoringScheduleName="rt-hourly")
    assert stopped["MonitoringScheduleStatus"] == "Stopped"
    sm.start_monitoring_schedule(MonitoringScheduleName="rt-hourly")
    bad = {**config, "ScheduleConfig": {"ScheduleExpression": "cron(15 * ? * * *)"}}
    with pytest.raises(ClientError) as invalid:
        sm.update_monitoring_schedule(
            MonitoringScheduleName="rt-hourly", MonitoringScheduleConfig=bad
        )
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as in_use:
        sm.delete_data_quality_job_definition(JobDefinitionName="rt-dq")
    assert in_use.value.response["Error"]["Code"] == "ResourceInUse"
    sm.delete_monitoring_schedule(MonitoringScheduleName="rt-hourly")
    sm.delete_data_quality_job_definition(JobDefinitionName="rt-dq")
    with pytest.raises(ClientError) as missing:
        sm.describe_monitoring_schedule(MonitoringScheduleName="rt-hourly")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"
