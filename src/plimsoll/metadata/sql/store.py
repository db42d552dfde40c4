"""The SQL metadata store (SQLite or PostgreSQL through SQLAlchemy 2.0)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Engine, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from plimsoll.errors import InternalError, PlimsollError, ResourceInUse, ResourceNotFound
from plimsoll.metadata._messages import in_use_message, not_found_message
from plimsoll.metadata._paging import decode_token, encode_token, page_size, sort_field
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.entities import (
    JobQuery,
    JobStatus,
    ProcessingJob,
    spec_from_dict,
    spec_to_dict,
)
from plimsoll.metadata.sql._keyset import after, sort_keys
from plimsoll.metadata.sql.engine import make_engine
from plimsoll.metadata.sql.models import ProcessingJobRow
from plimsoll.metadata.sql.monitoring_store import SqlMonitoringMixin
from plimsoll.metadata.sql.serving_store import SqlServingMixin

logger = logging.getLogger(__name__)

Row = ProcessingJobRow

_SORT_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "name": Row.name,
    "creation_time": Row.creation_time,
    "status": Row.status,
}


def to_entity(row: ProcessingJobRow) -> ProcessingJob:
    """The domain entity stored in ``row``."""
    return ProcessingJob(
        spec=spec_from_dict(json.loads(row.spec)),
        arn=row.arn,
        status=JobStatus(row.status),
        creation_time=row.creation_time,
        last_modified_time=row.last_modified_time,
        processing_start_time=row.processing_start_time,
        processing_end_time=row.processing_end_time,
        failure_reason=row.failure_reason,
        exit_message=row.exit_message,
    )


def from_entity(job: ProcessingJob) -> ProcessingJobRow:
    """A new row holding ``job``."""
    return ProcessingJobRow(
        name=job.name,
        arn=job.arn,
        status=job.status.value,
        creation_time=job.creation_time,
        last_modified_time=job.last_modified_time,
        processing_start_time=job.processing_start_time,
        processing_end_time=job.processing_end_time,
        failure_reason=job.failure_reason,
        exit_message=job.exit_message,
        spec=json.dumps(spec_to_dict(job.spec), separators=(",", ":"), sort_keys=True),
    )


class SqlMetadataStore(SqlServingMixin, SqlMonitoringMixin, MetadataStore):
    """Processing jobs, serving and Model Monitor records in a SQL database whose schema is at
    the Alembic head.

    The schema is not created here: ``plimsoll.metadata.registry.open_store`` migrates first.

    Args:
        engine_or_url: an engine (owned by the store from now on) or a SQLAlchemy URL.
    """

    def __init__(self, engine_or_url: Engine | str) -> None:
        engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"SqlMetadataStore({self._engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _session(self, *, in_use: str = "") -> Iterator[Session]:
        """A transaction: commits on success, rolls back and translates errors on failure.

        ``IntegrityError`` becomes ``ResourceInUse(in_use)``; any other SQLAlchemy error an
        ``InternalError``; Plimsoll errors pass through.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except PlimsollError:
            session.rollback()
            raise
        except IntegrityError as exc:
            session.rollback()
            raise ResourceInUse(in_use or "The resource is already in use") from exc
        except SQLAlchemyError as exc:
            session.rollback()
            logger.exception("metadata store failure")
            raise InternalError(f"The metadata store failed ({type(exc).__name__})") from exc
        finally:
            session.close()

    def create_processing_job(self, job: ProcessingJob) -> None:
        with self._session(in_use=in_use_message(job.name, job.arn)) as session:
            session.add(from_entity(job))

    def get_processing_job(self, name: str) -> ProcessingJob:
        with self._session() as session:
            row = session.get(Row, name)
            if row is None:
                raise ResourceNotFound(not_found_message(name))
            return to_entity(row)

    def list_processing_jobs(self, query: JobQuery) -> tuple[list[ProcessingJob], str | None]:
        field = sort_field(query)
        limit = page_size(query)
        cursor = decode_token(query)
        descending = query.sort_order == "Descending"
        keys = sort_keys(_SORT_COLUMNS[field], Row.name, self._engine.dialect.name)
        statement = select(Row).where(*_filters(query))
        if cursor is not None:
            statement = statement.where(after(keys, cursor, descending=descending))
        order = [key.desc() if descending else key.asc() for key in keys]
        statement = statement.order_by(*order).limit(limit + 1)
        with self._session() as session:
            jobs = [to_entity(row) for row in session.scalars(statement)]
        page = jobs[:limit]
        return page, (encode_token(query, page[-1]) if len(jobs) > limit else None)

    def update_processing_job(
        self,
        name: str,
        *,
        status: JobStatus | None = None,
        expected_status: tuple[JobStatus, ...] | None = None,
        processing_start_time: datetime | None = None,
        processing_end_time: datetime | None = None,
        failure_reason: str | None = None,
        exit_message: str | None = None,
        last_modified_time: datetime,
    ) -> ProcessingJob | None:
        changes: dict[str, Any] = {
            "status": status.value if status is not None else None,
            "processing_start_time": processing_start_time,
            "processing_end_time": processing_end_time,
            "failure_reason": failure_reason,
            "exit_message": exit_message,
        }
        values = {key: value for key, value in changes.items() if value is not None}
        values["last_modified_time"] = last_modified_time
        statement = update(Row).where(Row.name == name).values(**values)
        if expected_status is not None:
            statement = statement.where(Row.status.in_([s.value for s in expected_status]))
        statement = statement.execution_options(synchronize_session=False)
        with self._session() as session:
            result = cast(CursorResult[Any], session.execute(statement))
            row = session.get(Row, name, populate_existing=True)
            if row is None:
                raise ResourceNotFound(not_found_message(name))
            return to_entity(row) if result.rowcount else None

    def close(self) -> None:
        self._engine.dispose()


def _filters(query: JobQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.name_contains:
        needle = query.name_contains.lower()
        conditions.append(func.lower(Row.name).contains(needle, autoescape=True))
    if query.status_equals is not None:
        conditions.append(Row.status == query.status_equals.value)
    if query.creation_time_after is not None:
        conditions.append(Row.creation_time > query.creation_time_after)
    if query.creation_time_before is not None:
        conditions.append(Row.creation_time < query.creation_time_before)
    if query.last_modified_time_after is not None:
        conditions.append(Row.last_modified_time > query.last_modified_time_after)
    if query.last_modified_time_before is not None:
        conditions.append(Row.last_modified_time < query.last_modified_time_before)
    return conditions
