"""``Predictor``: requests to a deployed endpoint, and the endpoint's life cycle from the client."""

from __future__ import annotations

import logging
from typing import Any

from plimsoll.compat.naming import name_from_base
from plimsoll.sdk._hosting import production_variant
from plimsoll.sdk.deserializers import BaseDeserializer, BytesDeserializer
from plimsoll.sdk.model_monitor.data_capture_config import DataCaptureConfig
from plimsoll.sdk.serializers import BaseSerializer, IdentitySerializer
from plimsoll.sdk.session import Session

__all__ = ["Predictor"]

logger = logging.getLogger(__name__)


class Predictor:
    """Mirrors `sagemaker.predictor.Predictor`.

    ``predict`` sends InvokeEndpoint through ``sagemaker_session.sagemaker_runtime_client``
    with ``ContentType`` from the serializer and ``Accept`` from the deserializer, exactly as
    the SDK builds the request.

    Deviations (docs/compat.md):

    * Inference components (``component_name``) are accepted and sent as
      ``InferenceComponentName``; Plimsoll's embedded runtime refuses them.
    * ``list_monitors`` and ``endpoint_context`` (lineage) are not provided.
    * ``delete_model`` raises ``RuntimeError`` (the SDK: a bare ``Exception``) when a model
      cannot be deleted.

    Args:
        endpoint_name: The endpoint requests go to.
        sagemaker_session: The session; a new :class:`~plimsoll.session.Session` when not
            given.
        serializer: Encodes ``predict``'s data (default: bytes sent as they are).
        deserializer: Decodes the response (default: the body's bytes).
        component_name: The inference component, for component-based endpoints.
    """

    def __init__(
        self,
        endpoint_name: str,
        sagemaker_session: Session | None = None,
        serializer: BaseSerializer = IdentitySerializer(),  # noqa: B008 - the SDK's default
        deserializer: BaseDeserializer = BytesDeserializer(),  # noqa: B008 - the SDK's default
        component_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        for removed in ("content_type", "accept"):
            if removed in kwargs:
                logger.warning(
                    "The %s argument has been removed in SageMaker SDK v2: set it on the "
                    "serializer or deserializer",
                    removed,
                )
        if "endpoint" in kwargs:
            logger.warning("The endpoint argument has been renamed endpoint_name")
            endpoint_name = kwargs["endpoint"]
        self.endpoint_name = endpoint_name
        self.component_name = component_name
        self.sagemaker_session = sagemaker_session or Session()
        self.serializer = serializer
        self.deserializer = deserializer
        self._endpoint_config_name: str | None = None
        self._model_names: list[str] | None = None
        self._content_type: str | None = None
        self._accept: str | tuple[str, ...] | None = None

    def predict(
        self,
        data: Any,
        initial_args: dict[str, Any] | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        inference_id: str | None = None,
        custom_attributes: str | None = None,
        component_name: str | None = None,
    ) -> Any:
        """Sends ``data`` to the endpoint and returns the deserialized response.

        Args:
            data: The input, encoded by the serializer.
            initial_args: Default InvokeEndpoint arguments; keys given here are not
                overridden (``EndpointName``, ``ContentType``, ``Accept``).
            target_model: ``TargetModel`` (multi-model endpoints).
            target_variant: ``TargetVariant``: the production variant to use.
            inference_id: ``InferenceId``, recorded in captured data.
            custom_attributes: ``CustomAttributes``, forwarded to the model.
            component_name: ``InferenceComponentName``; default the predictor's.

        Returns:
            What the deserializer makes of the response body.

        Raises:
            botocore.exceptions.ClientError: The endpoint or the model refused the request
                (``ValidationError``, ``ModelError``).
        """
        request_args = self._create_request_args(
            data,
            initial_args=initial_args,
            target_model=target_model,
            target_variant=target_variant,
            inference_id=inference_id,
            custom_attributes=custom_attributes,
        )
        inference_component_name = component_name or self.component_name
        if inference_component_name:
            request_args["InferenceComponentName"] = inference_component_name
        response = self.sagemaker_session.sagemaker_runtime_client.invoke_endpoint(**request_args)
        return self._handle_response(response)

    def _handle_response(self, response: dict[str, Any]) -> Any:
        content_type = response.get("ContentType", "application/octet-stream")
        return self.deserializer.deserialize(response["Body"], content_type)

    def _create_request_args(
        self,
        data: Any,
        initial_args: dict[str, Any] | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        inference_id: str | None = None,
        custom_attributes: str | None = None,
    ) -> dict[str, Any]:
        args = dict(initial_args) if initial_args else {}
        args.setdefault("EndpointName", self.endpoint_name)
        if "ContentType" not in args:
            content_type = self.content_type
            args["ContentType"] = (
                content_type if isinstance(content_type, str) else ", ".join(content_type)
            )
        if "Accept" not in args:
            accept = self.accept
            args["Accept"] = accept if isinstance(accept, str) else ", ".join(accept)
        if target_model:
            args["TargetModel"] = target_model
        if target_variant:
            args["TargetVariant"] = target_variant
        if inference_id:
            args["InferenceId"] = inference_id
        if custom_attributes:
            args["CustomAttributes"] = custom_attributes
        body = self.serializer.serialize(data)
        if self.component_name:
            args["InferenceComponentName"] = self.component_name
        args["Body"] = body
        return args

    # --- the endpoint ---------------------------------------------------------------------

    def update_endpoint(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        accelerator_type: str | None = None,
        model_name: str | None = None,
        tags: list[dict[str, str]] | None = None,
        kms_key: str | None = None,
        data_capture_config_dict: dict[str, Any] | None = None,
        max_instance_count: int | None = None,
        min_instance_count: int | None = None,
        wait: bool = True,
    ) -> None:
        """Moves the endpoint to a new endpoint config (a copy of the current one, changed).

        Giving any of ``initial_instance_count``, ``instance_type``, ``accelerator_type`` or
        ``model_name`` replaces the variants with one new ``AllTraffic`` variant.

        Raises:
            ValueError: A new variant is asked for without ``initial_instance_count`` and
                ``instance_type``, or without ``model_name`` while the endpoint has several
                models.
        """
        production_variants = None
        if initial_instance_count or instance_type or accelerator_type or model_name:
            if instance_type is None or initial_instance_count is None:
                raise ValueError(
                    "Missing initial_instance_count and/or instance_type. Provided values: "
                    f"initial_instance_count={initial_instance_count}, "
                    f"instance_type={instance_type}, accelerator_type={accelerator_type}, "
                    f"model_name={model_name}."
                )
            if model_name is None:
                current_model_names = self._get_model_names()
                if len(current_model_names) > 1:
                    raise ValueError(
                        "Unable to choose a default model for a new EndpointConfig because "
                        f"the endpoint has multiple models: {', '.join(current_model_names)}"
                    )
                model_name = current_model_names[0]
            else:
                self._model_names = [model_name]
            scaling = {
                key: value
                for key, value in (
                    ("MaxInstanceCount", max_instance_count),
                    ("MinInstanceCount", min_instance_count),
                )
                if value
            }
            production_variants = [
                production_variant(
                    model_name,
                    instance_type,
                    initial_instance_count=initial_instance_count,
                    accelerator_type=accelerator_type,
                    managed_instance_scaling=scaling or None,
                )
            ]
        current_config_name = self._get_endpoint_config_name()
        new_config_name = name_from_base(current_config_name)
        self.sagemaker_session.create_endpoint_config_from_existing(
            current_config_name,
            new_config_name,
            new_tags=tags,
            new_kms_key=kms_key,
            new_data_capture_config_dict=data_capture_config_dict,
            new_production_variants=production_variants,
        )
        self.sagemaker_session.update_endpoint(self.endpoint_name, new_config_name, wait=wait)
        self._endpoint_config_name = new_config_name

    def delete_endpoint(self, delete_endpoint_config: bool = True) -> None:
        """Deletes the endpoint and, unless told not to, its endpoint config (first)."""
        if delete_endpoint_config:
            self.sagemaker_session.delete_endpoint_config(self._get_endpoint_config_name())
        self.sagemaker_session.delete_endpoint(self.endpoint_name)

    def delete_predictor(self, wait: bool = False) -> None:
        """Deletes the endpoint and its endpoint config (inference components: not served)."""
        del wait
        self.delete_endpoint()

    def delete_model(self) -> None:
        """Deletes the models the endpoint serves.

        Raises:
            RuntimeError: Some model could not be deleted (the others were).
        """
        failed = []
        for model_name in self._get_model_names():
            try:
                self.sagemaker_session.delete_model(model_name)
            except Exception:  # noqa: BLE001 - the SDK collects every failure, then raises
                logger.debug("Deleting model %s failed", model_name, exc_info=True)
                failed.append(model_name)
        if failed:
            raise RuntimeError(
                "One or more models cannot be deleted, please retry. \n"
                f"Failed models: {', '.join(failed)}"
            )

    # --- data capture ---------------------------------------------------------------------

    def enable_data_capture(self) -> None:
        """Turns capture on with the defaults of :class:`DataCaptureConfig` (20 %)."""
        self.update_data_capture_config(
            DataCaptureConfig(enable_capture=True, sagemaker_session=self.sagemaker_session)
        )

    def disable_data_capture(self) -> None:
        """Turns capture off."""
        self.update_data_capture_config(
            DataCaptureConfig(enable_capture=False, sagemaker_session=self.sagemaker_session)
        )

    def update_data_capture_config(self, data_capture_config: DataCaptureConfig | None) -> None:
        """Copies the endpoint config with a new ``DataCaptureConfig`` and switches to it.

        The new config is named ``name_from_base(endpoint_name)``; the call waits until the
        endpoint is InService again.
        """
        endpoint_desc = self.sagemaker_session.describe_endpoint(self.endpoint_name)
        new_config_name = name_from_base(self.endpoint_name)
        data_capture_config_dict = None
        if data_capture_config is not None:
            data_capture_config_dict = data_capture_config._to_request_dict()
        self.sagemaker_session.create_endpoint_config_from_existing(
            existing_config_name=endpoint_desc["EndpointConfigName"],
            new_config_name=new_config_name,
            new_data_capture_config_dict=data_capture_config_dict,
        )
        self.sagemaker_session.update_endpoint(
            endpoint_name=self.endpoint_name, endpoint_config_name=new_config_name
        )
        # The SDK keeps a stale cached name here; forget it so delete_endpoint finds the new one.
        self._endpoint_config_name = None

    # --- what the endpoint is made of -----------------------------------------------------

    def _get_endpoint_config_name(self) -> str:
        if self._endpoint_config_name is None:
            desc = self.sagemaker_session.describe_endpoint(self.endpoint_name)
            self._endpoint_config_name = str(desc["EndpointConfigName"])
        return self._endpoint_config_name

    def _get_model_names(self) -> list[str]:
        if self._model_names is None:
            config = self.sagemaker_session.describe_endpoint_config(
                self._get_endpoint_config_name()
            )
            self._model_names = [
                str(v["ModelName"]) for v in config["ProductionVariants"] if "ModelName" in v
            ]
        return self._model_names

    @property
    def content_type(self) -> str | tuple[str, ...]:
        """The MIME type sent as ``ContentType`` (the serializer's unless set)."""
        return self._content_type or self.serializer.CONTENT_TYPE

    @content_type.setter
    def content_type(self, value: str) -> None:
        self._content_type = value

    @property
    def accept(self) -> str | tuple[str, ...]:
        """The MIME type(s) sent as ``Accept`` (the deserializer's unless set)."""
        return self._accept or self.deserializer.ACCEPT

    @accept.setter
    def accept(self, value: str | tuple[str, ...]) -> None:
        self._accept = value
