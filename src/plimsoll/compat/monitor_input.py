"""Data Capture records to the table the data-quality analyzer profiles (spec §3.5).

::

    files = capture_files_in_window(storage, dest, endpoint, variant, window.start, window.end)
    result = records_to_table(
        iter_capture_lines(storage, files),
        feature_names=baseline_feature_names(header_line),
        window=(window.start, window.end),
    )
    result.table                 # pyarrow.Table of strings, one column per feature
    result.counts.skipped        # {"invalid_json": 1, ...}

Decisions (SageMaker's analyzer is closed; what we do and why):

* Each row is the endpointOutput columns followed by the endpointInput columns
  (``output_columns_position=START``). Positional values are named by position in that row:
  ``feature_names[i]`` (the baseline header, label first) or Spark's ``_c{i}``; positions past
  the end of ``feature_names`` are ``_c{i}`` too, so extra columns stay visible and a short
  row leaves trailing features null (or absent when every row is short).
* All cells are strings (None for missing), as Spark reads CSV without a schema; the profile
  engine infers Integral / Fractional / String from them. JSON numbers keep their JSON text
  form, booleans become ``true`` / ``false``.
* CSV data may hold several lines (a batch); input and output lines pair by position.
* JSON: a flat object gives one row whose keys are column names; a list of scalars gives one
  positional row; a top-level list of objects or lists gives one row each. ``features_attribute``
  / ``inference_attribute`` select inside the input / output document with simple JMESPath:
  dotted names, ``[N]`` indexes and ``[*]`` projections (``instances[*].features``); a
  projection makes each selected element a row. Nested values without a path are skipped
  (``nested_json``): they need a record preprocessor. JSON Lines payloads are read too.
* BASE64 data is decoded first and read as CSV or JSON by its ``observedContentType``; other
  content types are skipped (``unsupported_content_type``).
* Input and output of one record must resolve to the same format, otherwise the whole job
  fails with SageMaker's ``Encoding mismatch`` message (the analyzer's exit message prefixes
  ``Error: ``).
* A line that cannot be read is counted under a reason in ``counts.skipped`` and skipped;
  only the encoding mismatch, a failing preprocessor and an empty result are fatal.
* With ``window``, records whose ``inferenceTime`` is outside ``[start, end)`` are left out
  (``counts.outside_window``); records without ``inferenceTime`` are kept.
* No record in the window raises ``InsufficientData("Job inputs had no data")``, SageMaker's
  FailureReason; records that were all skipped or dropped raise it with the reasons appended.
* With a preprocessor, each record is the script's flat dict: its keys are column names (no
  positional matching), ``[]`` drops the record, and the encoding check does not apply.
"""

from __future__ import annotations

import base64
import binascii
import csv
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from pydantic import ValidationError as PydanticValidationError

from plimsoll.compat.capture_format import BASE64, CSV, JSON, CaptureRecord, CaptureSide
from plimsoll.compat.capture_format import media_type as _media_type
from plimsoll.compat.capture_format import parse_inference_time as _parse_time
from plimsoll.errors import EngineError, InsufficientData

if TYPE_CHECKING:
    from plimsoll.compat.preprocess import Preprocessor
    from plimsoll.storage.base import ObjectInfo, Storage

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_CAPTURE_INDEX_NAMES",
    "ENCODING_MISMATCH",
    "NO_DATA_MESSAGE",
    "InputCounts",
    "MonitorInput",
    "baseline_feature_names",
    "iter_capture_lines",
    "records_to_table",
]

NO_DATA_MESSAGE = "Job inputs had no data"
ENCODING_MISMATCH = (
    "Encoding mismatch: Encoding is {input} for endpointInput, but Encoding is {output} for "
    "endpointOutput. We currently only support the same type of input and output encoding at "
    "the moment."
)
DEFAULT_CAPTURE_INDEX_NAMES = ("endpointInput", "endpointOutput")

_Cell = tuple[str | None, Any]  # (column name, or None for "by position"; value)
_Row = list[_Cell]
_TOKEN = re.compile(r"\.?([^.\[\]]+)|\[(\*|-?\d+|)\]")


