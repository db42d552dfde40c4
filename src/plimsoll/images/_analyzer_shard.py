"""The analyzer on more than one host: each host profiles its files, the primary merges.

Every host takes its part of the files under ``dataset_source``
(:func:`plimsoll.images._host_merge.host_files`), profiles them with the engine's map step and
sends the partial :class:`~plimsoll.engines.profile.ProfileState` in its byte form
(:func:`~plimsoll.engines.profile.state_to_bytes`, no pickle). The primary merges the parts in
host order and puts the columns in the order one host would give them: by the first file (in
sorted order) holding the column, then by its position there. Counts, sums and moments are
exact (up to float rounding of the merge); quantiles and histogram counts come from merged
KLL sketches (within the sketch's rank error), distinct counts above the value cap from merged
HLL sketches. For capture data a host's columns are ordered by its first file (capture columns
are named after the baseline, so they agree on every host).

A host with no file, or no row in the window, contributes an empty part; the job fails with
"Job inputs had no data" only when no host found any row.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from plimsoll.compat.analyzer_config import AnalyzerConfig
from plimsoll.compat.monitor_input import NO_DATA_MESSAGE
from plimsoll.engines.profile import (
    ZERO,
    ProfileState,
    merge,
    state_from_bytes,
    state_to_bytes,
)
from plimsoll.errors import InsufficientData
from plimsoll.images._analyzer_read import Exclusions, data_files, file_state
from plimsoll.images._host_merge import HostExchange, HostFailed, host_files

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = ["Part", "dataset_part", "merged_state", "shared_state", "state_part"]

_Key = tuple[tuple[str, ...], int]
_HEAD = struct.Struct("<I")


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One host's profile, where each column was first seen, and why it is empty if so."""

    state: ProfileState = ZERO
    first_seen: dict[str, _Key] = field(default_factory=dict)
    no_data: str | None = None

    def to_bytes(self) -> bytes:
        head = json.dumps(
            {
                "first_seen": {k: [list(v[0]), v[1]] for k, v in self.first_seen.items()},
                "no_data": self.no_data,
            }
        ).encode("utf-8")
        return _HEAD.pack(len(head)) + head + state_to_bytes(self.state)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Part:
        try:
            (size,) = _HEAD.unpack_from(raw, 0)
            head = json.loads(raw[_HEAD.size : _HEAD.size + size].decode("utf-8"))
            state = state_from_bytes(raw[_HEAD.size + size :])
            seen = {
                str(k): (tuple(str(p) for p in v[0]), int(v[1]))
                for k, v in head["first_seen"].items()
            }
        except (struct.error, ValueError, KeyError, TypeError, IndexError) as exc:
            raise HostFailed(f"a host's partial profile is not readable: {exc}") from None
        return cls(state=state, first_seen=seen, no_data=head.get("no_data"))


def state_part(state: ProfileState, first_file: Path | None) -> Part:
    """A part whose columns were all first seen in ``first_file``, in the state's order."""
    parts = first_file.parts if first_file is not None else ()
    return Part(state=state, first_seen={c.name: (parts, i) for i, c in enumerate(state.columns)})


def dataset_part(
    config: AnalyzerConfig,
    files: list[Path],
    feature_names: list[str] | None,
    exclusions: Exclusions,
) -> Part:
    """The profile of dataset ``files`` (sorted), file after file as one host reads them."""
    if not files:
        source = config.get("dataset_source")
        return Part(no_data=f"{NO_DATA_MESSAGE}: no file under dataset_source {source}")
    state = ZERO
    seen: dict[str, _Key] = {}
    for path in files:
        found = file_state(config, path, feature_names, exclusions)
        for position, column in enumerate(found.columns):
            seen.setdefault(column.name, (path.parts, position))
        state = merge(state, found)
    return Part(state=state, first_seen=seen, no_data=None if state.item_count else NO_DATA_MESSAGE)


def merged_state(parts: list[Part]) -> ProfileState:
    """The parts merged in order, columns in one host's order.

    Raises:
        InsufficientData: No part holds a row.
    """
    state = ZERO
    seen: dict[str, _Key] = {}
    for part in parts:
        state = merge(state, part.state)
        for name, key in part.first_seen.items():
            seen[name] = min(seen.get(name, key), key)
    if state.item_count == 0:
        reasons = {p.no_data for p in parts if p.no_data}
        raise InsufficientData(reasons.pop() if len(reasons) == 1 else NO_DATA_MESSAGE)
    order = sorted(state.columns, key=lambda c: seen.get(c.name, ((), 0)))
    return ProfileState(item_count=state.item_count, columns=tuple(order))


def shared_state(
    exchange: HostExchange, config: AnalyzerConfig, compute: Callable[[list[Path]], Part]
) -> ProfileState | None:
    """The profile of every host's files, on the primary; None on a worker (part sent).

    Args:
        exchange: The job's exchange, entered.
        config: The analyzer's configuration (``dataset_source``).
        compute: This host's part from its files.
    """
    every = data_files(Path(config.get("dataset_source")))
    files = host_files(every, exchange.hosts)
    logger.info(
        "Host %s of %d: %d of %d files",
        exchange.hosts.current,
        len(exchange.hosts.hosts),
        len(files),
        len(every),
    )
    own = compute(files)
    if exchange.is_worker:
        exchange.send(own.to_bytes())
        return None
    return merged_state([own, *(Part.from_bytes(raw) for raw in exchange.gather())])
