"""The SageMaker operations every Plimsoll client offers, under boto3's method names."""

from __future__ import annotations

import abc
from typing import Any


class BotoOperations(abc.ABC):
    """boto3-named methods over one ``_call(operation, params)``: add an operation here once."""

    @abc.abstractmethod
    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Performs ``operation`` (e.g. ``CreateProcessingJob``) and returns boto's dict."""

    def create_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateProcessingJob", kwargs)

    def describe_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeProcessingJob", kwargs)

    def list_processing_jobs(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListProcessingJobs", kwargs)

    def stop_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("StopProcessingJob", kwargs)
