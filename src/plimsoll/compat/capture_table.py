"""The columnar fast path from capture files to the analyzer's table.

:func:`~plimsoll.compat.monitor_input.records_to_table` reads capture records one at a time
in Python, which handles every case (JSON payloads, BASE64, batches, attribute paths,
preprocessors, bad lines) at a few microseconds per record. Most endpoints under data-quality
monitoring take one CSV row and answer one CSV row, though, and for those this module builds
the same table without touching records in Python:

1. Arrow's JSON reader parses the whole file into columns (``captureData.endpointInput.data``,
   ``eventMetadata.inferenceTime``, ...).
2. The window filter and the encoding checks are vectorised compute kernels.
3. Each row's ``output,input`` CSV text is joined by a kernel and the lot is parsed once by
   Arrow's CSV reader, every cell a string, as the record path produces them.

:func:`capture_file_table` returns None whenever a file holds anything the fast path does
not reproduce exactly: a line that is not a JSON object, a side that is not CSV-encoded, a
payload holding several rows, an empty payload, an inferenceTime in another format, rows of
different widths, or a CSV quoting error. The caller then reads that file record by record,
so the result never depends on which path ran.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

logger = logging.getLogger(__name__)

__all__ = ["FastTable", "capture_file_table"]

_SIDE = pa.struct([("data", pa.string()), ("encoding", pa.string())])
_SCHEMA = pa.schema(
    [
        ("captureData", pa.struct([("endpointInput", _SIDE), ("endpointOutput", _SIDE)])),
        ("eventMetadata", pa.struct([("inferenceTime", pa.string())])),
    ]
)
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_BLOCK = 64 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class FastTable:
    """One file's rows in the window, and how many records it held in and out of it."""

    table: pa.Table
    records_read: int
    outside_window: int


def _read(path: Path) -> pa.Table | None:
    try:
        return pajson.read_json(
            path,
            read_options=pajson.ReadOptions(block_size=_BLOCK),
            parse_options=pajson.ParseOptions(
                explicit_schema=_SCHEMA, unexpected_field_behavior="ignore"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _in_window(times: pa.ChunkedArray, window: tuple[datetime, datetime]) -> pa.Array | None:
    """The rows to keep, or None when a time is not in the capture format (record path)."""
    parsed = pc.strptime(times, format=_TIME_FORMAT, unit="s", error_is_null=True)
    if pc.sum(pc.and_(pc.is_null(parsed), pc.is_valid(times))).as_py():
        return None
    start = pa.scalar(window[0].astimezone(UTC).replace(tzinfo=None), pa.timestamp("s"))
    end = pa.scalar(window[1].astimezone(UTC).replace(tzinfo=None), pa.timestamp("s"))
    inside = pc.and_(pc.greater_equal(parsed, start), pc.less(parsed, end))
    return pc.fill_null(inside, True)  # records without inferenceTime are kept


def _single_csv_row(side: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The side's data without its line end, or None unless every record's side is present,
    CSV-encoded, non-blank and one line."""
    data, encoding = pc.struct_field(side, "data"), pc.struct_field(side, "encoding")
    if pc.any(pc.is_null(data)).as_py() or pc.any(pc.not_equal(encoding, "CSV")).as_py():
        return None
    line = pc.utf8_rtrim(data, characters="\r\n")
    if pc.any(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(line)), 0)).as_py():
        return None
    if (
        pc.any(pc.match_substring(line, "\n")).as_py()
        or pc.any(pc.match_substring(line, "\r")).as_py()
    ):
        return None
    return line


def capture_file_table(
    path: Path,
    *,
    feature_names: list[str] | None,
    window: tuple[datetime, datetime] | None,
) -> FastTable | None:
    """The analyzer's table of one capture file, or None when the record path must read it.

    Args:
        path: A capture JSON Lines file.
        feature_names: Baseline column names (label first); positions past them are ``_c{i}``.
        window: ``[start, end)``; records with an inferenceTime outside are left out.
    """
    parsed = _read(path)
    if parsed is None:
        return None
    records = parsed.num_rows
    kept = parsed
    if window is not None:  # like the record reader, no window means no time parsing
        keep = _in_window(pc.struct_field(parsed["eventMetadata"], "inferenceTime"), window)
        if keep is None:
            return None
        kept = parsed.filter(keep)
    outside = records - kept.num_rows
    if kept.num_rows == 0:
        return FastTable(table=pa.table({}), records_read=records, outside_window=outside)
    capture = kept["captureData"]
    output = _single_csv_row(pc.struct_field(capture, "endpointOutput"))
    inputs = _single_csv_row(pc.struct_field(capture, "endpointInput"))
    if output is None or inputs is None:
        return None
    rows = pc.binary_join_element_wise(output, inputs, ",").combine_chunks()
    first = next(csv.reader([rows[0].as_py()]))
    names = feature_names or []
    columns = [names[i] if i < len(names) else f"_c{i}" for i in range(len(first))]
    if len(set(columns)) != len(columns):
        return None  # a baseline with duplicate names: the record path decides who wins
    text = pc.binary_join(pa.ListArray.from_arrays([0, len(rows)], rows), "\n")[0]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(text.as_buffer()),
            read_options=pacsv.ReadOptions(column_names=columns, block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # rows of different widths, or a quoting error
        return None
    if table.num_rows != kept.num_rows:
        return None
    return FastTable(table=table, records_read=records, outside_window=outside)
