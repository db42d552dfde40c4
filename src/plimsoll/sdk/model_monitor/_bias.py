"""Mirrors `sagemaker.model_monitor.ModelBiasMonitor`: bias baselines and schedules.

The baseline is a Clarify ``run_bias`` job; a schedule is a CreateModelBiasJobDefinition (with
the ground-truth S3 URI) and a ``ModelBias`` CreateMonitoringSchedule. The shared machinery is
in :mod:`plimsoll.sdk.model_monitor._clarify_monitor`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plimsoll.sdk.model_monitor._clarify_monitor import ClarifyModelMonitor
from plimsoll.sdk.model_monitor._clarify_monitor_config import (
    BiasAnalysisConfig,
    ClarifyBaseliningConfig,
)
from plimsoll.sdk.session import Session

if TYPE_CHECKING:
    from plimsoll.sdk._clarify.data_config import BiasConfig, DataConfig
    from plimsoll.sdk._clarify.model_config import ModelConfig, ModelPredictedLabelConfig
    from plimsoll.sdk._network import NetworkConfig
    from plimsoll.sdk._processing_job import ProcessingJob
    from plimsoll.sdk.model_monitor._monitoring_io import BatchTransformInput, EndpointInput
    from plimsoll.sdk.model_monitor.monitoring_files import Constraints

__all__ = ["ModelBiasMonitor"]


class ModelBiasMonitor(ClarifyModelMonitor):
    """Mirrors `sagemaker.model_monitor.ModelBiasMonitor` (SDK 2.199): bias of an endpoint.

    Takes :class:`ClarifyModelMonitor`'s arguments. Each execution merges the ground truth
    with the captured records, then runs Clarify's post-training bias metrics on them.
    """

    JOB_DEFINITION_BASE_NAME = "model-bias-job-definition"

    @classmethod
    def monitoring_type(cls) -> str:
        return "ModelBias"

    def suggest_baseline(
        self,
        data_config: DataConfig,
        bias_config: BiasConfig,
        model_config: ModelConfig | None,
        model_predicted_label_config: ModelPredictedLabelConfig | None = None,
        wait: bool = False,
        logs: bool = False,
        job_name: str | None = None,
        kms_key: str | None = None,
    ) -> ProcessingJob:
        """Runs the Clarify processor's ``run_bias``; the schedule reuses its configuration.

        ``model_config`` may be None when ``data_config.predicted_label`` names the
        predicted-label column. Returns the Clarify processing job.
        """
        processor = self._create_baselining_processor()
        name = self._generate_baselining_job_name(job_name=job_name)
        processor.run_bias(
            data_config=data_config,
            bias_config=bias_config,
            model_config=model_config,
            model_predicted_label_config=model_predicted_label_config,
            wait=wait,
            logs=logs,
            job_name=name,
            kms_key=kms_key,
        )
        config = ClarifyBaseliningConfig(
            analysis_config=BiasAnalysisConfig(
                bias_config=bias_config, headers=data_config.headers, label=data_config.label
            ),
            features_attribute=data_config.features,
        )
        if model_predicted_label_config is not None:
            label = model_predicted_label_config.label
            probability = model_predicted_label_config.probability
            config.inference_attribute = None if label is None else str(label)
            config.probability_attribute = None if probability is None else str(probability)
            config.probability_threshold_attribute = (
                model_predicted_label_config.probability_threshold
            )
        return self._remember_clarify_baseline(processor, name, config)

    def create_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        ground_truth_input: str | None = None,
        analysis_config: str | BiasAnalysisConfig | None = None,
        output_s3_uri: str | None = None,
        constraints: Constraints | str | None = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool = True,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Creates a model-bias job definition and a schedule that runs it.

        ``analysis_config`` None reuses the latest ``suggest_baseline``'s configuration, and
        the attributes ``endpoint_input`` / ``batch_transform_input`` leave None are taken
        from it.

        Raises:
            ValueError: No ``ground_truth_input``; the monitor already has a schedule; not
                exactly one of ``endpoint_input`` and ``batch_transform_input``; a ``NOW``
                schedule lacks its window; no ``analysis_config`` and no baseline.
        """
        if not ground_truth_input:
            raise ValueError("ground_truth_input can not be None.")
        given = {k: v for k, v in locals().items() if k != "self"}
        self._create_schedule(given, enable_cloudwatch_metrics=enable_cloudwatch_metrics)

    def update_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        ground_truth_input: str | None = None,
        analysis_config: str | BiasAnalysisConfig | None = None,
        output_s3_uri: str | None = None,
        constraints: Constraints | str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool | None = None,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int | None = None,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        env: dict[str, str] | None = None,
        network_config: NetworkConfig | None = None,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Only the cron -> UpdateMonitoringSchedule; anything else -> a new job definition
        (the old one is kept) that the schedule then points at. Nothing given: nothing done.

        Raises:
            ValueError: Both ``endpoint_input`` and ``batch_transform_input``; no schedule.
        """
        given = {k: v for k, v in locals().items() if k != "self" and v is not None}
        if not given:
            return
        self._update_schedule(given)

    def _create_job_definition(self, request: dict[str, Any]) -> None:
        self._client().create_model_bias_job_definition(**request)

    def _describe_job_definition(self, name: str | None) -> dict[str, Any]:
        return self._client().describe_model_bias_job_definition(JobDefinitionName=name)

    def _delete_job_definition(self, name: str | None) -> None:
        self._client().delete_model_bias_job_definition(JobDefinitionName=name)

    @classmethod
    def attach(
        cls, monitor_schedule_name: str, sagemaker_session: Session | None = None
    ) -> ModelBiasMonitor:
        """A monitor for the existing model-bias schedule ``monitor_schedule_name``.

        Raises:
            TypeError: The schedule monitors something other than model bias.
        """
        session, desc = cls._attach_clarify(
            monitor_schedule_name, sagemaker_session, "ModelBiasMonitor"
        )
        job_desc = session.sagemaker_client.describe_model_bias_job_definition(
            JobDefinitionName=desc["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
        )
        return cls._attach(cls, session, desc, job_desc, tags=None)
