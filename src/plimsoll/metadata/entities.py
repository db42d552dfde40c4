"""Domain entities of processing jobs: immutable, snake_case, free of wire shapes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED)


@dataclass(frozen=True, slots=True, kw_only=True)
class S3InputSpec:
    s3_uri: str
    local_path: str | None = None
    s3_data_type: str = "S3Prefix"
    s3_input_mode: str = "File"
    s3_data_distribution_type: str = "FullyReplicated"
    s3_compression_type: str = "None"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingInputSpec:
    input_name: str
    app_managed: bool = False
    s3_input: S3InputSpec | None = None
    # DatasetDefinition is rejected at the boundary for now; kept for echo only.
    dataset_definition: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class S3OutputSpec:
    s3_uri: str
    local_path: str | None = None
    s3_upload_mode: str = "EndOfJob"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingOutputSpec:
    output_name: str
    app_managed: bool = False
    s3_output: S3OutputSpec | None = None
    feature_store_output: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterSpec:
    instance_count: int
    instance_type: str
    volume_size_in_gb: int
    volume_kms_key_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingJobSpec:
    """What CreateProcessingJob asked for, validated."""

    name: str
    role_arn: str
    image_uri: str
    cluster: ClusterSpec
    container_entrypoint: tuple[str, ...] | None = None
    container_arguments: tuple[str, ...] | None = None
    inputs: tuple[ProcessingInputSpec, ...] = ()
    outputs: tuple[ProcessingOutputSpec, ...] = ()
    output_kms_key_id: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    max_runtime_in_seconds: int = 86400
    stopping_condition_given: bool = False
    network_config: Mapping[str, Any] | None = None
    experiment_config: Mapping[str, Any] | None = None
    tags: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingJob:
    """A processing job as the metadata store keeps it."""

    spec: ProcessingJobSpec
    arn: str
    status: JobStatus
    creation_time: datetime
    last_modified_time: datetime
    processing_start_time: datetime | None = None
    processing_end_time: datetime | None = None
    failure_reason: str | None = None
    exit_message: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def replace(self, **changes: Any) -> ProcessingJob:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobQuery:
    """ListProcessingJobs filters, in snake_case."""

    name_contains: str | None = None
    status_equals: JobStatus | None = None
    creation_time_after: datetime | None = None
    creation_time_before: datetime | None = None
    last_modified_time_after: datetime | None = None
    last_modified_time_before: datetime | None = None
    sort_by: str = "CreationTime"  # Name | CreationTime | Status
    sort_order: str = "Descending"  # Ascending | Descending
    max_results: int = 10
    next_token: str | None = None


def spec_to_dict(spec: ProcessingJobSpec) -> dict[str, Any]:
    """JSON-ready form of a spec, for stores that keep it as one document."""
    return dataclasses.asdict(spec)


def spec_from_dict(raw: Mapping[str, Any]) -> ProcessingJobSpec:
    """Inverse of :func:`spec_to_dict`."""
    data = dict(raw)
    data["cluster"] = ClusterSpec(**data["cluster"])
    data["inputs"] = tuple(
        ProcessingInputSpec(
            **{
                **i,
                "s3_input": S3InputSpec(**i["s3_input"]) if i.get("s3_input") else None,
            }
        )
        for i in data.get("inputs", ())
    )
    data["outputs"] = tuple(
        ProcessingOutputSpec(
            **{
                **o,
                "s3_output": S3OutputSpec(**o["s3_output"]) if o.get("s3_output") else None,
            }
        )
        for o in data.get("outputs", ())
    )
    for key in ("container_entrypoint", "container_arguments"):
        if data.get(key) is not None:
            data[key] = tuple(data[key])
    data["tags"] = tuple(data.get("tags", ()))
    return ProcessingJobSpec(**data)
