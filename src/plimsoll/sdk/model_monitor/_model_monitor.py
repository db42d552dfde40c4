"""Mirrors `sagemaker.model_monitor.ModelMonitor`: baselines and schedules, own container.

The schedule-level behaviour every monitor shares (start, stop, describe, executions,
waiting) lives here; the job-definition monitors (``DefaultModelMonitor`` ...) override
create, update and delete.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

from plimsoll.compat.naming import name_from_base
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
from plimsoll.sdk._processor import Processor
from plimsoll.sdk._uris import is_local, normalize_local, s3_path_join
from plimsoll.sdk.model_monitor._attach import attach_inline, attach_job_definition
from plimsoll.sdk.model_monitor._baselining import BaseliningJob
from plimsoll.sdk.model_monitor._monitoring_io import (
    BatchTransformInput,
    EndpointInput,
    MonitoringOutput,
)
from plimsoll.sdk.model_monitor._schedule import (
    InlineJob,
    build_inline_create_request,
    build_inline_update_request,
    check_one_time_window,
)
from plimsoll.sdk.model_monitor._schedule_ops import ScheduleOperations
from plimsoll.sdk.model_monitor.monitoring_files import (
    Constraints,
    Statistics,
)
from plimsoll.sdk.session import Session

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ModelMonitor"]

logger = logging.getLogger(__name__)

_M = TypeVar("_M", bound="ModelMonitor")

ENDPOINT_INPUT_DIR = "/opt/ml/processing/input/endpoint"
OUTPUT_DIR = "/opt/ml/processing/output"
_ALREADY_SCHEDULED = (
    "It seems that this object was already used to create an Amazon Model Monitoring "
    "Schedule. To create another, first delete the existing one using "
    "my_monitor.delete_monitoring_schedule()."
)
_ONE_INPUT = (
    "Need to have either batch_transform_input or endpoint_input to create an Amazon Model "
    "Monitoring Schedule. Please provide only one of the above required inputs"
)
_NO_ALERTS = (
    "Monitoring alerts ({}) are not supported by Plimsoll: it has no CloudWatch alarms "
    "(docs/compat.md)."
)
# Waiting for a schedule to leave Pending: SageMaker's 3 minutes, polled fast (local is fast).
SCHEDULE_WAIT_SECONDS = 180.0
SCHEDULE_POLL_SECONDS = 0.05


class ModelMonitor(ScheduleOperations):
    """Mirrors `sagemaker.model_monitor.ModelMonitor` (bring your own container).

    Deviations (docs/compat.md): ``role`` may be None; local inputs, outputs and scripts
    stay local instead of being uploaded; waiting for a schedule polls every 0.05 s;
    ``attach`` leaves ``tags`` empty (no ListTags); the alert methods raise
    ``NotImplementedError``.

    Args:
        role: Role name or ARN the jobs run as.
        image_uri: The image of baselining and monitoring jobs.
        instance_count: Hosts per job.
        instance_type: Instance type of each host.
        entrypoint: The container entrypoint.
        volume_size_in_gb: Volume size per host.
        volume_kms_key: KMS key of the volumes (recorded only).
        output_kms_key: KMS key of the outputs (recorded only).
        max_runtime_in_seconds: Time limit of each job.
        base_job_name: Prefix of generated job and schedule names.
        sagemaker_session: The session; a new one when not given.
        env: Environment variables of the jobs.
        tags: Tags of the jobs and schedules.
        network_config: Network settings of the jobs (recorded only).
    """

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        instance_count: int = 1,
        instance_type: str = "ml.m5.xlarge",
        entrypoint: list[str] | None = None,
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
        self.role = role
        self.image_uri = image_uri
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.entrypoint = entrypoint
        self.volume_size_in_gb = volume_size_in_gb
        self.volume_kms_key = volume_kms_key
        self.output_kms_key = output_kms_key
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.env = env
        self.tags = tags
        self.network_config = network_config
        self.arguments: list[str] | None = None
        self.monitoring_schedule_name: str | None = None
        self.job_definition_name: str | None = None
        self.baselining_jobs: list[BaseliningJob] = []
        self.latest_baselining_job: BaseliningJob | None = None
        self.latest_baselining_job_name: str | None = None

    # --- baselining -----------------------------------------------------------------------

    def run_baseline(
        self,
        baseline_inputs: Sequence[ProcessingInput],
        output: ProcessingOutput | str,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
    ) -> None:
        """Runs the monitor's image as a processing job over ``baseline_inputs``.

        Unnamed inputs are called ``input-1`` ... ``input-N``; an output given as a string
        is the container folder, uploaded to ``s3://<bucket>/<prefix>/<job>/output``.

        Raises:
            TypeError: An input is not a :class:`ProcessingInput`.
        """
        self.latest_baselining_job_name = self._generate_baselining_job_name(job_name)
        self.arguments = arguments
        inputs = []
        for count, baseline_input in enumerate(baseline_inputs, 1):
            if not isinstance(baseline_input, ProcessingInput):
                raise TypeError("Your inputs must be provided as ProcessingInput objects.")
            if baseline_input.input_name is None:
                baseline_input.input_name = f"input-{count}"
            inputs.append(baseline_input)
        if isinstance(output, str):
            output = ProcessingOutput(
                source=output,
                destination=self._default_uri(self.latest_baselining_job_name, "output"),
                output_name="monitoring_output",
            )
        processor = self._processor(self.env, self.entrypoint)
        processor.run(
            inputs=inputs,
            outputs=[output],
            arguments=arguments,
            wait=wait,
            logs=logs and wait,
            job_name=self.latest_baselining_job_name,
        )
        self._remember_baselining_job(processor)

    def _remember_baselining_job(self, processor: Processor) -> None:
        assert processor.latest_job is not None
        self.latest_baselining_job = BaseliningJob.from_processing_job(processor.latest_job)
        self.baselining_jobs.append(self.latest_baselining_job)

    def describe_latest_baselining_job(self) -> dict[str, Any]:
        """The DescribeProcessingJob response of the latest baselining job."""
        return self._latest_baselining_job().describe()

    def baseline_statistics(self, file_name: str = "statistics.json") -> Statistics:
        """The latest baselining job's statistics."""
        return self._latest_baselining_job().baseline_statistics(file_name, self.output_kms_key)

    def suggested_constraints(self, file_name: str = "constraints.json") -> Constraints:
        """The latest baselining job's suggested constraints."""
        return self._latest_baselining_job().suggested_constraints(file_name, self.output_kms_key)

    def _latest_baselining_job(self) -> BaseliningJob:
        if self.latest_baselining_job is None:
            raise ValueError("No suggestion jobs were kicked off.")
        return self.latest_baselining_job

    def _processor(self, env: dict[str, str] | None, entrypoint: list[str] | None) -> Processor:
        assert self.image_uri is not None, "a monitor needs an image"
        return Processor(
            role=self.role,
            image_uri=self.image_uri,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            entrypoint=entrypoint,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            output_kms_key=self.output_kms_key,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            base_job_name=self.base_job_name,
            sagemaker_session=self.sagemaker_session,
            env=env,
            tags=self.tags,
            network_config=self.network_config,
        )

    # --- schedules (inline job definition) ------------------------------------------------

    def create_monitoring_schedule(
        self,
        endpoint_input: str | EndpointInput | None = None,
        output: MonitoringOutput | None = None,
        statistics: Statistics | str | None = None,
        constraints: Constraints | str | None = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        batch_transform_input: BatchTransformInput | None = None,
        arguments: list[str] | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Creates a schedule whose job definition is inline (the API's original form).

        Raises:
            ValueError: This monitor already has a schedule; ``output`` is missing; not
                exactly one of ``endpoint_input`` and ``batch_transform_input`` is given;
                a ``NOW`` schedule lacks its analysis window.
        """
        if self.monitoring_schedule_name is not None:
            logger.warning(_ALREADY_SCHEDULED)
            raise ValueError(_ALREADY_SCHEDULED)
        if not output:
            raise ValueError("output can not be None.")
        monitoring_input = self._monitoring_input(endpoint_input, batch_transform_input)
        check_one_time_window(
            schedule_cron_expression, data_analysis_start_time, data_analysis_end_time
        )
        name = self._generate_monitoring_schedule_name(monitor_schedule_name)
        self.monitoring_schedule_name = name
        if arguments is not None:
            self.arguments = arguments
        job = self._inline_job(
            monitoring_inputs=[monitoring_input],
            output=output,
            statistics=statistics,
            constraints=constraints,
        )
        request = build_inline_create_request(
            name,
            job,
            expression=schedule_cron_expression,
            start_time=data_analysis_start_time,
            end_time=data_analysis_end_time,
            tags=self.tags,
        )
        try:
            self.sagemaker_session.sagemaker_client.create_monitoring_schedule(**request)
        except Exception:
            self.monitoring_schedule_name = None
            raise

    def update_monitoring_schedule(
        self,
        endpoint_input: str | EndpointInput | None = None,
        output: MonitoringOutput | None = None,
        statistics: Statistics | str | None = None,
        constraints: Constraints | str | None = None,
        schedule_cron_expression: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        entrypoint: list[str] | None = None,
        volume_size_in_gb: int | None = None,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        arguments: list[str] | None = None,
        max_runtime_in_seconds: int | None = None,
        env: dict[str, str] | None = None,
        network_config: NetworkConfig | None = None,
        role: str | None = None,
        image_uri: str | None = None,
        batch_transform_input: BatchTransformInput | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Changes the given settings of the schedule, then waits for it to leave Pending."""
        self._check_at_most_one_input(endpoint_input, batch_transform_input)
        inputs = None
        if endpoint_input is not None or batch_transform_input is not None:
            inputs = [self._monitoring_input(endpoint_input, batch_transform_input)]
        for attribute, value in (
            ("instance_type", instance_type),
            ("instance_count", instance_count),
            ("entrypoint", entrypoint),
            ("volume_size_in_gb", volume_size_in_gb),
            ("volume_kms_key", volume_kms_key),
            ("output_kms_key", output_kms_key),
            ("arguments", arguments),
            ("max_runtime_in_seconds", max_runtime_in_seconds),
            ("env", env),
            ("network_config", network_config),
            ("role", role),
            ("image_uri", image_uri),
        ):
            if value is not None:
                setattr(self, attribute, value)
        output_config: dict[str, Any] | None = None
        if output is not None:
            output_config = {
                "MonitoringOutputs": [self._normalize_monitoring_output_fields(output)]
            }
            if output_kms_key is not None:
                output_config["KmsKeyId"] = output_kms_key
        stats, cons = self._get_baseline_files(statistics, constraints, self.sagemaker_session)
        job = InlineJob(
            monitoring_inputs=inputs,
            monitoring_output_config=output_config,
            statistics_s3_uri=stats.file_s3_uri if stats is not None else None,
            constraints_s3_uri=cons.file_s3_uri if cons is not None else None,
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            image_uri=image_uri,
            entrypoint=entrypoint,
            arguments=arguments,
            max_runtime_in_seconds=max_runtime_in_seconds,
            environment=env,
            network_config=network_config._to_request_dict() if network_config else None,
            role_arn=self.sagemaker_session.expand_role(self.role),
        )
        existing = self.describe_schedule()
        request = build_inline_update_request(
            existing,
            job,
            expression=schedule_cron_expression,
            start_time=data_analysis_start_time,
            end_time=data_analysis_end_time,
        )
        self.sagemaker_session.sagemaker_client.update_monitoring_schedule(**request)
        self._wait_for_schedule_changes_to_apply()

    def _inline_job(
        self,
        *,
        monitoring_inputs: list[dict[str, Any]],
        output: MonitoringOutput,
        statistics: Statistics | str | None,
        constraints: Constraints | str | None,
    ) -> InlineJob:
        output_config: dict[str, Any] = {
            "MonitoringOutputs": [self._normalize_monitoring_output_fields(output)]
        }
        if self.output_kms_key is not None:
            output_config["KmsKeyId"] = self.output_kms_key
        stats, cons = self._get_baseline_files(statistics, constraints, self.sagemaker_session)
        return InlineJob(
            monitoring_inputs=monitoring_inputs,
            monitoring_output_config=output_config,
            statistics_s3_uri=stats.file_s3_uri if stats is not None else None,
            constraints_s3_uri=cons.file_s3_uri if cons is not None else None,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            image_uri=self.image_uri,
            entrypoint=self.entrypoint,
            arguments=self.arguments,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            environment=self.env,
            network_config=self.network_config._to_request_dict() if self.network_config else None,
            role_arn=self.sagemaker_session.expand_role(self.role),
        )

    # --- attaching ------------------------------------------------------------------------

    @classmethod
    def attach(
        cls: type[_M], monitor_schedule_name: str, sagemaker_session: Session | None = None
    ) -> _M:
        """A monitor for the existing schedule ``monitor_schedule_name`` (inline form)."""
        session = sagemaker_session or Session()
        desc = session.sagemaker_client.describe_monitoring_schedule(
            MonitoringScheduleName=monitor_schedule_name
        )
        return attach_inline(cls, session, desc, with_image=True)

    # --- helpers shared with the job-definition monitors ----------------------------------

    def _generate_monitoring_schedule_name(self, schedule_name: str | None = None) -> str:
        if schedule_name is not None:
            return schedule_name
        return name_from_base(self.base_job_name or "monitoring-schedule")

    def _default_uri(self, *parts: str | None) -> str:
        session = self.sagemaker_session
        return s3_path_join(
            "s3://", session.default_bucket(), session.default_bucket_prefix, *parts
        )

    def _monitoring_input(
        self,
        endpoint_input: str | EndpointInput | None,
        batch_transform_input: BatchTransformInput | None,
    ) -> dict[str, Any]:
        if (batch_transform_input is not None) == (endpoint_input is not None):
            logger.error(_ONE_INPUT)
            raise ValueError(_ONE_INPUT)
        if batch_transform_input is not None:
            return batch_transform_input._to_request_dict()
        return _normalize_endpoint_input(endpoint_input)._to_request_dict()

    def _normalize_monitoring_output_fields(self, output: MonitoringOutput) -> dict[str, Any]:
        if output.destination is None:
            output.destination = self._default_uri(self.monitoring_schedule_name, "output")
        return output._to_request_dict()

    def _normalize_monitoring_output(
        self, monitoring_schedule_name: str | None, output_s3_uri: str | None = None
    ) -> MonitoringOutput:
        destination = output_s3_uri or self._default_uri(
            "model-monitor", "monitoring", monitoring_schedule_name, "results"
        )
        if is_local(destination):
            destination = normalize_local(destination)
        return MonitoringOutput(source=OUTPUT_DIR, destination=destination)

    def _s3_uri_from_local_path(self, path: str) -> str:
        """The URI a job reads ``path`` from.

        SageMaker uploads a local file to ``s3://<bucket>/<prefix>/model-monitor/monitoring/
        <schedule>/input/<uuid4>/<basename>``; Plimsoll keeps local files local (made
        absolute), as it does for processing inputs (docs/compat.md).
        """
        if is_local(path):
            return normalize_local(path)
        return path

    @staticmethod
    def _get_baseline_files(
        statistics: Statistics | str | None,
        constraints: Constraints | str | None,
        sagemaker_session: Session | None = None,
    ) -> tuple[Statistics | None, Constraints | None]:
        """Statistics and constraints as objects; strings are URIs to load."""
        stats: Statistics | None = (
            Statistics.from_s3_uri(statistics, sagemaker_session=sagemaker_session)
            if isinstance(statistics, str)
            else statistics
        )
        cons: Constraints | None = (
            Constraints.from_s3_uri(constraints, sagemaker_session=sagemaker_session)
            if isinstance(constraints, str)
            else constraints
        )
        return stats, cons

    def _generate_baselining_job_name(self, job_name: str | None = None) -> str:
        if job_name is not None:
            return job_name
        return name_from_base(self.base_job_name or "baseline-suggestion-job")

    def _generate_job_definition_name(self) -> str:
        base: str = getattr(self, "JOB_DEFINITION_BASE_NAME", "job-definition")
        return name_from_base(base)

    @staticmethod
    def _attach(
        clazz: type[_M],
        sagemaker_session: Session,
        schedule_desc: dict[str, Any],
        job_desc: dict[str, Any],
        tags: list[dict[str, str]] | None,
    ) -> _M:
        """A ``clazz`` monitor for a schedule that names a job definition."""
        return attach_job_definition(clazz, sagemaker_session, schedule_desc, job_desc, tags)


def _normalize_endpoint_input(endpoint_input: str | EndpointInput | None) -> EndpointInput:
    """An endpoint name becomes an input at ``/opt/ml/processing/input/endpoint``."""
    if isinstance(endpoint_input, str):
        return EndpointInput(endpoint_name=endpoint_input, destination=ENDPOINT_INPUT_DIR)
    assert endpoint_input is not None
    return endpoint_input
