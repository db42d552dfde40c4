"""Merged records read as columns: the model-quality analyzer's fast path.

:func:`~plimsoll.images._analyzer_quality_read.merged_columns` reads merged records one JSON
line at a time. Most model-quality endpoints answer one CSV row and their labels are one CSV
value, and for those files :func:`merged_file_columns` gives the same rows without touching a
record in Python: Arrow's JSON reader parses the whole file
(:func:`~plimsoll.compat.json_columns.read_json_lines`), the window filter is a vectorised
comparison, and each output line's CSV cells are split by a kernel.

It returns None, and the caller reads the file record by record, whenever a record in the window
is one it does not reproduce exactly: an endpoint output or a label that is not CSV-encoded, text
outside printable ASCII or holding a double quote (CSV quoting, line breaks, Unicode whitespace
that ``str.strip`` removes), an empty output, a missing output column, a non-canonical
``inferenceTime``, or an attribute that is not a column index (the record path names it). The
values are the record path's strings: the label stripped, the output cells as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plimsoll.compat.ground_truth_table import EVENT_METADATA, NO_TIME, inference_seconds
from plimsoll.compat.json_columns import read_json_lines

__all__ = ["MergedFileColumns", "merged_file_columns"]

_TEXT = pa.string()
_SIDE = pa.struct(
    [("data", _TEXT), ("encoding", _TEXT), ("mode", _TEXT), ("observedContentType", _TEXT)]
)
_MERGED_SCHEMA = pa.schema(
    [
        ("eventVersion", _TEXT),
        ("groundTruthData", pa.struct([("data", _TEXT), ("encoding", _TEXT)])),
        ("captureData", pa.struct([("endpointInput", _SIDE), ("endpointOutput", _SIDE)])),
        ("eventMetadata", EVENT_METADATA),
    ]
)
_PLAIN = r"^[\x20\x21\x23-\x7e]*$"  # printable ASCII but '"': csv.reader splits on commas only
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class MergedFileColumns:
    """One merged file's rows in the window (``predicted`` / ``probability`` None when not
    picked), and how many records it held in and out of the window."""

    ground_truth: pa.Array
    predicted: pa.Array | None
    probability: pa.Array | None
    records_read: int
    outside_window: int


def _all(condition: pa.Array | pa.ChunkedArray) -> bool:
    return pc.all(pc.fill_null(condition, False)).as_py() is True


def _csv(side: pa.ChunkedArray, plain: bool) -> pa.ChunkedArray | None:
    """The side's data when every row has data in printable ASCII and is CSV-encoded as the
    record path sees it (``str(encoding or "CSV").upper() == "CSV"``). ``plain``: the file is
    printable ASCII without a backslash, so every string is (JSON escapes quotes and controls)."""
    data = pc.struct_field(side, "data")
    encoding = pc.fill_null(pc.struct_field(side, "encoding"), "")
    csv_encoded = pc.or_(
        pc.equal(encoding, ""),
        pc.and_(pc.string_is_ascii(encoding), pc.equal(pc.ascii_upper(encoding), "CSV")),
    )
    if data.null_count or not _all(csv_encoded):
        return None
    if not plain and not _all(pc.match_substring_regex(data, _PLAIN)):
        return None
    return data


def _microseconds(when: datetime) -> int:
    return (when.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)


def _inside(table: pa.Table, window: tuple[datetime, datetime]) -> np.ndarray | None:
    times = pc.struct_field(table["eventMetadata"], "inferenceTime")
    seconds = inference_seconds(times)
    if seconds is None:
        return None
    timed = seconds != NO_TIME
    moment = np.where(timed, seconds, 0) * 1_000_000
    inside: np.ndarray = ~timed | (
        (moment >= _microseconds(window[0])) & (moment < _microseconds(window[1]))
    )
    return inside


def merged_file_columns(
    content: bytes,
    *,
    picks: tuple[int | None, int | None] | None,
    window: tuple[datetime, datetime] | None,
) -> MergedFileColumns | None:
    """The rows of one merged-records file, or None when the record path must read it.

    Args:
        content: The file's bytes.
        picks: The output columns of the prediction and the probability (None: not read), or
            None when an attribute is not a column index.
        window: ``[start, end)``: records with an ``inferenceTime`` outside are counted, not read.
    """
    table = read_json_lines(content, _MERGED_SCHEMA)
    if table is None:
        return None
    records = table.num_rows
    sides = pa.table(
        {
            "output": pc.struct_field(table["captureData"], "endpointOutput"),
            "truth": table["groundTruthData"],
        }
    )
    if window is not None:
        inside = _inside(table, window)
        if inside is None:
            return None
        if not inside.all():
            sides = sides.filter(pa.array(inside))
    outside = records - sides.num_rows
    if sides.num_rows and picks is None:
        return None
    plain = content.isascii() and b"\\" not in content and b"\x7f" not in content
    output, truth = _csv(sides["output"], plain), _csv(sides["truth"], plain)
    if output is None or truth is None:
        return None
    row = pc.utf8_trim(output, " ")
    if not _all(pc.greater(pc.binary_length(row), 0)):
        return None  # an empty output has no row: row_count_mismatch
    cells = pc.split_pattern(row, ",")
    wanted = [p for p in picks or () if p is not None]
    if wanted and not _all(pc.greater(pc.list_value_length(cells), max(wanted))):
        return None  # output_column_missing

    def column(pick: int | None) -> pa.Array | None:
        return None if pick is None else pc.list_element(cells, pick).combine_chunks()

    return MergedFileColumns(
        ground_truth=pc.utf8_trim(truth, " ").combine_chunks(),
        predicted=column(picks[0]) if picks else None,
        probability=column(picks[1]) if picks else None,
        records_read=records,
        outside_window=outside,
    )
