"""Models, endpoint configs and endpoints: the control plane of real-time serving.

SKELETON (the lead is writing it); the method signatures are the contract.
"""

from __future__ import annotations

from plimsoll.metadata.serving_entities import (
    CaptureState,
    ContainerSpec,
    DataCaptureSpec,
    EndpointConfigRecord,
    EndpointRecord,
    ModelRecord,
    ResourceQuery,
    VariantSpec,
)


class EndpointService:
    """Every method raises plimsoll.errors only (ValidationError, ResourceNotFound,
    ResourceInUse). Endpoint creation and updates run in the background."""

    # models
    def create_model(
        self,
        *,
        name: str,
        container: ContainerSpec,
        execution_role_arn: str | None,
        tags: tuple[dict[str, str], ...] = (),
    ) -> ModelRecord:
        raise NotImplementedError

    def describe_model(self, name: str) -> ModelRecord:
        raise NotImplementedError

    def delete_model(self, name: str) -> None:
        raise NotImplementedError

    def list_models(self, query: ResourceQuery) -> tuple[list[ModelRecord], str | None]:
        raise NotImplementedError

    # endpoint configs
    def create_endpoint_config(
        self,
        *,
        name: str,
        variants: tuple[VariantSpec, ...],
        data_capture: DataCaptureSpec | None,
        kms_key_id: str | None = None,
        tags: tuple[dict[str, str], ...] = (),
    ) -> EndpointConfigRecord:
        """Validates (models exist, variant names unique, capture URI/sampling) and stores."""
        raise NotImplementedError

    def describe_endpoint_config(self, name: str) -> EndpointConfigRecord:
        raise NotImplementedError

    def delete_endpoint_config(self, name: str) -> None:
        raise NotImplementedError

    def list_endpoint_configs(
        self, query: ResourceQuery
    ) -> tuple[list[EndpointConfigRecord], str | None]:
        raise NotImplementedError

    # endpoints
    def create_endpoint(
        self, *, name: str, config_name: str, tags: tuple[dict[str, str], ...] = ()
    ) -> EndpointRecord:
        """Records the endpoint Creating and starts its instances in the background."""
        raise NotImplementedError

    def describe_endpoint(self, name: str) -> tuple[EndpointRecord, CaptureState | None]:
        """The endpoint and, when its config has DataCaptureConfig, the capture summary."""
        raise NotImplementedError

    def update_endpoint(self, *, name: str, config_name: str) -> EndpointRecord:
        """Switches to a new config without dropping requests (Updating -> InService)."""
        raise NotImplementedError

    def update_endpoint_weights_and_capacities(
        self, *, name: str, desired: tuple[tuple[str, float | None, int | None], ...]
    ) -> EndpointRecord:
        """(variant name, desired weight or None, desired instance count or None) each."""
        raise NotImplementedError

    def delete_endpoint(self, name: str) -> None:
        raise NotImplementedError

    def list_endpoints(self, query: ResourceQuery) -> tuple[list[EndpointRecord], str | None]:
        raise NotImplementedError

    def close(self) -> None:
        """Stops every instance this service started, flushing capture."""
