"""The serving part of the metadata store contract: models, endpoint configs, endpoints."""

from __future__ import annotations

import abc

from plimsoll.metadata.serving_entities import (
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    ModelRecord,
    ResourceQuery,
)


class ServingStore(abc.ABC):
    """Records of models, endpoint configs and endpoints. Thread-safe.

    Raises ``ResourceInUse`` for a taken name ("Cannot create already existing model
    \\"arn...\\"" style messages naming the resource), ``ResourceNotFound`` for unknown names
    (message naming kind and name, e.g. "Could not find endpoint \\"x\\"." — SageMaker uses
    ValidationException for unknown models/configs/endpoints on Describe; the API layer
    decides the wire code), ``ValidationError`` for a bad next_token.
    """

    @abc.abstractmethod
    def create_model(self, model: ModelRecord) -> None: ...

    @abc.abstractmethod
    def get_model(self, name: str) -> ModelRecord: ...

    @abc.abstractmethod
    def delete_model(self, name: str) -> None: ...

    @abc.abstractmethod
    def list_models(self, query: ResourceQuery) -> tuple[list[ModelRecord], str | None]: ...

    @abc.abstractmethod
    def create_endpoint_config(self, config: EndpointConfigRecord) -> None: ...

    @abc.abstractmethod
    def get_endpoint_config(self, name: str) -> EndpointConfigRecord: ...

    @abc.abstractmethod
    def delete_endpoint_config(self, name: str) -> None: ...

    @abc.abstractmethod
    def list_endpoint_configs(
        self, query: ResourceQuery
    ) -> tuple[list[EndpointConfigRecord], str | None]: ...

    @abc.abstractmethod
    def create_endpoint(self, endpoint: EndpointRecord) -> None: ...

    @abc.abstractmethod
    def get_endpoint(self, name: str) -> EndpointRecord: ...

    @abc.abstractmethod
    def delete_endpoint(self, name: str) -> None: ...

    @abc.abstractmethod
    def list_endpoints(self, query: ResourceQuery) -> tuple[list[EndpointRecord], str | None]: ...

    @abc.abstractmethod
    def save_endpoint(
        self, endpoint: EndpointRecord, *, expected_status: tuple[EndpointStatus, ...] | None = None
    ) -> EndpointRecord | None:
        """Replaces the stored endpoint with ``endpoint`` (same name).

        With ``expected_status``, only if the stored status is one of them (compare-and-set);
        returns None when it was not. Raises ``ResourceNotFound`` for an unknown name.
        """
