"""Rebuilding a monitor object from an existing schedule (the ``attach`` classmethods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from plimsoll.sdk._network import NetworkConfig

if TYPE_CHECKING:
    from plimsoll.sdk.model_monitor._model_monitor import ModelMonitor
    from plimsoll.sdk.session import Session

__all__ = ["attach_inline", "attach_job_definition", "network_config_from_boto"]

_M = TypeVar("_M", bound="ModelMonitor")


def attach_job_definition(
    clazz: type[_M],
    sagemaker_session: Session,
    schedule_desc: dict[str, Any],
    job_desc: dict[str, Any],
    tags: list[dict[str, str]] | None,
) -> _M:
    """A ``clazz`` monitor for a schedule that names a job definition."""
    kind = schedule_desc["MonitoringScheduleConfig"]["MonitoringType"]
    cluster = job_desc["JobResources"]["ClusterConfig"]
    monitor = clazz(
        role=job_desc["RoleArn"],
        instance_count=cluster.get("InstanceCount"),
        instance_type=cluster["InstanceType"],
        volume_size_in_gb=cluster["VolumeSizeInGB"],
        volume_kms_key=cluster.get("VolumeKmsKeyId"),
        output_kms_key=job_desc[f"{kind}JobOutputConfig"].get("KmsKeyId"),
        max_runtime_in_seconds=(job_desc.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"),
        sagemaker_session=sagemaker_session,
        env=job_desc[f"{kind}AppSpecification"].get("Environment"),
        tags=tags,
        network_config=network_config_from_boto(job_desc.get("NetworkConfig")),
    )
    monitor.monitoring_schedule_name = schedule_desc["MonitoringScheduleName"]
    monitor.job_definition_name = schedule_desc["MonitoringScheduleConfig"][
        "MonitoringJobDefinitionName"
    ]
    return monitor


def attach_inline(
    clazz: type[_M], session: Session, desc: dict[str, Any], *, with_image: bool
) -> _M:
    """A ``clazz`` monitor for a schedule with an inline job definition.

    ``with_image`` passes the image and entrypoint (the BYOC base takes them; the built-in
    monitors choose their own image).
    """
    definition = desc["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    cluster = definition["MonitoringResources"]["ClusterConfig"]
    app = definition["MonitoringAppSpecification"]
    kwargs: dict[str, Any] = {}
    if with_image:
        kwargs = {"image_uri": app.get("ImageUri"), "entrypoint": app.get("ContainerEntrypoint")}
    monitor = clazz(
        role=definition["RoleArn"],
        instance_count=cluster.get("InstanceCount"),
        instance_type=cluster["InstanceType"],
        volume_size_in_gb=cluster["VolumeSizeInGB"],
        volume_kms_key=cluster.get("VolumeKmsKeyId"),
        output_kms_key=(definition.get("MonitoringOutputConfig") or {}).get("KmsKeyId"),
        max_runtime_in_seconds=(definition.get("StoppingCondition") or {}).get(
            "MaxRuntimeInSeconds"
        ),
        sagemaker_session=session,
        env=definition.get("Environment"),
        network_config=network_config_from_boto(definition.get("NetworkConfig")),
        **kwargs,
    )
    monitor.monitoring_schedule_name = desc["MonitoringScheduleName"]
    return monitor


def network_config_from_boto(raw: dict[str, Any] | None) -> NetworkConfig | None:
    """The NetworkConfig object of a wire ``NetworkConfig`` (None when absent or empty)."""
    if not raw:
        return None
    vpc = raw.get("VpcConfig") or {}
    return NetworkConfig(
        enable_network_isolation=raw.get("EnableNetworkIsolation", False),
        encrypt_inter_container_traffic=raw.get("EnableInterContainerTrafficEncryption"),
        security_group_ids=vpc.get("SecurityGroupIds"),
        subnets=vpc.get("Subnets"),
    )
