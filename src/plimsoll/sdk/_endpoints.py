"""The hosting half of ``Session``: models, endpoint configs and endpoints, as the SDK sends them.

A mixin so that ``session.py`` stays about clients and storage; each method mirrors the
``sagemaker.session.Session`` method of the same name and builds the same request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from plimsoll.sdk._client.base import SageMakerClient
from plimsoll.sdk._hosting import ENDPOINT_POLL_SECONDS, production_variant, wait_for_endpoint

logger = logging.getLogger(__name__)

Tags = Mapping[str, str] | Sequence[Mapping[str, str]] | None


def format_tags(tags: Tags) -> list[dict[str, str]] | None:
    """Tags as the API's list of ``{"Key", "Value"}`` (a dict is converted, as in the SDK)."""
    if tags is None:
        return None
    if isinstance(tags, Mapping):
        return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()]
    return [dict(tag) for tag in tags]


def _not_found(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    code = exc.response.get("Error", {}).get("Code")
    return code == "ResourceNotFound" or (
        code == "ValidationException" and "Could not find" in str(exc)
    )


class EndpointOperations:
    """Session methods for real-time hosting (mixed into :class:`~plimsoll.session.Session`)."""

    sagemaker_client: SageMakerClient  # provided by Session

    def expand_role(self, role: str | None) -> str:
        raise NotImplementedError  # pragma: no cover - Session implements it

    # --- models ---------------------------------------------------------------------------

    def create_model(
        self,
        name: str,
        role: str | None = None,
        container_defs: dict[str, Any] | list[dict[str, Any]] | None = None,
        vpc_config: dict[str, list[str]] | None = None,
        enable_network_isolation: bool | None = None,
        primary_container: dict[str, Any] | None = None,
        tags: Tags = None,
    ) -> str:
        """Creates a model (CreateModel); an already existing model is reused, as in the SDK.

        Args:
            name: The model name.
            role: Role name or ARN (``None`` allowed in Plimsoll).
            container_defs: One container definition (``PrimaryContainer``) or a list
                (``Containers``).
            vpc_config: ``VpcConfig`` (recorded).
            enable_network_isolation: Sent as ``EnableNetworkIsolation: true`` when true.
            primary_container: The older name of ``container_defs``.
            tags: Tags of the model.

        Returns:
            The model name.

        Raises:
            ValueError: Both ``container_defs`` and ``primary_container`` were given.
        """
        from botocore.exceptions import ClientError

        if container_defs and primary_container:
            raise ValueError("Both container_defs and primary_container can not be passed as input")
        container = container_defs or primary_container
        request: dict[str, Any] = {"ModelName": name, "ExecutionRoleArn": self.expand_role(role)}
        if isinstance(container, list):
            request["Containers"] = container
        elif container is not None and "ModelPackageName" in container:
            request["Containers"] = [container]
        else:
            request["PrimaryContainer"] = container
        formatted = format_tags(tags)
        if formatted:
            request["Tags"] = formatted
        if vpc_config:
            request["VpcConfig"] = vpc_config
        if enable_network_isolation:
            request["EnableNetworkIsolation"] = True
        logger.info("Creating model with name: %s", name)
        try:
            self.sagemaker_client.create_model(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            if error.get("Code") == "ValidationException" and (
                "Cannot create already existing model" in str(error.get("Message", ""))
            ):
                logger.warning("Using already existing model: %s", name)
            else:
                raise
        return name

    def describe_model(self, name: str) -> dict[str, Any]:
        """The DescribeModel response."""
        return dict(self.sagemaker_client.describe_model(ModelName=name))

    def delete_model(self, model_name: str) -> None:
        """Deletes a model (DeleteModel)."""
        logger.info("Deleting model with name: %s", model_name)
        self.sagemaker_client.delete_model(ModelName=model_name)

    # --- endpoint configs -----------------------------------------------------------------

    def create_endpoint_config(
        self,
        name: str,
        model_name: str,
        initial_instance_count: int,
        instance_type: str,
        accelerator_type: str | None = None,
        tags: Tags = None,
        kms_key: str | None = None,
        data_capture_config_dict: dict[str, Any] | None = None,
        volume_size: int | None = None,
        model_data_download_timeout: int | None = None,
        container_startup_health_check_timeout: int | None = None,
        explainer_config_dict: dict[str, Any] | None = None,
    ) -> str:
        """Creates an endpoint config with one ``AllTraffic`` variant serving ``model_name``.

        Returns:
            The endpoint config name.
        """
        logger.info("Creating endpoint-config with name %s", name)
        variant = production_variant(
            model_name,
            instance_type,
            initial_instance_count,
            accelerator_type=accelerator_type,
            volume_size=volume_size,
            model_data_download_timeout=model_data_download_timeout,
            container_startup_health_check_timeout=container_startup_health_check_timeout,
        )
        request: dict[str, Any] = {"EndpointConfigName": name, "ProductionVariants": [variant]}
        request["Tags"] = format_tags(tags) or []
        if kms_key is not None:
            request["KmsKeyId"] = kms_key
        if data_capture_config_dict is not None:
            request["DataCaptureConfig"] = data_capture_config_dict
        if explainer_config_dict is not None:
            request["ExplainerConfig"] = explainer_config_dict
        self.sagemaker_client.create_endpoint_config(**request)
        return name

    def create_endpoint_config_from_existing(
        self,
        existing_config_name: str,
        new_config_name: str,
        new_tags: Tags = None,
        new_kms_key: str | None = None,
        new_data_capture_config_dict: dict[str, Any] | None = None,
        new_production_variants: list[dict[str, Any]] | None = None,
        new_explainer_config_dict: dict[str, Any] | None = None,
    ) -> None:
        """Creates a copy of an endpoint config, with the given parts replaced.

        Deviation: the existing config's tags are not copied (Plimsoll has no ListTags).
        """
        existing = self.describe_endpoint_config(existing_config_name)
        request: dict[str, Any] = {
            "EndpointConfigName": new_config_name,
            "ProductionVariants": new_production_variants or existing["ProductionVariants"],
        }
        formatted = format_tags(new_tags)
        if formatted:
            request["Tags"] = formatted
        kms_key = new_kms_key or existing.get("KmsKeyId")
        if kms_key is not None:
            request["KmsKeyId"] = kms_key
        data_capture = new_data_capture_config_dict or existing.get("DataCaptureConfig")
        if data_capture is not None:
            request["DataCaptureConfig"] = data_capture
        for key, new_value in (
            ("AsyncInferenceConfig", None),
            ("ExplainerConfig", new_explainer_config_dict),
        ):
            value = new_value or existing.get(key)
            if value is not None:
                request[key] = value
        logger.info("Creating endpoint-config with name %s", new_config_name)
        self.sagemaker_client.create_endpoint_config(**request)

    def describe_endpoint_config(self, endpoint_config_name: str) -> dict[str, Any]:
        """The DescribeEndpointConfig response."""
        return dict(
            self.sagemaker_client.describe_endpoint_config(EndpointConfigName=endpoint_config_name)
        )

    def delete_endpoint_config(self, endpoint_config_name: str) -> None:
        """Deletes an endpoint config (DeleteEndpointConfig)."""
        logger.info("Deleting endpoint configuration with name: %s", endpoint_config_name)
        self.sagemaker_client.delete_endpoint_config(EndpointConfigName=endpoint_config_name)

    # --- endpoints ------------------------------------------------------------------------

    def endpoint_from_production_variants(
        self,
        name: str,
        production_variants: list[dict[str, Any]],
        tags: Tags = None,
        kms_key: str | None = None,
        wait: bool = True,
        data_capture_config_dict: dict[str, Any] | None = None,
        async_inference_config_dict: dict[str, Any] | None = None,
        explainer_config_dict: dict[str, Any] | None = None,
    ) -> str:
        """Creates an endpoint config named ``name`` and the endpoint ``name`` serving it.

        Returns:
            The endpoint name.

        Raises:
            UnexpectedStatusException: ``wait`` and the endpoint did not get InService.
        """
        request: dict[str, Any] = {
            "EndpointConfigName": name,
            "ProductionVariants": production_variants,
        }
        formatted = format_tags(tags)
        if formatted:
            request["Tags"] = formatted
        if kms_key:
            request["KmsKeyId"] = kms_key
        for key, value in (
            ("DataCaptureConfig", data_capture_config_dict),
            ("AsyncInferenceConfig", async_inference_config_dict),
            ("ExplainerConfig", explainer_config_dict),
        ):
            if value is not None:
                request[key] = value
        logger.info("Creating endpoint-config with name %s", name)
        self.sagemaker_client.create_endpoint_config(**request)
        return self.create_endpoint(endpoint_name=name, config_name=name, tags=tags, wait=wait)

    def create_endpoint(
        self, endpoint_name: str, config_name: str, tags: Tags = None, wait: bool = True
    ) -> str:
        """Creates an endpoint (CreateEndpoint) and, with ``wait``, waits for InService.

        Returns:
            The endpoint name.

        Raises:
            UnexpectedStatusException: ``wait`` and the endpoint did not get InService.
        """
        logger.info("Creating endpoint with name %s", endpoint_name)
        self.sagemaker_client.create_endpoint(
            EndpointName=endpoint_name,
            EndpointConfigName=config_name,
            Tags=format_tags(tags) or [],
        )
        if wait:
            self.wait_for_endpoint(endpoint_name)
        return endpoint_name

    def update_endpoint(
        self, endpoint_name: str, endpoint_config_name: str, wait: bool = True
    ) -> str:
        """Switches an endpoint to another endpoint config (UpdateEndpoint).

        Returns:
            The endpoint name.

        Raises:
            ValueError: The endpoint does not exist.
            UnexpectedStatusException: ``wait`` and the endpoint did not get InService.
        """
        try:
            self.describe_endpoint(endpoint_name)
        except Exception as exc:
            if _not_found(exc):
                raise ValueError(
                    f"Endpoint with name '{endpoint_name}' does not exist; "
                    "please use an existing endpoint name"
                ) from exc
            raise
        self.sagemaker_client.update_endpoint(
            EndpointName=endpoint_name, EndpointConfigName=endpoint_config_name
        )
        if wait:
            self.wait_for_endpoint(endpoint_name)
        return endpoint_name

    def wait_for_endpoint(
        self, endpoint: str, poll: float = ENDPOINT_POLL_SECONDS
    ) -> dict[str, Any]:
        """Waits until the endpoint is no longer Creating or Updating, printing progress.

        Returns:
            The DescribeEndpoint response.

        Raises:
            CapacityError: It failed and the reason names CapacityError.
            UnexpectedStatusException: It ended in any status but InService.
        """
        return wait_for_endpoint(lambda: self.describe_endpoint(endpoint), endpoint, poll)

    def describe_endpoint(self, endpoint_name: str) -> dict[str, Any]:
        """The DescribeEndpoint response."""
        return dict(self.sagemaker_client.describe_endpoint(EndpointName=endpoint_name))

    def delete_endpoint(self, endpoint_name: str) -> None:
        """Deletes an endpoint (DeleteEndpoint)."""
        logger.info("Deleting endpoint with name: %s", endpoint_name)
        self.sagemaker_client.delete_endpoint(EndpointName=endpoint_name)
