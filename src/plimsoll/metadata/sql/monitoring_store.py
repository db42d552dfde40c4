"""The Model Monitor part of the SQL metadata store: job definitions, schedules, executions.

Each record is one JSON document (``plimsoll.metadata.monitoring_codec``) in a row whose other
columns (name, status, endpoint, timestamps...) are copies kept for filtering and keyset
pagination. Executions are deleted with their schedule; there is no foreign key because SQLite
would not enforce it, so :meth:`SqlMonitoringMixin.add_execution` and ``delete_schedule``
order their statements to keep orphans out (see there).
"""

from __future__ import annotations

import abc
import dataclasses
import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, Engine, delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from plimsoll.errors import ConflictError, ResourceNotFound
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
from plimsoll.metadata._paging import (
    Listed,
    PageQuery,
    decode_token,
    encode_token,
    page_size,
    sort_field,
)
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
from plimsoll.metadata.sql._keyset import after, sort_key, sort_keys
from plimsoll.metadata.sql.models import Base, ExecutionRow, JobDefinitionRow, ScheduleRow

R = TypeVar("R")
_CAS_ATTEMPTS = 50
"""Optimistic retries of ``update_execution`` before giving up with ``ConflictError``."""


class SqlMonitoringMixin(MonitoringStore):
    """Implements :class:`MonitoringStore` on the SQL store's engine and transactions."""

    _engine: Engine

    @abc.abstractmethod
    def _session(self, *, in_use: str = "") -> AbstractContextManager[Session]:
        """A transaction that turns an integrity error into ``ResourceInUse(in_use)``."""

    # -- job definitions ---------------------------------------------------------------------

    def create_job_definition(self, definition: JobDefinitionRecord) -> None:
        row = JobDefinitionRow(
            name=definition.name,
            arn=definition.arn,
            monitoring_type=definition.monitoring_type.value,
            endpoint_name=definition.endpoint_name,
            creation_time=definition.creation_time,
            document=_dumps(job_definition_to_document(definition)),
        )
        in_use = monitoring_in_use_message(JOB_DEFINITION, definition.arn)
        with self._session(in_use=in_use) as session:
            session.add(row)

    def get_job_definition(
        self, name: str, monitoring_type: MonitoringType | None = None
    ) -> JobDefinitionRecord:
        with self._session() as session:
            row = session.get(JobDefinitionRow, name)
            if row is None or (
                monitoring_type is not None and row.monitoring_type != monitoring_type.value
            ):
                raise ResourceNotFound(monitoring_not_found_message(JOB_DEFINITION, name))
            return job_definition_from_document(json.loads(row.document))

    def delete_job_definition(self, name: str) -> None:
        statement = delete(JobDefinitionRow).where(JobDefinitionRow.name == name)
        with self._session() as session:
            if not _rowcount(session, statement):
                raise ResourceNotFound(monitoring_not_found_message(JOB_DEFINITION, name))

    def list_job_definitions(
        self, monitoring_type: MonitoringType, query: ScheduleQuery
    ) -> tuple[list[JobDefinitionRecord], str | None]:
        table = JobDefinitionRow
        conditions = [
            table.monitoring_type == monitoring_type.value,
            *_name_contains(table.name, query.name_contains),
            *_equals(table.endpoint_name, query.endpoint_name),
            *_within(table.creation_time, query.creation_time_after, query.creation_time_before),
        ]
        return self._page(
            query,
            JOB_DEFINITION_SORT_FIELDS,
            table,
            table.name,
            conditions,
            lambda row: job_definition_from_document(json.loads(row.document)),
        )

    # -- schedules ---------------------------------------------------------------------------

    def create_schedule(self, schedule: ScheduleRecord) -> None:
        row = ScheduleRow(name=schedule.name, **_schedule_values(schedule))
        in_use = monitoring_in_use_message(MONITORING_SCHEDULE, schedule.arn)
        with self._session(in_use=in_use) as session:
            session.add(row)

    def get_schedule(self, name: str) -> ScheduleRecord:
        with self._session() as session:
            row = session.get(ScheduleRow, name)
            if row is None:
                raise ResourceNotFound(monitoring_not_found_message(MONITORING_SCHEDULE, name))
            return schedule_from_document(json.loads(row.document))

    def save_schedule(
        self, schedule: ScheduleRecord, *, expected_status: tuple[ScheduleStatus, ...] | None = None
    ) -> ScheduleRecord | None:
        values = _schedule_values(schedule)
        statement = update(ScheduleRow).where(ScheduleRow.name == schedule.name).values(**values)
        if expected_status is not None:
            statement = statement.where(ScheduleRow.status.in_([s.value for s in expected_status]))
        with self._session() as session:
            if _rowcount(session, statement):
                return schedule_from_document(json.loads(values["document"]))
            if session.get(ScheduleRow, schedule.name) is None:
                message = monitoring_not_found_message(MONITORING_SCHEDULE, schedule.name)
                raise ResourceNotFound(message)
            return None

    def delete_schedule(self, name: str) -> None:
        # The schedule row goes first: on PostgreSQL that waits for an add_execution holding
        # it, so the executions DELETE that follows sees (and removes) what that one added.
        with self._session() as session:
            if not _rowcount(session, delete(ScheduleRow).where(ScheduleRow.name == name)):
                raise ResourceNotFound(monitoring_not_found_message(MONITORING_SCHEDULE, name))
            _rowcount(session, delete(ExecutionRow).where(ExecutionRow.schedule_name == name))

    def list_schedules(self, query: ScheduleQuery) -> tuple[list[ScheduleRecord], str | None]:
        table = ScheduleRow
        conditions = [
            *_name_contains(table.name, query.name_contains),
            *_equals(table.endpoint_name, query.endpoint_name),
            *_equals(table.status, query.status_equals),
            *_equals(table.monitoring_type, query.monitoring_type_equals),
            *_equals(table.job_definition_name, query.monitoring_job_definition_name),
            *_within(table.creation_time, query.creation_time_after, query.creation_time_before),
            *_within(
                table.last_modified_time,
                query.last_modified_time_after,
                query.last_modified_time_before,
            ),
        ]
        return self._page(
            query,
            SCHEDULE_SORT_FIELDS,
            table,
            table.name,
            conditions,
            lambda row: schedule_from_document(json.loads(row.document)),
        )

    def schedules_using_definition(self, definition_name: str) -> list[str]:
        statement = select(ScheduleRow.name).where(
            ScheduleRow.job_definition_name == definition_name
        )
        with self._session() as session:
            return sorted(session.scalars(statement))

    # -- executions --------------------------------------------------------------------------

    def add_execution(self, execution: ExecutionRecord) -> None:
        in_use = monitoring_in_use_message(MONITORING_EXECUTION, execution.execution_id)
        with self._session(in_use=in_use) as session:
            # Insert first, then look for the schedule: the insert opens the write transaction
            # (SQLite lets no delete in between) and FOR UPDATE makes a concurrent
            # delete_schedule on PostgreSQL either finish first or wait for this commit.
            session.add(_execution_row(execution))
            session.flush()
            schedule = select(ScheduleRow.name).where(ScheduleRow.name == execution.schedule_name)
            if session.execute(schedule.with_for_update()).first() is None:
                message = monitoring_not_found_message(MONITORING_SCHEDULE, execution.schedule_name)
                raise ResourceNotFound(message)

    def get_execution(self, execution_id: str) -> ExecutionRecord:
        with self._session() as session:
            return _execution_of(session, execution_id)

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
        changes = {key: value for key, value in changes.items() if value is not None}
        # Optimistic compare-and-set: rewrite the document only if it is still the one read.
        for _ in range(_CAS_ATTEMPTS):
            with self._session() as session:
                row = session.get(ExecutionRow, execution_id)
                if row is None:
                    message = monitoring_not_found_message(MONITORING_EXECUTION, execution_id)
                    raise ResourceNotFound(message)
                current = execution_from_document(json.loads(row.document))
                if expected_status is not None and current.status not in expected_status:
                    return None
                updated = dataclasses.replace(
                    current, last_modified_time=last_modified_time, **changes
                )
                values = _execution_values(updated)
                statement = (
                    update(ExecutionRow)
                    .where(ExecutionRow.execution_id == execution_id)
                    .where(ExecutionRow.document == row.document)
                    .values(**values)
                )
                if _rowcount(session, statement):
                    return updated
        raise ConflictError(
            f'Monitoring execution "{execution_id}" kept changing while being updated; try again.'
        )

    def list_executions(self, query: ExecutionQuery) -> tuple[list[ExecutionRecord], str | None]:
        table = ExecutionRow
        conditions = [
            *_equals(table.schedule_name, query.schedule_name),
            *_equals(table.endpoint_name, query.endpoint_name),
            *_equals(table.status, query.status_equals),
            *_equals(table.monitoring_type, query.monitoring_type_equals),
            *_equals(table.job_definition_name, query.monitoring_job_definition_name),
            *_within(table.scheduled_time, query.scheduled_time_after, query.scheduled_time_before),
            *_within(table.creation_time, query.creation_time_after, query.creation_time_before),
            *_within(
                table.last_modified_time,
                query.last_modified_time_after,
                query.last_modified_time_before,
            ),
        ]
        field = sort_field(query, EXECUTION_SORT_FIELDS)
        positions, token = self._page(
            query,
            EXECUTION_SORT_FIELDS,
            table,
            table.execution_id,
            conditions,
            lambda row: execution_position(
                execution_from_document(json.loads(row.document)), field
            ),
        )
        return [position.record for position in positions], token

    def latest_execution(self, schedule_name: str) -> ExecutionRecord | None:
        dialect = self._engine.dialect.name
        statement = (
            select(ExecutionRow.document)
            .where(ExecutionRow.schedule_name == schedule_name)
            .order_by(
                ExecutionRow.creation_time.desc(),
                sort_key(ExecutionRow.execution_id, dialect).desc(),
            )
            .limit(1)
        )
        with self._session() as session:
            document = session.scalars(statement).first()
        return execution_from_document(json.loads(document)) if document is not None else None

    # -- keyset paging, shared by the three lists --------------------------------------------

    def _page(
        self,
        query: PageQuery,
        fields: Mapping[str, str],
        table: type[Base],
        tiebreak: InstrumentedAttribute[str],
        conditions: list[ColumnElement[bool]],
        to_listed: Callable[[Any], R],
    ) -> tuple[list[R], str | None]:
        """One page of ``table`` rows passing ``conditions``, sorted by ``query`` with ties
        broken by ``tiebreak``; ``to_listed`` turns a row into what is returned and keyed (it
        must carry the ``name``/``creation_time``/``status`` that ``_paging`` reads)."""
        field = sort_field(query, fields)
        limit = page_size(query)
        cursor = decode_token(query)
        descending = query.sort_order == "Descending"
        column = cast(InstrumentedAttribute[Any], getattr(table, field))
        keys = sort_keys(column, tiebreak, self._engine.dialect.name)
        statement = select(table).where(*conditions)
        if cursor is not None:
            statement = statement.where(after(keys, cursor, descending=descending))
        order = [key.desc() if descending else key.asc() for key in keys]
        statement = statement.order_by(*order).limit(limit + 1)
        with self._session() as session:
            listed = [to_listed(row) for row in session.scalars(statement)]
        page = listed[:limit]
        if len(listed) <= limit:
            return page, None
        return page, encode_token(query, cast(Listed, page[-1]), fields)


