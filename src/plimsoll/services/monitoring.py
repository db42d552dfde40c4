"""Model Monitor: job definitions, monitoring schedules and their executions.

An execution is a processing job run with the schedule's image (for data quality, Plimsoll's
built-in analyzer; model quality runs a ground-truth merge job, then the analyzer); starting
and following it is ``_monitor_executions.Executions``'s job.
This module holds the control plane: validating definitions and schedules, their states,
and deciding when an execution is due.

When executions run is the :class:`~plimsoll.services.scheduler.MonitorScheduler`'s business:
it calls :meth:`MonitoringService.tick` with the current time. ``NOW`` schedules run once,
right when they are created. At most one execution per schedule runs at a time; a cron time
that comes while one is still running is recorded as a ``Failed`` execution whose
FailureReason says it was skipped, so a user sees why an hour has no results.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from plimsoll.compat.monitor_cron import CronSchedule, parse_schedule_expression
from plimsoll.compat.monitor_window import execution_window, parse_offset
from plimsoll.errors import ResourceInUse, ValidationError
from plimsoll.metadata.base import MetadataStore
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
from plimsoll.services._monitor_executions import ACTIVE, Executions
from plimsoll.services._monitor_plan import (
    MonitoringJobPlan,
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
        self._region = region
        self._account_id = account_id
        self._clock = clock
        self._tick_lock = threading.Lock()
        self._executions = Executions(
            store=store, processing=processing, storage=storage, clock=clock, metrics=metrics
        )

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
        return schedule, None if latest is None else self._executions.refresh(latest)

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
        for status in ACTIVE:  # at most one runs at a time; never only the newest page
            running, _ = self._store.list_executions(
                ExecutionQuery(schedule_name=name, status_equals=status.value, max_results=100)
            )
            for execution in running:
                if execution.processing_job_name:
                    self._executions.stop_job(execution.processing_job_name)
        self._store.delete_schedule(name)

    def list_schedules(self, query: ScheduleQuery) -> tuple[list[ScheduleRecord], str | None]:
        return self._store.list_schedules(query)

    def list_executions(self, query: ExecutionQuery) -> tuple[list[ExecutionRecord], str | None]:
        """One page of executions, each refreshed from its processing job first."""
        if query.schedule_name is not None:
            self._store.get_schedule(query.schedule_name)
        for execution in self._store.list_executions(replace(query, next_token=None))[0]:
            self._executions.refresh(execution)
        return self._store.list_executions(query)

    # -- executions -------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> list[ExecutionRecord]:
        """Runs every execution due at ``now``; returns the ones it started or skipped.

        Refreshes running executions first, so a finished one frees its schedule.
        """
        now = now or self._clock()
        started: list[ExecutionRecord] = []
        with self._tick_lock:
            self._executions.advance()
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

    def refresh(self, execution: ExecutionRecord) -> ExecutionRecord:
        """The execution with its status caught up with its processing job's."""
        return self._executions.refresh(execution)

    def run_now(self, name: str) -> ExecutionRecord:
        """Runs one execution of the schedule for the current hour, off its cron (a Plimsoll
        extension behind ``plimsoll monitor run``).

        Raises:
            ResourceNotFound: unknown schedule.
            ResourceInUse: an execution of it is still running.
        """
        schedule = self._store.get_schedule(name)
        if self._executions.running(name):
            raise ResourceInUse(f"An execution of monitoring schedule {name} is still running")
        return self._executions.start(schedule, self._clock(), kind="manual")

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
        self._executions.capture_destination(name)
        return name

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

    def _run_claimed(self, schedule: ScheduleRecord, now: datetime) -> None:
        claimed = self._store.save_schedule(replace(schedule, last_scheduled_time=now))
        self._executions.start(claimed or schedule, now, kind="now")

    def _run_or_skip(self, schedule: ScheduleRecord, due: datetime) -> ExecutionRecord | None:
        if self._executions.running(schedule.name):
            logger.warning("schedule %s: %s (%s)", schedule.name, SKIPPED_REASON, due)
            return self._executions.record(
                schedule, due, ExecutionStatus.FAILED, failure=SKIPPED_REASON
            )
        return self._executions.start(schedule, due, kind="cron")


def _kebab(monitoring_type: MonitoringType) -> str:
    """``DataQuality`` -> ``data-quality`` (the ARN's resource type prefix)."""
    text = monitoring_type.value
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(text))
