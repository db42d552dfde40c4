"""SqlMetadataStore on PostgreSQL passes the Model Monitor conformance suite (marker
``postgres``), and migration 0003 upgrades a PostgreSQL database at 0002 keeping its rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy
from alembic import command

from plimsoll.metadata import MetadataStore, open_store
from plimsoll.metadata.sql import make_engine
from plimsoll.metadata.sql.migrate import alembic_config, current_revision, head_revision
from tests.conformance.monitoring_suite import MonitoringStoreSuite, make_schedule

pytestmark = pytest.mark.postgres

MONITORING_TABLES = ("monitoring_executions", "monitoring_schedules", "monitoring_job_definitions")


@pytest.fixture(scope="module")
def migrated_url(postgres_url: str) -> str:
    open_store(postgres_url).close()
    return postgres_url


class TestPostgresMonitoringStore(MonitoringStoreSuite):
    @pytest.fixture
    def store(self, migrated_url: str) -> Iterator[MetadataStore]:
        engine = make_engine(migrated_url)
        with engine.begin() as connection:
            for table in MONITORING_TABLES:
                connection.execute(sqlalchemy.text(f"DELETE FROM {table}"))
        engine.dispose()
        store = open_store(migrated_url)
        yield store
        store.close()


def test_upgrade_from_0002_keeps_rows(postgres_url: str) -> None:
    url = sqlalchemy.engine.make_url(postgres_url)
    name = f"{url.database}_m0003"
    admin = make_engine(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name))
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")
        with engine.begin() as connection:
            connection.execute(
                sqlalchemy.text(
                    "INSERT INTO models (name, arn, creation_time, last_modified_time, document) "
                    "VALUES ('old', 'arn', now(), now(), '{}')"
                )
            )
        store = open_store(url.set(database=name).render_as_string(hide_password=False))
        try:
            assert current_revision(engine) == head_revision()
            store.create_schedule(make_schedule("new"))
            assert store.get_schedule("new") == make_schedule("new")
        finally:
            store.close()
        with engine.connect() as connection:
            names = connection.execute(sqlalchemy.text("SELECT name FROM models"))
            assert [row[0] for row in names] == ["old"]
    finally:
        engine.dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
