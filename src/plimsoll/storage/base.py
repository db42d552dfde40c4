"""The storage contract: bytes addressed by URI (``s3://``, ``file://``, plain paths).

Storage raises the built-in ``OSError`` family (``FileNotFoundError``, ``PermissionError``),
as fsspec does; services translate those into domain errors.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectInfo:
    """One object found under a prefix.

    ``uri`` is its full URI in the scheme it was listed with; ``relative`` is the key remainder
    after the listed prefix with leading slashes removed (S3 prefix semantics: the prefix is a
    string prefix, not a folder), or the object's base name when the prefix is the object.
    """

    uri: str
    relative: str
    size: int


class Storage(abc.ABC):
    """One URI scheme's backend. Methods take full URIs of that scheme."""

    scheme: str

    @abc.abstractmethod
    def list_prefix(self, uri: str) -> list[ObjectInfo]:
        """Every object whose key starts with ``uri``'s key, sorted by ``uri``; [] if none.

        Folders are not objects. Symlinks are not followed.
        """

    @abc.abstractmethod
    def exists(self, uri: str) -> bool:
        """True when ``uri`` names an object or a non-empty prefix."""

    @abc.abstractmethod
    def read_bytes(self, uri: str) -> bytes:
        """The object's content. Raises ``FileNotFoundError`` if there is none."""

    @abc.abstractmethod
    def write_bytes(self, uri: str, data: bytes) -> None:
        """Creates or replaces the object (creating buckets/folders as needed)."""

    @abc.abstractmethod
    def download(self, pairs: Sequence[tuple[str, Path]]) -> None:
        """Copies each object ``uri`` to local file ``path`` (parents created), concurrently
        where the backend can. Raises ``FileNotFoundError`` for a missing object."""

    @abc.abstractmethod
    def upload(self, pairs: Sequence[tuple[Path, str]]) -> None:
        """Copies each local file to ``uri`` (replacing), concurrently where it can."""

    @abc.abstractmethod
    def delete(self, uri: str) -> None:
        """Removes the object; missing objects are ignored."""
