"""MemoryStorage passes the storage conformance suite."""

from __future__ import annotations

import uuid

import pytest

from plimsoll.storage import MemoryStorage, Storage
from tests.conformance.storage_suite import StorageSuite


class TestMemoryStorage(StorageSuite):
    @pytest.fixture
    def storage(self) -> Storage:
        return MemoryStorage()

    @pytest.fixture
    def root(self) -> str:
        return f"memory://bucket/{uuid.uuid4().hex}"


def test_other_schemes_can_be_served() -> None:
    storage = MemoryStorage(scheme="s3")
    storage.write_bytes("s3://bucket/key", b"v")
    assert storage.read_bytes("s3://bucket/key") == b"v"
    with pytest.raises(ValueError, match="s3://"):
        storage.read_bytes("memory://bucket/key")
