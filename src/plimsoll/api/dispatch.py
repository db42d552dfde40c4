"""Routes an operation name (``CreateProcessingJob``, ...) to its handler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plimsoll.api.handlers import endpoints as endpoint_handlers
from plimsoll.api.handlers import monitoring as monitoring_handlers
from plimsoll.api.handlers import processing as processing_handlers
from plimsoll.api.handlers.processing import Handler
from plimsoll.errors import UnknownOperation
from plimsoll.services.endpoints import EndpointService
from plimsoll.services.monitoring import MonitoringService
from plimsoll.services.processing import ProcessingService


class Dispatcher:
    """The SageMaker operations Plimsoll supports, each bound to its service.

    Args:
        processing: Serves the processing-job operations.
        endpoints: Serves the model, endpoint-config and endpoint operations; without it
            those operations are unknown.
        monitoring: Serves the Model Monitor operations (job definitions, schedules,
            executions); likewise optional.
    """

    def __init__(
        self,
        *,
        processing: ProcessingService,
        endpoints: EndpointService | None = None,
        monitoring: MonitoringService | None = None,
    ) -> None:
        self._handlers: dict[str, Handler] = {**processing_handlers.routes(processing)}
        if endpoints is not None:
            self._handlers.update(endpoint_handlers.routes(endpoints))
        if monitoring is not None:
            self._handlers.update(monitoring_handlers.routes(monitoring))

    @property
    def operations(self) -> frozenset[str]:
        """Names of the supported operations, as in ``X-Amz-Target: SageMaker.<name>``."""
        return frozenset(self._handlers)

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Runs one operation.

        Args:
            operation: The operation name, e.g. ``"CreateProcessingJob"``.
            params: The request, as boto3 takes it (PascalCase keys).

        Returns:
            The response as a plain dict (timestamps as ``datetime``), ``{}`` when the
            operation has no output.

        Raises:
            UnknownOperation: an operation Plimsoll does not serve.
            ValidationError: an invalid request.
            PlimsollError: whatever the service raises (ResourceNotFound, ResourceInUse...).
        """
        handler = self._handlers.get(operation)
        if handler is None:
            supported = ", ".join(sorted(self._handlers))
            raise UnknownOperation(f"Unknown operation {operation!r}; supported: {supported}")
        response = handler(params)
        if response is None:
            return {}
        return response.model_dump(mode="python", exclude_none=True)
