"""Serving records -> response shapes, and the Describe echo the SDK copies into new configs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from plimsoll.api.handlers._serving_requests import (
    CreateEndpointConfigArgs,
    to_create_endpoint_config_args,
    to_create_model_args,
)
from plimsoll.api.handlers._serving_responses import (
    to_describe_endpoint,
    to_describe_endpoint_config,
    to_describe_model,
    to_endpoint_config_summary,
    to_endpoint_summary,
    to_model_summary,
)
from plimsoll.api.shapes import CreateEndpointConfigInput, CreateModelInput, WireShape
from plimsoll.api.validation import parse_request
from plimsoll.api.wire_json import dumps
from plimsoll.metadata.serving_entities import (
    CaptureState,
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    ModelRecord,
    VariantState,
)
from tests.unit.api._serving_requests import (
    IMAGE,
    ROLE,
    create_endpoint_config_request,
    create_model_request,
    data_capture,
    variant,
)

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
PREFIX = "arn:aws:sagemaker:us-east-1:000000000000"


def _dump(shape: WireShape) -> dict[str, Any]:
    """As the dispatcher answers, and checked to be wire-encodable."""
    data = shape.model_dump(mode="python", exclude_none=True)
    json.loads(dumps(data))
    return data


def _config(request: dict[str, Any]) -> EndpointConfigRecord:
    args = to_create_endpoint_config_args(parse_request(CreateEndpointConfigInput, request))
    return EndpointConfigRecord(
        name=args["name"],
        arn=f"{PREFIX}:endpoint-config/{args['name']}",
        variants=args["variants"],
        data_capture=args["data_capture"],
        creation_time=T0,
        kms_key_id=args["kms_key_id"],
        tags=args["tags"],
    )


def _recreate(described: dict[str, Any]) -> CreateEndpointConfigArgs:
    """What ``Session.create_endpoint_config_from_existing`` sends back: a copy of the
    described variants and DataCaptureConfig under a new name."""
    request = {
        "EndpointConfigName": "copy",
        "ProductionVariants": described["ProductionVariants"],
        **{k: described[k] for k in ("DataCaptureConfig", "KmsKeyId") if k in described},
    }
    return to_create_endpoint_config_args(parse_request(CreateEndpointConfigInput, request))


def _endpoint(**changes: Any) -> EndpointRecord:
    endpoint = EndpointRecord(
        name="iris",
        arn=f"{PREFIX}:endpoint/iris",
        config_name="iris-config",
        status=EndpointStatus.IN_SERVICE,
        creation_time=T0,
        last_modified_time=T0 + timedelta(seconds=30),
        variants=(
            VariantState(
                variant_name="AllTraffic",
                current_weight=1.0,
                desired_weight=1.0,
                current_instance_count=2,
                desired_instance_count=2,
                image=IMAGE,
            ),
        ),
    )
    return endpoint.replace(**changes)


# -- models ----------------------------------------------------------------------------------


def test_describe_model_echoes_the_container() -> None:
    args = to_create_model_args(parse_request(CreateModelInput, create_model_request()))
    model = ModelRecord(
        name=args["name"],
        arn=f"{PREFIX}:model/iris-model",
        container=args["container"],
        execution_role_arn=args["execution_role_arn"],
        creation_time=T0,
        tags=args["tags"],
    )
    assert _dump(to_describe_model(model)) == {
        "ModelName": "iris-model",
        "ModelArn": f"{PREFIX}:model/iris-model",
        "CreationTime": T0,
        "ExecutionRoleArn": ROLE,
        "PrimaryContainer": create_model_request()["PrimaryContainer"],
    }
    assert _dump(to_model_summary(model)) == {
        "ModelName": "iris-model",
        "ModelArn": f"{PREFIX}:model/iris-model",
        "CreationTime": T0,
    }


# -- endpoint configs ------------------------------------------------------------------------


def test_describe_endpoint_config_echoes_the_request() -> None:
    request = create_endpoint_config_request(
        ProductionVariants=[variant(), variant(VariantName="Canary", InitialVariantWeight=0.5)]
    )
    described = _dump(to_describe_endpoint_config(_config(request)))
    assert described == {
        "EndpointConfigName": "iris-config",
        "EndpointConfigArn": f"{PREFIX}:endpoint-config/iris-config",
        "ProductionVariants": [
            {**variant(), "InitialVariantWeight": 1.0},
            {**variant(VariantName="Canary"), "InitialVariantWeight": 0.5},
        ],
        "DataCaptureConfig": data_capture(),
        "KmsKeyId": "alias/volume",
        "CreationTime": T0,
    }


def test_described_config_copies_into_an_equal_config() -> None:
    original = _config(create_endpoint_config_request())
    copied = _recreate(_dump(to_describe_endpoint_config(original)))
    assert copied["variants"] == original.variants
    assert copied["data_capture"] == original.data_capture
    assert copied["kms_key_id"] == original.kms_key_id


def test_capture_header_echo_keeps_absent_and_partial_apart() -> None:
    without = data_capture(EnableCapture=False, KmsKeyId="alias/capture")
    del without["CaptureContentTypeHeader"]
    config = _config(create_endpoint_config_request(DataCaptureConfig=without, KmsKeyId=None))
    described = _dump(to_describe_endpoint_config(config))
    assert described["DataCaptureConfig"] == without
    assert "KmsKeyId" not in described
    assert _recreate(described)["data_capture"] == config.data_capture

    partial = data_capture(CaptureContentTypeHeader={"JsonContentTypes": ["application/json"]})
    config = _config(create_endpoint_config_request(DataCaptureConfig=partial))
    described = _dump(to_describe_endpoint_config(config))
    assert described["DataCaptureConfig"]["CaptureContentTypeHeader"] == {
        "JsonContentTypes": ["application/json"]
    }
    assert _recreate(described)["data_capture"] == config.data_capture


def test_config_without_capture_or_instance_type() -> None:
    config = _config(
        {
            "EndpointConfigName": "bare",
            "ProductionVariants": [
                {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1}
            ],
        }
    )
    described = _dump(to_describe_endpoint_config(config))
    assert "DataCaptureConfig" not in described
    (echo,) = described["ProductionVariants"]
    assert echo["InitialVariantWeight"] == 1.0
    assert _recreate(described)["variants"] == config.variants
    assert _dump(to_endpoint_config_summary(config)) == {
        "EndpointConfigName": "bare",
        "EndpointConfigArn": f"{PREFIX}:endpoint-config/bare",
        "CreationTime": T0,
    }


# -- endpoints -------------------------------------------------------------------------------


def test_describe_endpoint_with_capture() -> None:
    capture = CaptureState(
        enable_capture=True,
        capture_status="Started",
        current_sampling_percentage=20,
        destination_s3_uri="s3://bucket/capture",
        records_written=5,
    )
    assert _dump(to_describe_endpoint(_endpoint(), capture)) == {
        "EndpointName": "iris",
        "EndpointArn": f"{PREFIX}:endpoint/iris",
        "EndpointConfigName": "iris-config",
        "ProductionVariants": [
            {
                "VariantName": "AllTraffic",
                "DeployedImages": [{"SpecifiedImage": IMAGE, "ResolvedImage": IMAGE}],
                "CurrentWeight": 1.0,
                "DesiredWeight": 1.0,
                "CurrentInstanceCount": 2,
                "DesiredInstanceCount": 2,
            }
        ],
        "DataCaptureConfig": {
            "EnableCapture": True,
            "CaptureStatus": "Started",
            "CurrentSamplingPercentage": 20,
            "DestinationS3Uri": "s3://bucket/capture",
        },
        "EndpointStatus": "InService",
        "CreationTime": T0,
        "LastModifiedTime": T0 + timedelta(seconds=30),
    }


def test_describe_endpoint_stopped_capture_keeps_kms() -> None:
    capture = CaptureState(
        enable_capture=False,
        capture_status="Stopped",
        current_sampling_percentage=0,
        destination_s3_uri="/srv/capture",
        kms_key_id="alias/k",
    )
    described = _dump(to_describe_endpoint(_endpoint(), capture))
    assert described["DataCaptureConfig"] == {
        "EnableCapture": False,
        "CaptureStatus": "Stopped",
        "CurrentSamplingPercentage": 0,
        "DestinationS3Uri": "/srv/capture",
        "KmsKeyId": "alias/k",
    }


def test_describe_failed_endpoint_without_variants_or_capture() -> None:
    endpoint = _endpoint(
        status=EndpointStatus.FAILED,
        failure_reason="x" * 5000,
        variants=(
            VariantState(
                variant_name="AllTraffic",
                current_weight=0.0,
                desired_weight=1.0,
                current_instance_count=0,
                desired_instance_count=1,
            ),
        ),
    )
    described = _dump(to_describe_endpoint(endpoint, None))
    assert described["EndpointStatus"] == "Failed"
    assert described["FailureReason"] == "x" * 1024
    assert "DataCaptureConfig" not in described
    (summary,) = described["ProductionVariants"]
    assert "DeployedImages" not in summary
    assert summary["CurrentInstanceCount"] == 0
    creating = _dump(to_describe_endpoint(_endpoint(variants=()), None))
    assert "ProductionVariants" not in creating


def test_endpoint_summary() -> None:
    assert _dump(to_endpoint_summary(_endpoint(status=EndpointStatus.CREATING))) == {
        "EndpointName": "iris",
        "EndpointArn": f"{PREFIX}:endpoint/iris",
        "CreationTime": T0,
        "LastModifiedTime": T0 + timedelta(seconds=30),
        "EndpointStatus": "Creating",
    }
