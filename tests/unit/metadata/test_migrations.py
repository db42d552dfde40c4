"""The packaged Alembic migrations: a fresh database reaches head and matches the models."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from plimsoll.metadata.sql import make_engine, upgrade_to_head
from plimsoll.metadata.sql.migrate import (
    VERSION_TABLE,
    alembic_config,
    current_revision,
    head_revision,
)
from plimsoll.metadata.sql.models import Base

SERVING_TABLES = ("models", "endpoint_configs", "endpoints")
MONITORING_TABLES = ("monitoring_job_definitions", "monitoring_schedules", "monitoring_executions")


def schema_diff(engine: sqlalchemy.Engine) -> list[object]:
    """What Alembic autogenerate would add to make the database match the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        return list(compare_metadata(context, Base.metadata))


def test_fresh_database_is_upgraded_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        assert current_revision(engine) is None
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        tables = set(sqlalchemy.inspect(engine).get_table_names())
        assert tables == {"processing_jobs", *SERVING_TABLES, *MONITORING_TABLES, VERSION_TABLE}
        upgrade_to_head(engine)  # idempotent
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        upgrade_to_head(engine)
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        upgrade_to_head(engine)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert set(sqlalchemy.inspect(engine).get_table_names()) == {VERSION_TABLE}
        upgrade_to_head(engine)
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_upgrade_from_processing_only_schema_keeps_jobs(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
        with engine.begin() as connection:
            connection.execute(
                sqlalchemy.text(
                    "INSERT INTO processing_jobs (name, arn, status, creation_time, "
                    "last_modified_time, spec) VALUES ('old', 'arn', 'Completed', "
                    "'2024-01-01 00:00:00', '2024-01-01 00:00:00', '{}')"
                )
            )
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        assert schema_diff(engine) == []
        with engine.connect() as connection:
            names = connection.execute(sqlalchemy.text("SELECT name FROM processing_jobs"))
            assert [row[0] for row in names] == ["old"]
    finally:
        engine.dispose()
