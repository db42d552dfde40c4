"""Mirrors `sagemaker.model_monitor.DefaultModelMonitor`: data-quality baselines and schedules.

Schedules use the job-definition form of the API: CreateDataQualityJobDefinition, then a
CreateMonitoringSchedule that names it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk.model_monitor._attach import attach_inline
from plimsoll.sdk.model_monitor._job_definition import (
    JobDefinitionSpec,
    build_job_definition_request,
    env_map,
)
from plimsoll.sdk.model_monitor._model_monitor import ModelMonitor
from plimsoll.sdk.model_monitor._monitoring_io import BatchTransformInput, EndpointInput
from plimsoll.sdk.model_monitor._schedule import InlineJob, build_inline_update_request
from plimsoll.sdk.model_monitor.data_quality_monitoring_config import (
    DataQualityMonitoringConfig,
)
from plimsoll.sdk.model_monitor.monitoring_files import (
    Constraints,
    ConstraintViolations,
    Statistics,
)
from plimsoll.sdk.session import Session

__all__ = ["DefaultModelMonitor"]

logger = logging.getLogger(__name__)

ANALYZER_ACCOUNT = "156813124566"  # us-east-1's in SageMaker's image table


def analyzer_image_uri(session: Session) -> str:
    """The Model Monitor analyzer's image URI in the session's region."""
    return (
        f"{ANALYZER_ACCOUNT}.dkr.ecr.{session.boto_region_name}.amazonaws.com/"
        "sagemaker-model-monitor-analyzer"
    )


DATASET_DIR = "/opt/ml/processing/input/baseline_dataset_input"
PREPROCESSOR_DIR = "/opt/ml/processing/input/record_preprocessor_script_input"
POSTPROCESSOR_DIR = "/opt/ml/processing/input/post_analytics_processor_script_input"
OUTPUT_DIR = "/opt/ml/processing/output"


class DefaultModelMonitor(ModelMonitor):
    """Mirrors `sagemaker.model_monitor.DefaultModelMonitor`.

    The image is SageMaker's analyzer URI, which Plimsoll's image map runs as its built-in
    analyzer (docs/images.md). Deviations (docs/compat.md): local baseline datasets,
    scripts and output URIs stay local; ``role`` may be any string or None.
    """

    JOB_DEFINITION_BASE_NAME = "data-quality-job-definition"

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
        return "DataQuality"

    def suggest_baseline(
        self,
        baseline_dataset: str,
        dataset_format: dict[str, Any],
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        monitoring_config_override: DataQualityMonitoringConfig | None = None,
    ) -> ProcessingJob:
        """Runs the analyzer over ``baseline_dataset``; returns the baselining job."""
        env = dict(self.env or {})
        drift = _drift_method(monitoring_config_override)
        if drift is not None:
            env["categorical_drift_method"] = drift
        name = self._generate_baselining_job_name(job_name)
        self.latest_baselining_job_name = name
        inputs = [
            ProcessingInput(
                source=baseline_dataset,
                destination=DATASET_DIR,
                input_name="baseline_dataset_input",
            )
        ]
        env.update(
            dataset_format=json.dumps(dataset_format),
            dataset_source=DATASET_DIR,
            output_path=OUTPUT_DIR,
            publish_cloudwatch_metrics="Disabled",
        )
        for script, folder, key in (
            (record_preprocessor_script, PREPROCESSOR_DIR, "record_preprocessor_script"),
            (post_analytics_processor_script, POSTPROCESSOR_DIR, "post_analytics_processor_script"),
        ):
            if script is not None:
                input_name = folder.rsplit("/", 1)[-1]
                inputs.append(
                    ProcessingInput(source=script, destination=folder, input_name=input_name)
                )
                env[key] = f"{folder}/{script.rstrip('/').rsplit('/', 1)[-1]}"
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

    def run_baseline(self) -> None:  # type: ignore[override]
        """Not for this class: use :meth:`suggest_baseline`."""
        raise NotImplementedError(
            "'.run_baseline()' is only allowed for ModelMonitor objects. "
            "Please use suggest_baseline for DefaultModelMonitor objects, instead."
        )

    # --- schedules ------------------------------------------------------------------------

    def create_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        constraints: Constraints | str | None = None,
        statistics: Statistics | str | None = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool = True,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Creates a data-quality job definition and a schedule that runs it.

        Without ``statistics``/``constraints`` the latest baselining job (if any) is named
        as the baseline. The job definition is deleted again if the schedule cannot be made.

        Raises:
            ValueError: This monitor already has a schedule; not exactly one of
                ``endpoint_input`` and ``batch_transform_input`` is given; a ``NOW``
                schedule lacks its analysis window.
        """
        if self.job_definition_name is not None or self.monitoring_schedule_name is not None:
            message = (
                "It seems that this object was already used to create an Amazon Model "
                "Monitoring Schedule. To create another, first delete the existing one "
                "using my_monitor.delete_monitoring_schedule()."
            )
            logger.error(message)
            raise ValueError(message)
        job_input = self._monitoring_input(endpoint_input, batch_transform_input)
        self._check_monitoring_schedule_cron_validity(
            schedule_cron_expression, data_analysis_start_time, data_analysis_end_time
        )
        schedule_name = self._generate_monitoring_schedule_name(monitor_schedule_name)
        definition_name = self._generate_job_definition_name()
        output = self._normalize_monitoring_output(schedule_name, output_s3_uri)
        request = self._definition_request(
            definition_name,
            baselining_job_name=self.latest_baselining_job_name,
            job_input=job_input,
            monitoring_output=output._to_request_dict(),
            record_preprocessor_script=record_preprocessor_script,
            post_analytics_processor_script=post_analytics_processor_script,
            statistics=statistics,
            constraints=constraints,
            environment=env_map(self.env, enable_cloudwatch_metrics=enable_cloudwatch_metrics),
            role_arn=self.sagemaker_session.expand_role(self.role),
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            output_kms_key=self.output_kms_key,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            network_config=self._network_dict(self.network_config),
        )
        self._client().create_data_quality_job_definition(**request)
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
            self.monitoring_schedule_name = None
            self._delete_definition_quietly(definition_name)
            raise
        self.job_definition_name = definition_name
        self.monitoring_schedule_name = schedule_name

    def update_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: str | EndpointInput | None = None,
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        statistics: Statistics | str | None = None,
        constraints: Constraints | str | None = None,
        schedule_cron_expression: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int | None = None,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        env: dict[str, str] | None = None,
        network_config: NetworkConfig | None = None,
        enable_cloudwatch_metrics: bool | None = None,
        role: str | None = None,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Changes the schedule: only the cron -> UpdateMonitoringSchedule; anything else ->
        a new job definition (the old one is kept) that the schedule then points at."""
        given = {k: v for k, v in locals().items() if k != "self" and v is not None}
        self._check_at_most_one_input(endpoint_input, batch_transform_input)
        if self.job_definition_name is None:
            self._update_inline_schedule(given)
            return
        if not given:
            return
        if set(given) == {"schedule_cron_expression"}:
            self._update_monitoring_schedule(self.job_definition_name, schedule_cron_expression)
            return
        existing = self.describe_schedule()
        if schedule_cron_expression is None:
            old_schedule = existing.get("MonitoringScheduleConfig", {}).get("ScheduleConfig")
            if old_schedule and old_schedule.get("ScheduleExpression") is not None:
                schedule_cron_expression = old_schedule["ScheduleExpression"]
        job_desc = self._client().describe_data_quality_job_definition(
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
            existing=job_desc,
            job_input=job_input,
            monitoring_output=output,
            record_preprocessor_script=record_preprocessor_script,
            post_analytics_processor_script=post_analytics_processor_script,
            statistics=statistics,
            constraints=constraints,
            environment=env_map(env, enable_cloudwatch_metrics=enable_cloudwatch_metrics),
            role_arn=self.sagemaker_session.expand_role(role or job_desc["RoleArn"]),
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            network_config=self._network_dict(network_config),
        )
        self._client().create_data_quality_job_definition(**request)
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

    def _update_inline_schedule(self, given: dict[str, Any]) -> None:
        """Updates a schedule made with the inline form (attached from older code)."""
        endpoint_input = given.get("endpoint_input")
        batch_input = given.get("batch_transform_input")
        inputs = None
        if endpoint_input is not None or batch_input is not None:
            inputs = [self._monitoring_input(endpoint_input, batch_input)]
        output_config: dict[str, Any] | None = None
        output_path = None
        if given.get("output_s3_uri") is not None:
            output = self._normalize_monitoring_output(
                self.monitoring_schedule_name, given["output_s3_uri"]
            )
            output_config = {"MonitoringOutputs": [output._to_request_dict()]}
            output_path = output.source
        if given.get("env") is not None:
            self.env = given["env"]
        for attribute in (
            "instance_type",
            "instance_count",
            "volume_size_in_gb",
            "volume_kms_key",
            "max_runtime_in_seconds",
            "network_config",
            "role",
        ):
            if attribute in given:
                setattr(self, attribute, given[attribute])
        if "output_kms_key" in given:
            self.output_kms_key = given["output_kms_key"]
            if output_config is not None:
                output_config["KmsKeyId"] = self.output_kms_key
        stats, cons = self._get_baseline_files(
            given.get("statistics"), given.get("constraints"), self.sagemaker_session
        )
        scripts = {
            key: self._s3_uri_from_local_path(given[key])
            for key in ("record_preprocessor_script", "post_analytics_processor_script")
            if key in given
        }
        job = InlineJob(
            monitoring_inputs=inputs,
            monitoring_output_config=output_config,
            statistics_s3_uri=stats.file_s3_uri if stats is not None else None,
            constraints_s3_uri=cons.file_s3_uri if cons is not None else None,
            instance_count=given.get("instance_count"),
            instance_type=given.get("instance_type"),
            volume_size_in_gb=given.get("volume_size_in_gb"),
            volume_kms_key=given.get("volume_kms_key"),
            record_preprocessor_source_uri=scripts.get("record_preprocessor_script"),
            post_analytics_processor_source_uri=scripts.get("post_analytics_processor_script"),
            max_runtime_in_seconds=given.get("max_runtime_in_seconds"),
            environment=env_map(
                given.get("env"),
                output_path=output_path,
                enable_cloudwatch_metrics=given.get("enable_cloudwatch_metrics"),
            )
            or None,
            network_config=self._network_dict(self.network_config),
            role_arn=self.sagemaker_session.expand_role(self.role),
        )
        request = build_inline_update_request(
            self.describe_schedule(),
            job,
            expression=given.get("schedule_cron_expression"),
            start_time=given.get("data_analysis_start_time"),
            end_time=given.get("data_analysis_end_time"),
        )
        self._client().update_monitoring_schedule(**request)
        self._wait_for_schedule_changes_to_apply()

    def delete_monitoring_schedule(self) -> None:
        """Deletes the schedule, then its job definition."""
        super().delete_monitoring_schedule()
        if self.job_definition_name is not None:
            logger.info(
                "Deleting Data Quality Job Definition with name: %s", self.job_definition_name
            )
            self._client().delete_data_quality_job_definition(
                JobDefinitionName=self.job_definition_name
            )
            self.job_definition_name = None

    def _definition_request(
        self,
        definition_name: str,
        *,
        existing: dict[str, Any] | None = None,
        record_preprocessor_script: str | None,
        post_analytics_processor_script: str | None,
        statistics: Statistics | str | None,
        constraints: Constraints | str | None,
        **values: Any,
    ) -> dict[str, Any]:
        stats, cons = self._get_baseline_files(statistics, constraints, self.sagemaker_session)
        spec = JobDefinitionSpec(
            monitoring_type=self.monitoring_type(),
            job_definition_name=definition_name,
            image_uri=str(self.image_uri),
            record_preprocessor_source_uri=self._script_uri(record_preprocessor_script),
            post_analytics_processor_source_uri=self._script_uri(post_analytics_processor_script),
            statistics_s3_uri=stats.file_s3_uri if stats is not None else None,
            constraints_s3_uri=cons.file_s3_uri if cons is not None else None,
            tags=self.tags,
            **values,
        )
        return build_job_definition_request(spec, existing)

    def _script_uri(self, script: str | None) -> str | None:
        return None if script is None else self._s3_uri_from_local_path(script)

    def _delete_definition_quietly(self, definition_name: str) -> None:
        try:
            self._client().delete_data_quality_job_definition(JobDefinitionName=definition_name)
        except Exception:  # noqa: BLE001 - the original error is what the caller needs
            logger.exception("Failed to delete job definition %s.", definition_name)

    @staticmethod
    def _network_dict(network_config: NetworkConfig | None) -> dict[str, Any] | None:
        return network_config._to_request_dict() if network_config is not None else None

    # --- attaching and results ------------------------------------------------------------

    @classmethod
    def attach(
        cls, monitor_schedule_name: str, sagemaker_session: Session | None = None
    ) -> DefaultModelMonitor:
        """A monitor for the existing data-quality schedule ``monitor_schedule_name``.

        Raises:
            TypeError: The schedule monitors something other than data quality.
        """
        session = sagemaker_session or Session()
        desc = session.sagemaker_client.describe_monitoring_schedule(
            MonitoringScheduleName=monitor_schedule_name
        )
        definition_name = desc["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")
        if not definition_name:
            return attach_inline(cls, session, desc, with_image=False)
        if desc["MonitoringScheduleConfig"].get("MonitoringType") != cls.monitoring_type():
            raise TypeError(
                "DefaultModelMonitor can only attach to Data quality monitoring schedule."
            )
        job_desc = session.sagemaker_client.describe_data_quality_job_definition(
            JobDefinitionName=definition_name
        )
        return cls._attach(cls, session, desc, job_desc, tags=None)

    def latest_monitoring_statistics(  # type: ignore[override]
        self,
    ) -> Statistics | None:
        """The latest execution's statistics; None (with a warning) when unreadable."""
        executions = self.list_executions()
        if not executions:
            self._warn_no_executions()
            return None
        latest = executions[-1]
        try:
            return latest.statistics()
        except OSError:
            status = latest.describe()["ProcessingJobStatus"]
            logger.warning(
                "Unable to retrieve statistics as job is in status '%s'. Latest statistics "
                "only available for completed executions.",
                status,
            )
            return None

    def latest_monitoring_constraint_violations(  # type: ignore[override]
        self,
    ) -> ConstraintViolations | None:
        """The latest execution's violations; None (with a warning) when unreadable."""
        executions = self.list_executions()
        if not executions:
            self._warn_no_executions()
            return None
        latest = executions[-1]
        try:
            return latest.constraint_violations()
        except OSError:
            status = latest.describe()["ProcessingJobStatus"]
            logger.warning(
                "Unable to retrieve constraint violations as job is in status '%s'. Latest "
                "violations only available for completed executions.",
                status,
            )
            return None


def _drift_method(override: DataQualityMonitoringConfig | None) -> str | None:
    """The ``categorical_drift_method`` to set, as the SDK validates it."""
    if not DataQualityMonitoringConfig.valid_monitoring_config(override):
        raise RuntimeError("Invalid value for monitoring_config_override.")
    if override is None or not override.distribution_constraints:
        return None
    return override.distribution_constraints.categorical_drift_method
