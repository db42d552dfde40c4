"""LocalStorage: file:// URIs, plain paths and the embedded s3:// root, plus disk specifics."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from plimsoll.storage import LocalStorage, ObjectInfo, Storage
from tests.conformance.storage_suite import StorageSuite


class TestPlainPaths(StorageSuite):
    @pytest.fixture
    def storage(self) -> Storage:
        return LocalStorage()

    @pytest.fixture
    def root(self, tmp_path: Path) -> str:
        return str(tmp_path / "store")


class TestFileUris(StorageSuite):
    @pytest.fixture
    def storage(self) -> Storage:
        return LocalStorage()

    @pytest.fixture
    def root(self, tmp_path: Path) -> str:
        return f"file://{tmp_path}/store"


class TestEmbeddedS3(StorageSuite):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> Storage:
        return LocalStorage(root=tmp_path / "s3", scheme="s3")

    @pytest.fixture
    def root(self) -> str:
        return f"s3://bucket-one/{uuid.uuid4().hex}"


def test_embedded_s3_maps_bucket_and_key_to_files(tmp_path: Path) -> None:
    storage = LocalStorage(root=tmp_path, scheme="s3")
    storage.write_bytes("s3://bkt/a/b.txt", b"data")
    assert (tmp_path / "bkt" / "a" / "b.txt").read_bytes() == b"data"
    assert storage.list_prefix("s3://bkt") == [
        ObjectInfo(uri="s3://bkt/a/b.txt", relative="a/b.txt", size=4)
    ]
    assert storage.list_prefix("s3://other-bucket/") == []


def test_embedded_s3_delete_prunes_empty_folders_but_keeps_the_bucket(tmp_path: Path) -> None:
    storage = LocalStorage(root=tmp_path, scheme="s3")
    storage.write_bytes("s3://bkt/a/b/c.txt", b"x")
    storage.delete("s3://bkt/a/b/c.txt")
    assert list(tmp_path.iterdir()) == [tmp_path / "bkt"]
    assert list((tmp_path / "bkt").iterdir()) == []


@pytest.mark.parametrize("uri", ["s3://bkt/../escape", "s3://bkt/a/../../x", "s3://../x"])
def test_embedded_s3_rejects_keys_leaving_the_root(tmp_path: Path, uri: str) -> None:
    storage = LocalStorage(root=tmp_path / "s3", scheme="s3")
    with pytest.raises(ValueError, match=r"'\.\.'"):
        storage.write_bytes(uri, b"x")


def test_wrong_scheme_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="s3://"):
        LocalStorage(root=tmp_path, scheme="s3").read_bytes(f"file://{tmp_path}/x")
    with pytest.raises(ValueError, match="file://"):
        LocalStorage().read_bytes("s3://bucket/key")


def test_root_and_scheme_must_agree(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="root"):
        LocalStorage(scheme="s3")
    with pytest.raises(ValueError, match="root"):
        LocalStorage(root=tmp_path, scheme="file")


def test_symlinks_are_not_listed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    store = tmp_path / "store"
    store.mkdir()
    (store / "real.txt").write_text("r")
    (store / "link.txt").symlink_to(outside / "secret.txt")
    (store / "linkdir").symlink_to(outside, target_is_directory=True)
    assert [o.relative for o in LocalStorage().list_prefix(str(store))] == ["real.txt"]


def test_partial_writes_are_not_listed(tmp_path: Path) -> None:
    (tmp_path / ".plimsoll-tmp-0123-x.txt").write_text("partial")
    (tmp_path / "x.txt").write_text("done")
    assert [o.relative for o in LocalStorage().list_prefix(f"{tmp_path}/")] == ["x.txt"]


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    storage = LocalStorage()
    storage.write_bytes(f"{tmp_path}/a.txt", b"1")
    source = tmp_path / "src.bin"
    source.write_bytes(b"2")
    storage.upload([(source, f"{tmp_path}/up/b.bin")])
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.bin", "src.bin", "up"]


def test_relative_plain_paths_keep_their_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    storage = LocalStorage()
    storage.write_bytes("data/part-1.csv", b"a")
    assert (tmp_path / "data" / "part-1.csv").is_file()
    assert storage.list_prefix("data") == [
        ObjectInfo(uri="data/part-1.csv", relative="part-1.csv", size=1)
    ]


def test_written_files_honour_the_umask(tmp_path: Path) -> None:
    LocalStorage().write_bytes(f"{tmp_path}/f", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_to_a_folder_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        LocalStorage().write_bytes(f"{tmp_path}/folder/", b"x")
