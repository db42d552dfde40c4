"""StorageRouter: backend choice by scheme, caching, install hints and job S3 env."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plimsoll.storage import LocalStorage, MemoryStorage, StorageRouter, parse_uri


def test_embedded_s3_and_local_paths(tmp_path: Path) -> None:
    router = StorageRouter(local_s3_root=tmp_path / "s3", s3_endpoint_url=None)
    s3 = router.for_uri("s3://bucket/key")
    assert isinstance(s3, LocalStorage) and s3.scheme == "s3"
    s3.write_bytes("s3://bucket/key", b"x")
    assert (tmp_path / "s3" / "bucket" / "key").read_bytes() == b"x"
    local = router.for_uri(f"file://{tmp_path}/f")
    assert isinstance(local, LocalStorage) and local.scheme == "file"
    assert router.for_uri(str(tmp_path)) is local
    assert router.for_uri("relative/path") is local


def test_backends_are_cached_per_scheme(tmp_path: Path) -> None:
    router = StorageRouter(local_s3_root=tmp_path, s3_endpoint_url=None)
    assert router.for_uri("s3://a/x") is router.for_uri("S3://b/y")
    memory = router.for_uri("memory://bucket/x")
    assert isinstance(memory, MemoryStorage)
    memory.write_bytes("memory://bucket/x", b"shared")
    assert router.for_uri("memory://bucket/other").read_bytes("memory://bucket/x") == b"shared"


def test_remote_s3_uses_s3fs() -> None:
    router = StorageRouter(local_s3_root=None, s3_endpoint_url="http://127.0.0.1:1")
    backend = router.for_uri("s3://bucket/key")
    assert type(backend).__name__ == "S3Storage"
    assert backend.scheme == "s3"


def test_unknown_scheme_is_named() -> None:
    router = StorageRouter(local_s3_root=None, s3_endpoint_url=None)
    with pytest.raises(ValueError, match="'gs'"):
        router.for_uri("gs://bucket/key")


def test_missing_s3fs_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "s3fs", None)
    monkeypatch.delitem(sys.modules, "plimsoll.storage.s3", raising=False)
    router = StorageRouter(local_s3_root=None, s3_endpoint_url="http://127.0.0.1:1")
    with pytest.raises(ImportError, match="pip install s3fs"):
        router.for_uri("s3://bucket/key")


def test_s3_env_for_a_remote_service() -> None:
    router = StorageRouter(
        local_s3_root=None,
        s3_endpoint_url="http://127.0.0.1:8333",
        s3_access_key_id="AK",
        s3_secret_access_key="SK",
        region="eu-west-1",
    )
    assert router.s3_env() == {
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333",
        "AWS_ACCESS_KEY_ID": "AK",
        "AWS_SECRET_ACCESS_KEY": "SK",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }


def test_s3_env_in_embedded_mode_has_only_the_region(tmp_path: Path) -> None:
    router = StorageRouter(local_s3_root=tmp_path, s3_endpoint_url=None)
    assert router.s3_env() == {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.mark.parametrize(
    ("uri", "parsed"),
    [
        ("s3://bucket/a/b.csv", ("s3", "bucket", "a/b.csv")),
        ("s3://bucket", ("s3", "bucket", "")),
        ("S3://bucket/", ("s3", "bucket", "")),
        ("file:///tmp/x", ("file", None, "/tmp/x")),
        ("/tmp/x", ("file", None, "/tmp/x")),
        ("rel/x", ("file", None, "rel/x")),
        ("memory://b/k", ("memory", "b", "k")),
    ],
)
def test_parse_uri(uri: str, parsed: tuple[str, str | None, str]) -> None:
    assert parse_uri(uri) == parsed


def test_parse_uri_needs_a_bucket() -> None:
    with pytest.raises(ValueError, match="bucket"):
        parse_uri("s3:///key")
