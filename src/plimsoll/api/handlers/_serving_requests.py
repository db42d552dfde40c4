"""Serving request shapes -> EndpointService arguments: one conversion per request shape.

Each ``to_*_args`` returns the keyword arguments of one :class:`EndpointService` method as a
``TypedDict`` (so ``service.create_model(**args)`` is type-checked), after the checks that the
wire shape cannot express: what Plimsoll does not support is refused with a message naming
the member, rather than dropped.

Members accepted and not kept (they change nothing on one machine): ``VpcConfig``,
``EnableNetworkIsolation``, ``ExecutionRoleArn`` of an endpoint config, a container's
``ContainerHostname``, ``ImageConfig`` and ``ContainerMetricsConfig``, and a variant's
``VolumeSizeInGB``, ``InferenceAmiVersion`` and provisioning/download/startup timeouts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypedDict

from plimsoll.api.shapes import (
    CreateEndpointConfigInput,
    CreateEndpointInput,
    CreateModelInput,
    DataCaptureConfig,
    ListEndpointConfigsInput,
    ListEndpointsInput,
    ListModelsInput,
    ProductionVariant,
    Tag,
    UpdateEndpointInput,
    UpdateEndpointWeightsAndCapacitiesInput,
    WireShape,
)
from plimsoll.api.validation import member_path
from plimsoll.errors import ValidationError
from plimsoll.metadata.serving_entities import (
    ContainerSpec,
    DataCaptureSpec,
    ResourceQuery,
    VariantSpec,
)

DEFAULT_VARIANT_WEIGHT = 1.0
"""SageMaker's InitialVariantWeight when a variant gives none."""

CAPTURES_INPUT = frozenset({"Input", "InputAndOutput"})
CAPTURES_OUTPUT = frozenset({"Output", "InputAndOutput"})

_UNSUPPORTED_CONTAINER_MEMBERS = (
    "ModelPackageName",
    "ModelDataSource",
    "AdditionalModelDataSources",
    "InferenceSpecificationName",
    "MultiModelConfig",
)
_UNSUPPORTED_VARIANT_MEMBERS = (
    "ServerlessConfig",
    "InstancePools",
    "AcceleratorType",
    "CoreDumpConfig",
    "ManagedInstanceScaling",
    "RoutingConfig",
    "CapacityReservationConfig",
)
_UNSUPPORTED_CONFIG_MEMBERS = (
    "AsyncInferenceConfig",
    "ExplainerConfig",
    "ShadowProductionVariants",
    "MetricsConfig",
)


class CreateModelArgs(TypedDict):
    name: str
    container: ContainerSpec
    execution_role_arn: str | None
    tags: tuple[dict[str, str], ...]


class CreateEndpointConfigArgs(TypedDict):
    name: str
    variants: tuple[VariantSpec, ...]
    data_capture: DataCaptureSpec | None
    kms_key_id: str | None
    tags: tuple[dict[str, str], ...]


class CreateEndpointArgs(TypedDict):
    name: str
    config_name: str
    tags: tuple[dict[str, str], ...]


class UpdateEndpointArgs(TypedDict):
    name: str
    config_name: str


class UpdateWeightsArgs(TypedDict):
    name: str
    desired: tuple[tuple[str, float | None, int | None], ...]


# -- models ----------------------------------------------------------------------------------


def to_create_model_args(request: CreateModelInput) -> CreateModelArgs:
    """CreateModel's arguments: one container (PrimaryContainer, or a one-item Containers).

    Raises:
        ValidationError: no container or several, no Image, or a feature Plimsoll lacks
            (model packages, ModelDataSource, multi-model containers).
    """
    if request.PrimaryContainer is not None and request.Containers:
        raise ValidationError("Specify either PrimaryContainer or Containers, not both")
    where: tuple[str | int, ...]
    if request.PrimaryContainer is not None:
        container, where = request.PrimaryContainer, ("PrimaryContainer",)
    elif request.Containers and len(request.Containers) == 1:
        container, where = request.Containers[0], ("Containers", 0)
    elif request.Containers:
        raise ValidationError(
            f"Value at '{member_path('Containers')}' holds {len(request.Containers)} "
            "containers: Plimsoll supports single-container models only"
        )
    else:
        raise ValidationError("Either PrimaryContainer or Containers must be specified")
    _refuse(request, ("InferenceExecutionConfig",), ())
    _refuse(container, _UNSUPPORTED_CONTAINER_MEMBERS, where)
    if container.Mode == "MultiModel":
        raise ValidationError(
            f"Value 'MultiModel' at '{member_path(*where, 'Mode')}' is not supported by "
            "Plimsoll: multi-model endpoints are not available"
        )
    if container.Image is None:
        raise _null(*where, "Image")
    return CreateModelArgs(
        name=request.ModelName,
        container=ContainerSpec(
            image=container.Image,
            model_data_url=container.ModelDataUrl,
            environment=dict(container.Environment or {}),
        ),
        execution_role_arn=request.ExecutionRoleArn,
        tags=to_tags(request.Tags),
    )


