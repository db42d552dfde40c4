"""Endpoints through the service and router: real model servers in sandboxes, real capture."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.compat.capture_format import iter_records
from plimsoll.errors import ModelError, ResourceInUse, ValidationError
from plimsoll.metadata.serving_entities import (
    ContainerSpec,
    DataCaptureSpec,
    EndpointStatus,
    VariantSpec,
)
from plimsoll.services.invocations import InvokeRequest
from plimsoll.settings import Settings
from tests.integration._models import IRIS_ROW, model_tar

CRASHY = """
import os, joblib
def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))
def predict_fn(data, model):
    if float(data[0][0]) < 0:
        raise ValueError("negative sepal length")
    if float(data[0][0]) > 1000:
        os._exit(3)
    return model.predict(data)
"""


def _deploy(
    api: Api,
    tmp_path: Path,
    name: str,
    *,
    count: int = 1,
    code: str | None = None,
    capture: DataCaptureSpec | None = None,
) -> None:
    tar = model_tar(tmp_path / name, code=code)
    env = {"SAGEMAKER_PROGRAM": "inference.py"} if code else {}
    api.endpoints.create_model(
        name=f"{name}-model",
        container=ContainerSpec(image="sklearn", model_data_url=str(tar), environment=env),
        execution_role_arn=None,
    )
    api.endpoints.create_endpoint_config(
        name=f"{name}-config",
        variants=(
            VariantSpec(
                variant_name="AllTraffic", model_name=f"{name}-model", initial_instance_count=count
            ),
        ),
        data_capture=capture,
    )
    api.endpoints.create_endpoint(name=name, config_name=f"{name}-config")
    _wait(api, name)


def _wait(api: Api, name: str, timeout: float = 90) -> EndpointStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record, _ = api.endpoints.describe_endpoint(name)
        if record.status not in (EndpointStatus.CREATING, EndpointStatus.UPDATING):
            assert record.status is EndpointStatus.IN_SERVICE, record.failure_reason
            return record.status
        time.sleep(0.05)
    raise AssertionError(f"{name} never settled")


def _invoke(api: Api, name: str, body: str = IRIS_ROW, **kw: str) -> bytes:
    request = InvokeRequest(
        endpoint_name=name,
        body=body.encode(),
        content_type="text/csv",
        accept=kw.pop("accept", "application/json"),
        **kw,
    )
    return api.invocations.invoke_sync(request).body


def test_deploy_invoke_capture_and_delete(api: Api, tmp_path: Path) -> None:
    dest = tmp_path / "capture"
    capture = DataCaptureSpec(
        initial_sampling_percentage=100,
        destination_s3_uri=str(dest),
        csv_content_types=("text/csv",),
        json_content_types=("application/json",),
    )
    _deploy(api, tmp_path, "iris", count=2, capture=capture)
    record, state = api.endpoints.describe_endpoint("iris")
    assert record.variants[0].current_instance_count == 2
    assert state is not None and state.capture_status == "Started"

    answers = [json.loads(_invoke(api, "iris", inference_id=f"id-{i}")) for i in range(10)]
    assert all(a == [0] for a in answers)
    api.capture.flush()
    files = sorted(dest.glob("iris/AllTraffic/*/*/*/*/*.jsonl"))
    assert files, list(dest.rglob("*"))
    records = [r for f in files for r in iter_records(f.read_bytes())]
    assert sorted(r.eventMetadata.inferenceId or "" for r in records) == sorted(
        f"id-{i}" for i in range(10)
    )
    first = records[0].captureData
    assert first.endpointInput is not None and first.endpointInput.data == IRIS_ROW
    assert first.endpointInput.encoding == "CSV"
    assert first.endpointOutput is not None and first.endpointOutput.encoding == "JSON"

    api.endpoints.delete_endpoint("iris")
    with pytest.raises(ValidationError, match="iris"):
        _invoke(api, "iris")


def test_model_errors_restart_and_names(api: Api, tmp_path: Path) -> None:
    _deploy(api, tmp_path, "crashy", count=1, code=CRASHY)
    with pytest.raises(ModelError, match="negative sepal length") as info:
        _invoke(api, "crashy", "-1,1,1,1")
    assert info.value.original_status_code == 500
    assert json.loads(_invoke(api, "crashy")) == [0]  # still serving

    with pytest.raises(ModelError):
        _invoke(api, "crashy", "5000,1,1,1")  # the instance dies mid-request
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            assert json.loads(_invoke(api, "crashy")) == [0]
            break
        except (ModelError, ValidationError):
            time.sleep(0.2)
    else:
        raise AssertionError("the crashed instance was not replaced")
    metrics = api.invocations.metrics.render(list)
    assert 'plimsoll_instance_restarts_total{endpoint="crashy",variant="AllTraffic"} 1' in metrics

    with pytest.raises(ResourceInUse):
        api.endpoints.create_endpoint(name="crashy", config_name="crashy-config")
    with pytest.raises(ValidationError, match="not found"):
        _invoke(api, "no-such-endpoint")


def test_update_switches_config_without_dropping_requests(api: Api, tmp_path: Path) -> None:
    dest = tmp_path / "capture"
    _deploy(api, tmp_path, "live", count=1)
    api.endpoints.create_endpoint_config(
        name="live-capture",
        variants=(VariantSpec(variant_name="AllTraffic", model_name="live-model"),),
        data_capture=DataCaptureSpec(
            initial_sampling_percentage=100,
            destination_s3_uri=f"file://{dest}",
            csv_content_types=("text/csv",),
            json_content_types=("application/json",),
        ),
    )
    failures: list[BaseException] = []
    done = threading.Event()
    sent = [0]

    def traffic() -> None:
        while not done.is_set():
            try:
                _invoke(api, "live")
                sent[0] += 1
            except BaseException as exc:  # noqa: BLE001 - any failure fails the test
                failures.append(exc)

    worker = threading.Thread(target=traffic)
    worker.start()
    try:
        api.endpoints.update_endpoint(name="live", config_name="live-capture")
        _wait(api, "live")
        record, state = api.endpoints.describe_endpoint("live")
        assert record.config_name == "live-capture"
        assert state is not None and state.current_sampling_percentage == 100
        time.sleep(0.3)
    finally:
        done.set()
        worker.join()
    assert failures == [] and sent[0] > 0
    api.capture.flush()
    assert list(dest.glob("live/AllTraffic/*/*/*/*/*.jsonl"))


def test_bad_configs_are_refused(api: Api, tmp_path: Path) -> None:
    tar = model_tar(tmp_path / "m")
    api.endpoints.create_model(
        name="m",
        container=ContainerSpec(image="sklearn", model_data_url=str(tar)),
        execution_role_arn=None,
    )
    variant = (VariantSpec(variant_name="AllTraffic", model_name="m"),)
    for spec, message in (
        (
            DataCaptureSpec(initial_sampling_percentage=101, destination_s3_uri="s3://bkt/c"),
            "between 0 and 100",
        ),
        (
            DataCaptureSpec(
                destination_s3_uri="s3://bkt/c", capture_input=False, capture_output=False
            ),
            "Input or Output",
        ),
        (DataCaptureSpec(destination_s3_uri="ftp://x/y"), "DestinationS3Uri"),
    ):
        with pytest.raises(ValidationError, match=message):
            api.endpoints.create_endpoint_config(name="bad", variants=variant, data_capture=spec)
    with pytest.raises(ValidationError, match="used twice"):
        api.endpoints.create_endpoint_config(name="bad", variants=variant * 2, data_capture=None)


BROKEN = """
def model_fn(model_dir):
    raise RuntimeError("weights are corrupt")
