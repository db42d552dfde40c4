"""The Model Monitor part of the in-memory metadata store: definitions, schedules, executions.

Records pass through :mod:`plimsoll.metadata.monitoring_codec` on the way in, so this store
refuses the same non-JSON bodies as the SQL one and keeps its own copy of every document.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime
from typing import Any

from plimsoll.errors import ResourceInUse, ResourceNotFound
from plimsoll.metadata._messages import (
    JOB_DEFINITION,
    MONITORING_EXECUTION,
    MONITORING_SCHEDULE,
    monitoring_in_use_message,
    monitoring_not_found_message,
)
from plimsoll.metadata._monitoring_paging import (
    EXECUTION_SORT_FIELDS,
    JOB_DEFINITION_SORT_FIELDS,
    SCHEDULE_SORT_FIELDS,
    execution_position,
)
from plimsoll.metadata._paging import paginate, sort_field
from plimsoll.metadata.monitoring_base import MonitoringStore
from plimsoll.metadata.monitoring_codec import (
    execution_from_document,
    execution_to_document,
    job_definition_from_document,
    job_definition_to_document,
    schedule_definition_name,
    schedule_from_document,
    schedule_to_document,
)
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


class MemoryMonitoringStore(MonitoringStore):
    """Model Monitor records in dicts behind one lock; mixed into ``MemoryMetadataStore``."""

    def __init__(self) -> None:
        self._monitoring_lock = threading.Lock()
        self._definitions: dict[str, JobDefinitionRecord] = {}
        self._schedules: dict[str, ScheduleRecord] = {}
        self._executions: dict[str, ExecutionRecord] = {}

    # -- job definitions ---------------------------------------------------------------------

    def create_job_definition(self, definition: JobDefinitionRecord) -> None:
        definition = job_definition_from_document(job_definition_to_document(definition))
        with self._monitoring_lock:
            existing = self._definitions.get(definition.name)
            if existing is not None:
                raise ResourceInUse(monitoring_in_use_message(JOB_DEFINITION, existing.arn))
            self._definitions[definition.name] = definition

    def get_job_definition(
        self, name: str, monitoring_type: MonitoringType | None = None
    ) -> JobDefinitionRecord:
        with self._monitoring_lock:
            definition = self._definitions.get(name)
        if definition is None or (
            monitoring_type is not None and definition.monitoring_type != monitoring_type
        ):
            raise ResourceNotFound(monitoring_not_found_message(JOB_DEFINITION, name))
        return definition

    def delete_job_definition(self, name: str) -> None:
        with self._monitoring_lock:
            if self._definitions.pop(name, None) is None:
                raise ResourceNotFound(monitoring_not_found_message(JOB_DEFINITION, name))

    def list_job_definitions(
        self, monitoring_type: MonitoringType, query: ScheduleQuery
    ) -> tuple[list[JobDefinitionRecord], str | None]:
        with self._monitoring_lock:
            definitions = list(self._definitions.values())
        matching = [
            d
            for d in definitions
            if d.monitoring_type == monitoring_type
            and _name_contains(d.name, query.name_contains)
            and _equals(d.endpoint_name, query.endpoint_name)
            and _within(d.creation_time, query.creation_time_after, query.creation_time_before)
        ]
        return paginate(matching, query, JOB_DEFINITION_SORT_FIELDS)

    # -- schedules ---------------------------------------------------------------------------

    def create_schedule(self, schedule: ScheduleRecord) -> None:
        schedule = schedule_from_document(schedule_to_document(schedule))
        with self._monitoring_lock:
            existing = self._schedules.get(schedule.name)
            if existing is not None:
                raise ResourceInUse(monitoring_in_use_message(MONITORING_SCHEDULE, existing.arn))
            self._schedules[schedule.name] = schedule

    def get_schedule(self, name: str) -> ScheduleRecord:
        with self._monitoring_lock:
            return self._schedule(name)

    def save_schedule(
        self, schedule: ScheduleRecord, *, expected_status: tuple[ScheduleStatus, ...] | None = None
    ) -> ScheduleRecord | None:
        schedule = schedule_from_document(schedule_to_document(schedule))
        with self._monitoring_lock:
            current = self._schedule(schedule.name)
            if expected_status is not None and current.status not in expected_status:
                return None
            self._schedules[schedule.name] = schedule
            return schedule

    def delete_schedule(self, name: str) -> None:
        with self._monitoring_lock:
            self._schedule(name)
            del self._schedules[name]
            doomed = [key for key, e in self._executions.items() if e.schedule_name == name]
            for key in doomed:
                del self._executions[key]

    def list_schedules(self, query: ScheduleQuery) -> tuple[list[ScheduleRecord], str | None]:
        with self._monitoring_lock:
            schedules = list(self._schedules.values())
        matching = [s for s in schedules if _schedule_matches(s, query)]
        return paginate(matching, query, SCHEDULE_SORT_FIELDS)

    def schedules_using_definition(self, definition_name: str) -> list[str]:
        with self._monitoring_lock:
            schedules = list(self._schedules.values())
        return sorted(s.name for s in schedules if schedule_definition_name(s) == definition_name)

    # -- executions --------------------------------------------------------------------------

    def add_execution(self, execution: ExecutionRecord) -> None:
        execution = execution_from_document(execution_to_document(execution))
        with self._monitoring_lock:
            if execution.execution_id in self._executions:
                raise ResourceInUse(
                    monitoring_in_use_message(MONITORING_EXECUTION, execution.execution_id)
                )
            self._schedule(execution.schedule_name)
            self._executions[execution.execution_id] = execution

    def get_execution(self, execution_id: str) -> ExecutionRecord:
        with self._monitoring_lock:
            return self._execution(execution_id)

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
        changes: dict[str, Any] = {
            "status": status,
            "processing_job_name": processing_job_name,
            "processing_job_arn": processing_job_arn,
            "failure_reason": failure_reason,
        }
        with self._monitoring_lock:
            current = self._execution(execution_id)
            if expected_status is not None and current.status not in expected_status:
                return None
            updated = dataclasses.replace(
                current,
                last_modified_time=last_modified_time,
                **{key: value for key, value in changes.items() if value is not None},
            )
            self._executions[execution_id] = updated
            return updated

    def list_executions(self, query: ExecutionQuery) -> tuple[list[ExecutionRecord], str | None]:
        field = sort_field(query, EXECUTION_SORT_FIELDS)
        with self._monitoring_lock:
            executions = list(self._executions.values())
        positions = [
            execution_position(e, field) for e in executions if _execution_matches(e, query)
        ]
        page, token = paginate(positions, query, EXECUTION_SORT_FIELDS)
        return [position.record for position in page], token

    def latest_execution(self, schedule_name: str) -> ExecutionRecord | None:
        with self._monitoring_lock:
            mine = [e for e in self._executions.values() if e.schedule_name == schedule_name]
        return max(mine, key=lambda e: (e.creation_time, e.execution_id), default=None)

    # -- lookups; callers hold the lock ------------------------------------------------------

    def _schedule(self, name: str) -> ScheduleRecord:
        try:
            return self._schedules[name]
        except KeyError:
            raise ResourceNotFound(
                monitoring_not_found_message(MONITORING_SCHEDULE, name)
            ) from None

    def _execution(self, execution_id: str) -> ExecutionRecord:
        try:
            return self._executions[execution_id]
        except KeyError:
            message = monitoring_not_found_message(MONITORING_EXECUTION, execution_id)
            raise ResourceNotFound(message) from None


def _schedule_matches(schedule: ScheduleRecord, query: ScheduleQuery) -> bool:
    return (
        _name_contains(schedule.name, query.name_contains)
        and _equals(schedule.endpoint_name, query.endpoint_name)
        and _equals(schedule.status.value, query.status_equals)
        and _equals(schedule.monitoring_type.value, query.monitoring_type_equals)
        and _equals(schedule_definition_name(schedule), query.monitoring_job_definition_name)
        and _within(schedule.creation_time, query.creation_time_after, query.creation_time_before)
        and _within(
            schedule.last_modified_time,
            query.last_modified_time_after,
            query.last_modified_time_before,
        )
    )


def _execution_matches(execution: ExecutionRecord, query: ExecutionQuery) -> bool:
    return (
        _equals(execution.schedule_name, query.schedule_name)
        and _equals(execution.endpoint_name, query.endpoint_name)
        and _equals(execution.status.value, query.status_equals)
        and _equals(execution.monitoring_type.value, query.monitoring_type_equals)
        and _equals(execution.job_definition_name, query.monitoring_job_definition_name)
        and _within(
            execution.scheduled_time, query.scheduled_time_after, query.scheduled_time_before
        )
        and _within(execution.creation_time, query.creation_time_after, query.creation_time_before)
        and _within(
            execution.last_modified_time,
            query.last_modified_time_after,
            query.last_modified_time_before,
        )
    )


def _name_contains(name: str, needle: str | None) -> bool:
    """SageMaker's ``NameContains``: a case-insensitive substring (empty matches all)."""
    return not needle or needle.lower() in name.lower()


def _equals(value: str | None, wanted: str | None) -> bool:
    return wanted is None or value == wanted


def _within(value: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or value > after) and (before is None or value < before)