# -- endpoint configs ------------------------------------------------------------------------


def to_create_endpoint_config_args(request: CreateEndpointConfigInput) -> CreateEndpointConfigArgs:
    """CreateEndpointConfig's arguments: validated variants and DataCaptureConfig.

    Raises:
        ValidationError: a repeated VariantName, a variant without ModelName or
            InitialInstanceCount, a serverless variant, or a feature Plimsoll lacks.
    """
    _refuse(request, _UNSUPPORTED_CONFIG_MEMBERS, ())
    seen: dict[str, int] = {}
    variants: list[VariantSpec] = []
    for index, variant in enumerate(request.ProductionVariants):
        name = variant.VariantName
        if name in seen:
            raise ValidationError(
                f"Value '{name}' at '{member_path('ProductionVariants', index, 'VariantName')}' "
                f"repeats the VariantName of variant {seen[name] + 1}: variant names must be "
                "unique within an endpoint configuration"
            )
        seen[name] = index
        variants.append(_variant_spec(variant, index))
    capture = request.DataCaptureConfig
    return CreateEndpointConfigArgs(
        name=request.EndpointConfigName,
        variants=tuple(variants),
        data_capture=_capture_spec(capture) if capture is not None else None,
        kms_key_id=request.KmsKeyId,
        tags=to_tags(request.Tags),
    )


def _variant_spec(variant: ProductionVariant, index: int) -> VariantSpec:
    where = ("ProductionVariants", index)
    if variant.ServerlessConfig is not None:
        raise ValidationError(
            f"Value at '{member_path(*where, 'ServerlessConfig')}' is not supported by "
            "Plimsoll: serverless variants are not available; give InitialInstanceCount "
            "and InstanceType instead"
        )
    _refuse(variant, _UNSUPPORTED_VARIANT_MEMBERS, where)
    if variant.EnableSSMAccess:
        raise ValidationError(
            f"Value 'true' at '{member_path(*where, 'EnableSSMAccess')}' is not supported "
            "by Plimsoll"
        )
    if variant.ModelName is None:
        raise _null(*where, "ModelName")
    if variant.InitialInstanceCount is None:
        raise _null(*where, "InitialInstanceCount")
    weight = variant.InitialVariantWeight
    spec = VariantSpec(
        variant_name=variant.VariantName,
        model_name=variant.ModelName,
        initial_instance_count=variant.InitialInstanceCount,
        initial_variant_weight=DEFAULT_VARIANT_WEIGHT if weight is None else weight,
    )
    # Without InstanceType the entity's default stands (Plimsoll runs every type the same).
    if variant.InstanceType is None:
        return spec
    return dataclasses.replace(spec, instance_type=variant.InstanceType)


def _capture_spec(capture: DataCaptureConfig) -> DataCaptureSpec:
    """The DataCaptureConfig as a spec. The shape already checked the sampling percentage
    (0..100), the option count (1..32), the modes, the URI and the content-type patterns."""
    modes = tuple(option.CaptureMode for option in capture.CaptureOptions)
    header = capture.CaptureContentTypeHeader
    return DataCaptureSpec(
        enable_capture=True if capture.EnableCapture is None else capture.EnableCapture,
        initial_sampling_percentage=capture.InitialSamplingPercentage,
        destination_s3_uri=capture.DestinationS3Uri,
        kms_key_id=capture.KmsKeyId,
        capture_input=any(mode in CAPTURES_INPUT for mode in modes),
        capture_output=any(mode in CAPTURES_OUTPUT for mode in modes),
        # None only without a header: then every body is captured as BASE64.
        csv_content_types=tuple(header.CsvContentTypes or ()) if header is not None else None,
        json_content_types=tuple(header.JsonContentTypes or ()) if header is not None else None,
        capture_options=modes,
    )


# -- endpoints -------------------------------------------------------------------------------


