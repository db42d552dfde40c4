"""MemoryMetadataStore passes the serving conformance suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plimsoll.metadata import MemoryMetadataStore, MetadataStore
from tests.conformance.serving_suite import ServingStoreSuite


class TestMemoryServingStore(ServingStoreSuite):
    @pytest.fixture
    def store(self) -> Iterator[MetadataStore]:
        store = MemoryMetadataStore()
        yield store
        store.close()
