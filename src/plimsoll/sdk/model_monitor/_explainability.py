"""Mirrors `sagemaker.model_monitor.ModelExplainabilityMonitor`: SHAP baselines and schedules.

The baseline is a Clarify ``run_explainability`` job; a schedule is a
CreateModelExplainabilityJobDefinition and a ``ModelExplainability`` CreateMonitoringSchedule.
The shared machinery is in :mod:`plimsoll.sdk.model_monitor._clarify_monitor`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plimsoll.sdk._clarify.model_config import ModelPredictedLabelConfig
from plimsoll.sdk.model_monitor._clarify_monitor import ClarifyModelMonitor
from plimsoll.sdk.model_monitor._clarify_monitor_config import (
    ClarifyBaseliningConfig,
    ExplainabilityAnalysisConfig,
)
from plimsoll.sdk.model_monitor._model_monitor import _ONE_INPUT
from plimsoll.sdk.session import Session

if TYPE_CHECKING:
    from plimsoll.sdk._clarify.data_config import DataConfig
    from plimsoll.sdk._clarify.explainability import ExplainabilityConfig
    from plimsoll.sdk._clarify.model_config import ModelConfig
    from plimsoll.sdk._network import NetworkConfig
    from plimsoll.sdk._processing_job import ProcessingJob
    from plimsoll.sdk.model_monitor._monitoring_io import BatchTransformInput, EndpointInput
    from plimsoll.sdk.model_monitor.monitoring_files import Constraints

__all__ = ["ModelExplainabilityMonitor"]


class ModelExplainabilityMonitor(ClarifyModelMonitor):
    """Mirrors `sagemaker.model_monitor.ModelExplainabilityMonitor` (SDK 2.199).

    Monitors the feature attributions (SHAP) of an endpoint; takes
    :class:`ClarifyModelMonitor`'s arguments. As in the SDK, ``create_monitoring_schedule``
    does not pass the analysis window on to the schedule, so a ``NOW`` schedule fails after
    its job definition was created (and deleted again).
    """

    JOB_DEFINITION_BASE_NAME = "model-explainability-job-definition"
    _CREATE_ONE_INPUT = _ONE_INPUT.replace("Schedule. Please", "Schedule.Please")

    @classmethod
    def monitoring_type(cls) -> str:
        return "ModelExplainability"

    def suggest_baseline(
        self,
        data_config: DataConfig,
        explainability_config: ExplainabilityConfig,
        model_config: ModelConfig,
        model_scores: int | str | ModelPredictedLabelConfig | None = None,
        wait: bool = False,
        logs: bool = False,
        job_name: str | None = None,
        kms_key: str | None = None,
    ) -> ProcessingJob:
        """Runs the Clarify processor's ``run_explainability``; the schedule reuses its
        configuration (headers without the label; ``model_scores`` as the inference
        attribute, written ``"None"`` for a label-less ModelPredictedLabelConfig, as the SDK
        does). Returns the Clarify processing job."""
        processor = self._create_baselining_processor()
        name = self._generate_baselining_job_name(job_name=job_name)
        processor.run_explainability(
            data_config=data_config,
            model_config=model_config,
            explainability_config=explainability_config,
            model_scores=model_scores,
            wait=wait,
            logs=logs,
            job_name=name,
            kms_key=kms_key,
        )
        headers = list(data_config.headers) if data_config.headers is not None else None
        if headers and data_config.label in headers:
            headers.remove(str(data_config.label))
        inference_attribute: str | None = None
        label_headers = None
        if isinstance(model_scores, ModelPredictedLabelConfig):
            inference_attribute = str(model_scores.label)
            label_headers = model_scores.label_headers
        elif model_scores is not None:
            inference_attribute = str(model_scores)
        config = ClarifyBaseliningConfig(
            analysis_config=ExplainabilityAnalysisConfig(
                explainability_config=explainability_config,
                model_config=model_config,
                headers=headers,
                label_headers=label_headers,
            ),
            features_attribute=data_config.features,
            inference_attribute=inference_attribute,
        )
        return self._remember_clarify_baseline(processor, name, config)

    def create_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        analysis_config: str | ExplainabilityAnalysisConfig | None = None,
        output_s3_uri: str | None = None,
        constraints: Constraints | str | None = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool = True,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Creates a model-explainability job definition and a schedule that runs it.

        ``analysis_config`` None reuses the latest ``suggest_baseline``'s configuration.

        Raises:
            ValueError: The monitor already has a schedule; not exactly one of
                ``endpoint_input`` and ``batch_transform_input``; a ``NOW`` schedule (see
                the class docstring); no ``analysis_config`` and no baseline.
        """
        given = {k: v for k, v in locals().items() if k != "self"}
        self._create_schedule(
            given, enable_cloudwatch_metrics=enable_cloudwatch_metrics, window_on_schedule=False
        )

    def update_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        analysis_config: str | ExplainabilityAnalysisConfig | None = None,
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
        (the old one is kept) that the schedule then points at.

        Raises:
            ValueError: Nothing to update; both ``endpoint_input`` and
                ``batch_transform_input``; no schedule.
        """
        given = {k: v for k, v in locals().items() if k != "self" and v is not None}
        if not given:
            raise ValueError("Nothing to update.")
        self._update_schedule(given)

    def _create_job_definition(self, request: dict[str, Any]) -> None:
        self._client().create_model_explainability_job_definition(**request)

    def _describe_job_definition(self, name: str | None) -> dict[str, Any]:
        return self._client().describe_model_explainability_job_definition(JobDefinitionName=name)

    def _delete_job_definition(self, name: str | None) -> None:
        self._client().delete_model_explainability_job_definition(JobDefinitionName=name)

    @classmethod
    def attach(
        cls, monitor_schedule_name: str, sagemaker_session: Session | None = None
    ) -> ModelExplainabilityMonitor:
        """A monitor for the existing model-explainability schedule ``monitor_schedule_name``.

        Raises:
            TypeError: The schedule monitors something other than model explainability.
        """
        session, desc = cls._attach_clarify(
            monitor_schedule_name, sagemaker_session, "ModelExplainabilityMonitor"
        )
        job_desc = session.sagemaker_client.describe_model_explainability_job_definition(
            JobDefinitionName=desc["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
        )
        return cls._attach(cls, session, desc, job_desc, tags=None)
