"""JSON Lines as Arrow columns and back, exactly as Python's ``json`` reads and writes them.

Two halves of the model-quality fast path (the ground-truth merge and the analyzer's reading of
merged records):

* :func:`read_json_lines` parses a whole JSON Lines file with Arrow's reader against an explicit
  schema, or returns None whenever Arrow could read it differently from a line-by-line
  ``json.loads`` (or pydantic): a line that is not one ``{...}`` object, a blank line, a ``\\r``
  (``bytes.splitlines`` splits there, Arrow does not), bytes that are not UTF-8 (Arrow does not
  check), a field the schema does not name, a value of another type, a duplicate key, a lone
  surrogate escape (Arrow refuses those; Python keeps them). The caller then reads that file
  record by record. A ``null`` line, which crashes Arrow 26's reader, never reaches it.
* :func:`json_escaped` writes string columns as ``json.dumps(..., ensure_ascii=False)`` writes
  a ``str``, without the quotes: ``\\``, ``"`` and control characters escaped (``\\n``,
  ``\\u001f``), everything else (``é``, ``\\x7f``) as is.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

__all__ = ["json_escaped", "read_json_lines"]

_BLOCK = 1 << 20  # Arrow parses blocks side by side; a longer line is read in one block
_Strings = TypeVar("_Strings", pa.Array, pa.ChunkedArray)

# json's ESCAPE_DCT: backslash first, so the backslashes the others add stay single.
_SHORT_ESCAPES = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\b", "\\b"),
    ("\f", "\\f"),
)
_OTHER_CONTROLS = tuple(chr(c) for c in range(0x20) if chr(c) not in "\n\r\t\b\f")
_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'
_NEWLINE, _OPEN, _CLOSE = ord("\n"), ord("{"), ord("}")


def _object_lines(content: bytes) -> int | None:
    """How many lines ``content`` has when each is one ``{...}`` with nothing around it.

    A line starting with ``{`` after a line ending with ``}`` cannot continue a JSON value, so
    Arrow's row count then equals the line count unless a line holds two objects.
    """
    closed = content.endswith(b"\n")
    if not content.startswith(b"{") or b"\r" in content:
        return None
    if not closed and not content.endswith(b"}"):
        return None
    raw = np.frombuffer(content, dtype=np.uint8)
    breaks = np.flatnonzero(raw == _NEWLINE)
    starts = breaks[:-1] + 1 if closed else breaks + 1
    if not (raw[breaks - 1] == _CLOSE).all() or not (raw[starts] == _OPEN).all():
        return None  # a blank line, or a line not ending with } or not starting with {
    return int(breaks.size) + (0 if closed else 1)


def _utf8(content: bytes) -> bool:
    if content.isascii():
        return True
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse(content: bytes, schema: pa.Schema, block: int) -> pa.Table:
    return pajson.read_json(
        pa.py_buffer(content),
        read_options=pajson.ReadOptions(block_size=block),
        parse_options=pajson.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="error"
        ),
    )


def read_json_lines(content: bytes, schema: pa.Schema) -> pa.Table | None:
    """One row of ``schema`` per line of ``content``, or None when the record path must read it.

    Absent and ``null`` fields are both null: callers check the fields their record path
    requires.
    """
    lines = _object_lines(content)
    if lines is None or not _utf8(content):
        return None
    try:
        try:
            table = _parse(content, schema, _BLOCK)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            table = _parse(content, schema, len(content) + 1)  # a line longer than a block
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return table if table.num_rows == lines else None  # two objects on one line: two rows


def json_escaped(values: _Strings) -> _Strings:
    """Each string as JSON text without its quotes (``json.dumps(s, ensure_ascii=False)[1:-1]``);
    nulls stay null. Strings from a source without a backslash never need it."""
    if not pc.any(pc.match_substring_regex(values, _NEEDS_ESCAPE)).as_py():
        return values
    for old, new in _SHORT_ESCAPES:
        values = pc.replace_substring(values, old, new)
    for char in _OTHER_CONTROLS:
        if pc.any(pc.match_substring(values, char)).as_py():
            values = pc.replace_substring(values, char, f"\\u{ord(char):04x}")
    return values
