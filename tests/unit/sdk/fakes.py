"""Fake SageMaker clients for the facade's unit tests (the client protocol, not our code)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class RecordingClient:
    """A SageMakerClient that keeps each CreateProcessingJob request and scripts statuses.

    DescribeProcessingJob echoes the request (as SageMaker does) with the next status of
    ``statuses`` (the last one repeats).
    """

    def __init__(self, statuses: Iterable[str] = ("Completed",), **describe_extra: Any) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses = list(statuses)
        self.describe_extra = describe_extra
        self.stopped: list[str] = []

    @property
    def request(self) -> dict[str, Any]:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]

    def create_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        name = kwargs["ProcessingJobName"]
        return {
            "ProcessingJobArn": f"arn:aws:sagemaker:us-east-1:000000000000:processing-job/{name}"
        }

    def describe_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        name = kwargs["ProcessingJobName"]
        request = next(r for r in self.requests if r["ProcessingJobName"] == name)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {
            **request,
            "ProcessingJobArn": f"arn:aws:sagemaker:us-east-1:000000000000:processing-job/{name}",
            "ProcessingJobStatus": status,
            **self.describe_extra,
        }

    def list_processing_jobs(self, **kwargs: Any) -> dict[str, Any]:
        return {"ProcessingJobSummaries": []}

    def stop_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        self.stopped.append(kwargs["ProcessingJobName"])
        return {}


class LoggingClient(RecordingClient):
    """A RecordingClient that also serves Plimsoll's LogReader extension.

    ``chunks[host]`` is the list of byte chunks that host writes; one more chunk of each
    host becomes readable at every DescribeProcessingJob call.
    """

    def __init__(self, chunks: dict[str, list[bytes]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.chunks = chunks
        self.visible = 0

    def describe_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        self.visible += 1
        return super().describe_processing_job(**kwargs)

    def list_processing_job_log_hosts(self, job_name: str) -> list[str]:
        return sorted(self.chunks)

    def read_processing_job_log(
        self, job_name: str, host: str, offset: int = 0
    ) -> tuple[bytes, int]:
        data = b"".join(self.chunks[host][: self.visible])
        return data[offset:], len(data)
