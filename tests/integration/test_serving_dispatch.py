"""The serving operations end to end through the Dispatcher: boto-shaped dicts in and out."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from plimsoll.api.wiring import Api
from plimsoll.errors import ResourceInUse, ValidationError
from plimsoll.services.invocations import InvokeRequest
from tests.integration._models import IRIS_ROW, model_tar


def _call(api: Api, operation: str, **params: Any) -> dict[str, Any]:
    return api.dispatcher.call(operation, params)


def _wait(api: Api, name: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = _call(api, "DescribeEndpoint", EndpointName=name)
        if described["EndpointStatus"] not in ("Creating", "Updating"):
            return described
        time.sleep(0.1)
    raise AssertionError(f"endpoint {name} did not settle in {timeout}s")


def test_model_config_endpoint_life_cycle(api: Api, tmp_path: Path) -> None:
    tar = model_tar(tmp_path / "model")
    capture_root = tmp_path / "capture"
    model_arn = _call(
        api,
        "CreateModel",
        ModelName="iris-model",
        PrimaryContainer={"Image": "sklearn", "ModelDataUrl": str(tar), "Environment": {}},
    )["ModelArn"]
    assert model_arn.endswith(":model/iris-model")
    with pytest.raises(ResourceInUse, match=f'Cannot create already existing model "{model_arn}"'):
        _call(api, "CreateModel", ModelName="iris-model", PrimaryContainer={"Image": "sklearn"})

    with pytest.raises(ValidationError, match='Could not find model "ghost"'):
        _call(
            api,
            "CreateEndpointConfig",
            EndpointConfigName="bad-config",
            ProductionVariants=[
                {"VariantName": "AllTraffic", "ModelName": "ghost", "InitialInstanceCount": 1}
            ],
        )
    _call(
        api,
        "CreateEndpointConfig",
        EndpointConfigName="iris-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "iris-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
        DataCaptureConfig={
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": str(capture_root),
            "CaptureOptions": [{"CaptureMode": "InputAndOutput"}],
            "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"]},
        },
    )
    config = _call(api, "DescribeEndpointConfig", EndpointConfigName="iris-config")
    assert config["DataCaptureConfig"]["CaptureOptions"] == [{"CaptureMode": "InputAndOutput"}]
    assert config["ProductionVariants"][0]["InitialVariantWeight"] == 1.0

    arn = _call(api, "CreateEndpoint", EndpointName="iris", EndpointConfigName="iris-config")[
        "EndpointArn"
    ]
    described = _wait(api, "iris")
    assert described["EndpointStatus"] == "InService", described.get("FailureReason")
    assert described["EndpointArn"] == arn
    assert described["EndpointConfigName"] == "iris-config"
    (variant,) = described["ProductionVariants"]
    assert variant["VariantName"] == "AllTraffic"
    assert variant["CurrentInstanceCount"] == variant["DesiredInstanceCount"] == 1
    assert variant["DeployedImages"][0]["SpecifiedImage"]
    assert described["DataCaptureConfig"] == {
        "EnableCapture": True,
        "CaptureStatus": "Started",
        "CurrentSamplingPercentage": 100,
        "DestinationS3Uri": str(capture_root),
    }

    result = api.invocations.invoke_sync(
        InvokeRequest(endpoint_name="iris", body=IRIS_ROW.encode(), content_type="text/csv")
    )
    assert result.invoked_variant == "AllTraffic"
    weights = _call(
        api,
        "UpdateEndpointWeightsAndCapacities",
        EndpointName="iris",
        DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredWeight": 2.0}],
    )
    assert weights["EndpointArn"] == arn
    described = _call(api, "DescribeEndpoint", EndpointName="iris")
    assert described["ProductionVariants"][0]["DesiredWeight"] == 2.0

    listed = _call(api, "ListEndpoints", StatusEquals="InService", NameContains="IRI")
    assert [e["EndpointName"] for e in listed["Endpoints"]] == ["iris"]
    assert [m["ModelName"] for m in _call(api, "ListModels")["Models"]] == ["iris-model"]
    configs = _call(api, "ListEndpointConfigs", SortBy="Name", SortOrder="Ascending")
    assert [c["EndpointConfigName"] for c in configs["EndpointConfigs"]] == ["iris-config"]

    assert _call(api, "DeleteEndpoint", EndpointName="iris") == {}
    _call(api, "DeleteEndpointConfig", EndpointConfigName="iris-config")
    _call(api, "DeleteModel", ModelName="iris-model")
    for operation, params, message in (
        ("DescribeEndpoint", {"EndpointName": "iris"}, 'Could not find endpoint "iris".'),
        (
            "DescribeEndpointConfig",
            {"EndpointConfigName": "iris-config"},
            'Could not find endpoint configuration "iris-config".',
        ),
        ("DescribeModel", {"ModelName": "iris-model"}, 'Could not find model "iris-model".'),
        ("DeleteEndpoint", {"EndpointName": "iris"}, 'Could not find endpoint "iris".'),
    ):
        with pytest.raises(ValidationError) as caught:
            _call(api, operation, **params)
        assert caught.value.message == message
        assert caught.value.code == "ValidationException"
