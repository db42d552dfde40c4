"""Serving records -> response shapes: one conversion per record and response.

Describe* answers echo what the create request gave in the form it gave it (so the SDK can
copy an endpoint config's ProductionVariants and DataCaptureConfig into a new one), plus the
ARN, status and times.
"""

from __future__ import annotations

from datetime import UTC, datetime

from plimsoll.api.shapes import (
    CaptureContentTypeHeader,
    CaptureOption,
    ContainerDefinition,
    DataCaptureConfig,
    DataCaptureConfigSummary,
    DeployedImage,
    DescribeEndpointConfigOutput,
    DescribeEndpointOutput,
    DescribeModelOutput,
    EndpointConfigSummary,
    EndpointSummary,
    ModelSummary,
    ProductionVariant,
    ProductionVariantSummary,
)
from plimsoll.metadata.serving_entities import (
    CaptureState,
    DataCaptureSpec,
    EndpointConfigRecord,
    EndpointRecord,
    ModelRecord,
    VariantSpec,
    VariantState,
)

MAX_FAILURE_REASON_CHARS = 1024
"""FailureReason is at most 1 KiB on the wire."""


def to_describe_model(model: ModelRecord) -> DescribeModelOutput:
    """DescribeModel's answer: the container as PrimaryContainer, role, ARN and time."""
    container = model.container
    return DescribeModelOutput(
        ModelName=model.name,
        ModelArn=model.arn,
        CreationTime=_utc(model.creation_time),
        ExecutionRoleArn=model.execution_role_arn,
        PrimaryContainer=ContainerDefinition(
            Image=container.image,
            ModelDataUrl=container.model_data_url,
            Environment=dict(container.environment),
        ),
    )


def to_model_summary(model: ModelRecord) -> ModelSummary:
    """One ListModels entry."""
    return ModelSummary(
        ModelName=model.name, ModelArn=model.arn, CreationTime=_utc(model.creation_time)
    )


def to_describe_endpoint_config(config: EndpointConfigRecord) -> DescribeEndpointConfigOutput:
    """DescribeEndpointConfig's answer: the variants and DataCaptureConfig as requested."""
    capture = config.data_capture
    return DescribeEndpointConfigOutput(
        EndpointConfigName=config.name,
        EndpointConfigArn=config.arn,
        ProductionVariants=[_production_variant(v) for v in config.variants],
        DataCaptureConfig=_data_capture_config(capture) if capture is not None else None,
        KmsKeyId=config.kms_key_id,
        CreationTime=_utc(config.creation_time),
    )


def _production_variant(variant: VariantSpec) -> ProductionVariant:
    return ProductionVariant.model_validate(
        {
            "VariantName": variant.variant_name,
            "ModelName": variant.model_name,
            "InitialInstanceCount": variant.initial_instance_count,
            "InstanceType": variant.instance_type,
            "InitialVariantWeight": variant.initial_variant_weight,
        }
    )


def _data_capture_config(capture: DataCaptureSpec) -> DataCaptureConfig:
    csv, json = capture.csv_content_types, capture.json_content_types
    header = (
        CaptureContentTypeHeader(
            CsvContentTypes=list(csv) or None, JsonContentTypes=list(json) or None
        )
        if csv is not None and json is not None
        else None
    )
    return DataCaptureConfig(
        EnableCapture=capture.enable_capture,
        InitialSamplingPercentage=capture.initial_sampling_percentage,
        DestinationS3Uri=capture.destination_s3_uri,
        KmsKeyId=capture.kms_key_id,
        CaptureOptions=[CaptureOption(CaptureMode=mode) for mode in capture.capture_options],
        CaptureContentTypeHeader=header,
    )


def to_endpoint_config_summary(config: EndpointConfigRecord) -> EndpointConfigSummary:
    """One ListEndpointConfigs entry."""
    return EndpointConfigSummary(
        EndpointConfigName=config.name,
        EndpointConfigArn=config.arn,
        CreationTime=_utc(config.creation_time),
    )


def to_describe_endpoint(
    endpoint: EndpointRecord, capture: CaptureState | None
) -> DescribeEndpointOutput:
    """DescribeEndpoint's answer: status, variants (weights, instance counts, image) and,
    when the endpoint config captures data, the DataCaptureConfig summary."""
    reason = endpoint.failure_reason
    return DescribeEndpointOutput(
        EndpointName=endpoint.name,
        EndpointArn=endpoint.arn,
        EndpointConfigName=endpoint.config_name,
        ProductionVariants=[_variant_summary(v) for v in endpoint.variants] or None,
        DataCaptureConfig=_capture_summary(capture) if capture is not None else None,
        EndpointStatus=endpoint.status.value,
        FailureReason=reason[:MAX_FAILURE_REASON_CHARS] if reason is not None else None,
        CreationTime=_utc(endpoint.creation_time),
        LastModifiedTime=_utc(endpoint.last_modified_time),
    )


def _variant_summary(variant: VariantState) -> ProductionVariantSummary:
    images = (
        [DeployedImage(SpecifiedImage=variant.image, ResolvedImage=variant.image)]
        if variant.image
        else None
    )
    return ProductionVariantSummary(
        VariantName=variant.variant_name,
        DeployedImages=images,
        CurrentWeight=variant.current_weight,
        DesiredWeight=variant.desired_weight,
        CurrentInstanceCount=variant.current_instance_count,
        DesiredInstanceCount=variant.desired_instance_count,
    )


def _capture_summary(capture: CaptureState) -> DataCaptureConfigSummary:
    return DataCaptureConfigSummary.model_validate(
        {
            "EnableCapture": capture.enable_capture,
            "CaptureStatus": capture.capture_status,
            "CurrentSamplingPercentage": capture.current_sampling_percentage,
            "DestinationS3Uri": capture.destination_s3_uri,
            "KmsKeyId": capture.kms_key_id,
        }
    )


def to_endpoint_summary(endpoint: EndpointRecord) -> EndpointSummary:
    """One ListEndpoints entry."""
    return EndpointSummary.model_validate(
        {
            "EndpointName": endpoint.name,
            "EndpointArn": endpoint.arn,
            "CreationTime": _utc(endpoint.creation_time),
            "LastModifiedTime": _utc(endpoint.last_modified_time),
            "EndpointStatus": endpoint.status.value,
        }
    )


def _utc(moment: datetime) -> datetime:
    """Naive datetimes are UTC; aware ones are kept."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
