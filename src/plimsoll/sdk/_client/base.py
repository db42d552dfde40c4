"""The client seam: what the facade calls, with boto3's method names and dict shapes.

Three implementations satisfy it: the in-process client (the embedded default), the HTTP
client to ``plimsoll server``, and a real ``boto3.client("sagemaker", endpoint_url=...)``.
Errors surface as ``botocore.exceptions.ClientError`` with SageMaker's ``Error.Code``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class SageMakerClient(Protocol):
    def create_processing_job(self, **kwargs: Any) -> dict[str, Any]: ...

    def describe_processing_job(self, **kwargs: Any) -> dict[str, Any]: ...

    def list_processing_jobs(self, **kwargs: Any) -> dict[str, Any]: ...

    def stop_processing_job(self, **kwargs: Any) -> dict[str, Any]: ...


@runtime_checkable
class LogReader(Protocol):
    """Plimsoll's extension: read a job host's log. Real boto3 has no such method."""

    def read_processing_job_log(
        self, job_name: str, host: str, offset: int = 0
    ) -> tuple[bytes, int]:
        """Bytes of ``host``'s log from ``offset`` and the offset to read from next."""
        ...

    def list_processing_job_log_hosts(self, job_name: str) -> list[str]:
        """Hosts that have a log, algo-1 first."""
        ...
