"""Serving request shapes -> EndpointService arguments: validation messages and conversions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from plimsoll.api.handlers._serving_requests import (
    CreateEndpointConfigArgs,
    CreateModelArgs,
    to_create_endpoint_args,
    to_create_endpoint_config_args,
    to_create_model_args,
    to_query,
    to_update_endpoint_args,
    to_update_weights_args,
)
from plimsoll.api.shapes import (
    CreateEndpointConfigInput,
    CreateEndpointInput,
    CreateModelInput,
    ListEndpointConfigsInput,
    ListEndpointsInput,
    ListModelsInput,
    UpdateEndpointInput,
    UpdateEndpointWeightsAndCapacitiesInput,
)
from plimsoll.api.validation import parse_request
from plimsoll.errors import ValidationError
from plimsoll.metadata.serving_entities import ContainerSpec, DataCaptureSpec, ResourceQuery
from tests.unit.api._serving_requests import (
    IMAGE,
    ROLE,
    create_endpoint_config_request,
    create_model_request,
    data_capture,
    variant,
)


def _model_args(request: dict[str, Any]) -> CreateModelArgs:
    return to_create_model_args(parse_request(CreateModelInput, request))


def _config_args(request: dict[str, Any]) -> CreateEndpointConfigArgs:
    return to_create_endpoint_config_args(parse_request(CreateEndpointConfigInput, request))


def _capture(**overrides: Any) -> DataCaptureSpec:
    capture = _config_args(
        create_endpoint_config_request(DataCaptureConfig=data_capture(**overrides))
    )["data_capture"]
    assert capture is not None
    return capture


# -- CreateModel -----------------------------------------------------------------------------


def test_create_model_request_to_args() -> None:
    assert _model_args(create_model_request()) == {
        "name": "iris-model",
        "container": ContainerSpec(
            image=IMAGE,
            model_data_url="s3://bucket/models/model.tar.gz",
            environment={"SAGEMAKER_PROGRAM": "inference.py", "EMPTY": ""},
        ),
        "execution_role_arn": ROLE,
        "tags": ({"Key": "team", "Value": "ml"},),
    }


def test_one_item_containers_list_is_the_container() -> None:
    request = create_model_request(PrimaryContainer=None, Containers=[{"Image": "python:3.11"}])
    del request["PrimaryContainer"]
    args = _model_args(request)
    assert args["container"] == ContainerSpec(image="python:3.11")
    assert args["tags"] == ({"Key": "team", "Value": "ml"},)


@pytest.mark.parametrize("url", ["file:///srv/models/m.tar.gz", "/srv/models/m.tar.gz"])
def test_model_data_may_be_local(url: str) -> None:
    request = create_model_request(PrimaryContainer={"Image": "python:3.11", "ModelDataUrl": url})
    assert _model_args(request)["container"].model_data_url == url


def test_minimal_model_has_no_role_env_or_tags() -> None:
    args = _model_args({"ModelName": "m", "PrimaryContainer": {"Image": "python:3.11"}})
    assert args["container"] == ContainerSpec(image="python:3.11")
    assert args["execution_role_arn"] is None and args["tags"] == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"PrimaryContainer": None}, "Either PrimaryContainer or Containers must be specified"),
        (
            {"Containers": [{"Image": "a"}]},
            "Specify either PrimaryContainer or Containers, not both",
        ),
        ({"PrimaryContainer": {"ModelDataUrl": "s3://b/m.tar.gz"}}, "'primaryContainer.image'"),
        (
            {"PrimaryContainer": {"Image": "a", "ModelPackageName": "pkg"}},
            "'primaryContainer.modelPackageName' is not supported by Plimsoll",
        ),
        (
            {"PrimaryContainer": {"Image": "a", "Mode": "MultiModel"}},
            "'primaryContainer.mode' is not supported by Plimsoll",
        ),
        (
            {"PrimaryContainer": {"Image": "a", "ModelDataUrl": "ftp://host/m.tar.gz"}},
            "'primaryContainer.modelDataUrl' failed to satisfy constraint",
        ),
        (
            {"ModelName": "bad_name"},
            "Value 'bad_name' at 'modelName' failed to satisfy constraint",
        ),
    ],
)
def test_create_model_refusals(change: dict[str, Any], message: str) -> None:
    request = {k: v for k, v in {**create_model_request(), **change}.items() if v is not None}
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        _model_args(request)


def test_two_containers_are_refused() -> None:
    request = create_model_request(Containers=[{"Image": "a"}, {"Image": "b"}])
    del request["PrimaryContainer"]
    with pytest.raises(ValidationError, match="'containers' holds 2 containers"):
        _model_args(request)


# -- CreateEndpointConfig --------------------------------------------------------------------


def test_sdk_endpoint_config_to_args() -> None:
    args = _config_args(create_endpoint_config_request())
    assert args["name"] == "iris-config"
    assert args["kms_key_id"] == "alias/volume"
    assert args["tags"] == ({"Key": "stage", "Value": "dev"},)
    (spec,) = args["variants"]
    assert (spec.variant_name, spec.model_name) == ("AllTraffic", "iris-model")
    assert (spec.initial_instance_count, spec.instance_type) == (1, "ml.m5.xlarge")
    assert spec.initial_variant_weight == 1.0
    assert args["data_capture"] == DataCaptureSpec(
        enable_capture=True,
        initial_sampling_percentage=20,
        destination_s3_uri="s3://bucket/model-monitor/data-capture",
        kms_key_id=None,
        capture_input=True,
        capture_output=True,
        csv_content_types=("text/csv",),
        json_content_types=("application/json",),
        capture_options=("Input", "Output"),
    )


def test_variant_defaults_and_several_variants() -> None:
    variants = [
        {"VariantName": "A", "ModelName": "m1", "InitialInstanceCount": 2},
        variant(VariantName="B", InitialVariantWeight=0.25, InstanceType="ml.c5.large"),
    ]
    args = _config_args({"EndpointConfigName": "c", "ProductionVariants": variants})
    first, second = args["variants"]
    assert first.initial_variant_weight == 1.0 and first.initial_instance_count == 2
    assert second.initial_variant_weight == 0.25 and second.instance_type == "ml.c5.large"
    assert args["data_capture"] is None and args["kms_key_id"] is None and args["tags"] == ()


@pytest.mark.parametrize(
    ("modes", "captures"),
    [
        (["Input"], (True, False)),
        (["Output"], (False, True)),
        (["InputAndOutput"], (True, True)),
        (["Input", "Output"], (True, True)),
        (["Output", "Output"], (False, True)),
    ],
)
def test_capture_options_to_sides(modes: list[str], captures: tuple[bool, bool]) -> None:
    capture = _capture(CaptureOptions=[{"CaptureMode": m} for m in modes])
    assert (capture.capture_input, capture.capture_output) == captures
    assert capture.capture_options == tuple(modes)


def test_capture_content_type_header_absent_or_partial() -> None:
    without = data_capture()
    del without["CaptureContentTypeHeader"]
    capture = _config_args(create_endpoint_config_request(DataCaptureConfig=without))[
        "data_capture"
    ]
    assert capture is not None
    assert capture.csv_content_types is None and capture.json_content_types is None
    partial = _capture(CaptureContentTypeHeader={"JsonContentTypes": ["application/jsonlines"]})
    assert partial.csv_content_types == ()
    assert partial.json_content_types == ("application/jsonlines",)


def test_capture_defaults_to_enabled_and_keeps_kms() -> None:
    config = data_capture(KmsKeyId="alias/capture")
    del config["EnableCapture"]
    capture = _config_args(create_endpoint_config_request(DataCaptureConfig=config))["data_capture"]
    assert capture is not None and capture.enable_capture is True
    assert capture.kms_key_id == "alias/capture"
    assert _capture(EnableCapture=False).enable_capture is False


@pytest.mark.parametrize(
    "uri", ["s3://bucket/capture", "file:///srv/capture", "/srv/capture", "s3://b"]
)
def test_capture_destinations_accepted(uri: str) -> None:
    assert _capture(DestinationS3Uri=uri).destination_s3_uri == uri


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"InitialSamplingPercentage": 101},
            "Value '101' at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy "
            "constraint: Member must have value less than or equal to 100",
        ),
        (
            {"InitialSamplingPercentage": -1},
            "at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0",
        ),
        (
            {"CaptureOptions": []},
            "at 'dataCaptureConfig.captureOptions' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        ),
        (
            {"CaptureOptions": [{"CaptureMode": "Input"}] * 33},
            "Member must have length less than or equal to 32",
        ),
        (
            {"CaptureOptions": [{"CaptureMode": "Request"}]},
            "Value 'Request' at 'dataCaptureConfig.captureOptions.1.member.captureMode' failed "
            "to satisfy constraint: Member must satisfy enum value set: "
            "[Input, Output, InputAndOutput]",
        ),
        (
            {"DestinationS3Uri": "https://bucket.s3.amazonaws.com/capture"},
            "at 'dataCaptureConfig.destinationS3Uri' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: ^s3://([^/]+)/?(.*)|file://.*|/.*$",
        ),
        ({"DestinationS3Uri": "relative/capture"}, "'dataCaptureConfig.destinationS3Uri'"),
        (
            {"CaptureContentTypeHeader": {"CsvContentTypes": ["csv"]}},
            "Value 'csv' at 'dataCaptureConfig.captureContentTypeHeader.csvContentTypes.1.member'",
        ),
        (
            {"CaptureContentTypeHeader": {"CsvContentTypes": []}},
            "'dataCaptureConfig.captureContentTypeHeader.csvContentTypes' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
        (
            {"DestinationS3Uri": None},
            "Value null at 'dataCaptureConfig.destinationS3Uri' failed to satisfy constraint: "
            "Member must not be null",
        ),
    ],
)
def test_capture_refusals(change: dict[str, Any], message: str) -> None:
    config = {k: v for k, v in data_capture(**change).items() if v is not None}
    with pytest.raises(ValidationError) as caught:
        _config_args(create_endpoint_config_request(DataCaptureConfig=config))
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        (
            [variant(), variant(ModelName="other")],
            "Value 'AllTraffic' at 'productionVariants.2.member.variantName' repeats the "
            "VariantName of variant 1",
        ),
        (
            [variant(InitialInstanceCount=None)],
            "Value null at 'productionVariants.1.member.initialInstanceCount' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            [variant(InitialInstanceCount=0)],
            "Value '0' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ),
        (
            [variant(ModelName=None)],
            "Value null at 'productionVariants.1.member.modelName'",
        ),
        (
            [
                variant(
                    InitialInstanceCount=None,
                    InstanceType=None,
                    ServerlessConfig={"MemorySizeInMB": 2048, "MaxConcurrency": 5},
                )
            ],
            "Value at 'productionVariants.1.member.serverlessConfig' is not supported by "
            "Plimsoll: serverless variants are not available",
        ),
        (
            [variant(AcceleratorType="ml.eia1.medium")],
            "'productionVariants.1.member.acceleratorType' is not supported by Plimsoll",
        ),
        (
            [variant(InitialVariantWeight=-0.5)],
            "'productionVariants.1.member.initialVariantWeight' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0",
        ),
        ([], "'productionVariants' failed to satisfy constraint: Member must have length"),
    ],
)
def test_variant_refusals(variants: list[dict[str, Any]], message: str) -> None:
    cleaned = [{k: v for k, v in item.items() if v is not None} for item in variants]
    with pytest.raises(ValidationError) as caught:
        _config_args(create_endpoint_config_request(ProductionVariants=cleaned))
    assert message in caught.value.message


def test_async_inference_is_refused() -> None:
    request = create_endpoint_config_request(
        AsyncInferenceConfig={"OutputConfig": {"S3OutputPath": "s3://b/out"}}
    )
    with pytest.raises(ValidationError, match="'asyncInferenceConfig' is not supported"):
        _config_args(request)


# -- endpoints -------------------------------------------------------------------------------


def test_create_endpoint_args() -> None:
    request = parse_request(
        CreateEndpointInput,
        {"EndpointName": "iris", "EndpointConfigName": "iris-config", "Tags": []},
    )
    assert to_create_endpoint_args(request) == {
        "name": "iris",
        "config_name": "iris-config",
        "tags": (),
    }


def test_update_endpoint_args_and_refusals() -> None:
    base = {"EndpointName": "iris", "EndpointConfigName": "iris-2"}
    request = parse_request(UpdateEndpointInput, {**base, "RetainAllVariantProperties": False})
    assert to_update_endpoint_args(request) == {"name": "iris", "config_name": "iris-2"}
    retain = parse_request(UpdateEndpointInput, {**base, "RetainAllVariantProperties": True})
    with pytest.raises(ValidationError, match="'retainAllVariantProperties' is not supported"):
        to_update_endpoint_args(retain)


def test_weights_and_capacities_args() -> None:
    request = parse_request(
        UpdateEndpointWeightsAndCapacitiesInput,
        {
            "EndpointName": "iris",
            "DesiredWeightsAndCapacities": [
                {"VariantName": "A", "DesiredWeight": 0.0},
                {"VariantName": "B", "DesiredWeight": 2, "DesiredInstanceCount": 3},
                {"VariantName": "C", "DesiredInstanceCount": 1},
            ],
        },
    )
    assert to_update_weights_args(request) == {
        "name": "iris",
        "desired": (("A", 0.0, None), ("B", 2.0, 3), ("C", None, 1)),
    }


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [{"VariantName": "A", "DesiredWeight": 1}, {"VariantName": "A", "DesiredWeight": 2}],
            "Value 'A' at 'desiredWeightsAndCapacities.2.member.variantName' names a variant "
            "already listed",
        ),
        (
            [{"VariantName": "A"}],
            "'desiredWeightsAndCapacities.1.member' must set DesiredWeight, "
            "DesiredInstanceCount or both (variant 'A')",
        ),
        ([], "Member must have length greater than or equal to 1"),
    ],
)
def test_weights_refusals(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        to_update_weights_args(
            parse_request(
                UpdateEndpointWeightsAndCapacitiesInput,
                {"EndpointName": "iris", "DesiredWeightsAndCapacities": items},
            )
        )
    assert message in caught.value.message


# -- lists -----------------------------------------------------------------------------------


def test_list_defaults() -> None:
    for shape in (ListModelsInput, ListEndpointConfigsInput, ListEndpointsInput):
        assert to_query(parse_request(shape, {})) == ResourceQuery()


def test_list_endpoints_query() -> None:
    request = parse_request(
        ListEndpointsInput,
        {
            "SortBy": "Status",
            "SortOrder": "Ascending",
            "NextToken": "tok",
            "MaxResults": 5,
            "NameContains": "iris",
            "CreationTimeAfter": datetime(2024, 1, 1),
            "CreationTimeBefore": 1735689600,
            "StatusEquals": "InService",
        },
    )
    assert to_query(request) == ResourceQuery(
        name_contains="iris",
        status_equals="InService",
        creation_time_after=datetime(2024, 1, 1, tzinfo=UTC),
        creation_time_before=datetime(2025, 1, 1, tzinfo=UTC),
        sort_by="Status",
        sort_order="Ascending",
        max_results=5,
        next_token="tok",
    )


def test_list_refusals() -> None:
    with pytest.raises(ValidationError, match=r"enum value set: \[Name, CreationTime\]"):
        parse_request(ListModelsInput, {"SortBy": "Status"})
    request = parse_request(ListEndpointsInput, {"LastModifiedTimeAfter": 0})
    with pytest.raises(ValidationError, match="'lastModifiedTimeAfter' is not supported"):
        to_query(request)
