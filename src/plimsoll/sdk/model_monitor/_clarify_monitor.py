"""Mirrors `sagemaker.model_monitor.clarify_model_monitoring.ClarifyModelMonitor`: the base of
the bias and explainability monitors (``_bias.py``, ``_explainability.py``).

``suggest_baseline`` runs the Clarify processor and remembers a ``ClarifyBaseliningConfig``.
A schedule is a Create<Type>JobDefinition whose ``ConfigUri`` names an ``analysis_config.json``
uploaded to ``<output_s3_uri>/<job_definition_name>/<uuid4>/``, then a CreateMonitoringSchedule
of that type that names it. Create, update, delete and attach share their bodies here.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from plimsoll.sdk import s3
from plimsoll.sdk._clarify.processor import SageMakerClarifyProcessor, clarify_image_uri
from plimsoll.sdk._uris import is_local, local_path_of, normalize_local, s3_path_join
from plimsoll.sdk.model_monitor._clarify_monitor_config import (
    BiasAnalysisConfig,
    ClarifyBaseliningConfig,
    ClarifyBaseliningJob,
    ClarifyMonitoringExecution,
    ExplainabilityAnalysisConfig,
)
from plimsoll.sdk.model_monitor._job_definition import (
    JobDefinitionSpec,
    build_job_definition_request,
    env_map,
)
from plimsoll.sdk.model_monitor._model_monitor import (
    _ALREADY_SCHEDULED,
    _ONE_INPUT,
    ModelMonitor,
    _normalize_endpoint_input,
)
from plimsoll.sdk.session import Session

if TYPE_CHECKING:
    from plimsoll.sdk._network import NetworkConfig
    from plimsoll.sdk.model_monitor._monitoring_io import BatchTransformInput, EndpointInput
    from plimsoll.sdk.model_monitor.monitoring_files import Constraints

__all__ = ["ClarifyModelMonitor"]

logger = logging.getLogger(__name__)

AnalysisConfig = str | BiasAnalysisConfig | ExplainabilityAnalysisConfig

_BACKFILLED = (
    "features_attribute",
    "inference_attribute",
    "probability_attribute",
    "probability_threshold_attribute",
)
# What update_monitoring_schedule copies onto the monitor once the schedule points at it.
_UPDATED_ATTRIBUTES = (
    "role",
    "instance_count",
    "instance_type",
    "volume_size_in_gb",
    "volume_kms_key",
    "output_kms_key",
    "max_runtime_in_seconds",
    "env",
    "network_config",
)


class ClarifyModelMonitor(ModelMonitor):
    """Mirrors `sagemaker.model_monitor.clarify_model_monitoring.ClarifyModelMonitor`.

    Abstract: instantiate :class:`ModelBiasMonitor` or :class:`ModelExplainabilityMonitor`.
    The image is SageMaker's Clarify URI, run by Plimsoll's built-in Clarify analyzer.
    Deviations (docs/compat.md): ``attach`` leaves ``tags`` empty (no ListTags); a local
    ``output_s3_uri`` keeps ``analysis_config.json`` local.

    Args:
        role: Role name or ARN the jobs run as.
        instance_count: Hosts per job.
        instance_type: Instance type of each host.
        volume_size_in_gb: Volume size per host.
        volume_kms_key: KMS key of the volumes (recorded only).
        output_kms_key: KMS key of the outputs (recorded only).
        max_runtime_in_seconds: Time limit of each job.
        base_job_name: Prefix of generated job and schedule names.
        sagemaker_session: The session; a new one when not given.
        env: Environment variables of the jobs.
        tags: Tags of the jobs and schedules.
        network_config: Network settings of the jobs (recorded only).

    Raises:
        TypeError: The class instantiated is ``ClarifyModelMonitor`` itself.
    """

    JOB_DEFINITION_BASE_NAME: ClassVar[str]
    # The create-time "one input" message: the explainability monitor's lacks a space.
    _CREATE_ONE_INPUT: ClassVar[str] = _ONE_INPUT

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
        if type(self) is ClarifyModelMonitor:
            raise TypeError(
                "ClarifyModelMonitor is abstract, please instantiate its subclasses instead."
            )
        session = sagemaker_session or Session()
        super().__init__(
            role=role,
            image_uri=clarify_image_uri(session.boto_region_name),
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
        self.latest_baselining_job_config: ClarifyBaseliningConfig | None = None

    def run_baseline(self, **_: Any) -> None:  # type: ignore[override]
        """Not for Clarify monitors: use ``suggest_baseline``.

        Raises:
            NotImplementedError: Always (the SDK's message).
        """
        raise NotImplementedError(
            "'.run_baseline()' is only allowed for ModelMonitor objects."
            "Please use suggest_baseline instead."
        )

    def latest_monitoring_statistics(self, **_: Any) -> Any:  # type: ignore[override]  # noqa: ANN401
        """Not for Clarify monitors: their executions have no statistics.

        Raises:
            NotImplementedError: Always (the SDK's message).
        """
        raise NotImplementedError(f"{self.__class__.__name__} doesn't support statistics.")

    def list_executions(self) -> list[ClarifyMonitoringExecution]:  # type: ignore[override]
        """The schedule's executions that ran a job, oldest first (``[-1]`` is the latest)."""
        return [
            ClarifyMonitoringExecution(
                sagemaker_session=execution.sagemaker_session,
                job_name=execution.job_name,
                inputs=execution.inputs,
                output=execution.output,
                output_kms_key=execution.output_kms_key,
            )
            for execution in super().list_executions()
        ]

    def _create_baselining_processor(self) -> SageMakerClarifyProcessor:
        """The Clarify processor of ``suggest_baseline``, with this monitor's settings."""
        processor = SageMakerClarifyProcessor(
            role=self.role,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            output_kms_key=self.output_kms_key,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            sagemaker_session=self.sagemaker_session,
            env=self.env,
            tags=self.tags,
            network_config=self.network_config,
        )
        processor.image_uri = str(self.image_uri)
        processor.base_job_name = self.base_job_name
        return processor

    def _remember_clarify_baseline(
        self, processor: SageMakerClarifyProcessor, name: str, config: ClarifyBaseliningConfig
    ) -> ClarifyBaseliningJob:
        assert processor.latest_job is not None, "the Clarify job was started"
        self.latest_baselining_job_config = config
        self.latest_baselining_job_name = name
        job = ClarifyBaseliningJob(processing_job=processor.latest_job)
        self.latest_baselining_job = job
        self.baselining_jobs.append(job)
        return job

    def _upload_analysis_config(
        self,
        analysis_config: dict[str, Any],
        output_s3_uri: str | None,
        job_definition_name: str,
        kms_key: str | None,
    ) -> str:
        """Writes ``<output_s3_uri>/<job_definition_name>/<uuid4>/analysis_config.json``.

        A local ``output_s3_uri`` keeps the file local (made absolute, in its form).

        Returns:
            The file's URI.
        """
        parts = (job_definition_name, str(uuid.uuid4()), "analysis_config.json")
        if output_s3_uri is not None and is_local(output_s3_uri):
            folder = normalize_local(output_s3_uri).rstrip("/")
            uri = "/".join((folder, *parts))
            path = local_path_of(uri)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(analysis_config))
            return uri
        uri = s3_path_join(output_s3_uri, *parts)
        logger.info("Uploading analysis config to %s.", uri)
        return s3.S3Uploader.upload_string_as_file_body(
            json.dumps(analysis_config),
            desired_s3_uri=uri,
            sagemaker_session=self.sagemaker_session,
            kms_key=kms_key,
        )

    def _build_create_job_definition_request(
        self,
        monitoring_schedule_name: str | None,
        job_definition_name: str,
        image_uri: str | None,
        latest_baselining_job_name: str | None = None,
        latest_baselining_job_config: ClarifyBaseliningConfig | None = None,
        existing_job_desc: dict[str, Any] | None = None,
        endpoint_input: str | EndpointInput | None = None,
        ground_truth_input: str | None = None,
        analysis_config: AnalysisConfig | None = None,
        output_s3_uri: str | None = None,
        constraints: Constraints | str | None = None,
        enable_cloudwatch_metrics: bool | None = None,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int | None = None,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
        batch_transform_input: BatchTransformInput | None = None,
    ) -> dict[str, Any]:
        """The Create<Type>JobDefinition request; given ``existing_job_desc``, an update of it.

        Raises:
            ValueError: No ``analysis_config``, no baselining job and no existing config.
        """
        kind = self.monitoring_type()
        existing = existing_job_desc or {}
        if existing_job_desc is not None and role is None:
            role = existing_job_desc["RoleArn"]
        output = None
        if output_s3_uri is not None:
            monitoring_output = self._normalize_monitoring_output(
                monitoring_schedule_name, output_s3_uri
            )
            output = monitoring_output._to_request_dict()
        if analysis_config is None:
            app = existing.get(f"{kind}AppSpecification") or {}
            if latest_baselining_job_config is not None:
                analysis_config = latest_baselining_job_config.analysis_config
            elif app:
                analysis_config = app["ConfigUri"]
            else:
                raise ValueError("analysis_config is mandatory.")
        if isinstance(analysis_config, str):
            config_uri = analysis_config
        else:
            config_uri = self._upload_analysis_config(
                analysis_config._to_dict(), output_s3_uri, job_definition_name, output_kms_key
            )
        constraints_uri = None
        if constraints:
            _, found = self._get_baseline_files(None, constraints, self.sagemaker_session)
            constraints_uri = found.file_s3_uri if found is not None else None
        job_input = _job_input(endpoint_input, batch_transform_input, latest_baselining_job_config)
        if ground_truth_input is not None:
            if job_input is None:
                job_input = dict(existing.get(f"{kind}JobInput") or {})
            job_input["GroundTruthS3Input"] = {"S3Uri": ground_truth_input}
        spec = JobDefinitionSpec(
            monitoring_type=kind,
            job_definition_name=job_definition_name,
            image_uri=str(image_uri),
            role_arn=self.sagemaker_session.expand_role(role),
            job_input=job_input,
            monitoring_output=output,
            environment=env_map(env, enable_cloudwatch_metrics=enable_cloudwatch_metrics),
            constraints_s3_uri=constraints_uri,
            baselining_job_name=None if constraints else latest_baselining_job_name,
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            network_config=network_config._to_request_dict() if network_config else None,
            tags=tags,
        )
        request = build_job_definition_request(spec, existing_job_desc)
        request[f"{kind}AppSpecification"]["ConfigUri"] = config_uri
        return request

    # --- the shared bodies of create / update / delete ------------------------------------

    def _create_job_definition(self, request: dict[str, Any]) -> None:
        raise NotImplementedError  # Each monitor calls its own Create<Type>JobDefinition.

    def _describe_job_definition(self, name: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def _delete_job_definition(self, name: str | None) -> None:
        raise NotImplementedError

    def _create_schedule(
        self,
        given: dict[str, Any],
        *,
        enable_cloudwatch_metrics: bool,
        window_on_schedule: bool = True,
    ) -> None:
        """``create_monitoring_schedule`` after its own first checks; ``given`` holds its
        arguments. ``window_on_schedule`` False drops the analysis window from the schedule
        request, as the SDK's explainability monitor does."""
        if self.job_definition_name is not None or self.monitoring_schedule_name is not None:
            logger.error(_ALREADY_SCHEDULED)
            raise ValueError(_ALREADY_SCHEDULED)
        endpoint_input = given.get("endpoint_input")
        batch_transform_input = given.get("batch_transform_input")
        if (batch_transform_input is not None) ^ (endpoint_input is None):
            logger.error(self._CREATE_ONE_INPUT)
            raise ValueError(self._CREATE_ONE_INPUT)
        cron = given.get("schedule_cron_expression")
        start, end = given.get("data_analysis_start_time"), given.get("data_analysis_end_time")
        self._check_monitoring_schedule_cron_validity(cron, start, end)
        schedule_name = self._generate_monitoring_schedule_name(given.get("monitor_schedule_name"))
        definition_name = self._generate_job_definition_name()
        output = self._normalize_monitoring_output(schedule_name, given.get("output_s3_uri"))
        request = self._build_create_job_definition_request(
            monitoring_schedule_name=schedule_name,
            job_definition_name=definition_name,
            image_uri=self.image_uri,
            latest_baselining_job_name=self.latest_baselining_job_name,
            latest_baselining_job_config=self.latest_baselining_job_config,
            endpoint_input=endpoint_input,
            ground_truth_input=given.get("ground_truth_input"),
            analysis_config=given.get("analysis_config"),
            output_s3_uri=output.destination,
            constraints=given.get("constraints"),
            enable_cloudwatch_metrics=enable_cloudwatch_metrics,
            role=self.role,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            output_kms_key=self.output_kms_key,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            env=self.env,
            tags=self.tags,
            network_config=self.network_config,
            batch_transform_input=batch_transform_input,
        )
        self._create_job_definition(request)
        try:
            if not window_on_schedule:
                start = end = None
            self._create_monitoring_schedule_from_job_definition(
                schedule_name, definition_name, cron, start, end
            )
        except Exception:
            logger.exception("Failed to create monitoring schedule.")
            self._delete_definition_quietly(definition_name)
            raise
        self.job_definition_name = definition_name
        self.monitoring_schedule_name = schedule_name

    def _update_schedule(self, given: dict[str, Any]) -> None:
        """``update_monitoring_schedule`` once it has something to update (``given``: its
        arguments that are not None). Only the cron -> UpdateMonitoringSchedule; anything else
        -> a new job definition (the old one is kept) that the schedule then points at."""
        if "batch_transform_input" in given and "endpoint_input" in given:
            logger.error(_ONE_INPUT)
            raise ValueError(_ONE_INPUT)
        cron = given.get("schedule_cron_expression")
        if set(given) == {"schedule_cron_expression"}:
            # With no schedule, this raises the SDK's "Nothing to update" before using the name.
            self._update_monitoring_schedule(self.job_definition_name or "", cron)
            return
        existing = self._describe_job_definition(self.job_definition_name)
        definition_name = self._generate_job_definition_name()
        arguments = {
            key: given.get(key)
            for key in (
                "endpoint_input",
                "ground_truth_input",
                "analysis_config",
                "output_s3_uri",
                "constraints",
                "enable_cloudwatch_metrics",
                "batch_transform_input",
                *_UPDATED_ATTRIBUTES,
            )
        }
        request = self._build_create_job_definition_request(
            monitoring_schedule_name=self.monitoring_schedule_name,
            job_definition_name=definition_name,
            image_uri=self.image_uri,
            existing_job_desc=existing,
            tags=self.tags,
            **arguments,
        )
        self._create_job_definition(request)
        try:
            self._update_monitoring_schedule(
                definition_name,
                cron,
                given.get("data_analysis_start_time"),
                given.get("data_analysis_end_time"),
            )
        except Exception:
            logger.exception("Failed to update monitoring schedule.")
            self._delete_definition_quietly(definition_name)
            raise
        self.job_definition_name = definition_name
        for attribute in _UPDATED_ATTRIBUTES:
            if attribute in given:
                setattr(self, attribute, given[attribute])

    def _delete_definition_quietly(self, definition_name: str) -> None:
        try:
            self._delete_job_definition(definition_name)
        except Exception:  # noqa: BLE001 - the original error is what the caller needs
            logger.exception("Failed to delete job definition %s.", definition_name)

    def delete_monitoring_schedule(self) -> None:
        """Deletes the schedule, then its job definition."""
        super().delete_monitoring_schedule()
        logger.info(
            "Deleting %s Job Definition with name: %s",
            _SPACED[self.monitoring_type()],
            self.job_definition_name,
        )
        self._delete_job_definition(self.job_definition_name)
        self.job_definition_name = None

    @classmethod
    def _attach_clarify(
        cls, monitor_schedule_name: str, sagemaker_session: Session | None, owner: str
    ) -> tuple[Session, dict[str, Any]]:
        """The session and the schedule's description, once its type is this monitor's.

        Raises:
            TypeError: The schedule monitors something else (``owner`` names the class).
        """
        session = sagemaker_session or Session()
        desc = session.sagemaker_client.describe_monitoring_schedule(
            MonitoringScheduleName=monitor_schedule_name
        )
        if desc["MonitoringScheduleConfig"].get("MonitoringType") != cls.monitoring_type():
            raise TypeError(f"{owner} can only attach to {cls.monitoring_type()} schedule.")
        return session, desc


_SPACED = {"ModelBias": "Model Bias", "ModelExplainability": "Model Explainability"}


def _job_input(
    endpoint_input: str | EndpointInput | None,
    batch_transform_input: BatchTransformInput | None,
    baselining_config: ClarifyBaseliningConfig | None,
) -> dict[str, Any] | None:
    """``EndpointInput`` / ``BatchTransformInput`` of the request; the attributes it leaves
    None are backfilled from the baselining job (the given object is changed, as the SDK
    does)."""
    target: EndpointInput | BatchTransformInput
    if endpoint_input is not None:
        target = _normalize_endpoint_input(endpoint_input)
    elif batch_transform_input is not None:
        target = batch_transform_input
    else:
        return None
    if baselining_config is not None:
        for attribute in _BACKFILLED:
            if getattr(target, attribute) is None:
                setattr(target, attribute, getattr(baselining_config, attribute))
    request: dict[str, Any] = target._to_request_dict()
    return request
