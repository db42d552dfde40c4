"""Processing-job handlers: request shape -> spec or query -> service -> response shape.

Each conversion lives in one function (:func:`to_spec`, :func:`to_query`,
:func:`to_describe_response`, :func:`to_summary`); the handlers only chain them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from plimsoll.api.shapes import (
    CreateProcessingJobRequest,
    CreateProcessingJobResponse,
    DescribeProcessingJobRequest,
    DescribeProcessingJobResponse,
    ListProcessingJobsRequest,
    ListProcessingJobsResponse,
    ListTagsInput,
    ListTagsOutput,
    ProcessingInput,
    ProcessingJobSummary,
    ProcessingOutput,
    StopProcessingJobRequest,
    WireShape,
)
from plimsoll.api.validation import member_path, parse_request
from plimsoll.errors import ValidationError
from plimsoll.metadata.entities import (
    ClusterSpec,
    JobQuery,
    JobStatus,
    ProcessingInputSpec,
    ProcessingJob,
    ProcessingJobSpec,
    ProcessingOutputSpec,
    S3InputSpec,
    S3OutputSpec,
)
from plimsoll.services.processing import ProcessingService

Handler = Callable[[Mapping[str, Any]], WireShape | None]

DEFAULT_MAX_RUNTIME_IN_SECONDS = 86400
"""SageMaker's MaxRuntimeInSeconds when a request has no StoppingCondition."""

MAX_MESSAGE_CHARS = 1024
"""FailureReason and ExitMessage are at most 1 KiB on the wire."""


def routes(service: ProcessingService) -> dict[str, Handler]:
    """The processing operations, bound to ``service``."""
    return {
        "CreateProcessingJob": partial(create_processing_job, service),
        "DescribeProcessingJob": partial(describe_processing_job, service),
        "ListProcessingJobs": partial(list_processing_jobs, service),
        "StopProcessingJob": partial(stop_processing_job, service),
        "ListTags": partial(list_tags, service),
    }


def list_tags(service: ProcessingService, params: Mapping[str, Any]) -> ListTagsOutput:
    """ListTags of a processing job (the only taggable resource Plimsoll lists tags of).

    Among the tags is ``plimsoll:runtime``: the runtime the job ran on (docs/runtimes.md).
    """
    request = parse_request(ListTagsInput, params)
    if ":processing-job/" not in request.ResourceArn:
        raise ValidationError(
            f"ListTags supports processing job ARNs in Plimsoll; got {request.ResourceArn}"
        )
    job = service.processing_job_by_arn(request.ResourceArn)
    return ListTagsOutput.model_validate({"Tags": [dict(tag) for tag in job.spec.tags]})


def create_processing_job(
    service: ProcessingService, params: Mapping[str, Any]
) -> CreateProcessingJobResponse:
    request = parse_request(CreateProcessingJobRequest, params)
    job = service.create_processing_job(to_spec(request))
    return CreateProcessingJobResponse(ProcessingJobArn=job.arn)


def describe_processing_job(
    service: ProcessingService, params: Mapping[str, Any]
) -> DescribeProcessingJobResponse:
    request = parse_request(DescribeProcessingJobRequest, params)
    return to_describe_response(service.describe_processing_job(request.ProcessingJobName))


def list_processing_jobs(
    service: ProcessingService, params: Mapping[str, Any]
) -> ListProcessingJobsResponse:
    request = parse_request(ListProcessingJobsRequest, params)
    jobs, next_token = service.list_processing_jobs(to_query(request))
    return ListProcessingJobsResponse(
        ProcessingJobSummaries=[to_summary(job) for job in jobs], NextToken=next_token
    )


def stop_processing_job(service: ProcessingService, params: Mapping[str, Any]) -> None:
    request = parse_request(StopProcessingJobRequest, params)
    service.stop_processing_job(request.ProcessingJobName)


