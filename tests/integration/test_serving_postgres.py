"""SqlMetadataStore on PostgreSQL passes the serving conformance suite (marker ``postgres``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy

from plimsoll.metadata import MetadataStore, open_store
from plimsoll.metadata.sql import make_engine
from tests.conformance.serving_suite import ServingStoreSuite

pytestmark = pytest.mark.postgres

SERVING_TABLES = ("models", "endpoint_configs", "endpoints")


@pytest.fixture(scope="module")
def migrated_url(postgres_url: str) -> str:
    open_store(postgres_url).close()
    return postgres_url


class TestPostgresServingStore(ServingStoreSuite):
    @pytest.fixture
    def store(self, migrated_url: str) -> Iterator[MetadataStore]:
        engine = make_engine(migrated_url)
        with engine.begin() as connection:
            for table in SERVING_TABLES:
                connection.execute(sqlalchemy.text(f"DELETE FROM {table}"))
        engine.dispose()
        store = open_store(migrated_url)
        yield store
        store.close()
