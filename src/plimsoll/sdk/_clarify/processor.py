"""Mirrors `sagemaker.clarify.SageMakerClarifyProcessor`: a Clarify job is a processing job.

Each ``run_*`` method builds ``analysis_config.json`` with the matching pure function of
:mod:`plimsoll.sdk._clarify.analysis_config`, checks it against SageMaker's schema (unless
``skip_early_validation``), stores it next to the results and starts a processing job with
SageMaker's Clarify image, which Plimsoll's image map runs as its built-in Clarify analyzer.
The job layout is SageMaker's (specs/clarify.md §1.1): the config at
``/opt/ml/processing/input/config``, the dataset at ``/opt/ml/processing/input/data`` and the
results collected from ``/opt/ml/processing/output`` into ``s3_output_path``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from typing import Any

from plimsoll.compat.clarify_analysis_config import parse_analysis_config
from plimsoll.compat.naming import name_from_base
from plimsoll.sdk import s3
from plimsoll.sdk._clarify import analysis_config as configs
from plimsoll.sdk._clarify.analysis_config import (
    Explainability,
    Methods,
    ModelScores,
    ProcessingOutputHandler,
)
from plimsoll.sdk._clarify.data_config import BiasConfig, DataConfig
from plimsoll.sdk._clarify.model_config import ModelConfig, ModelPredictedLabelConfig
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
from plimsoll.sdk._processor import Processor
from plimsoll.sdk._uris import is_local, local_path_of, normalize_local
from plimsoll.sdk.session import Session

__all__ = ["SageMakerClarifyProcessor", "clarify_image_uri"]

logger = logging.getLogger(__name__)

# us-east-1's account in SageMaker's image table (image_uri_config/clarify.json); Plimsoll
# keeps it for every region so that the image map recognises one repository name.
CLARIFY_ACCOUNT = "205585389593"
CLARIFY_REPOSITORY = "sagemaker-clarify-processing"
CLARIFY_VERSIONS = ("1.0",)
ANALYSIS_CONFIG_FILE = "analysis_config.json"


def clarify_image_uri(region: str, version: str | None = None) -> str:
    """SageMaker's Clarify image URI in ``region``, as ``image_uris.retrieve("clarify", ...)``.

    Raises:
        ValueError: ``version`` is not a Clarify version (the SDK's message).
    """
    version = version or CLARIFY_VERSIONS[-1]
    if version not in CLARIFY_VERSIONS:
        raise ValueError(
            f"Unsupported clarify version: {version}. You may need to upgrade your SDK version "
            "(pip install -U sagemaker) for newer clarify versions. Supported clarify "
            f"version(s): {', '.join(CLARIFY_VERSIONS)}."
        )
    return f"{CLARIFY_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{CLARIFY_REPOSITORY}:{version}"


class SageMakerClarifyProcessor(Processor):
    """Mirrors `sagemaker.clarify.SageMakerClarifyProcessor` (SDK v2.199).

    Deviations (docs/compat.md):

    * Schema errors of ``analysis_config.json`` raise :class:`plimsoll.errors.ValidationError`
      (the SDK raises ``schema.SchemaError``), naming every bad key path.
    * A local ``s3_output_path`` (plain path or ``file://``) stays local: the config is
      written into that folder and the job writes its results there (SageMaker issue #2484).
    * ``role`` may be any string or ``None``; ``kms_key`` is accepted and ignored.

    Args:
        role: IAM role name or ARN (any string; ``None`` allowed).
        instance_count: Number of hosts of the job.
        instance_type: Instance type, recorded as given.
        volume_size_in_gb: Recorded as given.
        volume_kms_key: Recorded as given.
        output_kms_key: Recorded as given.
        max_runtime_in_seconds: The job is stopped after this long.
        sagemaker_session: The session; a new :class:`Session` when not given.
        env: Environment variables of the job.
        tags: Tags of the job.
        network_config: A :class:`NetworkConfig`.
        job_name_prefix: Job name prefix; else one per ``run_*`` method.
        version: Clarify image version (only ``"1.0"`` exists).
        skip_early_validation: Skip the schema check of the generated config.
    """

    _CLARIFY_DATA_INPUT = "/opt/ml/processing/input/data"
    _CLARIFY_CONFIG_INPUT = "/opt/ml/processing/input/config"
    _CLARIFY_OUTPUT = "/opt/ml/processing/output"

    def __init__(
        self,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
        job_name_prefix: str | None = None,
        version: str | None = None,
        skip_early_validation: bool = False,
    ) -> None:
        session = sagemaker_session or Session()
        container_uri = clarify_image_uri(session.boto_region_name, version)
        self._last_analysis_config: dict[str, Any] | None = None
        self.job_name_prefix = job_name_prefix
        self.skip_early_validation = skip_early_validation
        super().__init__(
            role=role,
            image_uri=container_uri,
            instance_count=instance_count,
            instance_type=instance_type,
            entrypoint=None,  # The image's own entrypoint runs the analysis.
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=None,  # Each run_* method names its job.
            sagemaker_session=session,
            env=env,
            tags=tags,
            network_config=network_config,
        )

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Not for this class: use one of the ``run_*`` methods."""
        raise NotImplementedError(
            "Please choose a method of run_pre_training_bias, run_post_training_bias or "
            "run_explainability."
        )

    def run_pre_training_bias(
        self,
        data_config: DataConfig,
        data_bias_config: BiasConfig,
        methods: Methods = "all",
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Computes pre-training bias ``methods`` of the labels (no model is called).

        Job name: ``job_name``, else ``job_name_prefix`` or ``Clarify-Pretraining-Bias``
        plus a timestamp.
        """
        config = configs.for_pre_training_bias(data_config, data_bias_config, methods)
        name = job_name or name_from_base(self.job_name_prefix or "Clarify-Pretraining-Bias")
        self._run(data_config, config, wait, logs, name, kms_key, experiment_config)

    def run_post_training_bias(
        self,
        data_config: DataConfig,
        data_bias_config: BiasConfig,
        model_config: ModelConfig | None = None,
        model_predicted_label_config: ModelPredictedLabelConfig | None = None,
        methods: Methods = "all",
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Computes post-training bias ``methods`` of the model's predicted labels.

        Job name: ``job_name``, else ``job_name_prefix`` or ``Clarify-Posttraining-Bias``
        plus a timestamp.
        """
        config = configs.for_post_training_bias(
            data_config, data_bias_config, model_config, model_predicted_label_config, methods
        )
        name = job_name or name_from_base(self.job_name_prefix or "Clarify-Posttraining-Bias")
        self._run(data_config, config, wait, logs, name, kms_key, experiment_config)

    def run_bias(
        self,
        data_config: DataConfig,
        bias_config: BiasConfig,
        model_config: ModelConfig | None = None,
        model_predicted_label_config: ModelPredictedLabelConfig | None = None,
        pre_training_methods: Methods = "all",
        post_training_methods: Methods = "all",
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Computes pre- and post-training bias in one job.

        Job name: ``job_name``, else ``job_name_prefix`` or ``Clarify-Bias`` plus a timestamp.
        """
        config = configs.for_bias(
            data_config,
            bias_config,
            model_config,
            model_predicted_label_config,
            pre_training_methods,
            post_training_methods,
        )
        name = job_name or name_from_base(self.job_name_prefix or "Clarify-Bias")
        self._run(data_config, config, wait, logs, name, kms_key, experiment_config)

    def run_explainability(
        self,
        data_config: DataConfig,
        model_config: ModelConfig,
        explainability_config: Explainability,
        model_scores: ModelScores = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Computes SHAP values and/or partial dependence of the model's scores.

        ``model_scores`` locates the scores in the model output: an index, a JMESPath or a
        :class:`ModelPredictedLabelConfig`. Job name: ``job_name``, else ``job_name_prefix``
        or ``Clarify-Explainability`` plus a timestamp.
        """
        config = configs.for_explainability(
            data_config, model_config, explainability_config, model_scores
        )
        name = job_name or name_from_base(self.job_name_prefix or "Clarify-Explainability")
        self._run(data_config, config, wait, logs, name, kms_key, experiment_config)

    def run_bias_and_explainability(
        self,
        data_config: DataConfig,
        model_config: ModelConfig,
        explainability_config: Explainability,
        bias_config: BiasConfig,
        pre_training_methods: Methods = "all",
        post_training_methods: Methods = "all",
        model_predicted_label_config: ModelScores = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Computes bias and explanations in one job.

        Job name: ``job_name``, else ``job_name_prefix`` or ``Clarify-Bias-And-Explainability``
        plus a timestamp.
        """
        config = configs.for_bias_and_explainability(
            data_config,
            model_config,
            explainability_config,
            bias_config,
            pre_training_methods,
            post_training_methods,
            model_predicted_label_config,
        )
        name = job_name or name_from_base(self.job_name_prefix or "Clarify-Bias-And-Explainability")
        self._run(data_config, config, wait, logs, name, kms_key, experiment_config)

    def _run(
        self,
        data_config: DataConfig,
        analysis_config: dict[str, Any],
        wait: bool,
        logs: bool,
        job_name: str,
        kms_key: str | None,
        experiment_config: dict[str, str] | None,
    ) -> None:
        """Validates and stores ``analysis_config``, then starts the Clarify job.

        Raises:
            ValidationError: ``analysis_config`` breaks SageMaker's schema.
            ValueError: ``logs`` is true but ``wait`` is false (as ``Processor.run``).
        """
        # Kept for debugging, as the SDK does: the config without a trip to storage.
        self._last_analysis_config = analysis_config
        logger.info("Analysis Config: %s", analysis_config)
        if not self.skip_early_validation:
            parse_analysis_config(analysis_config)
        config_uri = self._store_analysis_config(
            analysis_config,
            data_config.s3_analysis_config_output_path or data_config.s3_output_path,
            kms_key,
        )
        config_input = ProcessingInput(
            input_name="analysis_config",
            source=config_uri,
            destination=self._CLARIFY_CONFIG_INPUT,
            s3_data_type="S3Prefix",
            s3_input_mode="File",
            s3_compression_type="None",
        )
        data_input = ProcessingInput(
            input_name="dataset",
            source=data_config.s3_data_input_path,
            destination=self._CLARIFY_DATA_INPUT,
            s3_data_type="S3Prefix",
            s3_input_mode="File",
            s3_data_distribution_type=data_config.s3_data_distribution_type,
            s3_compression_type=data_config.s3_compression_type,
        )
        result_output = ProcessingOutput(
            source=self._CLARIFY_OUTPUT,
            destination=data_config.s3_output_path,
            output_name="analysis_result",
            s3_upload_mode=ProcessingOutputHandler.get_s3_upload_mode(analysis_config),
        )
        super().run(
            inputs=[data_input, config_input],
            outputs=[result_output],
            wait=wait,
            logs=logs,
            job_name=job_name,
            kms_key=kms_key,
            experiment_config=experiment_config,
        )

    def _store_analysis_config(
        self, analysis_config: dict[str, Any], destination: str, kms_key: str | None
    ) -> str:
        """Writes ``analysis_config.json`` below ``destination``; returns the file's URI.

        An ``s3://`` destination gets an upload, as the SDK's ``_upload_analysis_config``;
        a local folder gets the file written in place, so the job reads it where it is.
        """
        if is_local(destination):
            folder = normalize_local(destination)
            path = os.path.join(local_path_of(folder), ANALYSIS_CONFIG_FILE)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(analysis_config, handle)
            return f"file://{path}" if folder.startswith("file://") else path
        with tempfile.TemporaryDirectory() as tmpdir:
            local_file = os.path.join(tmpdir, ANALYSIS_CONFIG_FILE)
            with open(local_file, "w", encoding="utf-8") as handle:
                json.dump(analysis_config, handle)
            return s3.S3Uploader.upload(
                local_path=local_file,
                desired_s3_uri=destination,
                kms_key=kms_key,
                sagemaker_session=self.sagemaker_session,
            )
