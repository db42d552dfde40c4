"""Migration 0003 (Model Monitor tables): upgrading a database at 0002 keeps its rows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from alembic import command

from plimsoll.metadata import open_store
from plimsoll.metadata.sql import make_engine
from plimsoll.metadata.sql.migrate import alembic_config, current_revision, head_revision
from tests.conformance.monitoring_suite import make_execution, make_schedule
from tests.unit.metadata.test_migrations import schema_diff

MONITORING_TABLES = {"monitoring_job_definitions", "monitoring_schedules", "monitoring_executions"}
OLD_ROWS = (
    "INSERT INTO processing_jobs (name, arn, status, creation_time, last_modified_time, spec) "
    "VALUES ('job', 'arn', 'Completed', '2024-01-01 00:00:00', '2024-01-01 00:00:00', '{}')",
    "INSERT INTO models (name, arn, creation_time, last_modified_time, document) "
    "VALUES ('model', 'arn', '2024-01-01 00:00:00', '2024-01-01 00:00:00', '{}')",
    "INSERT INTO endpoints (name, arn, status, creation_time, last_modified_time, document) "
    "VALUES ('endpoint', 'arn', 'InService', '2024-01-01 00:00:00', '2024-01-01 00:00:00', '{}')",
)


def names(engine: sqlalchemy.Engine, table: str) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(sqlalchemy.text(f"SELECT name FROM {table}"))]


def test_upgrade_from_0002_keeps_rows_and_adds_monitoring_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")
        assert not MONITORING_TABLES & set(sqlalchemy.inspect(engine).get_table_names())
        with engine.begin() as connection:
            for statement in OLD_ROWS:
                connection.execute(sqlalchemy.text(statement))
        store = open_store(url)  # migrates to head
        try:
            assert current_revision(engine) == head_revision() == "0003"
            store.create_schedule(make_schedule("sched"))
            store.add_execution(make_execution("e"))
            assert store.latest_execution("sched") == make_execution("e")
        finally:
            store.close()
        assert schema_diff(engine) == []
        assert MONITORING_TABLES <= set(sqlalchemy.inspect(engine).get_table_names())
        assert names(engine, "processing_jobs") == ["job"]
        assert names(engine, "models") == ["model"]
        assert names(engine, "endpoints") == ["endpoint"]
    finally:
        engine.dispose()


def test_downgrade_to_0002_drops_only_monitoring_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    open_store(url).close()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(OLD_ROWS[1]))
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0002")
        tables = set(sqlalchemy.inspect(engine).get_table_names())
        assert not MONITORING_TABLES & tables
        assert names(engine, "models") == ["model"]
    finally:
        engine.dispose()
