"""SqlMetadataStore on PostgreSQL passes the metadata conformance suite (marker ``postgres``)."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from plimsoll.metadata import MetadataStore, open_store
from plimsoll.metadata.sql import make_engine
from plimsoll.metadata.sql.migrate import VERSION_TABLE, current_revision, head_revision
from plimsoll.metadata.sql.models import Base
from tests.conformance.metadata_suite import MetadataStoreSuite

SERVING_TABLES = ("models", "endpoint_configs", "endpoints")
MONITORING_TABLES = ("monitoring_job_definitions", "monitoring_schedules", "monitoring_executions")

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def migrated_url(postgres_url: str) -> str:
    open_store(postgres_url).close()
    return postgres_url


class TestPostgresMetadataStore(MetadataStoreSuite):
    @pytest.fixture
    def store(self, migrated_url: str) -> Iterator[MetadataStore]:
        engine = make_engine(migrated_url)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DELETE FROM processing_jobs"))
        engine.dispose()
        store = open_store(migrated_url)
        yield store
        store.close()


def test_schema_is_at_head_and_matches_the_models(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
        columns = {
            c["name"]: c["type"] for c in sqlalchemy.inspect(engine).get_columns("processing_jobs")
        }
        assert getattr(columns["creation_time"], "timezone", False) is True
    finally:
        engine.dispose()


@pytest.mark.slow
def test_concurrent_first_opens_from_processes_migrate_once(postgres_url: str) -> None:
    schema = f"race_{secrets.token_hex(4)}"
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    script = "import sys; from plimsoll.metadata import open_store; open_store(sys.argv[1]).close()"
    argv = [sys.executable, "-c", script, url.render_as_string(hide_password=False)]
    try:
        processes = [subprocess.Popen(argv, stderr=subprocess.PIPE) for _ in range(4)]
        outputs = [process.communicate(timeout=60)[1].decode() for process in processes]
        failures = [
            out for process, out in zip(processes, outputs, strict=True) if process.returncode
        ]
        assert failures == []
        tables = set(sqlalchemy.inspect(engine).get_table_names(schema=schema))
        assert tables == {"processing_jobs", *SERVING_TABLES, *MONITORING_TABLES, VERSION_TABLE}
    finally:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
