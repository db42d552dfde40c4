"""Storage: bytes at URIs (``s3://``, ``file://``, plain paths, ``memory://``).

Pick a backend with :class:`StorageRouter`; every backend implements :class:`Storage`.
"""

from __future__ import annotations

from plimsoll.storage._uri import parse_uri
from plimsoll.storage.base import ObjectInfo, Storage
from plimsoll.storage.local import LocalStorage
from plimsoll.storage.memory import MemoryStorage
from plimsoll.storage.registry import StorageRouter

__all__ = [
    "LocalStorage",
    "MemoryStorage",
    "ObjectInfo",
    "Storage",
    "StorageRouter",
    "parse_uri",
]
