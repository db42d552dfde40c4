"""MemoryMetadataStore passes the Model Monitor conformance suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plimsoll.metadata import MemoryMetadataStore, MetadataStore
from tests.conformance.monitoring_suite import MonitoringStoreSuite


class TestMemoryMonitoringStore(MonitoringStoreSuite):
    @pytest.fixture
    def store(self) -> Iterator[MetadataStore]:
        store = MemoryMetadataStore()
        yield store
        store.close()
