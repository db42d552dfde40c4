"""``/opt/ml/config/processingjobconfig.json``: the job description every host can read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # compat reads the spec's attributes; it does not depend on metadata
    from plimsoll.metadata.entities import ProcessingJobSpec


def processing_job_config(spec: ProcessingJobSpec, *, arn: str) -> dict[str, Any]:
    """The documented shape (same on every host); unset optional values are ``null``."""
    inputs = []
    for item in spec.inputs:
        entry: dict[str, Any] = {"InputName": item.input_name}
        if item.app_managed:
            entry["AppManaged"] = True
        if item.s3_input is not None:
            s3 = item.s3_input
            entry["S3Input"] = {
                "LocalPath": s3.local_path,
                "S3Uri": s3.s3_uri,
                "S3DataDistributionType": s3.s3_data_distribution_type,
                "S3DataType": s3.s3_data_type,
                "S3InputMode": s3.s3_input_mode,
                "S3CompressionType": s3.s3_compression_type,
                "S3DownloadMode": "StartOfJob",
            }
        inputs.append(entry)
    outputs = []
    for out in spec.outputs:
        o: dict[str, Any] = {"OutputName": out.output_name}
        if out.app_managed:
            o["AppManaged"] = True
        if out.s3_output is not None:
            o["S3Output"] = {
                "LocalPath": out.s3_output.local_path,
                "S3Uri": out.s3_output.s3_uri,
                "S3UploadMode": out.s3_output.s3_upload_mode,
            }
        outputs.append(o)
    config: dict[str, Any] = {
        "ProcessingJobArn": arn,
        "ProcessingJobName": spec.name,
        "AppSpecification": {
            "ImageUri": spec.image_uri,
            "ContainerEntrypoint": list(spec.container_entrypoint)
            if spec.container_entrypoint is not None
            else None,
            "ContainerArguments": list(spec.container_arguments)
            if spec.container_arguments is not None
            else None,
        },
        "Environment": dict(spec.environment),
        "ProcessingInputs": inputs,
        "ProcessingOutputConfig": {"Outputs": outputs, "KmsKeyId": spec.output_kms_key_id},
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": spec.cluster.instance_count,
                "InstanceType": spec.cluster.instance_type,
                "VolumeSizeInGB": spec.cluster.volume_size_in_gb,
                "VolumeKmsKeyId": spec.cluster.volume_kms_key_id,
            }
        },
        "RoleArn": spec.role_arn,
        "StoppingCondition": {"MaxRuntimeInSeconds": spec.max_runtime_in_seconds},
    }
    if spec.network_config is not None:
        config["NetworkConfig"] = dict(spec.network_config)
    return config
