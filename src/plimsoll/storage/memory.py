"""In-memory storage: a thread-safe dict of URI keys to bytes, for tests of other layers."""

from __future__ import annotations

import errno
import threading
from collections.abc import Sequence
from pathlib import Path

from plimsoll.storage._uri import relative_key
from plimsoll.storage.base import ObjectInfo, Storage


class MemoryStorage(Storage):
    """Objects held in a dict, with the same prefix semantics as S3.

    Args:
        scheme: the URI scheme served (``memory`` by default); URIs are
            ``<scheme>://<bucket>/<key>`` and the whole part after ``://`` is the key space.
    """

    def __init__(self, scheme: str = "memory") -> None:
        self.scheme = scheme
        self._lead = f"{scheme}://"
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryStorage(scheme={self.scheme!r}, objects={len(self._objects)})"

    def _key(self, uri: str) -> str:
        if not uri.startswith(self._lead):
            raise ValueError(f"{uri!r} is not a {self._lead} URI")
        return uri[len(self._lead) :]

    def list_prefix(self, uri: str) -> list[ObjectInfo]:
        prefix = self._key(uri)
        with self._lock:
            found = [(k, len(v)) for k, v in self._objects.items() if k.startswith(prefix)]
        return [
            ObjectInfo(uri=self._lead + key, relative=relative_key(prefix, key), size=size)
            for key, size in sorted(found)
        ]

    def exists(self, uri: str) -> bool:
        prefix = self._key(uri)
        with self._lock:
            return any(key.startswith(prefix) for key in self._objects)

    def read_bytes(self, uri: str) -> bytes:
        key = self._key(uri)
        with self._lock:
            try:
                return self._objects[key]
            except KeyError:
                raise FileNotFoundError(errno.ENOENT, "No such object", uri) from None

    def write_bytes(self, uri: str, data: bytes) -> None:
        key = self._key(uri)
        if key.endswith("/") or "/" not in key.strip("/"):
            raise IsADirectoryError(errno.EISDIR, "Not an object key", uri)
        with self._lock:
            self._objects[key] = bytes(data)

    def download(self, pairs: Sequence[tuple[str, Path]]) -> None:
        for uri, dest in pairs:
            data = self.read_bytes(uri)
            dest = Path(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)

    def upload(self, pairs: Sequence[tuple[Path, str]]) -> None:
        for source, uri in pairs:
            self.write_bytes(uri, Path(source).read_bytes())

    def delete(self, uri: str) -> None:
        key = self._key(uri)
        with self._lock:
            self._objects.pop(key, None)
