"""How S3 input objects reach hosts: manifests and the ShardedByS3Key rule.

SageMaker does not document how ShardedByS3Key assigns objects. Plimsoll's rule, stable
across runs: sort the object keys lexicographically, sort hosts ``algo-1`` … ``algo-N``, and
give the i-th key (0-based) to host ``i mod N``. Counts are balanced; sizes are not. With
more hosts than objects, the last hosts get nothing (their folder is empty).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def shard(items: Sequence[T], *, host_index: int, host_count: int) -> list[T]:
    """The items host ``host_index`` (0-based) receives out of ``host_count``."""
    return [item for i, item in enumerate(items) if i % host_count == host_index]


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestEntry:
    uri: str
    relative: str


def parse_manifest(raw: bytes, *, manifest_uri: str) -> list[ManifestEntry]:
    """Reads a SageMaker manifest: ``[{"prefix": "s3://b/p/"}, "key1", "dir/key2", ...]``.

    Each entry is the prefix joined with the relative key; the relative key is the file's
    path under the channel's LocalPath. Raises ``ValueError`` describing what is wrong.
    """
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"manifest {manifest_uri} is not valid JSON: {exc}") from exc
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise ValueError(
            f'manifest {manifest_uri} must be a JSON array starting with {{"prefix": ...}}'
        )
    prefix = data[0].get("prefix")
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(f"manifest {manifest_uri}: first element needs a 'prefix' string")
    entries = []
    for item in data[1:]:
        if not isinstance(item, str):
            raise ValueError(f"manifest {manifest_uri}: entry {item!r} is not a string")
        relative = item.lstrip("/")
        name = relative or prefix.rstrip("/").rsplit("/", 1)[-1]
        entries.append(ManifestEntry(uri=prefix + item, relative=name))
    return entries
