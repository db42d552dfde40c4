"""Helpers for tests that run real jobs through the ProcessingService."""

from __future__ import annotations

import time
from collections.abc import Sequence

from plimsoll.metadata.entities import (
    ClusterSpec,
    JobStatus,
    ProcessingInputSpec,
    ProcessingJob,
    ProcessingJobSpec,
    ProcessingOutputSpec,
    S3InputSpec,
    S3OutputSpec,
)
from plimsoll.services.processing import ProcessingService

_counter = iter(range(10**6))


def unique_name(prefix: str = "job") -> str:
    return f"{prefix}-{next(_counter)}-{time.monotonic_ns() % 10**9}"


def python_job(
    code: str,
    *,
    name: str | None = None,
    hosts: int = 1,
    inputs: Sequence[ProcessingInputSpec] = (),
    outputs: Sequence[ProcessingOutputSpec] = (),
    environment: dict[str, str] | None = None,
    max_runtime: int = 86400,
    volume_gb: int = 30,
    arguments: Sequence[str] | None = None,
) -> ProcessingJobSpec:
    """A job running ``python3 -c code`` on ``hosts`` hosts."""
    return ProcessingJobSpec(
        name=name or unique_name(),
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri="python:3.11",
        cluster=ClusterSpec(
            instance_count=hosts, instance_type="ml.m5.xlarge", volume_size_in_gb=volume_gb
        ),
        container_entrypoint=("python3", "-c", code),
        container_arguments=tuple(arguments) if arguments is not None else None,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        environment=environment or {},
        max_runtime_in_seconds=max_runtime,
    )


def s3_input(name: str, uri: str, local: str, **kw: str) -> ProcessingInputSpec:
    return ProcessingInputSpec(
        input_name=name, s3_input=S3InputSpec(s3_uri=uri, local_path=local, **kw)
    )


def s3_output(name: str, local: str, uri: str, mode: str = "EndOfJob") -> ProcessingOutputSpec:
    return ProcessingOutputSpec(
        output_name=name, s3_output=S3OutputSpec(s3_uri=uri, local_path=local, s3_upload_mode=mode)
    )


def wait_for(service: ProcessingService, name: str, timeout: float = 60) -> ProcessingJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = service.describe_processing_job(name)
        if job.status.terminal:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {name} did not finish in {timeout}s: {job.status}")


def wait_status(
    service: ProcessingService, name: str, status: JobStatus, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.describe_processing_job(name).status is status:
            return
        time.sleep(0.05)
    raise AssertionError(f"job {name} never reached {status}")


def wait_log(
    service: ProcessingService, name: str, text: bytes, host: str = "algo-1", timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in service.read_log(name, host).data:
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in the log of {name}/{host}")
