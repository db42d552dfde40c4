"""Model Monitor: job definitions, monitoring schedules and their executions.

An execution is a processing job run with the schedule's image (for data quality, Plimsoll's
built-in analyzer): :class:`MonitoringService` picks the execution's window and captured
hours, builds the job (``_monitor_plan``), starts it through :class:`ProcessingService`, and
maps the job's outcome to the execution status SageMaker reports (``Completed`` with the
exit message ``CompletedWithViolations: ...`` becomes ``CompletedWithViolations``).

When executions run is the :class:`~plimsoll.services.scheduler.MonitorScheduler`'s business:
it calls :meth:`MonitoringService.tick` with the current time. ``NOW`` schedules run once,
right when they are created. At most one execution per schedule runs at a time; a cron time
that comes while one is still running is recorded as a ``Failed`` execution whose
FailureReason says it was skipped, so a user sees why an hour has no results.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from plimsoll.compat.monitor_cron import CronSchedule, parse_schedule_expression
from plimsoll.compat.monitor_input import NO_DATA_MESSAGE
from plimsoll.compat.monitor_metrics import MetricDatum, MetricFileError, read_metric_files
from plimsoll.compat.monitor_window import (
    DEFAULT_END_OFFSET,
    DEFAULT_START_OFFSET,
    MonitorWindow,
    capture_files_in_window,
    execution_window,
    parse_offset,
)
from plimsoll.errors import PlimsollError, ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.entities import JobStatus
from plimsoll.metadata.monitoring_entities import (
    ExecutionQuery,
    ExecutionRecord,
    ExecutionStatus,
    JobDefinitionRecord,
    MonitoringType,
    ScheduleQuery,
    ScheduleRecord,
    ScheduleStatus,
)
from plimsoll.services._monitor_plan import (
    CaptureInput,
    MonitoringJobPlan,
    execution_job_spec,
    plan_from_definition,
    plan_from_inline,
)
from plimsoll.services.monitor_metrics import MonitorMetrics
from plimsoll.services.processing import ProcessingService
from plimsoll.storage.registry import StorageRouter

logger = logging.getLogger(__name__)

__all__ = ["MonitoringService"]

DEFAULT_EXPRESSION = "cron(0 0 ? * * *)"
"""A schedule without ScheduleConfig runs daily (SageMaker: "at a time it picks")."""
SKIPPED_REASON = "Skipped: the previous execution of this schedule was still running"
MAX_FAILURE_CHARS = 1024
_VIOLATIONS_PREFIX = "CompletedWithViolations"
_JOB_TO_EXECUTION = {
    JobStatus.IN_PROGRESS: ExecutionStatus.IN_PROGRESS,
    JobStatus.STOPPING: ExecutionStatus.STOPPING,
    JobStatus.STOPPED: ExecutionStatus.STOPPED,
    JobStatus.FAILED: ExecutionStatus.FAILED,
}
_ACTIVE = (ExecutionStatus.PENDING, ExecutionStatus.IN_PROGRESS, ExecutionStatus.STOPPING)


def _now() -> datetime:
    return datetime.now(UTC)


class MonitoringService:
    """The monitoring operations and the execution life cycle.

    Args:
        store: Metadata store (job definitions, schedules, executions, endpoints, jobs).
        processing: Runs each execution's processing job.
        storage: Lists captured data.
        region: For ARNs.
        account_id: For ARNs.
        clock: Current time (tests pass their own).
        metrics: Where finished executions publish their CloudWatch metric files.
    """

    def __init__(
        self,
        *,
        store: MetadataStore,
        processing: ProcessingService,
        storage: StorageRouter,
        region: str,
        account_id: str,
        clock: Callable[[], datetime] = _now,
        metrics: MonitorMetrics | None = None,
    ) -> None:
        self._store = store
        self._processing = processing
        self._storage = storage
        self._region = region
        self._account_id = account_id
        self._clock = clock
        self._metrics = metrics
        self._tick_lock = threading.Lock()

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self._region}:{self._account_id}:{kind}/{name.lower()}"

    # -- job definitions --------------------------------------------------------------------

    def create_job_definition(
        self,
        *,
        name: str,
        monitoring_type: MonitoringType,
        body: Mapping[str, Any],
        tags: tuple[tuple[str, str], ...] = (),
    ) -> JobDefinitionRecord:
        """Stores a ``Create<Type>JobDefinition`` request (validated by the API layer).

        Raises:
            ValidationError: the endpoint does not exist or has no data capture, or an
                offset is malformed.
            ResourceInUse: the name is taken.
        """
        record = JobDefinitionRecord(
            name=name,
            arn=self._arn(f"{_kebab(monitoring_type)}-job-definition", name),
            monitoring_type=monitoring_type,
            body=dict(body),
            endpoint_name=None,
            creation_time=self._clock(),
            tags=tags,
        )
        plan = plan_from_definition(record)
        record = replace(record, endpoint_name=self._check_input(plan))
        self._store.create_job_definition(record)
        return record

    def describe_job_definition(
        self, name: str, monitoring_type: MonitoringType
    ) -> JobDefinitionRecord:
        return self._store.get_job_definition(name, monitoring_type)

    def delete_job_definition(self, name: str, monitoring_type: MonitoringType) -> None:
        """Raises ResourceInUse while a schedule uses the definition."""
        self._store.get_job_definition(name, monitoring_type)
        users = self._store.schedules_using_definition(name)
        if users:
            raise ResourceInUse(
                f"Job definition {name} is used by monitoring schedule(s) {', '.join(users)}; "
                "delete them first"
            )
        self._store.delete_job_definition(name)

    def list_job_definitions(
        self, monitoring_type: MonitoringType, query: ScheduleQuery
    ) -> tuple[list[JobDefinitionRecord], str | None]:
        return self._store.list_job_definitions(monitoring_type, query)

    # -- schedules --------------------------------------------------------------------------

    def create_schedule(
        self, *, name: str, config: Mapping[str, Any], tags: tuple[tuple[str, str], ...] = ()
    ) -> ScheduleRecord:
        """Creates a schedule (status Scheduled); a ``NOW`` schedule runs its one execution.

        Raises:
            ValidationError: a bad expression, window or input; a monitoring type Plimsoll
                does not run yet.
            ResourceNotFound: the named job definition does not exist.
            ResourceInUse: the name is taken.
        """
        config, plan, cron = self._check_config(config)
        now = self._clock()
        schedule = ScheduleRecord(
            name=name,
            arn=self._arn("monitoring-schedule", name),
            status=ScheduleStatus.SCHEDULED,
            monitoring_type=plan.monitoring_type,
            config=config,
            endpoint_name=self._check_input(plan),
            creation_time=now,
            last_modified_time=now,
            tags=tags,
        )
        self._store.create_schedule(schedule)
        logger.info("monitoring schedule %s created (%s)", name, cron.expression)
        if cron.one_time:
            self._run_claimed(schedule, now)
        return schedule

    def describe_schedule(self, name: str) -> tuple[ScheduleRecord, ExecutionRecord | None]:
        """The schedule and its latest execution (refreshed from its processing job)."""
        schedule = self._store.get_schedule(name)
        latest = self._store.latest_execution(name)
        return schedule, None if latest is None else self.refresh(latest)

    def update_schedule(self, name: str, config: Mapping[str, Any]) -> ScheduleRecord:
        """Replaces the schedule's config; cron times already handled are not run again."""
        current = self._store.get_schedule(name)
        checked, plan, cron = self._check_config(config)
        updated = replace(
            current,
            config=checked,
            monitoring_type=plan.monitoring_type,
            endpoint_name=self._check_input(plan),
            last_modified_time=self._clock(),
        )
        saved = self._store.save_schedule(updated, expected_status=(current.status,))
        if saved is None:
            raise ResourceInUse(f"Monitoring schedule {name} changed while it was being updated")
        if cron.one_time and current.status is ScheduleStatus.SCHEDULED:
            self._run_claimed(saved, self._clock())
        return saved

    def start_schedule(self, name: str) -> ScheduleRecord:
        """Stopped -> Scheduled; the next run is the first cron time from now on."""
        return self._set_status(name, ScheduleStatus.SCHEDULED, (ScheduleStatus.STOPPED,))

    def stop_schedule(self, name: str) -> ScheduleRecord:
        """Scheduled -> Stopped; a running execution carries on."""
        return self._set_status(
            name, ScheduleStatus.STOPPED, (ScheduleStatus.SCHEDULED, ScheduleStatus.PENDING)
        )

    def delete_schedule(self, name: str) -> None:
        """Deletes the schedule and its execution records (running jobs are stopped)."""
        self._store.get_schedule(name)
        executions, _ = self._store.list_executions(
            ExecutionQuery(schedule_name=name, max_results=100)
        )
        for execution in executions:
            if execution.status in _ACTIVE and execution.processing_job_name:
                self._stop_job(execution.processing_job_name)
        self._store.delete_schedule(name)

    def list_schedules(self, query: ScheduleQuery) -> tuple[list[ScheduleRecord], str | None]:
        return self._store.list_schedules(query)

    def latest_executions(self, names: list[str]) -> dict[str, ExecutionRecord]:
        """Each named schedule's latest execution (refreshed), for list summaries."""
        found = {}
        for name in names:
            latest = self._store.latest_execution(name)
            if latest is not None:
                found[name] = self.refresh(latest)
        return found

    def list_executions(self, query: ExecutionQuery) -> tuple[list[ExecutionRecord], str | None]:
        """One page of executions, each refreshed from its processing job first."""
        if query.schedule_name is not None:
            self._store.get_schedule(query.schedule_name)
        for execution in self._store.list_executions(replace(query, next_token=None))[0]:
            self.refresh(execution)
        return self._store.list_executions(query)

    # -- executions -------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> list[ExecutionRecord]:
        """Runs every execution due at ``now``; returns the ones it started or skipped.

        Refreshes running executions first, so a finished one frees its schedule.
        """
        now = now or self._clock()
        started: list[ExecutionRecord] = []
        with self._tick_lock:
            for schedule in self._scheduled():
                due = self._due_time(schedule, now)
                if due is None:
                    continue
                claimed = self._store.save_schedule(
                    replace(schedule, last_scheduled_time=due), expected_status=(schedule.status,)
                )
                if claimed is None:
                    continue
                execution = self._run_or_skip(claimed, due)
                if execution is not None:
                    started.append(execution)
        return started

    def run_now(self, name: str) -> ExecutionRecord:
        """Runs one execution of the schedule for the current hour, off its cron (a Plimsoll
        extension behind ``plimsoll monitor run``).

        Raises:
            ResourceNotFound: unknown schedule.
            ResourceInUse: an execution of it is still running.
        """
        schedule = self._store.get_schedule(name)
        if self._running(name):
            raise ResourceInUse(f"An execution of monitoring schedule {name} is still running")
        return self._start_execution(schedule, self._clock(), kind="manual")

    def refresh(self, execution: ExecutionRecord) -> ExecutionRecord:
        """The execution with its status caught up with its processing job's."""
        if execution.status.terminal or execution.processing_job_name is None:
            return execution
        try:
            job = self._processing.describe_processing_job(execution.processing_job_name)
        except ResourceNotFound:
            return self._finish(execution, ExecutionStatus.FAILED, "Processing job not found")
        if job.status is JobStatus.COMPLETED:
            violations = (job.exit_message or "").startswith(_VIOLATIONS_PREFIX)
            status = (
                ExecutionStatus.COMPLETED_WITH_VIOLATIONS
                if violations
                else ExecutionStatus.COMPLETED
            )
            return self._finish(execution, status, None)
        status = _JOB_TO_EXECUTION[job.status]
        if status.terminal:
            return self._finish(execution, status, job.failure_reason)
        if status is execution.status:
            return execution
        changed = self._store.update_execution(
            execution.execution_id,
            status=status,
            expected_status=(execution.status,),
            last_modified_time=self._clock(),
        )
        return changed or self._store.get_execution(execution.execution_id)

    # -- internals --------------------------------------------------------------------------

    def _set_status(
        self, name: str, status: ScheduleStatus, allowed: tuple[ScheduleStatus, ...]
    ) -> ScheduleRecord:
        current = self._store.get_schedule(name)
        if current.status is status:
            return current
        if current.status not in allowed:
            raise ValidationError(
                f"Monitoring schedule {name} is {current.status.value}; cannot change it to "
                f"{status.value}"
            )
        now = self._clock()
        changes: dict[str, Any] = {"status": status, "last_modified_time": now}
        if status is ScheduleStatus.SCHEDULED:
            changes["last_scheduled_time"] = now  # times missed while stopped are not run
        saved = self._store.save_schedule(replace(current, **changes), expected_status=allowed)
        if saved is None:
            raise ResourceInUse(f"Monitoring schedule {name} changed while it was being updated")
        return saved

    def _check_config(
        self, config: Mapping[str, Any]
    ) -> tuple[dict[str, Any], MonitoringJobPlan, CronSchedule]:
        inline, named = (
            config.get("MonitoringJobDefinition"),
            config.get("MonitoringJobDefinitionName"),
        )
        if (inline is None) == (named is None):
            raise ValidationError(
                "MonitoringScheduleConfig must have exactly one of MonitoringJobDefinition and "
                "MonitoringJobDefinitionName"
            )
        kind = MonitoringType(config.get("MonitoringType") or MonitoringType.DATA_QUALITY)
        if named is not None:
            definition = self._store.get_job_definition(str(named))
            if config.get("MonitoringType") and definition.monitoring_type is not kind:
                raise ValidationError(
                    f"Job definition {named} is {definition.monitoring_type.value}, but "
                    f"MonitoringType is {kind.value}"
                )
            plan = plan_from_definition(definition)
        else:
            assert inline is not None
            plan = plan_from_inline(inline, kind)
        if plan.monitoring_type is not MonitoringType.DATA_QUALITY:
            raise ValidationError(
                f"MonitoringType {plan.monitoring_type.value} is not supported by Plimsoll yet; "
                "DataQuality is"
            )
        schedule_config = dict(config.get("ScheduleConfig") or {})
        cron = parse_schedule_expression(
            str(schedule_config.get("ScheduleExpression") or DEFAULT_EXPRESSION)
        )
        start, end = (
            schedule_config.get("DataAnalysisStartTime"),
            schedule_config.get("DataAnalysisEndTime"),
        )
        if cron.one_time:
            if not start or not end:
                raise ValidationError(
                    "DataAnalysisStartTime and DataAnalysisEndTime are required for a one-time "
                    "(NOW) monitoring schedule"
                )
            if parse_offset(start, field="DataAnalysisStartTime") >= parse_offset(
                end, field="DataAnalysisEndTime"
            ):
                raise ValidationError(
                    "DataAnalysisStartTime must be earlier than DataAnalysisEndTime"
                )
        elif start or end:
            raise ValidationError(
                "DataAnalysisStartTime and DataAnalysisEndTime are only valid with the NOW "
                "schedule expression"
            )
        return dict(config), plan, cron

    def _check_input(self, plan: MonitoringJobPlan) -> str | None:
        """The monitored endpoint's name, after checking it exists and captures data."""
        data = plan.input
        execution_window(
            datetime(2000, 1, 1, tzinfo=UTC),
            start_offset=data.get("StartTimeOffset"),
            end_offset=data.get("EndTimeOffset"),
        )
        if plan.endpoint_input is None:
            return None
        name = str(plan.endpoint_input["EndpointName"])
        self._capture_destination(name)
        return name

    def _capture_destination(self, endpoint_name: str) -> str:
        try:
            endpoint = self._store.get_endpoint(endpoint_name)
            config = self._store.get_endpoint_config(endpoint.config_name)
        except ResourceNotFound as exc:
            raise ValidationError(f"Endpoint {endpoint_name} does not exist") from exc
        capture = config.data_capture
        if capture is None or not capture.enable_capture:
            raise ValidationError(
                f"Endpoint {endpoint_name} does not have data capture enabled; monitoring "
                "needs DataCaptureConfig with EnableCapture"
            )
        return capture.destination_s3_uri

    def _scheduled(self) -> list[ScheduleRecord]:
        found: list[ScheduleRecord] = []
        token: str | None = None
        while True:
            page, token = self._store.list_schedules(
                ScheduleQuery(status_equals="Scheduled", max_results=100, next_token=token)
            )
            found.extend(page)
            if token is None:
                return found

    def _due_time(self, schedule: ScheduleRecord, now: datetime) -> datetime | None:
        """The latest cron time in ``(last handled, now]``, or None."""
        expression = (schedule.config.get("ScheduleConfig") or {}).get("ScheduleExpression")
        cron = parse_schedule_expression(str(expression or DEFAULT_EXPRESSION))
        if cron.one_time:
            return None
        times = cron.times_between(schedule.last_scheduled_time or schedule.creation_time, now)
        if len(times) > 1:
            logger.warning(
                "schedule %s missed %d run(s) while no scheduler was running; running the "
                "latest (%s)",
                schedule.name,
                len(times) - 1,
                times[-1],
            )
        return times[-1] if times else None

    def _running(self, schedule_name: str) -> bool:
        for status in _ACTIVE:
            page, _ = self._store.list_executions(
                ExecutionQuery(schedule_name=schedule_name, status_equals=status.value)
            )
            if any(not self.refresh(e).status.terminal for e in page):
                return True
        return False

    def _run_claimed(self, schedule: ScheduleRecord, now: datetime) -> None:
        claimed = self._store.save_schedule(replace(schedule, last_scheduled_time=now))
        self._start_execution(claimed or schedule, now, kind="now")

    def _run_or_skip(self, schedule: ScheduleRecord, due: datetime) -> ExecutionRecord | None:
        if self._running(schedule.name):
            logger.warning("schedule %s: %s (%s)", schedule.name, SKIPPED_REASON, due)
            return self._record(schedule, due, ExecutionStatus.FAILED, failure=SKIPPED_REASON)
        return self._start_execution(schedule, due, kind="cron")

    def _record(
        self,
        schedule: ScheduleRecord,
        scheduled: datetime,
        status: ExecutionStatus,
        *,
        failure: str | None = None,
    ) -> ExecutionRecord | None:
        """Adds an execution record; None when another process already recorded this time."""
        now = self._clock()
        execution = ExecutionRecord(
            execution_id=f"{schedule.name}-{scheduled:%Y%m%dT%H%M%SZ}",
            schedule_name=schedule.name,
            scheduled_time=scheduled,
            creation_time=now,
            last_modified_time=now,
            status=status,
            monitoring_type=schedule.monitoring_type,
            endpoint_name=schedule.endpoint_name,
            job_definition_name=schedule.config.get("MonitoringJobDefinitionName"),
            failure_reason=failure,
        )
        try:
            self._store.add_execution(execution)
        except ResourceInUse:
            logger.info("execution %s already recorded elsewhere", execution.execution_id)
            return None
        if status.terminal:
            self._publish(execution)
        return execution

    def _plan(self, schedule: ScheduleRecord) -> MonitoringJobPlan:
        named = schedule.config.get("MonitoringJobDefinitionName")
        if named is not None:
            return plan_from_definition(self._store.get_job_definition(str(named)))
        return plan_from_inline(
            schedule.config["MonitoringJobDefinition"], schedule.monitoring_type
        )

    def _window(
        self, schedule: ScheduleRecord, plan: MonitoringJobPlan, at: datetime, kind: str
    ) -> MonitorWindow:
        """``cron``: SageMaker's window of the scheduled hour; ``now``: the one-time
        schedule's DataAnalysis offsets from the exact time; ``manual`` (run now): the
        input's offsets from the exact time, so the last hour of traffic is analysed."""
        if kind == "manual":
            start = at + parse_offset(plan.input.get("StartTimeOffset") or DEFAULT_START_OFFSET)
            end = at + parse_offset(
                plan.input.get("EndTimeOffset") or DEFAULT_END_OFFSET, field="EndTimeOffset"
            )
            return MonitorWindow(scheduled_time=at, start=start, end=end)
        if kind == "now":
            config = schedule.config.get("ScheduleConfig") or {}
            start = at + parse_offset(
                config["DataAnalysisStartTime"], field="DataAnalysisStartTime"
            )
            end = at + parse_offset(config["DataAnalysisEndTime"], field="DataAnalysisEndTime")
            return MonitorWindow(scheduled_time=at, start=start, end=end)
        return execution_window(
            at,
            start_offset=plan.input.get("StartTimeOffset"),
            end_offset=plan.input.get("EndTimeOffset"),
        )

    def _data_inputs(self, plan: MonitoringJobPlan, window: MonitorWindow) -> list[CaptureInput]:
        local = str(plan.input.get("LocalPath") or "/opt/ml/processing/input/endpoint").rstrip("/")
        if plan.endpoint_input is None:
            uri = str(plan.input["DataCapturedDestinationS3Uri"])
            return (
                [CaptureInput(s3_uri=uri, local_path=local)]
                if self._storage.for_uri(uri).exists(uri)
                else []
            )
        endpoint = str(plan.endpoint_input["EndpointName"])
        destination = self._capture_destination(endpoint).rstrip("/")
        files = capture_files_in_window(
            self._storage.for_uri(destination),
            destination,
            endpoint,
            None,
            window.start,
            window.end,
        )
        folders = sorted({f.uri.rsplit("/", 1)[0] for f in files})
        base = f"{destination}/"
        return [
            CaptureInput(s3_uri=f"{folder}/", local_path=f"{local}/{folder[len(base) :]}")
            for folder in folders
        ]

    def _baseline(self, plan: MonitoringJobPlan) -> tuple[str | None, str | None]:
        constraints, statistics = plan.constraints_uri, plan.statistics_uri
        if plan.baselining_job_name and (constraints is None or statistics is None):
            job = self._processing.describe_processing_job(plan.baselining_job_name)
            outputs = [o.s3_output for o in job.spec.outputs if o.s3_output is not None]
            if job.status is not JobStatus.COMPLETED or not outputs:
                raise ValidationError(
                    f"Baselining job {plan.baselining_job_name} is {job.status.value}; its "
                    "statistics and constraints are available once it has Completed"
                )
            base = outputs[0].s3_uri.rstrip("/")
            constraints = constraints or f"{base}/constraints.json"
            statistics = statistics or f"{base}/statistics.json"
        return constraints, statistics

    def _start_execution(
        self, schedule: ScheduleRecord, at: datetime, *, kind: str
    ) -> ExecutionRecord:
        execution = self._record(schedule, at, ExecutionStatus.PENDING)
        if execution is None:
            return self._store.get_execution(f"{schedule.name}-{at:%Y%m%dT%H%M%SZ}")
        try:
            plan = self._plan(schedule)
            window = self._window(schedule, plan, at, kind)
            inputs = self._data_inputs(plan, window)
            if not inputs:
                return self._finish(execution, ExecutionStatus.FAILED, NO_DATA_MESSAGE)
            constraints, statistics = self._baseline(plan)
            name = f"model-monitoring-{at:%Y%m%d%H%M}-{secrets.token_hex(12)}"
            spec = execution_job_spec(
                plan,
                job_name=name,
                schedule_name=schedule.name,
                endpoint_name=schedule.endpoint_name,
                window=window,
                data_inputs=inputs,
                constraints_uri=constraints,
                statistics_uri=statistics,
            )
            job = self._processing.create_processing_job(spec)
        except PlimsollError as exc:
            logger.warning("execution %s failed to start: %s", execution.execution_id, exc)
            return self._finish(execution, ExecutionStatus.FAILED, str(exc))
        logger.info(
            "execution %s started as processing job %s (window %s - %s)",
            execution.execution_id,
            job.spec.name,
            window.start,
            window.end,
        )
        changed = self._store.update_execution(
            execution.execution_id,
            status=ExecutionStatus.IN_PROGRESS,
            expected_status=(ExecutionStatus.PENDING,),
            processing_job_name=job.spec.name,
            processing_job_arn=job.arn,
            last_modified_time=self._clock(),
        )
        return changed or self._store.get_execution(execution.execution_id)

    def _finish(
        self, execution: ExecutionRecord, status: ExecutionStatus, failure: str | None
    ) -> ExecutionRecord:
        changed = self._store.update_execution(
            execution.execution_id,
            status=status,
            expected_status=_ACTIVE,
            failure_reason=failure[:MAX_FAILURE_CHARS] if failure else None,
            last_modified_time=self._clock(),
        )
        if changed is None:  # someone else finished it
            return self._store.get_execution(execution.execution_id)
        logger.info("execution %s ended %s", execution.execution_id, status.value)
        self._publish(changed)
        return changed

    def _publish(self, execution: ExecutionRecord) -> None:
        """Hands the execution's metric files to the metrics registry (never raises: a bad
        metric file must not break the control plane)."""
        if self._metrics is None:
            return
        data: list[MetricDatum] = []
        try:
            if execution.processing_job_name:
                for folder in self._processing.metric_dirs(execution.processing_job_name):
                    data.extend(read_metric_files(folder))
        except (MetricFileError, OSError) as exc:
            logger.warning("execution %s: metric files unreadable: %s", execution.execution_id, exc)
        self._metrics.record_execution(execution, data)

    def _stop_job(self, job_name: str) -> None:
        try:
            self._processing.stop_processing_job(job_name)
        except (ValidationError, ResourceNotFound):
            pass  # already over


def _kebab(monitoring_type: MonitoringType) -> str:
    """``DataQuality`` -> ``data-quality`` (the ARN's resource type prefix)."""
    text = monitoring_type.value
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(text))
