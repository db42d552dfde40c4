"""The Model Monitor part of the metadata store contract."""

from __future__ import annotations

import abc
from datetime import datetime

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


class MonitoringStore(abc.ABC):
    """Job definitions, schedules and executions. Thread-safe.

    Raises ``ResourceInUse`` for a taken name, ``ResourceNotFound`` for an unknown one (the
    message names the kind and the name, e.g. ``Could not find monitoring schedule "x".``),
    ``ValidationError`` for a bad ``next_token``. Names are case-sensitive.
    """

    @abc.abstractmethod
    def create_job_definition(self, definition: JobDefinitionRecord) -> None: ...

    @abc.abstractmethod
    def get_job_definition(
        self, name: str, monitoring_type: MonitoringType | None = None
    ) -> JobDefinitionRecord:
        """With ``monitoring_type``, a definition of another type is ``ResourceNotFound``."""

    @abc.abstractmethod
    def delete_job_definition(self, name: str) -> None: ...

    @abc.abstractmethod
    def list_job_definitions(
        self, monitoring_type: MonitoringType, query: ScheduleQuery
    ) -> tuple[list[JobDefinitionRecord], str | None]:
        """Uses ``name_contains``, ``endpoint_name``, creation-time bounds, sort by Name or
        CreationTime, paging."""

    @abc.abstractmethod
    def create_schedule(self, schedule: ScheduleRecord) -> None: ...

    @abc.abstractmethod
    def get_schedule(self, name: str) -> ScheduleRecord: ...

    @abc.abstractmethod
    def save_schedule(
        self, schedule: ScheduleRecord, *, expected_status: tuple[ScheduleStatus, ...] | None = None
    ) -> ScheduleRecord | None:
        """Replaces the stored schedule (same name); with ``expected_status`` only if the stored
        status is one of them (compare-and-set), else returns None. ``ResourceNotFound`` if
        unknown."""

    @abc.abstractmethod
    def delete_schedule(self, name: str) -> None:
        """Deletes the schedule and its executions."""

    @abc.abstractmethod
    def list_schedules(self, query: ScheduleQuery) -> tuple[list[ScheduleRecord], str | None]: ...

    @abc.abstractmethod
    def schedules_using_definition(self, definition_name: str) -> list[str]:
        """Names of schedules whose config names ``definition_name`` (delete guard)."""

    @abc.abstractmethod
    def add_execution(self, execution: ExecutionRecord) -> None:
        """``ResourceInUse`` if ``execution_id`` exists; ``ResourceNotFound`` if its schedule
        does not."""

    @abc.abstractmethod
    def get_execution(self, execution_id: str) -> ExecutionRecord: ...

    @abc.abstractmethod
    def update_execution(
        self,
        execution_id: str,
        *,
        status: ExecutionStatus | None = None,
        expected_status: tuple[ExecutionStatus, ...] | None = None,
        processing_job_name: str | None = None,
        processing_job_arn: str | None = None,
        failure_reason: str | None = None,
        last_modified_time: datetime,
    ) -> ExecutionRecord | None:
        """Changes the given fields atomically; compare-and-set on ``expected_status`` (None
        returned when the stored status is not one of them)."""

    @abc.abstractmethod
    def list_executions(self, query: ExecutionQuery) -> tuple[list[ExecutionRecord], str | None]:
        """One page, sorted as asked (ties broken by execution_id), and the next token."""

    @abc.abstractmethod
    def latest_execution(self, schedule_name: str) -> ExecutionRecord | None:
        """The execution with the newest ``creation_time`` (for the schedule's Describe)."""
