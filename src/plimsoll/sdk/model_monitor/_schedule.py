"""The schedule requests of the facade: the legacy inline form and the ScheduleConfig part.

``ModelMonitor`` (bring your own container) sends CreateMonitoringSchedule with an inline
``MonitoringJobDefinition``, built as the SDK's ``Session.create_monitoring_schedule`` /
``update_monitoring_schedule`` build it. The job-definition monitors send only a name, a
type and a ``ScheduleConfig``.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any

__all__ = [
    "InlineJob",
    "build_inline_create_request",
    "build_inline_update_request",
    "check_one_time_window",
    "schedule_config",
]

logger = logging.getLogger(__name__)

ONE_TIME_SCHEDULE = "NOW"
_ONE_TIME_WINDOW_REQUIRED = (
    "Both data_analysis_start_time and data_analysis_end_time are required "
    "for one time monitoring schedule "
)


def check_one_time_window(
    expression: str | None, start_time: str | None, end_time: str | None
) -> None:
    """Raises the SDK's ``ValueError`` for a ``NOW`` schedule without its analysis window."""
    if expression == ONE_TIME_SCHEDULE and (start_time is None or end_time is None):
        logger.error(_ONE_TIME_WINDOW_REQUIRED)
        raise ValueError(_ONE_TIME_WINDOW_REQUIRED)


def schedule_config(
    expression: str | None, start_time: str | None, end_time: str | None
) -> dict[str, Any] | None:
    """``ScheduleConfig`` for ``expression`` (None without one: the service picks daily)."""
    if expression is None:
        return None
    config: dict[str, Any] = {"ScheduleExpression": expression}
    if start_time is not None:
        config["DataAnalysisStartTime"] = start_time
    if end_time is not None:
        config["DataAnalysisEndTime"] = end_time
    return config


@dataclass(frozen=True, slots=True, kw_only=True)
class InlineJob:
    """What a BYOC monitor puts into an inline ``MonitoringJobDefinition``.

    ``None`` means "not given": left out of a create request, kept from the existing
    schedule in an update request.
    """

    monitoring_inputs: list[dict[str, Any]] | None = None
    monitoring_output_config: dict[str, Any] | None = None
    statistics_s3_uri: str | None = None
    constraints_s3_uri: str | None = None
    instance_count: int | None = None
    instance_type: str | None = None
    volume_size_in_gb: int | None = None
    volume_kms_key: str | None = None
    image_uri: str | None = None
    entrypoint: list[str] | None = None
    arguments: list[str] | None = None
    record_preprocessor_source_uri: str | None = None
    post_analytics_processor_source_uri: str | None = None
    max_runtime_in_seconds: int | None = None
    environment: dict[str, str] | None = None
    network_config: dict[str, Any] | None = None
    role_arn: str | None = None


