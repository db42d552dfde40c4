"""A profile state as bytes, so that partial profiles travel between the hosts of one job.

Pure data, no pickle: a versioned header, then per column its name, its five counts and the
:class:`~plimsoll.engines.profile.columns.NumericState` / ``StringState`` byte forms (which
carry the KLL and HLL sketches in datasketches' own serialisation). Little-endian throughout;
:func:`state_from_bytes` refuses another version or a truncated blob with ``ValueError``.
"""

from __future__ import annotations

import struct
from typing import Any

from plimsoll.engines.profile.columns import ColumnState, NumericState, StringState
from plimsoll.engines.profile.profile import ProfileState

__all__ = ["state_from_bytes", "state_to_bytes"]

_MAGIC = b"PLPS"
_VERSION = 1
_HEAD = struct.Struct("<4sBqI")  # magic, version, item_count, column count
_COUNTS = struct.Struct("<qqqqq")  # missing, integral, fractional, boolean, string
_LENGTH = struct.Struct("<I")
_NO_STRINGS = 0xFFFFFFFF  # length marker of a column without a StringState


def _chunk(data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + data


def state_to_bytes(state: ProfileState) -> bytes:
    """The state's byte form; :func:`state_from_bytes` gives back an equal state."""
    parts = [_HEAD.pack(_MAGIC, _VERSION, state.item_count, len(state.columns))]
    for column in state.columns:
        parts.append(_chunk(column.name.encode("utf-8")))
        parts.append(
            _COUNTS.pack(
                column.missing, column.integral, column.fractional, column.boolean, column.string
            )
        )
        parts.append(_chunk(column.numeric.to_bytes()))
        if column.strings is None:
            parts.append(_LENGTH.pack(_NO_STRINGS))
        else:
            parts.append(_chunk(column.strings.to_bytes()))
    return b"".join(parts)


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self._raw = memoryview(raw)
        self._pos = 0

    def take(self, size: int) -> bytes:
        if self._pos + size > len(self._raw):
            raise ValueError("profile state is truncated")
        data = bytes(self._raw[self._pos : self._pos + size])
        self._pos += size
        return data

    def unpack(self, layout: struct.Struct) -> tuple[Any, ...]:
        return layout.unpack(self.take(layout.size))

    def chunk(self) -> bytes | None:
        (size,) = self.unpack(_LENGTH)
        return None if size == _NO_STRINGS else self.take(size)

    def done(self) -> bool:
        return self._pos == len(self._raw)


def state_from_bytes(raw: bytes) -> ProfileState:
    """Inverse of :func:`state_to_bytes`.

    Raises:
        ValueError: Not a profile state of this version, or truncated.
    """
    try:
        return _read_state(raw)
    except (struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"profile state is not readable: {exc}") from None


def _read_state(raw: bytes) -> ProfileState:
    reader = _Reader(raw)
    magic, version, item_count, count = reader.unpack(_HEAD)
    if magic != _MAGIC or version != _VERSION:
        raise ValueError(f"not a profile state of version {_VERSION}")
    columns = []
    for _ in range(count):
        name = reader.chunk()
        if name is None:
            raise ValueError("profile state column without a name")
        missing, integral, fractional, boolean, string = reader.unpack(_COUNTS)
        numeric = reader.chunk()
        if numeric is None:
            raise ValueError("profile state column without numeric state")
        strings = reader.chunk()
        columns.append(
            ColumnState(
                name=name.decode("utf-8"),
                missing=missing,
                integral=integral,
                fractional=fractional,
                boolean=boolean,
                string=string,
                numeric=NumericState.from_bytes(numeric),
                strings=None if strings is None else StringState.from_bytes(strings),
            )
        )
    if not reader.done():
        raise ValueError("profile state has trailing bytes")
    return ProfileState(item_count=item_count, columns=tuple(columns))
