"""Merged records' JSON lines built column-wise, as ``to_json_line(merged_record(...))`` writes.

A merged line is literal text with string values in between::

    {"eventVersion":"0","groundTruthData":{"data":"1","encoding":"CSV"},"captureData":{
    "endpointInput":{"data":"...","encoding":"CSV","mode":"INPUT","observedContentType":"text/csv"},
    "endpointOutput":{...}},"eventMetadata":{"customAttributes":[...],"eventId":"...",
    "inferenceId":"...","inferenceTime":"..."}}

(one line; nested keys alphabetical, absent values left out). :func:`merged_lines` joins the
values (already JSON-escaped, see :func:`~plimsoll.compat.json_columns.json_escaped`) and the
text between them with one Arrow kernel call. A column holding one value on every row (the
encoding, the mode, the content type, usually) is folded into the literal text, so the kernel
only copies the values that differ. An optional value present on some rows only gets its
separators row by row.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["merged_lines"]

_LINES = pa.string()  # Arrow joins these 4x faster than large_string
_LIMIT = 1 << 30  # bytes of lines per kernel call, well inside string offsets
_POOL = pa.system_memory_pool()  # the join grows its output: mimalloc page-faults on that
_SIDES = ("endpointInput", "endpointOutput")


def _constant(values: pa.Array) -> str | None:
    if values.null_count or not len(values):
        return None
    first = values[0]
    if not pc.all(pc.equal(values, first)).as_py():
        return None
    text: str = first.as_py()
    return text


class _Line:
    """Literal text and string columns, concatenated row by row."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.pieces: list[str | pa.Array] = []

    def text(self, literal: str) -> None:
        if self.pieces and isinstance(self.pieces[-1], str):
            self.pieces[-1] += literal
        elif literal:
            self.pieces.append(literal)

    def value(self, values: pa.Array) -> None:
        """A column; a null makes the row's line null."""
        constant = _constant(values)
        if constant is not None:
            self.text(constant)
        else:
            self.pieces.append(values.cast(_LINES))

    def optional(self, prefix: str, values: pa.Array, suffix: str = "") -> None:
        """``prefix + value + suffix`` where the value is present, nothing where it is null."""
        if values.null_count == len(values):
            return
        if not values.null_count:
            self.text(prefix)
            self.value(values)
            self.text(suffix)
            return
        present = pc.is_valid(values)
        self.pieces.append(pc.if_else(present, pa.scalar(prefix, _LINES), pa.scalar("", _LINES)))
        self.pieces.append(pc.fill_null(values.cast(_LINES), pa.scalar("", _LINES)))
        self.pieces.append(pc.if_else(present, pa.scalar(suffix, _LINES), pa.scalar("", _LINES)))

    def build(self) -> pa.ChunkedArray:
        """The lines, in chunks of at most about ``_LIMIT`` bytes each."""
        if not any(isinstance(p, pa.Array) for p in self.pieces):
            return pa.chunked_array([["".join(str(p) for p in self.pieces)] * self.rows], _LINES)
        size = sum(
            len(p.encode()) * self.rows if isinstance(p, str) else p.nbytes for p in self.pieces
        )
        step = max(1, self.rows * _LIMIT // max(size, 1))
        chunks = []
        for start in range(0, self.rows, step):
            args = [
                pa.scalar(p, _LINES) if isinstance(p, str) else p.slice(start, step)
                for p in self.pieces
            ]
            chunks.append(
                pc.binary_join_element_wise(*args, pa.scalar("", _LINES), memory_pool=_POOL)
            )
        return pa.chunked_array(chunks, _LINES)


def _side(line: _Line, fields: Mapping[str, pa.Array], name: str) -> None:
    line.text(f'"{name}":{{"data":"')
    line.value(fields[f"{name}.data"])
    line.text('","encoding":"')
    line.value(fields[f"{name}.encoding"])
    line.text('","mode":"')
    line.value(fields[f"{name}.mode"])
    line.text('"')
    line.optional(',"observedContentType":"', fields[f"{name}.observedContentType"], '"')
    line.text("}")


def _capture_data(line: _Line, fields: Mapping[str, pa.Array]) -> None:
    present = [fields[f"{name}.data"] for name in _SIDES]
    if all(not v.null_count for v in present):  # both sides on every row (the usual case)
        _side(line, fields, _SIDES[0])
        line.text(",")
        _side(line, fields, _SIDES[1])
        return
    blocks = []
    for name in _SIDES:
        block = _Line(line.rows)
        _side(block, fields, name)
        blocks.append(block.build().combine_chunks())  # null where the side is absent
    line.optional("", blocks[0])
    both = pc.and_(pc.is_valid(blocks[0]), pc.is_valid(blocks[1]))
    line.optional("", pc.if_else(both, pa.scalar(",", _LINES), pa.scalar(None, _LINES)))
    line.optional("", blocks[1])


def merged_lines(fields: Mapping[str, pa.Array], rows: int) -> pa.ChunkedArray:
    """The merged JSON line (with its newline) of each row of ``fields``.

    Args:
        fields: ``groundTruthData.data``, ``groundTruthData.encoding`` and every
            :data:`~plimsoll.compat.ground_truth_table.CAPTURE_FIELDS` column, escaped.
        rows: The row count (every column's length).
    """
    line = _Line(rows)
    line.text('{"eventVersion":"')
    line.value(fields["eventVersion"])
    line.text('","groundTruthData":{"data":"')
    line.value(fields["groundTruthData.data"])
    line.text('","encoding":"')
    line.value(fields["groundTruthData.encoding"])
    line.text('"},"captureData":{')
    _capture_data(line, fields)
    line.text('},"eventMetadata":{')
    line.optional('"customAttributes":', fields["customAttributes"], ",")
    line.text('"eventId":"')
    line.value(fields["eventId"])
    line.text('"')
    line.optional(',"inferenceId":"', fields["inferenceId"], '"')
    line.optional(',"inferenceTime":"', fields["inferenceTime"], '"')
    line.text("}}\n")
    return line.build()