def to_create_endpoint_args(request: CreateEndpointInput) -> CreateEndpointArgs:
    """CreateEndpoint's arguments. Raises ``ValidationError`` for a DeploymentConfig."""
    _refuse(request, ("DeploymentConfig",), ())
    return CreateEndpointArgs(
        name=request.EndpointName,
        config_name=request.EndpointConfigName,
        tags=to_tags(request.Tags),
    )


def to_update_endpoint_args(request: UpdateEndpointInput) -> UpdateEndpointArgs:
    """UpdateEndpoint's arguments.

    Raises:
        ValidationError: for deployment configs and retained variant properties (an update
            always deploys the new config's variants as they are).
    """
    _refuse(request, ("DeploymentConfig", "ExcludeRetainedVariantProperties"), ())
    for member in ("RetainAllVariantProperties", "RetainDeploymentConfig"):
        if getattr(request, member):
            raise ValidationError(
                f"Value 'true' at '{member_path(member)}' is not supported by Plimsoll: an "
                "update deploys the new endpoint configuration's variants as they are"
            )
    return UpdateEndpointArgs(name=request.EndpointName, config_name=request.EndpointConfigName)


def to_update_weights_args(request: UpdateEndpointWeightsAndCapacitiesInput) -> UpdateWeightsArgs:
    """UpdateEndpointWeightsAndCapacities' arguments: (variant, weight, count) per variant.

    Raises:
        ValidationError: a variant named twice, one with neither DesiredWeight nor
            DesiredInstanceCount, or a ServerlessUpdateConfig.
    """
    desired: list[tuple[str, float | None, int | None]] = []
    seen: set[str] = set()
    for index, item in enumerate(request.DesiredWeightsAndCapacities):
        where = ("DesiredWeightsAndCapacities", index)
        _refuse(item, ("ServerlessUpdateConfig",), where)
        if item.VariantName in seen:
            raise ValidationError(
                f"Value '{item.VariantName}' at '{member_path(*where, 'VariantName')}' names a "
                "variant already listed: give each variant once"
            )
        seen.add(item.VariantName)
        if item.DesiredWeight is None and item.DesiredInstanceCount is None:
            raise ValidationError(
                f"Value at '{member_path(*where)}' must set DesiredWeight, "
                f"DesiredInstanceCount or both (variant '{item.VariantName}')"
            )
        desired.append((item.VariantName, item.DesiredWeight, item.DesiredInstanceCount))
    return UpdateWeightsArgs(name=request.EndpointName, desired=tuple(desired))


# -- lists and tags --------------------------------------------------------------------------


def to_query(
    request: ListModelsInput | ListEndpointConfigsInput | ListEndpointsInput,
) -> ResourceQuery:
    """The store query a ListModels, ListEndpointConfigs or ListEndpoints request asks for,
    with SageMaker's defaults (newest first, 10 a page).

    Raises:
        ValidationError: ListEndpoints' LastModifiedTime filters (not supported yet).
    """
    status: str | None = None
    if isinstance(request, ListEndpointsInput):
        _refuse(request, ("LastModifiedTimeBefore", "LastModifiedTimeAfter"), ())
        status = request.StatusEquals
    return ResourceQuery(
        name_contains=request.NameContains,
        status_equals=status,
        creation_time_after=_utc(request.CreationTimeAfter),
        creation_time_before=_utc(request.CreationTimeBefore),
        sort_by=request.SortBy or "CreationTime",
        sort_order=request.SortOrder or "Descending",
        max_results=request.MaxResults or 10,
        next_token=request.NextToken,
    )


def to_tags(tags: Sequence[Tag] | None) -> tuple[dict[str, str], ...]:
    """Tags as the service keeps them: ``{"Key": ..., "Value": ...}`` each."""
    return tuple({"Key": tag.Key, "Value": tag.Value} for tag in tags or ())


def _refuse(shape: WireShape, members: Sequence[str], where: tuple[str | int, ...]) -> None:
    """Raises ``ValidationError`` naming the first of ``members`` that ``shape`` sets."""
    for member in members:
        if getattr(shape, member) is not None:
            raise ValidationError(
                f"Value at '{member_path(*where, member)}' is not supported by Plimsoll"
            )


def _null(*where: str | int) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value null at '{member_path(*where)}' failed to "
        "satisfy constraint: Member must not be null"
    )


def _utc(moment: datetime | None) -> datetime | None:
    """Naive datetimes are UTC; aware ones are kept."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
