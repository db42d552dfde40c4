"""Request dicts shared by the API unit tests."""

from __future__ import annotations

from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def create_request(**overrides: Any) -> dict[str, Any]:
    """A complete, valid CreateProcessingJob request (every optional field set)."""
    request: dict[str, Any] = {
        "ProcessingJobName": "my-job-1",
        "ProcessingInputs": [
            {
                "InputName": "data",
                "AppManaged": False,
                "S3Input": {
                    "S3Uri": "s3://bucket/prefix/data",
                    "LocalPath": "/opt/ml/processing/input/data",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                    "S3DataDistributionType": "ShardedByS3Key",
                    "S3CompressionType": "None",
                },
            },
            {
                "InputName": "code",
                "AppManaged": False,
                "S3Input": {
                    "S3Uri": "file:///tmp/code",
                    "LocalPath": "/opt/ml/processing/input/code",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                    "S3DataDistributionType": "FullyReplicated",
                    "S3CompressionType": "None",
                },
            },
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "out",
                    "AppManaged": False,
                    "S3Output": {
                        "S3Uri": "/abs/output",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "Continuous",
                    },
                }
            ],
            "KmsKeyId": "alias/my-key",
        },
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 2,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 30,
                "VolumeKmsKeyId": "vol-key",
            }
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "AppSpecification": {
            "ImageUri": "python:3.11",
            "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/run.py"],
            "ContainerArguments": ["--alpha", "1"],
        },
        "Environment": {"MODE": "test", "_X1": ""},
        "NetworkConfig": {
            "EnableInterContainerTrafficEncryption": True,
            "EnableNetworkIsolation": False,
            "VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]},
        },
        "RoleArn": ROLE,
        "Tags": [{"Key": "team", "Value": "ml"}],
        "ExperimentConfig": {"ExperimentName": "exp", "TrialName": "trial"},
    }
    request.update(overrides)
    return request


def minimal_request(**overrides: Any) -> dict[str, Any]:
    """The smallest valid CreateProcessingJob request."""
    request: dict[str, Any] = {
        "ProcessingJobName": "small",
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.t3.medium",
                "VolumeSizeInGB": 1,
            }
        },
        "AppSpecification": {"ImageUri": "python:3.11"},
        "RoleArn": ROLE,
    }
    request.update(overrides)
    return request
