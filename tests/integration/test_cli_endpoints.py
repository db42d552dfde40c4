"""`plimsoll endpoints` and `plimsoll capture` against a running `plimsoll server`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plimsoll.cli.main import cli
from tests.fixtures.server import RunningServer
from tests.integration._models import IRIS_ROW, model_tar, wait_in_service


@pytest.fixture(scope="module")
def served(
    plimsoll_server: RunningServer, boto_sagemaker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("cli-endpoints")
    capture = folder / "capture"
    boto_sagemaker.create_model(
        ModelName="cli-model",
        PrimaryContainer={"Image": "sklearn", "ModelDataUrl": str(model_tar(folder))},
        ExecutionRoleArn="arn:aws:iam::000000000000:role/test",
    )
    boto_sagemaker.create_endpoint_config(
        EndpointConfigName="cli-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "cli-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
        DataCaptureConfig={
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": str(capture),
            "CaptureOptions": [{"CaptureMode": "InputAndOutput"}],
            "CaptureContentTypeHeader": {
                "CsvContentTypes": ["text/csv"],
                "JsonContentTypes": ["application/json"],
            },
        },
    )
    boto_sagemaker.create_endpoint(EndpointName="cli-ep", EndpointConfigName="cli-config")
    found = wait_in_service(lambda n: boto_sagemaker.describe_endpoint(EndpointName=n), "cli-ep")
    assert found["EndpointStatus"] == "InService", found.get("FailureReason")
    return capture


@pytest.fixture
def runner(plimsoll_server: RunningServer) -> CliRunner:
    return CliRunner(
        env={
            "PLIMSOLL_ENDPOINT_URL": plimsoll_server.url,
            "PLIMSOLL_HOME": str(plimsoll_server.settings.home),
        }
    )


def test_list_describe_invoke(runner: CliRunner, served: Path) -> None:
    listed = runner.invoke(cli, ["endpoints", "list"])
    assert listed.exit_code == 0, listed.output
    assert "cli-ep" in listed.output and "InService" in listed.output
    described = runner.invoke(cli, ["endpoints", "describe", "cli-ep", "--json"])
    assert described.exit_code == 0, described.output
    body = json.loads(described.output)
    assert body["DataCaptureConfig"]["CurrentSamplingPercentage"] == 100
    invoked = runner.invoke(
        cli, ["endpoints", "invoke", "cli-ep", "--body", IRIS_ROW, "--inference-id", "from-cli"]
    )
    assert invoked.exit_code == 0, invoked.output
    assert invoked.stdout.startswith("[0]")
    assert "(variant AllTraffic, application/json)" in invoked.stderr
    logs = runner.invoke(cli, ["endpoints", "logs", "cli-ep"])
    assert logs.exit_code == 0 and "[AllTraffic-1]" in logs.output


def test_capture_ls_and_tail_decode_records(runner: CliRunner, served: Path) -> None:
    runner.invoke(
        cli, ["endpoints", "invoke", "cli-ep", "--body", IRIS_ROW, "--inference-id", "tail-me"]
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if any("tail-me" in p.read_text() for p in served.rglob("*.jsonl")):
            break
        time.sleep(0.2)
    listed = runner.invoke(cli, ["capture", "ls", "cli-ep"])
    assert listed.exit_code == 0, listed.output
    assert "AllTraffic/20" in listed.output and ".jsonl" in listed.output
    tail = runner.invoke(cli, ["capture", "tail", "cli-ep", "-n", "1"])
    assert tail.exit_code == 0, tail.output
    assert "inferenceId=tail-me" in tail.output
    assert f"input  [CSV] text/csv: {IRIS_ROW}" in tail.output
    assert "output [JSON] application/json: [0]" in tail.output


def test_unknown_endpoint_is_one_line(runner: CliRunner, served: Path) -> None:
    result = runner.invoke(cli, ["endpoints", "invoke", "missing-ep", "--body", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("ValidationError: ") and "Traceback" not in result.output
