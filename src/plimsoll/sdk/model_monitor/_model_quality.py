"""Mirrors `sagemaker.model_monitor.ModelQualityMonitor`: model-quality baselines and schedules.

Baselines run the analyzer with ``analysis_type=MODEL_QUALITY`` over a validation set that holds
predictions and labels; schedules use CreateModelQualityJobDefinition (with the ground-truth
S3 URI and the problem type), then a CreateMonitoringSchedule that names it. Each execution is
a ground-truth merge job followed by the analysis job (see ``plimsoll.services``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk.model_monitor._default import (
    DATASET_DIR,
    OUTPUT_DIR,
    POSTPROCESSOR_DIR,
    analyzer_image_uri,
)
from plimsoll.sdk.model_monitor._job_definition import (
    JobDefinitionSpec,
    build_job_definition_request,
    env_map,
)
from plimsoll.sdk.model_monitor._model_monitor import ModelMonitor
from plimsoll.sdk.model_monitor._monitoring_io import BatchTransformInput, EndpointInput
from plimsoll.sdk.model_monitor.monitoring_files import Constraints
from plimsoll.sdk.session import Session

__all__ = ["ModelQualityMonitor"]

logger = logging.getLogger(__name__)

_IN_USE = (
    "It seems that this object was already used to create an Amazon Model Monitoring "
    "Schedule. To create another, first delete the existing one using "
    "my_monitor.delete_monitoring_schedule()."
)
_BOTH_INPUTS = (
    "Cannot update both batch_transform_input and endpoint_input to update an Amazon Model "
    "Monitoring Schedule. Please provide atmost one of the above required inputs"
)


class ModelQualityMonitor(ModelMonitor):
    """Mirrors `sagemaker.model_monitor.ModelQualityMonitor` (SDK 2.199).

    The image is SageMaker's analyzer URI, run by Plimsoll's built-in analyzer. Deviations
    (docs/compat.md): ``probability_threshold_attribute`` goes into the environment as text
    (SageMaker's SDK passes the float, which the API then rejects); local paths stay local.
    """

    JOB_DEFINITION_BASE_NAME = "model-quality-job-definition"

    def __init__(
        self,
        role: str | None = None,
        instance_count: int = 1,
        instance_type: str = "ml.m5.xlarge",
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
    ) -> None:
        session = sagemaker_session or Session()
        super().__init__(
            role=role,
            image_uri=analyzer_image_uri(session),
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=session,
            env=env,
            tags=tags,
            network_config=network_config,
        )

    @classmethod
    def monitoring_type(cls) -> str:
        return "ModelQuality"

    def suggest_baseline(
        self,
        baseline_dataset: str,
        dataset_format: dict[str, Any],
        problem_type: str,
        inference_attribute: str | None = None,
        probability_attribute: str | None = None,
        ground_truth_attribute: str | None = None,
        probability_threshold_attribute: float | str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        wait: bool = False,
        logs: bool = False,
        job_name: str | None = None,
    ) -> ProcessingJob:
        """Runs the analyzer's model-quality mode over ``baseline_dataset``; returns the job.

        Note ``wait`` and ``logs`` default to False, as in SageMaker's SDK.
        """
        name = self._generate_baselining_job_name(job_name)
        self.latest_baselining_job_name = name
        inputs = [
            ProcessingInput(
                source=baseline_dataset,
                destination=DATASET_DIR,
                input_name="baseline_dataset_input",
            )
        ]
        env = dict(self.env or {})
        env.update(
            output_path=OUTPUT_DIR,
            publish_cloudwatch_metrics="Disabled",
            dataset_format=json.dumps(dataset_format),
        )
        if post_analytics_processor_script is not None:
            inputs.append(
                ProcessingInput(
                    source=post_analytics_processor_script,
                    destination=POSTPROCESSOR_DIR,
                    input_name="post_analytics_processor_script_input",
                )
            )
            script = post_analytics_processor_script.rstrip("/").rsplit("/", 1)[-1]
            env["post_analytics_processor_script"] = f"{POSTPROCESSOR_DIR}/{script}"
        env.update(dataset_source=DATASET_DIR, analysis_type="MODEL_QUALITY")
        env["problem_type"] = problem_type
        for key, value in (
            ("inference_attribute", inference_attribute),
            ("probability_attribute", probability_attribute),
            ("ground_truth_attribute", ground_truth_attribute),
            ("probability_threshold_attribute", probability_threshold_attribute),
        ):
            if value is not None:
                env[key] = str(value)
        destination = output_s3_uri or self._default_uri(
            "model-monitor", "baselining", name, "results"
        )
        output = ProcessingOutput(
            source=OUTPUT_DIR, destination=destination, output_name="monitoring_output"
        )
        processor = self._processor(env, entrypoint=None)
        processor.run(inputs=inputs, outputs=[output], wait=wait, logs=logs and wait, job_name=name)
        self._remember_baselining_job(processor)
        assert processor.latest_job is not None
        return processor.latest_job

    # --- schedules ------------------------------------------------------------------------

    def create_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        ground_truth_input: str | None = None,
        problem_type: str | None = None,
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        constraints: Constraints | str | None = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool = True,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Creates a model-quality job definition and a schedule that runs it.

        Raises:
            ValueError: no ``ground_truth_input`` or ``problem_type``; the monitor already has
                a schedule; not exactly one of ``endpoint_input`` and
                ``batch_transform_input``; a ``NOW`` schedule lacks its analysis window.
        """
        if not ground_truth_input:
            raise ValueError("ground_truth_input can not be None.")
        if not problem_type:
            raise ValueError("problem_type can not be None.")
        if self.job_definition_name is not None or self.monitoring_schedule_name is not None:
            logger.error(_IN_USE)
            raise ValueError(_IN_USE)
        job_input = self._monitoring_input(endpoint_input, batch_transform_input)
        self._check_monitoring_schedule_cron_validity(
            schedule_cron_expression, data_analysis_start_time, data_analysis_end_time
        )
        schedule_name = self._generate_monitoring_schedule_name(monitor_schedule_name)
        definition_name = self._generate_job_definition_name()
        output = self._normalize_monitoring_output(schedule_name, output_s3_uri)
        request = self._definition_request(
            definition_name,
            problem_type=problem_type,
            ground_truth_input=ground_truth_input,
            baselining_job_name=self.latest_baselining_job_name,
            job_input=job_input,
            monitoring_output=output._to_request_dict(),
            record_preprocessor_script=record_preprocessor_script,
            post_analytics_processor_script=post_analytics_processor_script,
            constraints=constraints,
            environment=env_map(self.env, enable_cloudwatch_metrics=enable_cloudwatch_metrics),
            role_arn=self.sagemaker_session.expand_role(self.role),
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            output_kms_key=self.output_kms_key,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            network_config=_network_dict(self.network_config),
        )
        self._client().create_model_quality_job_definition(**request)
        try:
            self._create_monitoring_schedule_from_job_definition(
                schedule_name,
                definition_name,
                schedule_cron_expression,
                data_analysis_start_time,
                data_analysis_end_time,
            )
        except Exception:
            logger.exception("Failed to create monitoring schedule.")
            self._delete_definition_quietly(definition_name)
            raise
        self.job_definition_name = definition_name
        self.monitoring_schedule_name = schedule_name

    def update_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        ground_truth_input: str | None = None,
        problem_type: str | None = None,
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
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
        (the old one is kept) that the schedule then points at."""
        given = {k: v for k, v in locals().items() if k != "self" and v is not None}
        if not given:
            return
        if set(given) == {"schedule_cron_expression"} and schedule_cron_expression != "NOW":
            assert self.job_definition_name is not None, "no schedule to update"
            self._update_monitoring_schedule(self.job_definition_name, schedule_cron_expression)
            return
        if batch_transform_input is not None and endpoint_input is not None:
            logger.error(_BOTH_INPUTS)
            raise ValueError(_BOTH_INPUTS)
        existing = self._client().describe_model_quality_job_definition(
            JobDefinitionName=self.job_definition_name
        )
        job_input = None
        if endpoint_input is not None or batch_transform_input is not None:
            job_input = self._monitoring_input(endpoint_input, batch_transform_input)
        output = None
        if output_s3_uri is not None:
            monitoring_output = self._normalize_monitoring_output(
                self.monitoring_schedule_name, output_s3_uri
            )
            output = monitoring_output._to_request_dict()
        definition_name = self._generate_job_definition_name()
        request = self._definition_request(
            definition_name,
            existing=existing,
            problem_type=problem_type,
            ground_truth_input=ground_truth_input,
            job_input=job_input,
            monitoring_output=output,
            record_preprocessor_script=record_preprocessor_script,
            post_analytics_processor_script=post_analytics_processor_script,
            constraints=constraints,
            environment=env_map(env, enable_cloudwatch_metrics=enable_cloudwatch_metrics),
            role_arn=self.sagemaker_session.expand_role(role or existing["RoleArn"]),
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            network_config=_network_dict(network_config),
        )
        self._client().create_model_quality_job_definition(**request)
        try:
            self._update_monitoring_schedule(
                definition_name,
                schedule_cron_expression,
                data_analysis_start_time,
                data_analysis_end_time,
            )
        except Exception:
            logger.exception("Failed to update monitoring schedule.")
            self._delete_definition_quietly(definition_name)
            raise
        self.job_definition_name = definition_name
        for attribute in (
            "role",
            "instance_count",
            "instance_type",
            "volume_size_in_gb",
            "volume_kms_key",
            "output_kms_key",
            "max_runtime_in_seconds",
            "env",
            "network_config",
        ):
            if attribute in given:
                setattr(self, attribute, given[attribute])

    def delete_monitoring_schedule(self) -> None:
        """Deletes the schedule, then its job definition."""
        super().delete_monitoring_schedule()
        logger.info("Deleting Model Quality Job Definition with name: %s", self.job_definition_name)
        if self.job_definition_name is not None:
            self._client().delete_model_quality_job_definition(
                JobDefinitionName=self.job_definition_name
            )
        self.job_definition_name = None

    def _definition_request(
        self,
        definition_name: str,
        *,
        problem_type: str | None,
        ground_truth_input: str | None,
        job_input: dict[str, Any] | None,
        existing: dict[str, Any] | None = None,
        record_preprocessor_script: str | None,
        post_analytics_processor_script: str | None,
        constraints: Constraints | str | None,
        **values: Any,
    ) -> dict[str, Any]:
        """``_build_create_model_quality_job_definition_request``: the data-quality builder
        plus ``ProblemType`` and ``GroundTruthS3Input`` (no statistics: model quality has
        none)."""
        _, cons = self._get_baseline_files(None, constraints, self.sagemaker_session)
        if ground_truth_input is not None:
            if job_input is None:
                job_input = dict((existing or {}).get("ModelQualityJobInput") or {})
            job_input = {**job_input, "GroundTruthS3Input": {"S3Uri": ground_truth_input}}
        spec = JobDefinitionSpec(
            monitoring_type=self.monitoring_type(),
            job_definition_name=definition_name,
            image_uri=str(self.image_uri),
            job_input=job_input,
            record_preprocessor_source_uri=self._script_uri(record_preprocessor_script),
            post_analytics_processor_source_uri=self._script_uri(post_analytics_processor_script),
            constraints_s3_uri=cons.file_s3_uri if cons is not None else None,
            tags=self.tags,
            **values,
        )
        request = build_job_definition_request(spec, existing)
        if problem_type is not None:
            request["ModelQualityAppSpecification"]["ProblemType"] = problem_type
        return request

    def _script_uri(self, script: str | None) -> str | None:
        return None if script is None else self._s3_uri_from_local_path(script)

    def _delete_definition_quietly(self, definition_name: str) -> None:
        try:
            self._client().delete_model_quality_job_definition(JobDefinitionName=definition_name)
        except Exception:  # noqa: BLE001 - the original error is what the caller needs
            logger.exception("Failed to delete job definition %s.", definition_name)

    # --- attaching ------------------------------------------------------------------------

    @classmethod
    def attach(
        cls, monitor_schedule_name: str, sagemaker_session: Session | None = None
    ) -> ModelQualityMonitor:
        """A monitor for the existing model-quality schedule ``monitor_schedule_name``.

        Raises:
            TypeError: The schedule monitors something other than model quality.
        """
        session = sagemaker_session or Session()
        desc = session.sagemaker_client.describe_monitoring_schedule(
            MonitoringScheduleName=monitor_schedule_name
        )
        if desc["MonitoringScheduleConfig"].get("MonitoringType") != cls.monitoring_type():
            raise TypeError(
                "ModelQualityMonitor can only attach to ModelQuality monitoring schedule."
            )
        job_desc = session.sagemaker_client.describe_model_quality_job_definition(
            JobDefinitionName=desc["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
        )
        return cls._attach(cls, session, desc, job_desc, tags=None)


def _network_dict(network_config: NetworkConfig | None) -> dict[str, Any] | None:
    return network_config._to_request_dict() if network_config is not None else None