def _schedule_values(schedule: ScheduleRecord) -> dict[str, Any]:
    """The columns of ``schedule``'s row but its name."""
    return {
        "arn": schedule.arn,
        "status": schedule.status.value,
        "monitoring_type": schedule.monitoring_type.value,
        "endpoint_name": schedule.endpoint_name,
        "job_definition_name": schedule_definition_name(schedule),
        "creation_time": schedule.creation_time,
        "last_modified_time": schedule.last_modified_time,
        "document": _dumps(schedule_to_document(schedule)),
    }


def _execution_values(execution: ExecutionRecord) -> dict[str, Any]:
    """The columns of ``execution``'s row but its id."""
    return {
        "schedule_name": execution.schedule_name,
        "status": execution.status.value,
        "monitoring_type": execution.monitoring_type.value,
        "endpoint_name": execution.endpoint_name,
        "job_definition_name": execution.job_definition_name,
        "scheduled_time": execution.scheduled_time,
        "creation_time": execution.creation_time,
        "last_modified_time": execution.last_modified_time,
        "document": _dumps(execution_to_document(execution)),
    }


def _execution_row(execution: ExecutionRecord) -> ExecutionRow:
    return ExecutionRow(execution_id=execution.execution_id, **_execution_values(execution))


def _execution_of(session: Session, execution_id: str) -> ExecutionRecord:
    row = session.get(ExecutionRow, execution_id)
    if row is None:
        raise ResourceNotFound(monitoring_not_found_message(MONITORING_EXECUTION, execution_id))
    return execution_from_document(json.loads(row.document))


def _rowcount(session: Session, statement: Any) -> int:
    """Runs an UPDATE/DELETE without syncing the session; the number of rows it touched."""
    options = statement.execution_options(synchronize_session=False)
    return cast(CursorResult[Any], session.execute(options)).rowcount


def _name_contains(
    column: InstrumentedAttribute[str], needle: str | None
) -> list[ColumnElement[bool]]:
    if not needle:
        return []
    return [func.lower(column).contains(needle.lower(), autoescape=True)]


def _equals(column: InstrumentedAttribute[Any], wanted: str | None) -> list[ColumnElement[bool]]:
    return [] if wanted is None else [column == wanted]


def _within(
    column: InstrumentedAttribute[datetime], after_: datetime | None, before: datetime | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if after_ is not None:
        conditions.append(column > after_)
    if before is not None:
        conditions.append(column < before)
    return conditions


def _dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True, allow_nan=False)
