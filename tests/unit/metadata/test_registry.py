"""open_store: choosing the store by URL, and refusing bad URLs with ConfigError."""

from __future__ import annotations

from pathlib import Path

import pytest

from plimsoll.errors import ConfigError
from plimsoll.metadata import MemoryMetadataStore, open_store
from plimsoll.metadata.sql import SqlMetadataStore


def test_memory_url_gives_a_fresh_memory_store() -> None:
    first, second = open_store("memory://"), open_store("memory://")
    assert isinstance(first, MemoryMetadataStore)
    assert first is not second


def test_sqlite_url_gives_a_sql_store(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/x.db")
    try:
        assert isinstance(store, SqlMetadataStore)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql://user@host/db", "mysql"),
        ("not a url", "not a url"),
    ],
)
def test_unsupported_urls_are_config_errors(url: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        open_store(url)


def test_passwords_are_hidden_in_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        open_store("mysql://user:hunter2@host/db")
    assert "hunter2" not in str(caught.value)


def test_unreachable_database_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()  # a folder where the database file should be
    with pytest.raises(ConfigError, match="db"):
        open_store(f"sqlite:///{tmp_path}/db")
