"""``Model``: a model artifact and image, deployed to a real-time endpoint."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from plimsoll.compat.container_paths import OPT_ML
from plimsoll.compat.naming import base_name_from_image, name_from_base
from plimsoll.sdk._hosting import container_def, production_variant
from plimsoll.sdk._repack import MODEL_TARBALL, repack_model
from plimsoll.sdk._uris import is_local, normalize_local, parse_s3_url, s3_path_join
from plimsoll.sdk.deserializers import BaseDeserializer, BytesDeserializer
from plimsoll.sdk.model_monitor.data_capture_config import DataCaptureConfig
from plimsoll.sdk.predictor import Predictor
from plimsoll.sdk.serializers import BaseSerializer, IdentitySerializer
from plimsoll.sdk.session import Session

__all__ = ["Model"]

logger = logging.getLogger(__name__)

# Where the serving container finds repacked code (``code/`` inside model.tar.gz).
MODEL_CODE_DIR = str(OPT_ML / "model" / "code")
SCRIPT_PARAM_NAME = "SAGEMAKER_PROGRAM"
DIR_PARAM_NAME = "SAGEMAKER_SUBMIT_DIRECTORY"
CONTAINER_LOG_LEVEL_PARAM_NAME = "SAGEMAKER_CONTAINER_LOG_LEVEL"
SAGEMAKER_REGION_PARAM_NAME = "SAGEMAKER_REGION"


class Model:
    """Mirrors `sagemaker.model.Model`.

    ``deploy`` sends CreateModel, CreateEndpointConfig (one ``AllTraffic`` variant) and
    CreateEndpoint, waits for InService and returns a predictor. With ``entry_point`` the
    model runs in script mode: the artifact is repacked with the code under ``code/``
    into ``s3://<bucket>/<model name>/model.tar.gz`` and ``SAGEMAKER_PROGRAM``,
    ``SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code``, ``SAGEMAKER_CONTAINER_LOG_LEVEL`` and
    ``SAGEMAKER_REGION`` are added to the environment.

    Deviations (docs/compat.md):

    * ``deploy`` returns a :class:`~plimsoll.predictor.Predictor` (with the given serializer
      and deserializer) when ``predictor_cls`` is not set; the SDK returns ``None``.
    * The endpoint is named like the model unless ``endpoint_name`` is given (the SDK makes
      a second timestamped name).
    * ``entry_point`` always repacks the artifact (the SDK repacks only when ``source_dir``
      is also given and otherwise uploads ``sourcedir.tar.gz``); without ``model_data`` the
      new ``model.tar.gz`` holds only the code.
    * ``model_data`` may be a local path or ``file://`` URI; it stays local (no upload)
      unless it is repacked.
    * ``role`` may be ``None`` (see :class:`~plimsoll.session.Session`).
    * ``git_config``, async, serverless and explainer configs and inference
      recommendations are not supported: ``ValueError``.

    Args:
        image_uri: The serving image; Plimsoll maps it to a local environment.
        model_data: The model artifact (``.tar.gz``): ``s3://``, ``file://`` or a path.
        role: IAM role name or ARN (any string; ``None`` allowed).
        predictor_cls: Called as ``predictor_cls(endpoint_name, session)`` by ``deploy``.
        env: Environment variables of the serving container.
        name: The model name; generated from the image on each ``deploy`` when not given.
        vpc_config: ``VpcConfig`` of the model (recorded).
        sagemaker_session: The session; a new :class:`~plimsoll.session.Session` when not
            given.
        enable_network_isolation: Sent as ``EnableNetworkIsolation``.
        model_kms_key: Recorded; Plimsoll storage has no KMS.
        image_config: ``ImageConfig`` of the container.
        source_dir: A directory (or ``s3://`` ``.tar.gz``) copied to ``code/``; the entry
            point must be at its top.
        code_location: ``s3://bucket/prefix`` for the repacked artifact (default: the
            default bucket).
        entry_point: The inference script (``model_fn``, ``input_fn``, ...).
        container_log_level: ``SAGEMAKER_CONTAINER_LOG_LEVEL``.
        dependencies: Files or directories copied to ``code/lib/``.
        git_config: Not supported in Plimsoll.
    """

    def __init__(
        self,
        image_uri: str | None = None,
        model_data: str | None = None,
        role: str | None = None,
        predictor_cls: Callable[..., Any] | None = None,
        env: dict[str, str] | None = None,
        name: str | None = None,
        vpc_config: dict[str, list[str]] | None = None,
        sagemaker_session: Session | None = None,
        enable_network_isolation: bool | None = None,
        model_kms_key: str | None = None,
        image_config: dict[str, Any] | None = None,
        source_dir: str | None = None,
        code_location: str | None = None,
        entry_point: str | None = None,
        container_log_level: int = logging.INFO,
        dependencies: list[str] | None = None,
        git_config: dict[str, str] | None = None,
    ) -> None:
        if git_config:
            raise ValueError("git_config is not supported by Plimsoll (no network)")
        self.model_data = model_data
        self.image_uri = image_uri
        self.role = role
        self.predictor_cls = predictor_cls
        self.env = env or {}
        self.name = name
        self._base_name: str | None = None
        self.vpc_config = vpc_config
        self.sagemaker_session = sagemaker_session
        self._enable_network_isolation = bool(enable_network_isolation)
        self.model_kms_key = model_kms_key
        self.image_config = image_config
        self.source_dir = source_dir
        self.entry_point = entry_point
        self.container_log_level = container_log_level
        self.dependencies = dependencies or []
        self.git_config = git_config
        self.bucket: str | None = None
        self.key_prefix: str | None = None
        if code_location:
            self.bucket, self.key_prefix = parse_s3_url(code_location)
        self.endpoint_name: str | None = None
        self.repacked_model_data: str | None = None

    def enable_network_isolation(self) -> bool:
        """Whether the model is created with ``EnableNetworkIsolation``."""
        return self._enable_network_isolation

    def deploy(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        serializer: BaseSerializer | None = None,
        deserializer: BaseDeserializer | None = None,
        accelerator_type: str | None = None,
        endpoint_name: str | None = None,
        tags: list[dict[str, str]] | None = None,
        kms_key: str | None = None,
        wait: bool = True,
        data_capture_config: DataCaptureConfig | None = None,
        async_inference_config: Any = None,
        serverless_inference_config: Any = None,
        volume_size: int | None = None,
        model_data_download_timeout: int | None = None,
        container_startup_health_check_timeout: int | None = None,
        inference_recommendation_id: str | None = None,
        explainer_config: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Creates the model, an endpoint config and the endpoint; returns a predictor.

        Args:
            initial_instance_count: Instances of the ``AllTraffic`` variant.
            instance_type: Instance type (recorded).
            serializer: The predictor's serializer (default: the predictor class's).
            deserializer: The predictor's deserializer (default: the predictor class's).
            accelerator_type: Recorded.
            endpoint_name: The endpoint name; default the model name.
            tags: Tags of the model, endpoint config and endpoint.
            kms_key: ``KmsKeyId`` of the endpoint config (recorded).
            wait: Whether to wait until the endpoint is InService.
            data_capture_config: What the endpoint captures.
            async_inference_config: Not supported.
            serverless_inference_config: Not supported.
            volume_size: ``VolumeSizeInGB`` of the variant.
            model_data_download_timeout: ``ModelDataDownloadTimeoutInSeconds``.
            container_startup_health_check_timeout:
                ``ContainerStartupHealthCheckTimeoutInSeconds``.
            inference_recommendation_id: Not supported.
            explainer_config: Not supported.

        Returns:
            ``predictor_cls(endpoint_name, session)`` if set, else a
            :class:`~plimsoll.predictor.Predictor`.

        Raises:
            ValueError: Instance type or count missing, or an unsupported option given.
            UnexpectedStatusException: ``wait`` and the endpoint did not get InService.
        """
        unsupported = {
            "async_inference_config": async_inference_config,
            "serverless_inference_config": serverless_inference_config,
            "inference_recommendation_id": inference_recommendation_id,
            "explainer_config": explainer_config,
        }
        for argument, value in unsupported.items():
            if value is not None:
                raise ValueError(f"{argument} is not supported by Plimsoll")
        if "update_endpoint" in kwargs:
            logger.warning("The update_endpoint argument has been removed in SDK v2; ignored")
        if not (instance_type and initial_instance_count):
            raise ValueError(
                "Must specify instance type and instance count unless using serverless inference"
            )
        session = self._session()
        self._create_sagemaker_model(instance_type, accelerator_type, tags)
        assert self.name is not None  # set by _create_sagemaker_model
        variant = production_variant(
            self.name,
            instance_type,
            initial_instance_count,
            accelerator_type=accelerator_type,
            volume_size=volume_size,
            model_data_download_timeout=model_data_download_timeout,
            container_startup_health_check_timeout=container_startup_health_check_timeout,
        )
        self.endpoint_name = endpoint_name or self.name
        session.endpoint_from_production_variants(
            name=self.endpoint_name,
            production_variants=[variant],
            tags=tags,
            kms_key=kms_key,
            wait=wait,
            data_capture_config_dict=(
                data_capture_config._to_request_dict() if data_capture_config else None
            ),
        )
        if self.predictor_cls is None:
            return Predictor(
                self.endpoint_name,
                session,
                serializer=serializer or IdentitySerializer(),
                deserializer=deserializer or BytesDeserializer(),
            )
        predictor = self.predictor_cls(self.endpoint_name, session)
        if serializer:
            predictor.serializer = serializer
        if deserializer:
            predictor.deserializer = deserializer
        return predictor

    def create(
        self,
        instance_type: str | None = None,
        accelerator_type: str | None = None,
        serverless_inference_config: Any = None,
        tags: list[dict[str, str]] | None = None,
    ) -> None:
        """Creates the SageMaker model (CreateModel) without deploying it."""
        if serverless_inference_config is not None:
            raise ValueError("serverless_inference_config is not supported by Plimsoll")
        self._create_sagemaker_model(instance_type, accelerator_type, tags)

    def delete_model(self) -> None:
        """Deletes the model.

        Raises:
            ValueError: The model was not created yet.
        """
        if self.name is None:
            raise ValueError(
                "The SageMaker model must be created first before attempting to delete."
            )
        self._session().delete_model(self.name)

    def prepare_container_def(
        self,
        instance_type: str | None = None,
        accelerator_type: str | None = None,
        serverless_inference_config: Any = None,
    ) -> dict[str, Any]:
        """The CreateModel container definition (repacking the code first in script mode)."""
        deploy_env = dict(self.env)
        if self.entry_point is not None:
            self._repack()
            deploy_env.update(self._script_mode_env_vars())
        return container_def(
            self.image_uri,
            self.repacked_model_data or self._model_data_url(),
            deploy_env,
            image_config=self.image_config,
        )

    # --- internals ------------------------------------------------------------------------

    def _session(self) -> Session:
        if self.sagemaker_session is None:
            self.sagemaker_session = Session()
        return self.sagemaker_session

    def _create_sagemaker_model(
        self,
        instance_type: str | None,
        accelerator_type: str | None,
        tags: list[dict[str, str]] | None,
    ) -> None:
        # Named before the container is prepared: the repacked artifact goes under the name.
        if self.name is None or self._base_name is not None:
            self._base_name = self._base_name or base_name_from_image(
                self.image_uri or "", type(self).__name__
            )
            self.name = name_from_base(self._base_name)
        container = self.prepare_container_def(instance_type, accelerator_type=accelerator_type)
        self._session().create_model(
            name=self.name,
            role=self.role,
            container_defs=container,
            vpc_config=self.vpc_config,
            enable_network_isolation=self._enable_network_isolation,
            tags=tags,
        )

    def _model_data_url(self) -> str | None:
        if self.model_data is not None and is_local(self.model_data):
            return normalize_local(self.model_data)
        return self.model_data

    def _repack(self) -> None:
        assert self.entry_point is not None and self.name is not None
        session = self._session()
        if self.bucket is not None:
            bucket, key_prefix = self.bucket, s3_path_join(self.key_prefix, self.name)
        else:
            bucket = session.default_bucket()
            key_prefix = s3_path_join(session.default_bucket_prefix, self.name)
        repacked = s3_path_join("s3://", bucket, key_prefix, MODEL_TARBALL)
        logger.info(
            "Repacking model artifact (%s), script artifact (%s), and dependencies (%s) into "
            "single tar.gz file located at %s. This may take some time depending on model size...",
            self.model_data,
            self.source_dir,
            self.dependencies,
            repacked,
        )
        repack_model(
            inference_script=self.entry_point,
            source_directory=self.source_dir,
            dependencies=self.dependencies,
            model_uri=self.model_data,
            repacked_model_uri=repacked,
            sagemaker_session=session,
        )
        self.repacked_model_data = repacked

    def _script_mode_env_vars(self) -> dict[str, str]:
        assert self.entry_point is not None
        return {
            SCRIPT_PARAM_NAME: os.path.basename(self.entry_point),
            DIR_PARAM_NAME: MODEL_CODE_DIR,
            CONTAINER_LOG_LEVEL_PARAM_NAME: str(self.container_log_level),
            SAGEMAKER_REGION_PARAM_NAME: self._session().boto_region_name,
        }
