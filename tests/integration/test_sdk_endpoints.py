"""The hosting facade end to end: Model.deploy, Predictor and Data Capture on real endpoints.

Embedded (in-process clients) and through ``plimsoll server`` (HTTP clients and boto3).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from plimsoll.deserializers import JSONDeserializer
from plimsoll.model import Model
from plimsoll.model_monitor import DataCaptureConfig
from plimsoll.predictor import Predictor
from plimsoll.serializers import CSVSerializer, JSONSerializer
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.fixtures.server import RunningServer
from tests.integration._models import IRIS_ROW, model_tar

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
ROW = [float(x) for x in IRIS_ROW.split(",")]
HOUR_PATH = re.compile(r"^\d{4}/\d{2}/\d{2}/\d{2}$")

INFERENCE = """\
import os

import joblib


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def predict_fn(data, model):
    if float(data[0][0]) < 0:
        raise ValueError("negative sepal length")
    return model.predict(data)
"""


def _close(session: Session) -> None:
    for client in (session.sagemaker_client, session.sagemaker_runtime_client):
        close = getattr(client, "close", None)
        if close is not None:
            close()


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    embedded = Session(settings=replace(settings, capture_roll_seconds=0.2))
    yield embedded
    _close(embedded)


def _model(session: Session, tmp_path: Path) -> Model:
    script = tmp_path / "inference.py"
    script.write_text(INFERENCE)
    return Model(
        image_uri=IMAGE,
        model_data=str(model_tar(tmp_path / "artifact")),
        role="SageMakerRole",
        entry_point=str(script),
        sagemaker_session=session,
    )


def _capture_records(dest: Path, endpoint: str, count: int, timeout: float = 30) -> list[Any]:
    """Waits for ``count`` records under ``<dest>/<endpoint>/AllTraffic/yyyy/mm/dd/hh/``."""
    deadline = time.monotonic() + timeout
    while True:
        files = sorted((dest / endpoint / "AllTraffic").glob("*/*/*/*/*.jsonl"))
        records = [json.loads(line) for f in files for line in f.read_text().splitlines()]
        if len(records) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for f in files:
        assert HOUR_PATH.match(str(f.parent.relative_to(dest / endpoint / "AllTraffic")))
    return records


def test_deploy_predict_capture_and_delete(session: Session, tmp_path: Path) -> None:
    dest = tmp_path / "capture"
    model = _model(session, tmp_path)
    capture = DataCaptureConfig(
        enable_capture=True,
        sampling_percentage=100,
        destination_s3_uri=str(dest),
        sagemaker_session=session,
    )
    predictor = model.deploy(
        initial_instance_count=1,
        instance_type="ml.m5.large",
        serializer=CSVSerializer(),
        deserializer=JSONDeserializer(),
        data_capture_config=capture,
    )
    endpoint = predictor.endpoint_name
    assert endpoint == model.name
    assert session.describe_endpoint(endpoint)["EndpointStatus"] == "InService"

    assert predictor.predict(ROW, inference_id="first") == [0]
    json_predictor = Predictor(
        endpoint, session, serializer=JSONSerializer(), deserializer=JSONDeserializer()
    )
    assert json_predictor.predict([ROW]) == [0]

    records = _capture_records(dest, endpoint, 2)
    by_encoding = {r["captureData"]["endpointInput"]["encoding"]: r for r in records}
    assert set(by_encoding) == {"CSV", "JSON"}
    csv_record = by_encoding["CSV"]
    assert csv_record["captureData"]["endpointInput"]["data"] == IRIS_ROW
    assert csv_record["captureData"]["endpointInput"]["observedContentType"] == "text/csv"
    assert csv_record["captureData"]["endpointOutput"]["encoding"] == "JSON"
    assert csv_record["eventMetadata"]["inferenceId"] == "first"
    assert json.loads(by_encoding["JSON"]["captureData"]["endpointInput"]["data"]) == [ROW]

    with pytest.raises(ClientError) as caught:
        predictor.predict([-1.0, 1.0, 1.0, 1.0])
    error = caught.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["OriginalStatusCode"] == 500
    assert "negative sepal length" in error["OriginalMessage"]

    predictor.delete_model()  # the SDK's order: the model, then the endpoint
    predictor.delete_endpoint()
    with pytest.raises(ClientError) as caught:
        predictor.predict(ROW)
    assert caught.value.response["Error"]["Code"] == "ValidationError"


@pytest.fixture
def remote_session(plimsoll_server: RunningServer) -> Iterator[Session]:
    """The facade against ``plimsoll server``: boto3 clients, the server's storage."""
    import boto3

    clients = {
        name: boto3.client(
            name,
            endpoint_url=plimsoll_server.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        for name in ("sagemaker", "sagemaker-runtime")
    }
    remote = Session(
        sagemaker_client=clients["sagemaker"],
        sagemaker_runtime_client=clients["sagemaker-runtime"],
        settings=replace(plimsoll_server.settings, endpoint_url=plimsoll_server.url),
    )
    yield remote
    _close(remote)


def test_update_data_capture_config_through_the_server_with_boto3(
    remote_session: Session, tmp_path: Path
) -> None:
    dest = tmp_path / "capture"
    predictor = _model(remote_session, tmp_path).deploy(
        1, "ml.m5.large", serializer=CSVSerializer(), deserializer=JSONDeserializer()
    )
    endpoint = predictor.endpoint_name
    assert predictor.predict(ROW) == [0]
    predictor.update_data_capture_config(
        DataCaptureConfig(True, 100, f"file://{dest}", sagemaker_session=remote_session)
    )
    desc = remote_session.describe_endpoint(endpoint)
    assert desc["EndpointStatus"] == "InService"
    # name_from_base(endpoint): the name cut to leave room for a new timestamp.
    assert desc["EndpointConfigName"] != endpoint
    assert desc["EndpointConfigName"].startswith(endpoint[: 63 - 24])
    assert desc["DataCaptureConfig"]["CurrentSamplingPercentage"] == 100
    assert predictor.predict(ROW, inference_id="after-update") == [0]

    # Plimsoll's own HTTP clients, chosen by the session from PLIMSOLL_ENDPOINT_URL.
    http_session = Session(settings=remote_session._settings)
    try:
        http_predictor = Predictor(
            endpoint, http_session, serializer=JSONSerializer(), deserializer=JSONDeserializer()
        )
        assert http_predictor.predict([ROW], inference_id="over-http") == [0]
        # boto3 and Plimsoll's HTTP client parse a model failure alike.
        for client_predictor in (predictor, http_predictor):
            with pytest.raises(ClientError) as caught:
                client_predictor.predict([[-1.0, 1.0, 1.0, 1.0]])
            error = caught.value.response
            assert (error["Error"]["Code"], error["OriginalStatusCode"]) == ("ModelError", 500)
            assert "negative sepal length" in error["OriginalMessage"]
            assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    finally:
        _close(http_session)

    predictor.delete_model()
    predictor.delete_endpoint()  # flushes the endpoint's capture files
    records = _capture_records(dest, endpoint, 2)
    assert sorted(str(r["eventMetadata"].get("inferenceId")) for r in records) == [
        "after-update",
        "over-http",
    ]
