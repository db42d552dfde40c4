"""Metadata: records about processing jobs, models, endpoint configs and endpoints (never bytes).

Open a store with :func:`open_store`; every store implements :class:`MetadataStore`.
"""

from __future__ import annotations

from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.memory import MemoryMetadataStore
from plimsoll.metadata.registry import open_store

__all__ = ["MemoryMetadataStore", "MetadataStore", "open_store"]
