"""Serving request dicts shared by the API unit tests (as the SageMaker SDK v2 sends them)."""

from __future__ import annotations

from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"


def create_model_request(**overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "ModelName": "iris-model",
        "ExecutionRoleArn": ROLE,
        "PrimaryContainer": {
            "Image": IMAGE,
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py", "EMPTY": ""},
            "ModelDataUrl": "s3://bucket/models/model.tar.gz",
        },
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    request.update(overrides)
    return request


def variant(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ModelName": "iris-model",
        "VariantName": "AllTraffic",
        "InitialVariantWeight": 1,
        "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.xlarge",
    }
    item.update(overrides)
    return item


def data_capture(**overrides: Any) -> dict[str, Any]:
    """DataCaptureConfig as ``sagemaker.model_monitor.DataCaptureConfig`` builds it."""
    config: dict[str, Any] = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 20,
        "DestinationS3Uri": "s3://bucket/model-monitor/data-capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {
            "CsvContentTypes": ["text/csv"],
            "JsonContentTypes": ["application/json"],
        },
    }
    config.update(overrides)
    return config


def create_endpoint_config_request(**overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "EndpointConfigName": "iris-config",
        "ProductionVariants": [variant()],
        "DataCaptureConfig": data_capture(),
        "KmsKeyId": "alias/volume",
        "Tags": [{"Key": "stage", "Value": "dev"}],
    }
    request.update(overrides)
    return request
