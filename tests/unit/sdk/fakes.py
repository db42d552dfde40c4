"""Fake SageMaker clients for the facade's unit tests (the client protocol, not our code)."""

from __future__ import annotations

import io
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


class HostingClient(RecordingClient):
    """A SageMakerClient that also records the hosting operations, in order.

    ``calls`` holds ``(operation, request)`` pairs. Describe* echo what was created (as
    SageMaker does); DescribeEndpoint reports the next of ``endpoint_statuses`` (the last
    repeats) and ``failure_reason`` when given.
    """

    def __init__(
        self,
        endpoint_statuses: Iterable[str] = ("InService",),
        failure_reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.endpoint_statuses = list(endpoint_statuses)
        self.failure_reason = failure_reason
        self.models: dict[str, dict[str, Any]] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}

    def requests_of(self, operation: str) -> list[dict[str, Any]]:
        return [request for op, request in self.calls if op == operation]

    @property
    def operations(self) -> list[str]:
        return [op for op, _ in self.calls]

    def _record(self, operation: str, request: dict[str, Any]) -> None:
        self.calls.append((operation, request))

    def create_model(self, **kwargs: Any) -> dict[str, Any]:
        self._record("CreateModel", kwargs)
        self.models[kwargs["ModelName"]] = kwargs
        return {"ModelArn": f"arn:aws:sagemaker:us-east-1:000000000000:model/{kwargs['ModelName']}"}

    def describe_model(self, **kwargs: Any) -> dict[str, Any]:
        self._record("DescribeModel", kwargs)
        return dict(self.models[kwargs["ModelName"]])

    def delete_model(self, **kwargs: Any) -> dict[str, Any]:
        self._record("DeleteModel", kwargs)
        self.models.pop(kwargs["ModelName"], None)
        return {}

    def create_endpoint_config(self, **kwargs: Any) -> dict[str, Any]:
        self._record("CreateEndpointConfig", kwargs)
        self.configs[kwargs["EndpointConfigName"]] = kwargs
        name = kwargs["EndpointConfigName"]
        return {"EndpointConfigArn": f"arn:aws:sagemaker:us-east-1:0:endpoint-config/{name}"}

    def describe_endpoint_config(self, **kwargs: Any) -> dict[str, Any]:
        self._record("DescribeEndpointConfig", kwargs)
        name = kwargs["EndpointConfigName"]
        return {
            **self.configs[name],
            "EndpointConfigArn": f"arn:aws:sagemaker:us-east-1:0:endpoint-config/{name}",
        }

    def delete_endpoint_config(self, **kwargs: Any) -> dict[str, Any]:
        self._record("DeleteEndpointConfig", kwargs)
        return {}

    def create_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        self._record("CreateEndpoint", kwargs)
        self.endpoints[kwargs["EndpointName"]] = dict(kwargs)
        name = kwargs["EndpointName"]
        return {"EndpointArn": f"arn:aws:sagemaker:us-east-1:0:endpoint/{name}"}

    def update_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        self._record("UpdateEndpoint", kwargs)
        self.endpoints[kwargs["EndpointName"]]["EndpointConfigName"] = kwargs["EndpointConfigName"]
        return {"EndpointArn": f"arn:aws:sagemaker:us-east-1:0:endpoint/{kwargs['EndpointName']}"}

    def describe_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        self._record("DescribeEndpoint", kwargs)
        name = kwargs["EndpointName"]
        if name not in self.endpoints:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ValidationException",
                        "Message": f'Could not find endpoint "{name}".',
                    }
                },
                "DescribeEndpoint",
            )
        statuses = self.endpoint_statuses
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        desc = {
            "EndpointName": name,
            "EndpointConfigName": self.endpoints[name]["EndpointConfigName"],
            "EndpointStatus": status,
        }
        if self.failure_reason is not None:
            desc["FailureReason"] = self.failure_reason
        return desc

    def delete_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        self._record("DeleteEndpoint", kwargs)
        self.endpoints.pop(kwargs["EndpointName"], None)
        return {}


class RecordingRuntimeClient:
    """A sagemaker-runtime client that keeps each InvokeEndpoint request.

    Answers ``body`` with ``content_type`` (boto3's response shape, ``Body`` a stream).
    """

    def __init__(self, body: bytes = b"", content_type: str | None = "application/json") -> None:
        self.requests: list[dict[str, Any]] = []
        self.body = body
        self.content_type = content_type

    @property
    def request(self) -> dict[str, Any]:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]

    def invoke_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        from botocore.response import StreamingBody

        self.requests.append(kwargs)
        response: dict[str, Any] = {
            "Body": StreamingBody(io.BytesIO(self.body), len(self.body)),
            "InvokedProductionVariant": "AllTraffic",
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
        if self.content_type is not None:
            response["ContentType"] = self.content_type
        return response
