"""The in-process client: boto3's SageMaker method names over the wired API, no HTTP."""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from plimsoll.sdk._client._errors import client_errors
from plimsoll.sdk._client._operations import BotoOperations

if TYPE_CHECKING:
    from plimsoll.api.wiring import Api


class InProcessClient(BotoOperations):
    """Calls the API in this process, answering as boto3 does (plain dicts, ``ClientError``).

    Responses are fresh dicts whose timestamps are timezone-aware ``datetime`` objects, with
    a ``ResponseMetadata`` entry like boto3's.
    """

    def __init__(self, api: Api) -> None:
        self._api = api

    def read_processing_job_log(
        self, job_name: str, host: str, offset: int = 0
    ) -> tuple[bytes, int]:
        """Bytes of ``host``'s log from ``offset`` and the offset to read from next."""
        with client_errors("ReadProcessingJobLog"):
            chunk = self._api.processing.read_log(job_name, host, offset)
        return chunk.data, chunk.next_offset

    def list_processing_job_log_hosts(self, job_name: str) -> list[str]:
        """Hosts of the job that have a log, algo-1 first."""
        with client_errors("ListProcessingJobLogHosts"):
            return list(self._api.processing.log_hosts(job_name))

    def close(self) -> None:
        """Closes the API behind this client (stops its background work)."""
        self._api.close()

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        with client_errors(operation):
            response = copy.deepcopy(self._api.dispatcher.call(operation, params))
        response["ResponseMetadata"] = {
            "RequestId": str(uuid.uuid4()),
            "HTTPStatusCode": 200,
            "HTTPHeaders": {},
            "RetryAttempts": 0,
        }
        return response