def to_spec(request: CreateProcessingJobRequest) -> ProcessingJobSpec:
    """The job spec a valid CreateProcessingJob request asks for.

    Opaque sub-structures (NetworkConfig, ExperimentConfig, DatasetDefinition,
    FeatureStoreOutput) and Tags are kept in their wire form, to be echoed as given.

    Raises:
        ValidationError: for what the shape allows but Plimsoll needs (InstanceType and
            InstanceCount) or does not support (InstancePreferences).
    """
    cluster = request.ProcessingResources.ClusterConfig
    where = ("ProcessingResources", "ClusterConfig")
    if cluster.InstancePreferences is not None:
        raise ValidationError(
            f"Value at '{member_path(*where, 'InstancePreferences')}' is not supported by "
            "Plimsoll: give InstanceType and InstanceCount instead"
        )
    if cluster.InstanceType is None or cluster.InstanceCount is None:
        missing = "InstanceType" if cluster.InstanceType is None else "InstanceCount"
        raise ValidationError(
            f"1 validation error detected: Value null at '{member_path(*where, missing)}' "
            "failed to satisfy constraint: Member must not be null"
        )
    app = request.AppSpecification
    output_config = request.ProcessingOutputConfig
    stopping = request.StoppingCondition
    return ProcessingJobSpec(
        name=request.ProcessingJobName,
        role_arn=request.RoleArn,
        image_uri=app.ImageUri,
        cluster=ClusterSpec(
            instance_count=cluster.InstanceCount,
            instance_type=cluster.InstanceType,
            volume_size_in_gb=cluster.VolumeSizeInGB,
            volume_kms_key_id=cluster.VolumeKmsKeyId,
        ),
        container_entrypoint=_tuple(app.ContainerEntrypoint),
        container_arguments=_tuple(app.ContainerArguments),
        inputs=tuple(_input_spec(i) for i in request.ProcessingInputs or ()),
        outputs=tuple(_output_spec(o) for o in output_config.Outputs) if output_config else (),
        output_kms_key_id=output_config.KmsKeyId if output_config else None,
        environment=dict(request.Environment or {}),
        max_runtime_in_seconds=(
            stopping.MaxRuntimeInSeconds if stopping else DEFAULT_MAX_RUNTIME_IN_SECONDS
        ),
        stopping_condition_given=stopping is not None,
        network_config=_wire(request.NetworkConfig),
        experiment_config=_wire(request.ExperimentConfig),
        tags=tuple({"Key": tag.Key, "Value": tag.Value} for tag in request.Tags or ()),
    )


def _input_spec(item: ProcessingInput) -> ProcessingInputSpec:
    s3 = item.S3Input
    return ProcessingInputSpec(
        input_name=item.InputName,
        app_managed=bool(item.AppManaged),
        s3_input=S3InputSpec(
            s3_uri=s3.S3Uri,
            local_path=s3.LocalPath,
            s3_data_type=s3.S3DataType,
            s3_input_mode=s3.S3InputMode or "File",
            s3_data_distribution_type=s3.S3DataDistributionType or "FullyReplicated",
            s3_compression_type=s3.S3CompressionType or "None",
        )
        if s3
        else None,
        dataset_definition=_wire(item.DatasetDefinition),
    )


def _output_spec(item: ProcessingOutput) -> ProcessingOutputSpec:
    s3 = item.S3Output
    return ProcessingOutputSpec(
        output_name=item.OutputName,
        app_managed=bool(item.AppManaged),
        s3_output=S3OutputSpec(
            s3_uri=s3.S3Uri, local_path=s3.LocalPath, s3_upload_mode=s3.S3UploadMode
        )
        if s3
        else None,
        feature_store_output=_wire(item.FeatureStoreOutput),
    )


def to_query(request: ListProcessingJobsRequest) -> JobQuery:
    """The store query a ListProcessingJobs request asks for (SageMaker's defaults filled)."""
    return JobQuery(
        name_contains=request.NameContains,
        status_equals=JobStatus(request.StatusEquals) if request.StatusEquals else None,
        creation_time_after=_utc(request.CreationTimeAfter),
        creation_time_before=_utc(request.CreationTimeBefore),
        last_modified_time_after=_utc(request.LastModifiedTimeAfter),
        last_modified_time_before=_utc(request.LastModifiedTimeBefore),
        sort_by=request.SortBy or "CreationTime",
        sort_order=request.SortOrder or "Descending",
        max_results=request.MaxResults or 10,
        next_token=request.NextToken,
    )


