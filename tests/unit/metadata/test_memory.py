"""MemoryMetadataStore passes the metadata conformance suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plimsoll.metadata import MemoryMetadataStore, MetadataStore
from tests.conformance.metadata_suite import MetadataStoreSuite


class TestMemoryMetadataStore(MetadataStoreSuite):
    @pytest.fixture
    def store(self) -> Iterator[MetadataStore]:
        store = MemoryMetadataStore()
        yield store
        store.close()
