"""SqlMetadataStore on a SQLite file passes the metadata conformance suite."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.metadata import MetadataStore, open_store
from tests.conformance.metadata_suite import MetadataStoreSuite, make_job


class TestSqliteMetadataStore(MetadataStoreSuite):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[MetadataStore]:
        store = open_store(f"sqlite:///{tmp_path}/plimsoll.db")
        yield store
        store.close()


def test_jobs_persist_across_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/nested/folder/plimsoll.db"
    first = open_store(url)
    first.create_processing_job(make_job("kept"))
    first.close()
    assert (tmp_path / "nested" / "folder" / "plimsoll.db").is_file()
    second = open_store(url)
    try:
        assert second.get_processing_job("kept") == make_job("kept")
    finally:
        second.close()


def test_in_memory_sqlite_is_usable_from_threads() -> None:
    store = open_store("sqlite://")
    try:
        store.create_processing_job(make_job("mem"))
        assert store.get_processing_job("mem").name == "mem"
    finally:
        store.close()


def test_threads_opening_a_new_database_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/race.db"
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            open_store(url).close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
