"""Local-disk storage: ``file://`` URIs and plain paths, or ``s3://`` emulated under a root.

``LocalStorage()`` serves ``file:///abs/path``, ``/abs/path`` and ``rel/path``.
``LocalStorage(root=home / "s3", scheme="s3")`` serves ``s3://bucket/key`` as the file
``root/bucket/key`` (Plimsoll's embedded, offline S3). Both use S3 listing semantics: a prefix is
a string prefix, folders are not objects and symlinks are skipped. Writes go to a temporary file
in the target folder and are moved into place with ``os.replace``, so readers never see a
partial object.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from plimsoll.storage._uri import parse_uri, relative_key
from plimsoll.storage.base import ObjectInfo, Storage

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Partial writes live beside their target under this name and are never listed.
_TMP_PREFIX = ".plimsoll-tmp-"
_MAX_WORKERS = 8


class LocalStorage(Storage):
    """Bytes in local files.

    Args:
        root: None to serve ``file://`` URIs and plain paths; a folder to serve
            ``<scheme>://bucket/key`` as ``root/bucket/key``.
        scheme: ``file`` without a root; the emulated scheme (``s3``) with one.

    Raises:
        ValueError: ``root`` and ``scheme`` do not fit together.
    """

    def __init__(self, root: Path | None = None, scheme: str = "file") -> None:
        if (root is None) != (scheme == "file"):
            raise ValueError(
                f"LocalStorage(root={root!r}, scheme={scheme!r}): a root is needed for "
                "bucket schemes and not allowed for 'file'"
            )
        self.scheme = scheme
        self._root = None if root is None else os.fspath(root).rstrip("/")

    def __repr__(self) -> str:
        return f"LocalStorage(root={self._root!r}, scheme={self.scheme!r})"

    # -- URI mapping -------------------------------------------------------------------------

    def _locate(self, uri: str) -> tuple[str, str, str]:
        """``(fs_base, uri_base, key)``: file ``fs_base + key`` has URI ``uri_base + key``."""
        scheme, bucket, key = parse_uri(uri)
        if scheme != self.scheme:
            raise ValueError(f"{uri!r} is not a {self.scheme}:// URI")
        if self._root is None:
            return "", uri[: len(uri) - len(key)], key
        if bucket in (".", "..") or ".." in key.split("/"):
            raise ValueError(f"storage URI {uri!r}: '.' and '..' are not allowed in keys")
        return f"{self._root}/{bucket}/", f"{scheme}://{bucket}/", key

    def _file(self, uri: str) -> str:
        fs_base, _, key = self._locate(uri)
        return fs_base + key

    def local_path(self, uri: str) -> Path:
        """The file or folder on this machine that holds ``uri`` (emulated buckets included)."""
        return Path(self._file(uri))

    # -- Storage -----------------------------------------------------------------------------

    def list_prefix(self, uri: str) -> list[ObjectInfo]:
        fs_base, uri_base, prefix = self._locate(uri)
        found = [
            ObjectInfo(
                uri=uri_base + path[len(fs_base) :],
                relative=relative_key(prefix, path[len(fs_base) :]),
                size=size,
            )
            for path, size in _scan(fs_base + prefix)
        ]
        return sorted(found, key=lambda info: info.uri)

    def exists(self, uri: str) -> bool:
        return next(_scan(self._file(uri)), None) is not None

    def read_bytes(self, uri: str) -> bytes:
        path = self._file(uri)
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise FileNotFoundError(errno.ENOENT, "No such object", uri) from exc

    def write_bytes(self, uri: str, data: bytes) -> None:
        def fill(tmp: str) -> None:
            with open(tmp, "xb") as fh:
                fh.write(data)

        _replace_atomically(self._target(uri), fill)

    def download(self, pairs: Sequence[tuple[str, Path]]) -> None:
        jobs = [(uri, self._file(uri), Path(dest)) for uri, dest in pairs]
        logger.debug("downloading %s objects", len(jobs))
        _run_all(_copy_out, jobs)

    def upload(self, pairs: Sequence[tuple[Path, str]]) -> None:
        jobs = [(os.fspath(src), self._target(uri)) for src, uri in pairs]
        logger.debug("uploading %s files", len(jobs))
        _run_all(_copy_in, jobs)

    def delete(self, uri: str) -> None:
        fs_base, _, key = self._locate(uri)
        try:
            os.unlink(fs_base + key)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return
        if self._root is not None:
            _prune_empty_parents(fs_base + key, stop=fs_base.rstrip("/"))

    def _target(self, uri: str) -> str:
        path = self._file(uri)
        if not path or path.endswith("/"):
            raise IsADirectoryError(errno.EISDIR, "An object key cannot end with '/'", uri)
        return path


def _scan(prefix: str) -> Iterator[tuple[str, int]]:
    """``(path, size)`` of every regular file whose path string starts with ``prefix``."""
    head, sep, tail = prefix.rpartition("/")
    folder = head + sep
    try:
        entries = list(os.scandir(folder or "."))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith(tail) and not entry.name.startswith(_TMP_PREFIX):
            yield from _walk(folder + entry.name, entry)


def _walk(path: str, entry: os.DirEntry[str]) -> Iterator[tuple[str, int]]:
    try:
        if entry.is_symlink():
            return
        if entry.is_file(follow_symlinks=False):
            yield path, entry.stat(follow_symlinks=False).st_size
        elif entry.is_dir(follow_symlinks=False):
            children = list(os.scandir(path))
            for child in children:
                if not child.name.startswith(_TMP_PREFIX):
                    yield from _walk(f"{path}/{child.name}", child)
    except FileNotFoundError:
        return  # removed while we listed


def _replace_atomically(path: str, fill: Callable[[str], None]) -> None:
    """Writes a sibling temporary file with ``fill`` and moves it onto ``path``."""
    parent, _, name = path.rpartition("/")
    tmp = f"{parent}/{_TMP_PREFIX}{uuid.uuid4().hex}-{name}" if parent else _TMP_PREFIX + name
    for attempt in range(3):
        if parent:
            os.makedirs(parent, exist_ok=True)
        try:
            fill(tmp)
            break
        except FileNotFoundError:
            # A concurrent delete may prune the folder between makedirs and open.
            if attempt == 2 or not parent or os.path.isdir(parent):
                raise
    try:
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _copy_out(job: tuple[str, str, Path]) -> None:
    uri, source, dest = job
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(source, dest)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        if os.path.isfile(source):
            raise
        raise FileNotFoundError(errno.ENOENT, "No such object", uri) from exc


def _copy_in(job: tuple[str, str]) -> None:
    source, dest = job
    if not os.path.isfile(source):
        raise FileNotFoundError(errno.ENOENT, "No such file", source)

    def fill(tmp: str) -> None:
        shutil.copyfile(source, tmp)

    _replace_atomically(dest, fill)


def _prune_empty_parents(path: str, *, stop: str) -> None:
    """Removes now-empty folders above a deleted object, up to the bucket folder."""
    parent = os.path.dirname(path)
    while parent.startswith(stop + "/"):
        try:
            os.rmdir(parent)
        except OSError:
            return
        parent = os.path.dirname(parent)


def _run_all(fn: Callable[[T], None], jobs: Sequence[T]) -> None:
    """Runs ``fn`` on every job, on a small thread pool when there are several."""
    if len(jobs) <= 1:
        for job in jobs:
            fn(job)
        return
    workers = min(_MAX_WORKERS, len(jobs))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plimsoll-storage") as pool:
        for _ in pool.map(fn, jobs):
            pass