"""

SLOW = """
import os, time, joblib
def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))
def predict_fn(data, model):
    if float(data[0][0]) > 500:
        time.sleep(30)
    return model.predict(data)
"""


def test_a_model_that_cannot_load_fails_the_endpoint(api: Api, tmp_path: Path) -> None:
    tar = model_tar(tmp_path / "broken", code=BROKEN)
    api.endpoints.create_model(
        name="broken-model",
        container=ContainerSpec(
            image="sklearn",
            model_data_url=str(tar),
            environment={"SAGEMAKER_PROGRAM": "inference.py"},
        ),
        execution_role_arn=None,
    )
    api.endpoints.create_endpoint_config(
        name="broken-config",
        variants=(VariantSpec(variant_name="AllTraffic", model_name="broken-model"),),
        data_capture=None,
    )
    api.endpoints.create_endpoint(name="broken", config_name="broken-config")
    deadline = time.monotonic() + 60
    while api.endpoints.describe_endpoint("broken")[0].status is EndpointStatus.CREATING:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    record, _ = api.endpoints.describe_endpoint("broken")
    assert record.status is EndpointStatus.FAILED
    assert record.failure_reason is not None and "weights are corrupt" in record.failure_reason
    with pytest.raises(ValidationError, match="not in service"):
        _invoke(api, "broken")


def test_a_hung_model_times_out_and_is_replaced(settings: Settings, tmp_path: Path) -> None:
    api = build_api(settings.with_overrides(invocation_timeout_seconds=1.0))
    try:
        _deploy(api, tmp_path, "slow", count=2, code=SLOW)
        with pytest.raises(ModelError, match="timed out"):
            _invoke(api, "slow", "900,1,1,1")
        # The hung instance stops answering /ping and is replaced; the other one serves.
        deadline = time.monotonic() + 40
        served = 0
        while time.monotonic() < deadline and served < 20:
            try:
                assert json.loads(_invoke(api, "slow")) == [0]
                served += 1
            except ModelError:
                time.sleep(0.1)
        assert served == 20
        while time.monotonic() < deadline:
            if 'restarts_total{endpoint="slow"' in api.invocations.metrics.render(list):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the hung instance was never replaced")
    finally:
        api.close()
