"""SQLAlchemy models of the metadata tables (the schema that the migrations create).

Processing jobs keep their fields in columns; serving records (models, endpoint configs,
endpoints) and Model Monitor records (job definitions, schedules, executions) are one JSON
document each, with the columns that List* filters and sorts on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as naive
    UTC (which also sorts and compares correctly as text) and read back as aware UTC. Naive
    values given to the store are taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base holding the metadata that Alembic compares with the migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProcessingJobRow(Base):
    """One processing job; ``spec`` is the JSON of ``spec_to_dict(job.spec)``."""

    __tablename__ = "processing_jobs"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    arn: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(32), index=True)
    creation_time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_modified_time: Mapped[datetime] = mapped_column(UtcDateTime())
    processing_start_time: Mapped[datetime | None] = mapped_column(UtcDateTime())
    processing_end_time: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failure_reason: Mapped[str | None] = mapped_column(Text)
    exit_message: Mapped[str | None] = mapped_column(Text)
    spec: Mapped[str] = mapped_column(Text)


class ServingRow:
    """The columns of every serving table; ``document`` holds the whole record as JSON
    (``plimsoll.metadata.serving_codec``), the other columns are copies to filter and sort on."""

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    arn: Mapped[str] = mapped_column(String(256))
    creation_time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_modified_time: Mapped[datetime] = mapped_column(UtcDateTime())
    document: Mapped[str] = mapped_column(Text)


class ModelRow(ServingRow, Base):
    """One model (``serving_codec.model_to_document``)."""

    __tablename__ = "models"


class EndpointConfigRow(ServingRow, Base):
    """One endpoint config (``serving_codec.endpoint_config_to_document``)."""

    __tablename__ = "endpoint_configs"


class EndpointRow(ServingRow, Base):
    """One endpoint (``serving_codec.endpoint_to_document``), with its status as a column."""

    __tablename__ = "endpoints"

    status: Mapped[str] = mapped_column(String(32), index=True)


class JobDefinitionRow(Base):
    """One Model Monitor job definition (``monitoring_codec.job_definition_to_document``)."""

    __tablename__ = "monitoring_job_definitions"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    arn: Mapped[str] = mapped_column(String(256))
    monitoring_type: Mapped[str] = mapped_column(String(32))
    endpoint_name: Mapped[str | None] = mapped_column(String(63), index=True)
    creation_time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    document: Mapped[str] = mapped_column(Text)


class ScheduleRow(Base):
    """One monitoring schedule (``monitoring_codec.schedule_to_document``);
    ``job_definition_name`` copies the config's ``MonitoringJobDefinitionName``."""

    __tablename__ = "monitoring_schedules"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    arn: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(32), index=True)
    monitoring_type: Mapped[str] = mapped_column(String(32))
    endpoint_name: Mapped[str | None] = mapped_column(String(63), index=True)
    job_definition_name: Mapped[str | None] = mapped_column(String(63), index=True)
    creation_time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_modified_time: Mapped[datetime] = mapped_column(UtcDateTime())
    document: Mapped[str] = mapped_column(Text)


class ExecutionRow(Base):
    """One monitoring execution (``monitoring_codec.execution_to_document``); deleted with its
    schedule by the store (no foreign key: SQLite would not enforce it)."""

    __tablename__ = "monitoring_executions"

    execution_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    schedule_name: Mapped[str] = mapped_column(String(63), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    monitoring_type: Mapped[str] = mapped_column(String(32))
    endpoint_name: Mapped[str | None] = mapped_column(String(63), index=True)
    job_definition_name: Mapped[str | None] = mapped_column(String(63))
    scheduled_time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    creation_time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_modified_time: Mapped[datetime] = mapped_column(UtcDateTime())
    document: Mapped[str] = mapped_column(Text)
