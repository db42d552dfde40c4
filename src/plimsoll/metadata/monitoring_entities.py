"""Domain entities of Model Monitor: job definitions, monitoring schedules and executions.

Request-shaped parts (a job definition's body, a schedule's ``MonitoringScheduleConfig``) are
kept as JSON-ready documents in SageMaker's wire form (PascalCase keys, as the Create request
carried them): the services validate them once, at the API boundary, and Describe echoes them,
so a second, snake_case copy of every nested shape would only be a place for the two to drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ScheduleStatus(StrEnum):
    """``MonitoringScheduleStatus``."""

    PENDING = "Pending"
    FAILED = "Failed"
    SCHEDULED = "Scheduled"
    STOPPED = "Stopped"


class ExecutionStatus(StrEnum):
    """``MonitoringExecutionStatus``."""

    PENDING = "Pending"
    COMPLETED = "Completed"
    COMPLETED_WITH_VIOLATIONS = "CompletedWithViolations"
    IN_PROGRESS = "InProgress"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset(
    {
        ExecutionStatus.COMPLETED,
        ExecutionStatus.COMPLETED_WITH_VIOLATIONS,
        ExecutionStatus.FAILED,
        ExecutionStatus.STOPPED,
    }
)


class MonitoringType(StrEnum):
    """``MonitoringType``: which job-definition family a schedule runs."""

    DATA_QUALITY = "DataQuality"
    MODEL_QUALITY = "ModelQuality"
    MODEL_BIAS = "ModelBias"
    MODEL_EXPLAINABILITY = "ModelExplainability"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobDefinitionRecord:
    """A ``Create<Type>JobDefinition`` request as stored.

    Attributes:
        name: ``JobDefinitionName``.
        arn: ``JobDefinitionArn``.
        monitoring_type: Which Create* operation made it.
        body: The request minus ``JobDefinitionName`` and ``Tags``, in wire form.
        endpoint_name: ``<Type>JobInput.EndpointInput.EndpointName`` (None for batch input),
            copied out for ``ListMonitoringSchedules(EndpointName=...)`` style filters.
        creation_time: When it was created (aware, UTC).
        tags: ``(key, value)`` pairs.
    """

    name: str
    arn: str
    monitoring_type: MonitoringType
    body: Mapping[str, Any]
    endpoint_name: str | None
    creation_time: datetime
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleRecord:
    """A monitoring schedule.

    Attributes:
        config: ``MonitoringScheduleConfig`` in wire form (``ScheduleConfig``,
            ``MonitoringJobDefinition`` or ``MonitoringJobDefinitionName``, ``MonitoringType``).
        endpoint_name: The endpoint it watches (None for batch-transform input).
        last_scheduled_time: The latest cron time the scheduler has handled (ran or skipped);
            the next run is the first cron time after it. None before the first run.
    """

    name: str
    arn: str
    status: ScheduleStatus
    monitoring_type: MonitoringType
    config: Mapping[str, Any]
    endpoint_name: str | None
    creation_time: datetime
    last_modified_time: datetime
    failure_reason: str | None = None
    last_scheduled_time: datetime | None = None
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionRecord:
    """One monitoring execution (``MonitoringExecutionSummary``).

    ``execution_id`` is unique per store (the schedule name plus the scheduled time in
    ``%Y%m%dT%H%M%SZ`` form, with a ``-N`` suffix when a schedule runs twice for one time).
    """

    execution_id: str
    schedule_name: str
    scheduled_time: datetime
    creation_time: datetime
    last_modified_time: datetime
    status: ExecutionStatus
    monitoring_type: MonitoringType
    endpoint_name: str | None = None
    job_definition_name: str | None = None
    processing_job_name: str | None = None
    processing_job_arn: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleQuery:
    """``ListMonitoringSchedules`` filters (and ``ListDataQualityJobDefinitions`` ones)."""

    name_contains: str | None = None
    endpoint_name: str | None = None
    status_equals: str | None = None
    monitoring_type_equals: str | None = None
    monitoring_job_definition_name: str | None = None
    creation_time_after: datetime | None = None
    creation_time_before: datetime | None = None
    last_modified_time_after: datetime | None = None
    last_modified_time_before: datetime | None = None
    sort_by: str = "CreationTime"  # Name | CreationTime | Status
    sort_order: str = "Descending"
    max_results: int = 10
    next_token: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionQuery:
    """``ListMonitoringExecutions`` filters."""

    schedule_name: str | None = None
    endpoint_name: str | None = None
    status_equals: str | None = None
    monitoring_type_equals: str | None = None
    monitoring_job_definition_name: str | None = None
    scheduled_time_after: datetime | None = None
    scheduled_time_before: datetime | None = None
    creation_time_after: datetime | None = None
    creation_time_before: datetime | None = None
    last_modified_time_after: datetime | None = None
    last_modified_time_before: datetime | None = None
    sort_by: str = "CreationTime"  # CreationTime | ScheduledTime | Status
    sort_order: str = "Descending"
    max_results: int = 10
    next_token: str | None = None
