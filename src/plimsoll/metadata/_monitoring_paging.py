"""How Model Monitor lists sort and page: their SortBy values and the execution cursor.

Schedules and job definitions page like every other named record (``_paging``). Executions
have no name and sort by a second timestamp, so :class:`ExecutionPosition` presents one as the
``(name, creation_time, status)`` triple that ``_paging`` keys and tokens are made of: the
execution id as the tie-breaking name and the chosen timestamp as the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from plimsoll.metadata._paging import NAME_AND_TIME_SORT_FIELDS, SORT_FIELDS
from plimsoll.metadata.monitoring_entities import ExecutionRecord, ExecutionStatus

SCHEDULE_SORT_FIELDS: Mapping[str, str] = SORT_FIELDS
"""``ListMonitoringSchedules`` SortBy -> column/attribute (ties broken by name)."""

JOB_DEFINITION_SORT_FIELDS: Mapping[str, str] = NAME_AND_TIME_SORT_FIELDS
"""``List<Type>JobDefinitions`` SortBy -> column/attribute (ties broken by name)."""

EXECUTION_SORT_FIELDS: Mapping[str, str] = {
    "CreationTime": "creation_time",
    "ScheduledTime": "scheduled_time",
    "Status": "status",
}
"""``ListMonitoringExecutions`` SortBy -> column/attribute (ties broken by execution id)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionPosition:
    """An execution as ``_paging`` sees it: ``name`` is the execution id and
    ``creation_time`` the timestamp being sorted by."""

    name: str
    creation_time: datetime
    status: ExecutionStatus
    record: ExecutionRecord


def execution_position(record: ExecutionRecord, field: str) -> ExecutionPosition:
    """``record`` keyed for a sort on ``field`` (a value of :data:`EXECUTION_SORT_FIELDS`)."""
    time = record.scheduled_time if field == "scheduled_time" else record.creation_time
    return ExecutionPosition(
        name=record.execution_id, creation_time=time, status=record.status, record=record
    )
