"""SqlMetadataStore on a SQLite file passes the serving conformance suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.metadata import MetadataStore, open_store
from tests.conformance.serving_suite import (
    ServingStoreSuite,
    make_capture,
    make_config,
    make_endpoint,
    make_model,
)


class TestSqliteServingStore(ServingStoreSuite):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[MetadataStore]:
        store = open_store(f"sqlite:///{tmp_path}/plimsoll.db")
        yield store
        store.close()


def test_serving_records_persist_across_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/plimsoll.db"
    first = open_store(url)
    first.create_model(make_model("m"))
    first.create_endpoint_config(make_config("c", capture=make_capture()))
    first.create_endpoint(make_endpoint("e"))
    first.close()
    second = open_store(url)
    try:
        assert second.get_model("m") == make_model("m")
        assert second.get_endpoint_config("c") == make_config("c", capture=make_capture())
        assert second.get_endpoint("e") == make_endpoint("e")
    finally:
        second.close()
