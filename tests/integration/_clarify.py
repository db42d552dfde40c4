"""Shared setup of the Clarify image tests: models and endpoints on the session server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.integration._models import model_tar, wait_in_service


def unique(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:6]}"


def create_model(boto: Any, folder: Path, name: str, code: str) -> None:
    """An sklearn-image model whose ``inference.py`` is ``code``."""
    tar = model_tar(folder / name, code=code)
    boto.create_model(
        ModelName=name,
        PrimaryContainer={
            "Image": "sklearn",
            "ModelDataUrl": str(tar),
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
        },
        ExecutionRoleArn="arn:aws:iam::000000000000:role/test",
    )


@contextmanager
def serving(boto: Any, model: str, endpoint: str) -> Iterator[str]:
    """A one-instance endpoint of ``model``, InService, deleted afterwards."""
    boto.create_endpoint_config(
        EndpointConfigName=endpoint,
        ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": model,
                             "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
    )  # fmt: skip
    boto.create_endpoint(EndpointName=endpoint, EndpointConfigName=endpoint)
    found = wait_in_service(lambda n: boto.describe_endpoint(EndpointName=n), endpoint)
    assert found["EndpointStatus"] == "InService", found.get("FailureReason")
    try:
        yield endpoint
    finally:
        boto.delete_endpoint(EndpointName=endpoint)
