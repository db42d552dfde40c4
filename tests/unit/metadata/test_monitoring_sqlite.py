"""SqlMetadataStore on a SQLite file passes the Model Monitor conformance suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.metadata import MetadataStore, open_store
from plimsoll.metadata.monitoring_entities import ExecutionStatus
from tests.conformance.monitoring_suite import (
    T0,
    MonitoringStoreSuite,
    make_definition,
    make_execution,
    make_schedule,
)


class TestSqliteMonitoringStore(MonitoringStoreSuite):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[MetadataStore]:
        store = open_store(f"sqlite:///{tmp_path}/plimsoll.db")
        yield store
        store.close()


def test_monitoring_records_persist_across_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/plimsoll.db"
    first = open_store(url)
    first.create_job_definition(make_definition("d"))
    first.create_schedule(make_schedule("sched"))
    first.add_execution(make_execution("e"))
    first.update_execution("e", status=ExecutionStatus.COMPLETED, last_modified_time=T0)
    first.close()
    second = open_store(url)
    try:
        assert second.get_job_definition("d") == make_definition("d")
        assert second.get_schedule("sched") == make_schedule("sched")
        assert second.get_execution("e").status is ExecutionStatus.COMPLETED
        assert second.schedules_using_definition("def-1") == ["sched"]
    finally:
        second.close()