class _Skip(Exception):
    """One record cannot be read; ``reason`` is the counter key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True, kw_only=True)
class InputCounts:
    """What happened to the records: read, in window, dropped, skipped (reason -> count)."""

    records_read: int
    records_in_window: int
    outside_window: int
    dropped_by_preprocessor: int
    rows: int
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitorInput:
    """The table to profile and how it was built."""

    table: pa.Table
    counts: InputCounts


def baseline_feature_names(header: str) -> list[str]:
    """Column names of a baseline CSV header line (label first, as SageMaker expects)."""
    first = header.splitlines()[0] if header else ""
    return next(csv.reader([first]), [])


def iter_capture_lines(storage: Storage, files: Iterable[ObjectInfo]) -> Iterator[bytes]:
    """Every non-blank line of every capture file, in order."""
    for info in files:
        for line in storage.read_bytes(info.uri).splitlines():
            if line.strip():
                yield line


# -- one record -------------------------------------------------------------------------------


def _parse(item: bytes | str | Mapping[str, Any] | CaptureRecord) -> tuple[dict[str, Any], Any]:
    if isinstance(item, CaptureRecord):
        return item.model_dump(exclude_none=True), item
    if isinstance(item, bytes | str):
        try:
            raw = json.loads(item)
        except ValueError:
            raise _Skip("invalid_json") from None
    else:
        raw = dict(item)
    if not isinstance(raw, dict):
        raise _Skip("invalid_record")
    try:
        return raw, CaptureRecord.model_validate(raw)
    except PydanticValidationError:
        raise _Skip("invalid_record") from None


def _decode(side: CaptureSide) -> tuple[str, str]:
    """``(format, text)`` of a side, BASE64 decoded and typed by its content type."""
    if side.encoding in (CSV, JSON):
        return side.encoding, side.data
    if side.encoding != BASE64:
        raise _Skip("unknown_encoding")
    kind = _media_type(side.observedContentType)
    if kind.endswith("csv"):
        fmt = CSV
    elif "json" in kind:
        fmt = JSON
    else:
        raise _Skip("unsupported_content_type")
    try:
        raw = base64.b64decode(side.data, validate=True)
    except binascii.Error:
        raise _Skip("invalid_base64") from None
    try:
        return fmt, raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Skip("invalid_utf8") from None


def _tokens(path: str) -> list[tuple[str | None, str | None]]:
    tokens, pos = [], 0
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        if match is None or match.end() == pos:
            raise EngineError(f"Invalid attribute path {path!r} at position {pos}")
        tokens.append((match[1], match[2]))
        pos = match.end()
    return tokens


def _select(doc: Any, path: str) -> tuple[Any, bool]:
    """The value at ``path`` and whether a ``[*]`` projection made it a list of rows."""
    current, projected = [doc], False
    for name, index in _tokens(path):
        found: list[Any] = []
        for item in current:
            if name is not None:
                if not isinstance(item, dict) or name not in item:
                    raise _Skip("attribute_not_found")
                found.append(item[name])
            elif not isinstance(item, list):
                raise _Skip("attribute_not_found")
            elif index in ("*", ""):
                found.extend(item)
                projected = True
            else:
                try:
                    found.append(item[int(str(index))])
                except IndexError:
                    raise _Skip("attribute_not_found") from None
        current = found
    return (current, True) if projected else (current[0], False)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _row_of(item: Any) -> _Row:
    if isinstance(item, dict):
        if not all(_scalar(v) for v in item.values()):
            raise _Skip("nested_json")
        return [(str(k), v) for k, v in item.items()]
    if isinstance(item, list):
        if not all(_scalar(v) for v in item):
            raise _Skip("nested_json")
        return [(None, v) for v in item]
    return [(None, item)]


def _json_rows(text: str, path: str | None) -> list[_Row]:
    try:
        docs = [json.loads(text)]
    except ValueError:
        try:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            raise _Skip("invalid_payload") from None
    rows: list[_Row] = []
    for doc in docs:
        if path:
            value, projected = _select(doc, path)
        else:
            value = doc
            projected = isinstance(doc, list) and bool(doc) and not any(map(_scalar, doc))
        rows.extend(_row_of(item) for item in (value if projected else [value]))
    return rows


def _csv_rows(text: str) -> list[_Row]:
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        return [[(None, v) for v in values] for values in csv.reader(lines, strict=True)]
    except csv.Error:
        raise _Skip("invalid_payload") from None


def _capture_rows(
    record: CaptureRecord, names: tuple[str, ...], features: str | None, inference: str | None
) -> list[_Row]:
    data = record.captureData
    sides = [
        (key, side, path)
        for key, side, path in (
            ("endpointOutput", data.endpointOutput, inference),
            ("endpointInput", data.endpointInput, features),
        )
        if side is not None and key in names
    ]
    if not sides:
        raise _Skip("no_capture_data")
    decoded = [(key, *_decode(side), path) for key, side, path in sides]
    formats = {key: fmt for key, fmt, _, _ in decoded}
    if len(set(formats.values())) > 1:
        raise EngineError(
            ENCODING_MISMATCH.format(
                input=formats["endpointInput"], output=formats["endpointOutput"]
            )
        )
    parts = [
        _csv_rows(text) if fmt == CSV else _json_rows(text, path) for _, fmt, text, path in decoded
    ]
    if any(not rows for rows in parts):
        raise _Skip("empty_payload")
    if len({len(rows) for rows in parts}) > 1:
        raise _Skip("row_count_mismatch")
    return [sum(cells, []) for cells in zip(*parts, strict=True)]


# -- the table --------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, float) else str(value)


def _table(rows: list[_Row], feature_names: list[str] | None) -> pa.Table:
    names = feature_names or []
    columns: dict[str, list[str | None]] = {}
    for n, row in enumerate(rows):
        for i, (key, value) in enumerate(row):
            name = key if key is not None else (names[i] if i < len(names) else f"_c{i}")
            column = columns.get(name)
            if column is None:  # a new column: earlier rows lacked it
                column = columns[name] = [None] * n
            column.extend([None] * (n - len(column)))
            if len(column) > n:  # the same name twice in one row: the last value wins
                column[n] = _text(value)
            else:
                column.append(_text(value))
    for column in columns.values():
        column.extend([None] * (len(rows) - len(column)))
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _in_window(record: CaptureRecord, window: tuple[datetime, datetime] | None) -> bool:
    when = record.eventMetadata.inferenceTime
    if window is None or when is None:
        return True
    try:
        moment = _parse_time(when)
    except ValueError:
        raise _Skip("invalid_inference_time") from None
    return window[0].astimezone(UTC) <= moment < window[1].astimezone(UTC)


def _no_rows(counts: InputCounts) -> InsufficientData:
    if counts.records_in_window == 0 and not counts.skipped:
        return InsufficientData(NO_DATA_MESSAGE)
    reasons = [f"{k}={v}" for k, v in sorted(counts.skipped.items())]
    if counts.dropped_by_preprocessor:
        reasons.append(f"dropped by preprocessor={counts.dropped_by_preprocessor}")
    return InsufficientData(
        f"{NO_DATA_MESSAGE}: no usable record among {counts.records_read} ({', '.join(reasons)})"
    )


def records_to_table(
    records: Iterable[bytes | str | Mapping[str, Any] | CaptureRecord],
    *,
    feature_names: list[str] | None = None,
    features_attribute: str | None = None,
    inference_attribute: str | None = None,
    capture_index_names: Iterable[str] = DEFAULT_CAPTURE_INDEX_NAMES,
    window: tuple[datetime, datetime] | None = None,
    preprocessor: Preprocessor | None = None,
) -> MonitorInput:
    """Builds the analyzer's table from capture records (see the module docstring).

    Args:
        records: raw JSON lines, parsed dicts or :class:`CaptureRecord` objects.
        feature_names: baseline column names, label first; None gives ``_c0, _c1, ...``.
        features_attribute: path into JSON endpointInput documents.
        inference_attribute: path into JSON endpointOutput documents.
        capture_index_names: which sides become columns (``captureIndexNames``).
        window: ``(start, end)``; records whose inferenceTime is outside are left out.
        preprocessor: a loaded record preprocessor script.

    Raises:
        EngineError: encoding mismatch, bad attribute path, or a failing preprocessor.
        InsufficientData: no record in the window, or none could be used.
    """
    names = tuple(capture_index_names)
    for path in (features_attribute, inference_attribute):
        _tokens(path or "")  # a bad path fails the job before any record is read
    skipped: Counter[str] = Counter()
    rows: list[_Row] = []
    read = in_window = outside = dropped = 0
    for item in records:
        read += 1
        try:
            raw, record = _parse(item)
            if not _in_window(record, window):
                outside += 1
                continue
            in_window += 1
            if preprocessor is None:
                rows.extend(_capture_rows(record, names, features_attribute, inference_attribute))
                continue
            flat = preprocessor.apply(raw)
            if flat is None:
                dropped += 1
            else:
                rows.append(list(flat.items()))
        except _Skip as skip:
            skipped[skip.reason] += 1
            logger.debug("capture record %d skipped: %s", read, skip.reason)
    counts = InputCounts(
        records_read=read,
        records_in_window=in_window,
        outside_window=outside,
        dropped_by_preprocessor=dropped,
        rows=len(rows),
        skipped=dict(skipped),
    )
    if skipped:
        logger.warning(
            "skipped %d of %d capture records: %s", sum(skipped.values()), read, dict(skipped)
        )
    if not rows:
        raise _no_rows(counts)
    return MonitorInput(table=_table(rows, feature_names), counts=counts)
