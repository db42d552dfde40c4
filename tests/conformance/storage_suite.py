"""The behaviour every ``Storage`` backend must show, as an abstract test class.

Subclass :class:`StorageSuite` in a ``Test*`` class and provide two fixtures:

- ``storage``: the backend under test;
- ``root``: a URI prefix (no trailing slash) under which nothing exists yet, unique per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plimsoll.storage import ObjectInfo, Storage


class StorageSuite:
    """Conformance tests; subclasses supply the ``storage`` and ``root`` fixtures."""

    @pytest.fixture
    def storage(self) -> Storage:
        raise NotImplementedError

    @pytest.fixture
    def root(self) -> str:
        raise NotImplementedError

    # -- read / write ------------------------------------------------------------------------

    def test_write_then_read_round_trips(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/a/b/c.bin", b"\x00\x01payload")
        assert storage.read_bytes(f"{root}/a/b/c.bin") == b"\x00\x01payload"

    def test_write_replaces_existing_object(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/x.txt", b"first, longer content")
        storage.write_bytes(f"{root}/x.txt", b"second")
        assert storage.read_bytes(f"{root}/x.txt") == b"second"
        assert [o.size for o in storage.list_prefix(f"{root}/x.txt")] == [6]

    def test_empty_object(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/empty", b"")
        assert storage.read_bytes(f"{root}/empty") == b""
        assert storage.list_prefix(f"{root}/empty") == [
            ObjectInfo(uri=f"{root}/empty", relative="empty", size=0)
        ]

    def test_read_missing_object_raises_file_not_found(self, storage: Storage, root: str) -> None:
        with pytest.raises(FileNotFoundError):
            storage.read_bytes(f"{root}/missing.txt")

    def test_read_of_a_prefix_is_not_an_object(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/folder/file.txt", b"x")
        with pytest.raises(FileNotFoundError):
            storage.read_bytes(f"{root}/folder")

    def test_keys_with_spaces_and_unicode(self, storage: Storage, root: str) -> None:
        uri = f"{root}/with space/ünï-cødé.csv"
        storage.write_bytes(uri, "é".encode())
        assert storage.read_bytes(uri) == "é".encode()
        assert [o.relative for o in storage.list_prefix(f"{root}/")] == ["with space/ünï-cødé.csv"]

    # -- listing -----------------------------------------------------------------------------

    def test_list_missing_prefix_is_empty(self, storage: Storage, root: str) -> None:
        assert storage.list_prefix(f"{root}/nothing/here") == []

    def test_list_nested_keys_sorted_with_relative_paths(self, storage: Storage, root: str) -> None:
        for key in ("b/2.txt", "a.txt", "b/c/3.txt", "b/1.txt"):
            storage.write_bytes(f"{root}/data/{key}", key.encode())
        listed = storage.list_prefix(f"{root}/data")
        assert listed == [
            ObjectInfo(uri=f"{root}/data/a.txt", relative="a.txt", size=5),
            ObjectInfo(uri=f"{root}/data/b/1.txt", relative="b/1.txt", size=7),
            ObjectInfo(uri=f"{root}/data/b/2.txt", relative="b/2.txt", size=7),
            ObjectInfo(uri=f"{root}/data/b/c/3.txt", relative="b/c/3.txt", size=9),
        ]
        assert storage.list_prefix(f"{root}/data/") == listed

    def test_prefix_is_a_string_prefix_not_a_folder(self, storage: Storage, root: str) -> None:
        for key in ("ab/c.txt", "ab.txt", "abc/d.txt", "a.txt", "b/ab.txt"):
            storage.write_bytes(f"{root}/{key}", b"1")
        listed = storage.list_prefix(f"{root}/ab")
        assert [(o.uri, o.relative) for o in listed] == [
            (f"{root}/ab.txt", ".txt"),
            (f"{root}/ab/c.txt", "c.txt"),
            (f"{root}/abc/d.txt", "c/d.txt"),
        ]

    def test_trailing_slash_limits_to_the_folder(self, storage: Storage, root: str) -> None:
        for key in ("ab/c.txt", "ab.txt", "abc/d.txt"):
            storage.write_bytes(f"{root}/{key}", b"1")
        listed = storage.list_prefix(f"{root}/ab/")
        assert [(o.uri, o.relative) for o in listed] == [(f"{root}/ab/c.txt", "c.txt")]

    def test_prefix_equal_to_an_object_gives_its_base_name(
        self, storage: Storage, root: str
    ) -> None:
        storage.write_bytes(f"{root}/dir/train.csv", b"a,b\n")
        assert storage.list_prefix(f"{root}/dir/train.csv") == [
            ObjectInfo(uri=f"{root}/dir/train.csv", relative="train.csv", size=4)
        ]

    def test_object_and_longer_keys_share_a_prefix(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/part", b"1")
        storage.write_bytes(f"{root}/part-0001", b"22")
        listed = storage.list_prefix(f"{root}/part")
        assert [(o.relative, o.size) for o in listed] == [("part", 1), ("-0001", 2)]

    def test_many_objects_are_all_listed(self, storage: Storage, root: str) -> None:
        keys = [f"{root}/many/{i:04d}.txt" for i in range(30)]
        for key in keys:
            storage.write_bytes(key, b"x")
        assert [o.uri for o in storage.list_prefix(f"{root}/many/")] == keys

    # -- exists ------------------------------------------------------------------------------

    def test_exists(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/dir/sub/file.txt", b"x")
        assert storage.exists(f"{root}/dir/sub/file.txt")
        assert storage.exists(f"{root}/dir/sub/")
        assert storage.exists(f"{root}/dir")
        assert storage.exists(f"{root}/di")
        assert not storage.exists(f"{root}/dir/other")
        assert not storage.exists(f"{root}/dir/sub/file.txt.bak")

    # -- batch copies ------------------------------------------------------------------------

    def test_download_creates_parents(self, storage: Storage, root: str, tmp_path: Path) -> None:
        uris = [f"{root}/in/{i}/part.csv" for i in range(12)]
        for i, uri in enumerate(uris):
            storage.write_bytes(uri, f"row {i}\n".encode())
        dests = [tmp_path / "dl" / str(i) / "deep" / "part.csv" for i in range(12)]
        storage.download(list(zip(uris, dests, strict=True)))
        assert [d.read_text() for d in dests] == [f"row {i}\n" for i in range(12)]

    def test_download_nothing_is_a_no_op(self, storage: Storage) -> None:
        storage.download([])
        storage.upload([])

    def test_download_missing_object_raises(
        self, storage: Storage, root: str, tmp_path: Path
    ) -> None:
        storage.write_bytes(f"{root}/present", b"x")
        with pytest.raises(FileNotFoundError) as caught:
            storage.download(
                [(f"{root}/present", tmp_path / "p"), (f"{root}/absent", tmp_path / "a")]
            )
        assert caught.value.filename == f"{root}/absent"

    def test_upload_then_read(self, storage: Storage, root: str, tmp_path: Path) -> None:
        sources = []
        for i in range(12):
            path = tmp_path / "up" / f"{i}.bin"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes([i]) * (i + 1))
            sources.append(path)
        storage.upload([(p, f"{root}/out/{p.name}") for p in sources])
        for i, p in enumerate(sources):
            assert storage.read_bytes(f"{root}/out/{p.name}") == bytes([i]) * (i + 1)
        assert len(storage.list_prefix(f"{root}/out/")) == 12

    def test_upload_replaces(self, storage: Storage, root: str, tmp_path: Path) -> None:
        storage.write_bytes(f"{root}/file", b"old content that is longer")
        source = tmp_path / "new"
        source.write_bytes(b"new")
        storage.upload([(source, f"{root}/file")])
        assert storage.read_bytes(f"{root}/file") == b"new"

    def test_upload_missing_local_file_raises(
        self, storage: Storage, root: str, tmp_path: Path
    ) -> None:
        with pytest.raises(FileNotFoundError):
            storage.upload([(tmp_path / "nope", f"{root}/nope")])
        assert not storage.exists(f"{root}/nope")

    # -- delete ------------------------------------------------------------------------------

    def test_delete(self, storage: Storage, root: str) -> None:
        storage.write_bytes(f"{root}/d/keep", b"1")
        storage.write_bytes(f"{root}/d/sub/gone", b"2")
        storage.delete(f"{root}/d/sub/gone")
        assert [o.relative for o in storage.list_prefix(f"{root}/d/")] == ["keep"]
        assert not storage.exists(f"{root}/d/sub")
        with pytest.raises(FileNotFoundError):
            storage.read_bytes(f"{root}/d/sub/gone")

    def test_delete_missing_is_ignored(self, storage: Storage, root: str) -> None:
        storage.delete(f"{root}/never/written")
        storage.write_bytes(f"{root}/folder/x", b"1")
        storage.delete(f"{root}/folder")  # a prefix is not an object
        assert storage.exists(f"{root}/folder/x")