def to_describe_response(job: ProcessingJob) -> DescribeProcessingJobResponse:
    """DescribeProcessingJob's answer: every request field as given (Tags excepted), plus
    status and times. StoppingCondition is echoed only when the request gave one."""
    spec = job.spec
    data: dict[str, Any] = {
        "ProcessingJobName": spec.name,
        "ProcessingJobArn": job.arn,
        "ProcessingJobStatus": job.status.value,
        "CreationTime": _utc(job.creation_time),
        "LastModifiedTime": _utc(job.last_modified_time),
        "ProcessingStartTime": _utc(job.processing_start_time),
        "ProcessingEndTime": _utc(job.processing_end_time),
        "FailureReason": _cap(job.failure_reason),
        "ExitMessage": _cap(job.exit_message),
        "RoleArn": spec.role_arn,
        "AppSpecification": {
            "ImageUri": spec.image_uri,
            "ContainerEntrypoint": _list(spec.container_entrypoint),
            "ContainerArguments": _list(spec.container_arguments),
        },
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": spec.cluster.instance_count,
                "InstanceType": spec.cluster.instance_type,
                "VolumeSizeInGB": spec.cluster.volume_size_in_gb,
                "VolumeKmsKeyId": spec.cluster.volume_kms_key_id,
            }
        },
        "ProcessingInputs": [_input_wire(i) for i in spec.inputs] or None,
        "ProcessingOutputConfig": (
            {"Outputs": [_output_wire(o) for o in spec.outputs], "KmsKeyId": spec.output_kms_key_id}
            if spec.outputs or spec.output_kms_key_id
            else None
        ),
        "Environment": dict(spec.environment) or None,
        "NetworkConfig": spec.network_config,
        "ExperimentConfig": spec.experiment_config,
        "StoppingCondition": (
            {"MaxRuntimeInSeconds": spec.max_runtime_in_seconds}
            if spec.stopping_condition_given
            else None
        ),
    }
    return DescribeProcessingJobResponse.model_validate(data)


def _input_wire(item: ProcessingInputSpec) -> dict[str, Any]:
    s3 = item.s3_input
    return {
        "InputName": item.input_name,
        "AppManaged": item.app_managed,
        "S3Input": {
            "S3Uri": s3.s3_uri,
            "LocalPath": s3.local_path,
            "S3DataType": s3.s3_data_type,
            "S3InputMode": s3.s3_input_mode,
            "S3DataDistributionType": s3.s3_data_distribution_type,
            "S3CompressionType": s3.s3_compression_type,
        }
        if s3
        else None,
        "DatasetDefinition": item.dataset_definition,
    }


def _output_wire(item: ProcessingOutputSpec) -> dict[str, Any]:
    s3 = item.s3_output
    return {
        "OutputName": item.output_name,
        "AppManaged": item.app_managed,
        "S3Output": {
            "S3Uri": s3.s3_uri,
            "LocalPath": s3.local_path,
            "S3UploadMode": s3.s3_upload_mode,
        }
        if s3
        else None,
        "FeatureStoreOutput": item.feature_store_output,
    }


def to_summary(job: ProcessingJob) -> ProcessingJobSummary:
    """One ListProcessingJobs entry."""
    return ProcessingJobSummary.model_validate(
        {
            "ProcessingJobName": job.name,
            "ProcessingJobArn": job.arn,
            "ProcessingJobStatus": job.status.value,
            "CreationTime": _utc(job.creation_time),
            "LastModifiedTime": _utc(job.last_modified_time),
            "ProcessingEndTime": _utc(job.processing_end_time),
            "FailureReason": _cap(job.failure_reason),
            "ExitMessage": _cap(job.exit_message),
        }
    )


def _wire(shape: WireShape | None) -> dict[str, Any] | None:
    return shape.model_dump(mode="python", exclude_none=True) if shape is not None else None


def _tuple(items: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(items) if items is not None else None


def _list(items: Sequence[str] | None) -> list[str] | None:
    return list(items) if items is not None else None


def _utc(moment: datetime | None) -> datetime | None:
    """Naive datetimes are UTC; aware ones are kept."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _cap(text: str | None) -> str | None:
    return text[:MAX_MESSAGE_CHARS] if text is not None else None
