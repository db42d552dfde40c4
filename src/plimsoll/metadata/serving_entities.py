"""Domain entities of real-time serving: models, endpoint configs, endpoints."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EndpointStatus(StrEnum):
    CREATING = "Creating"
    IN_SERVICE = "InService"
    UPDATING = "Updating"
    SYSTEM_UPDATING = "SystemUpdating"
    DELETING = "Deleting"
    FAILED = "Failed"
    OUT_OF_SERVICE = "OutOfService"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerSpec:
    """A model's container: image, artifacts and environment."""

    image: str
    model_data_url: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelRecord:
    name: str
    arn: str
    container: ContainerSpec
    execution_role_arn: str | None
    creation_time: datetime
    tags: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantSpec:
    variant_name: str
    model_name: str
    initial_instance_count: int = 1
    instance_type: str = "ml.m5.xlarge"
    initial_variant_weight: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DataCaptureSpec:
    """CreateEndpointConfig's DataCaptureConfig, validated."""

    enable_capture: bool = True
    initial_sampling_percentage: int = 100
    destination_s3_uri: str = ""
    kms_key_id: str | None = None
    capture_input: bool = True
    capture_output: bool = True
    csv_content_types: tuple[str, ...] | None = None  # None: no CaptureContentTypeHeader
    json_content_types: tuple[str, ...] | None = None
    capture_options: tuple[str, ...] = ("Input", "Output")  # as given, for echo


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointConfigRecord:
    name: str
    arn: str
    variants: tuple[VariantSpec, ...]
    data_capture: DataCaptureSpec | None
    creation_time: datetime
    kms_key_id: str | None = None
    tags: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantState:
    """What DescribeEndpoint reports per production variant."""

    variant_name: str
    current_weight: float
    desired_weight: float
    current_instance_count: int
    desired_instance_count: int
    image: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureState:
    """DescribeEndpoint's DataCaptureConfig summary, plus Plimsoll's capture health."""

    enable_capture: bool
    capture_status: str  # Started | Stopped
    current_sampling_percentage: int
    destination_s3_uri: str
    kms_key_id: str | None = None
    paused_for_disk: bool = False
    records_written: int = 0
    records_dropped: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointRecord:
    name: str
    arn: str
    config_name: str
    status: EndpointStatus
    creation_time: datetime
    last_modified_time: datetime
    failure_reason: str | None = None
    variants: tuple[VariantState, ...] = ()
    tags: tuple[Mapping[str, str], ...] = ()

    def replace(self, **changes: Any) -> EndpointRecord:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceQuery:
    """List* filters shared by models, endpoint configs and endpoints."""

    name_contains: str | None = None
    status_equals: str | None = None  # endpoints only
    creation_time_after: datetime | None = None
    creation_time_before: datetime | None = None
    sort_by: str = "CreationTime"  # Name | CreationTime (| Status for endpoints)
    sort_order: str = "Descending"
    max_results: int = 10
    next_token: str | None = None
