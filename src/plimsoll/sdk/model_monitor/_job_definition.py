"""The Create<Type>JobDefinition request of the job-definition monitors (data quality ...).

One builder for every monitoring type: the keys are ``<Type>AppSpecification``,
``<Type>BaselineConfig``, ``<Type>JobInput`` and ``<Type>JobOutputConfig``, as in the SDK's
``_build_create_data_quality_job_definition_request``. Given an existing definition's
description, the new request starts from it and overrides what is given (an update).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

__all__ = ["JobDefinitionSpec", "build_job_definition_request", "env_map"]

_CLOUDWATCH = {True: "Enabled", False: "Disabled"}


def env_map(
    env: dict[str, str] | None,
    *,
    output_path: str | None = None,
    enable_cloudwatch_metrics: bool | None = None,
) -> dict[str, str]:
    """The job environment: ``env`` plus the analyzer settings that were given."""
    result = dict(env or {})
    if output_path is not None:
        result["output_path"] = output_path
    if enable_cloudwatch_metrics is not None:
        result["publish_cloudwatch_metrics"] = _CLOUDWATCH[enable_cloudwatch_metrics]
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class JobDefinitionSpec:
    """The values of one Create<Type>JobDefinition request; None means "not given"."""

    monitoring_type: str
    job_definition_name: str
    image_uri: str
    role_arn: str
    job_input: dict[str, Any] | None = None
    monitoring_output: dict[str, Any] | None = None
    record_preprocessor_source_uri: str | None = None
    post_analytics_processor_source_uri: str | None = None
    environment: dict[str, str] | None = None
    statistics_s3_uri: str | None = None
    constraints_s3_uri: str | None = None
    baselining_job_name: str | None = None
    instance_count: int | None = None
    instance_type: str | None = None
    volume_size_in_gb: int | None = None
    volume_kms_key: str | None = None
    output_kms_key: str | None = None
    max_runtime_in_seconds: int | None = None
    network_config: dict[str, Any] | None = None
    tags: list[dict[str, str]] | None = None


def build_job_definition_request(
    spec: JobDefinitionSpec, existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The request dict; ``existing`` is a Describe<Type>JobDefinition response to start from.

    Returns:
        Keyword arguments for ``create_<type>_job_definition``.
    """
    kind = spec.monitoring_type
    old = copy.deepcopy(existing or {})
    app: dict[str, Any] = old.get(f"{kind}AppSpecification", {})
    baseline: dict[str, Any] = old.get(f"{kind}BaselineConfig", {})
    job_input: dict[str, Any] = old.get(f"{kind}JobInput", {})
    job_output: dict[str, Any] = old.get(f"{kind}JobOutputConfig", {})
    cluster: dict[str, Any] = old.get("JobResources", {}).get("ClusterConfig", {})
    stopping: dict[str, Any] = old.get("StoppingCondition", {})

    app["ImageUri"] = spec.image_uri
    if spec.post_analytics_processor_source_uri:
        app["PostAnalyticsProcessorSourceUri"] = spec.post_analytics_processor_source_uri
    if spec.record_preprocessor_source_uri:
        app["RecordPreprocessorSourceUri"] = spec.record_preprocessor_source_uri
    if spec.environment:
        app["Environment"] = spec.environment

    if spec.constraints_s3_uri is not None:
        baseline["ConstraintsResource"] = {"S3Uri": spec.constraints_s3_uri}
    if spec.statistics_s3_uri is not None:
        baseline["StatisticsResource"] = {"S3Uri": spec.statistics_s3_uri}
    if spec.baselining_job_name:
        baseline["BaseliningJobName"] = spec.baselining_job_name

    if spec.job_input is not None:
        job_input = spec.job_input
    if spec.monitoring_output is not None:
        job_output["MonitoringOutputs"] = [spec.monitoring_output]
    if spec.output_kms_key is not None:
        job_output["KmsKeyId"] = spec.output_kms_key

    for key, value in (
        ("InstanceCount", spec.instance_count),
        ("InstanceType", spec.instance_type),
        ("VolumeSizeInGB", spec.volume_size_in_gb),
        ("VolumeKmsKeyId", spec.volume_kms_key),
    ):
        if value is not None:
            cluster[key] = value
    if spec.max_runtime_in_seconds is not None:
        stopping["MaxRuntimeInSeconds"] = spec.max_runtime_in_seconds

    request: dict[str, Any] = {
        "JobDefinitionName": spec.job_definition_name,
        f"{kind}AppSpecification": app,
        f"{kind}JobInput": job_input,
        f"{kind}JobOutputConfig": job_output,
        "JobResources": {"ClusterConfig": cluster},
        "RoleArn": spec.role_arn,
    }
    if baseline:
        request[f"{kind}BaselineConfig"] = baseline
    network = spec.network_config if spec.network_config is not None else old.get("NetworkConfig")
    if network is not None:
        request["NetworkConfig"] = network
    if stopping:
        request["StoppingCondition"] = stopping
    if spec.tags is not None:
        request["Tags"] = spec.tags
    return request