def build_inline_create_request(
    name: str,
    job: InlineJob,
    *,
    expression: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The CreateMonitoringSchedule request of ``ModelMonitor.create_monitoring_schedule``."""
    definition: dict[str, Any] = {
        "MonitoringInputs": job.monitoring_inputs,
        "MonitoringResources": {
            "ClusterConfig": {
                "InstanceCount": job.instance_count,
                "InstanceType": job.instance_type,
                "VolumeSizeInGB": job.volume_size_in_gb,
            }
        },
        "MonitoringAppSpecification": {"ImageUri": job.image_uri},
        "RoleArn": job.role_arn,
    }
    _fill_optional(definition, job)
    config: dict[str, Any] = {"MonitoringJobDefinition": definition}
    found = schedule_config(expression, start_time, end_time)
    if found is not None:
        config["ScheduleConfig"] = found
    request: dict[str, Any] = {"MonitoringScheduleName": name, "MonitoringScheduleConfig": config}
    if tags is not None:
        request["Tags"] = tags
    return request


def build_inline_update_request(
    existing: dict[str, Any],
    job: InlineJob,
    *,
    expression: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
) -> dict[str, Any]:
    """The UpdateMonitoringSchedule request: ``job``'s values over the existing schedule's.

    Args:
        existing: The DescribeMonitoringSchedule response of the schedule.
        job: The values to change (``None`` keeps the existing value).
        expression: A new schedule expression.
        start_time: A new analysis window start (one-time schedules).
        end_time: A new analysis window end.

    Raises:
        ValueError: The resulting schedule is ``NOW`` without both window ends.
    """
    old_config = existing.get("MonitoringScheduleConfig") or {}
    old_schedule = old_config.get("ScheduleConfig") or {}
    old_definition = copy.deepcopy(old_config.get("MonitoringJobDefinition") or {})
    expression = expression or old_schedule.get("ScheduleExpression")
    start_time = start_time or old_schedule.get("DataAnalysisStartTime")
    end_time = end_time or old_schedule.get("DataAnalysisEndTime")
    check_one_time_window(expression, start_time, end_time)

    old_app = old_definition.get("MonitoringAppSpecification") or {}
    old_cluster = (old_definition.get("MonitoringResources") or {}).get("ClusterConfig") or {}
    old_baseline = old_definition.get("BaselineConfig") or {}
    merged = InlineJob(
        monitoring_inputs=job.monitoring_inputs or old_definition.get("MonitoringInputs"),
        monitoring_output_config=job.monitoring_output_config
        or old_definition.get("MonitoringOutputConfig"),
        statistics_s3_uri=job.statistics_s3_uri
        or (old_baseline.get("StatisticsResource") or {}).get("S3Uri"),
        constraints_s3_uri=job.constraints_s3_uri
        or (old_baseline.get("ConstraintsResource") or {}).get("S3Uri"),
        instance_count=job.instance_count or old_cluster.get("InstanceCount"),
        instance_type=job.instance_type or old_cluster.get("InstanceType"),
        volume_size_in_gb=job.volume_size_in_gb or old_cluster.get("VolumeSizeInGB"),
        volume_kms_key=job.volume_kms_key or old_cluster.get("VolumeKmsKeyId"),
        image_uri=job.image_uri or old_app.get("ImageUri"),
        entrypoint=job.entrypoint or old_app.get("ContainerEntrypoint"),
        arguments=job.arguments or old_app.get("ContainerArguments"),
        record_preprocessor_source_uri=job.record_preprocessor_source_uri
        or old_app.get("RecordPreprocessorSourceUri"),
        post_analytics_processor_source_uri=job.post_analytics_processor_source_uri
        or old_app.get("PostAnalyticsProcessorSourceUri"),
        max_runtime_in_seconds=job.max_runtime_in_seconds
        or (old_definition.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"),
        environment=job.environment or old_definition.get("Environment"),
        network_config=job.network_config or old_definition.get("NetworkConfig"),
        role_arn=job.role_arn or old_definition.get("RoleArn"),
    )
    # The SDK keeps the old expression only when the schedule had one.
    if not old_schedule.get("ScheduleExpression"):
        expression = start_time = end_time = None
    request = build_inline_create_request(
        existing["MonitoringScheduleName"],
        merged,
        expression=expression,
        start_time=start_time,
        end_time=end_time,
    )
    return request


def _fill_optional(definition: dict[str, Any], job: InlineJob) -> None:
    """Adds the keys the SDK sends only when they have a value."""
    if job.monitoring_output_config is not None:
        definition["MonitoringOutputConfig"] = job.monitoring_output_config
    baseline: dict[str, Any] = {}
    if job.statistics_s3_uri is not None:
        baseline["StatisticsResource"] = {"S3Uri": job.statistics_s3_uri}
    if job.constraints_s3_uri is not None:
        baseline["ConstraintsResource"] = {"S3Uri": job.constraints_s3_uri}
    if baseline:
        definition["BaselineConfig"] = baseline
    app = definition["MonitoringAppSpecification"]
    for key, value in (
        ("RecordPreprocessorSourceUri", job.record_preprocessor_source_uri),
        ("PostAnalyticsProcessorSourceUri", job.post_analytics_processor_source_uri),
        ("ContainerEntrypoint", job.entrypoint),
        ("ContainerArguments", job.arguments),
    ):
        if value is not None:
            app[key] = value
    if job.volume_kms_key is not None:
        definition["MonitoringResources"]["ClusterConfig"]["VolumeKmsKeyId"] = job.volume_kms_key
    if job.max_runtime_in_seconds is not None:
        definition["StoppingCondition"] = {"MaxRuntimeInSeconds": job.max_runtime_in_seconds}
    if job.environment is not None:
        definition["Environment"] = job.environment
    if job.network_config is not None:
        definition["NetworkConfig"] = job.network_config
