"""Capture and ground-truth files as the columns the ground-truth merge joins.

:func:`capture_columns` and :func:`label_columns` read one file each. Arrow's JSON reader
parses the whole file (:func:`~plimsoll.compat.json_columns.read_json_lines`) and vectorised
kernels check what the record path would check: pydantic's required fields for a capture
record, every rule of :mod:`plimsoll.compat.ground_truth` for a label, a canonical
``inferenceTime``. A file the fast path cannot reproduce exactly (a malformed line, a field it
does not know, a non-canonical time, ...) is read record by record with the record path's own
functions instead, into the same columns. Either way the columns hold the merge key, the
``inferenceTime`` in seconds and every value of the merged line JSON-escaped, from which
:func:`~plimsoll.compat.merged_lines.merged_lines` writes ``to_json_line(merged_record(...))``
byte for byte. A record whose text holds a lone surrogate (only the record path reads one)
raises :class:`RecordPathNeeded`: the record path writes that whole line ``\\u``-escaped, so
the caller merges record by record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from plimsoll.compat.ground_truth import CSV, EVENT_VERSION, JSON, MalformedLine, read_lines
from plimsoll.compat.ground_truth_merge import (
    CaptureFile,
    GroundTruthFile,
    capture_key,
    capture_parts,
    read_capture_file,
)
from plimsoll.compat.json_columns import json_escaped, read_json_lines

__all__ = [
    "CAPTURE_FIELDS",
    "EVENT_METADATA",
    "NO_TIME",
    "CaptureColumns",
    "LabelColumns",
    "RecordPathNeeded",
    "capture_columns",
    "inference_seconds",
    "label_columns",
]

NO_TIME = np.iinfo(np.int64).min
"""``seconds`` of a record without ``inferenceTime``."""

_TEXT = pa.string()
EVENT_METADATA = pa.struct(
    [
        ("eventId", _TEXT),
        ("inferenceId", _TEXT),
        ("inferenceTime", _TEXT),
        ("customAttributes", pa.list_(_TEXT)),
    ]
)
"""Arrow type of a capture or merged record's ``eventMetadata``."""
_SIDE = pa.struct(
    [("observedContentType", _TEXT), ("mode", _TEXT), ("data", _TEXT), ("encoding", _TEXT)]
)
_CAPTURE_SCHEMA = pa.schema(
    [
        ("captureData", pa.struct([("endpointInput", _SIDE), ("endpointOutput", _SIDE)])),
        ("eventMetadata", EVENT_METADATA),
        ("eventVersion", _TEXT),
    ]
)
_LABEL_SCHEMA = pa.schema(
    [
        ("groundTruthData", pa.struct([("data", _TEXT), ("encoding", _TEXT)])),
        ("eventMetadata", pa.struct([("eventId", _TEXT)])),
        ("eventVersion", _TEXT),
    ]
)
_SIDES = ("endpointInput", "endpointOutput")
_SIDE_FIELDS = ("data", "encoding", "mode", "observedContentType")
_REQUIRED = ("data", "encoding", "mode")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_CANONICAL_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"


class RecordPathNeeded(Exception):
    """A record's text cannot be an Arrow string (a lone surrogate): merge record by record."""


CAPTURE_FIELDS = (
    "eventVersion",
    *(f"{side}.{name}" for side in _SIDES for name in _SIDE_FIELDS),
    "eventId",
    "inferenceId",
    "inferenceTime",
    "customAttributes",
)
"""The merged line's capture values, JSON-escaped (``customAttributes``: the JSON list)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureColumns:
    """One capture file's records in line order (malformed lines left out and listed).

    ``keys``: the merge key; ``seconds``: ``inferenceTime`` in epoch seconds (``NO_TIME``
    without one); ``fields``: every ``CAPTURE_FIELDS`` value as escaped JSON text without
    quotes, null where the record has none (an absent side: its four fields).
    """

    keys: pa.ChunkedArray
    seconds: npt.NDArray[np.int64]
    fields: dict[str, pa.ChunkedArray]
    malformed: tuple[MalformedLine, ...]
    columnar: bool

    @property
    def rows(self) -> int:
        return len(self.keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelColumns:
    """One ground-truth file's labels in line order: ids, and ``data`` and ``encoding`` as
    escaped JSON text without quotes."""

    ids: pa.ChunkedArray
    data: pa.ChunkedArray
    encoding: pa.ChunkedArray
    malformed: tuple[MalformedLine, ...]
    columnar: bool


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _strings(values: list[str | None]) -> pa.ChunkedArray:
    try:
        return pa.chunked_array([pa.array(values, _TEXT)], _TEXT)
    except (UnicodeEncodeError, pa.ArrowException) as exc:  # a lone surrogate
        raise RecordPathNeeded(str(exc)) from None


def _present(values: pa.ChunkedArray) -> int:
    return len(values) - int(values.null_count)


def _escape_all(fields: dict[str, pa.ChunkedArray], escaped: bool) -> dict[str, pa.ChunkedArray]:
    if not escaped:
        return fields
    return {
        name: values if name == "customAttributes" else json_escaped(values)
        for name, values in fields.items()
    }


# -- capture files ----------------------------------------------------------------------------


def inference_seconds(times: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int64] | None:
    """Epoch seconds of each ``inferenceTime`` (``NO_TIME`` for null or ""), or None unless
    every other value is canonical ``YYYY-MM-DDTHH:MM:SSZ`` of a real second: then
    :func:`~plimsoll.compat.capture_time.inference_time` reads them all the same way."""
    filled = pc.fill_null(times, "")
    if isinstance(filled, pa.ChunkedArray):
        filled = filled.combine_chunks()
    encoded = pc.dictionary_encode(filled)
    uniques = encoded.dictionary
    parsed = pc.strptime(uniques, format=_TIME_FORMAT, unit="s", error_is_null=True)
    valid = pc.and_(
        pc.and_(
            pc.match_substring_regex(uniques, _CANONICAL_TIME),
            pc.invert(pc.starts_with(uniques, "0000")),
        ),
        pc.equal(pc.strftime(parsed, format=_TIME_FORMAT), uniques),  # 31 April, second 60
    )
    empty = pc.equal(uniques, "")
    if not pc.all(pc.or_(pc.fill_null(valid, False), empty)).as_py():
        return None
    values = pc.fill_null(parsed.cast(pa.int64()), NO_TIME).to_numpy()
    result: npt.NDArray[np.int64] = values[encoded.indices.to_numpy()]
    return result


def _custom_attributes(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each list as JSON text (``["a","b"]``), null where there is none."""
    if values.null_count == len(values):
        return pa.chunked_array([pa.nulls(len(values), _TEXT)])
    lists = values.combine_chunks()
    quoted = pc.binary_join_element_wise('"', json_escaped(pc.list_flatten(lists)), '"', "")
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy()
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    rebuilt = pa.ListArray.from_arrays(pa.array(offsets), quoted, mask=pc.is_null(lists))
    return pa.chunked_array(
        [pc.binary_join_element_wise("[", pc.binary_join(rebuilt, ","), "]", "")]
    )


def _capture_table(item: CaptureFile) -> CaptureColumns | None:
    table = read_json_lines(item.content, _CAPTURE_SCHEMA)
    if table is None:
        return None
    capture, meta, version = table["captureData"], table["eventMetadata"], table["eventVersion"]
    event_id = pc.struct_field(meta, "eventId")
    if capture.null_count or meta.null_count or version.null_count or event_id.null_count:
        return None  # pydantic: required, not nullable (a missing eventVersion too: rare)
    fields = {"eventVersion": version}
    for side_name in _SIDES:
        side = pc.struct_field(capture, side_name)
        for name in _SIDE_FIELDS:
            fields[f"{side_name}.{name}"] = pc.struct_field(side, name)
        if any(_present(fields[f"{side_name}.{name}"]) != _present(side) for name in _REQUIRED):
            return None
    customs = pc.struct_field(meta, "customAttributes")
    if pc.list_flatten(customs).null_count:
        return None
    seconds = inference_seconds(pc.struct_field(meta, "inferenceTime"))
    if seconds is None:
        return None
    for name in ("eventId", "inferenceId", "inferenceTime"):
        fields[name] = pc.struct_field(meta, name)
    fields["customAttributes"] = _custom_attributes(customs)
    return CaptureColumns(
        keys=pc.coalesce(fields["inferenceId"], event_id),
        seconds=seconds,
        fields=_escape_all(fields, b"\\" in item.content),
        malformed=(),
        columnar=True,
    )


def _capture_records(item: CaptureFile) -> CaptureColumns:
    captures, bad = read_capture_file(item)
    values: dict[str, list[str | None]] = {name: [] for name in CAPTURE_FIELDS}
    keys: list[str | None] = []
    seconds: list[int] = []
    for capture, moment in captures:
        keys.append(capture_key(capture))
        seconds.append(NO_TIME if moment is None else int(moment.timestamp()))
        data, metadata = capture_parts(capture)
        values["eventVersion"].append(capture.eventVersion)
        for side_name in _SIDES:
            side = data.get(side_name, {})
            for name in _SIDE_FIELDS:
                values[f"{side_name}.{name}"].append(side.get(name))
        for name in ("eventId", "inferenceId", "inferenceTime"):
            values[name].append(metadata.get(name))
        custom = metadata.get("customAttributes")
        values["customAttributes"].append(None if custom is None else _dumps(custom))
    return CaptureColumns(
        keys=_strings(keys),
        seconds=np.asarray(seconds, dtype=np.int64),
        fields=_escape_all({name: _strings(v) for name, v in values.items()}, True),
        malformed=tuple(bad),
        columnar=False,
    )


def capture_columns(item: CaptureFile) -> CaptureColumns:
    """One capture file's columns, read by Arrow when it reproduces the record path exactly."""
    return _capture_table(item) or _capture_records(item)


# -- ground-truth files -----------------------------------------------------------------------


def _json_texts(values: list[str]) -> bool:
    for text in values:
        try:
            json.loads(text)
        except ValueError:
            return False
    return True


def _label_table(item: GroundTruthFile) -> LabelColumns | None:
    table = read_json_lines(item.content, _LABEL_SCHEMA)
    if table is None:
        return None
    truth, version = table["groundTruthData"], table["eventVersion"]
    ids = pc.struct_field(table["eventMetadata"], "eventId")
    data, encoding = pc.struct_field(truth, "data"), pc.struct_field(truth, "encoding")
    if any(v.null_count for v in (ids, data, encoding, version)):
        return None  # a missing key or a null: the record path names the reason
    checks: list[Callable[[], Any]] = [
        lambda: pc.all(pc.equal(version, EVENT_VERSION)),
        lambda: pc.all(pc.not_equal(ids, "")),
        lambda: pc.all(pc.is_in(encoding, value_set=pa.array([CSV, JSON]))),
    ]
    if not all(check().as_py() is True for check in checks):
        return None
    if not _json_texts(pc.filter(data, pc.equal(encoding, JSON)).to_pylist()):
        return None
    escaped = b"\\" in item.content
    return LabelColumns(
        ids=ids,
        data=json_escaped(data) if escaped else data,
        encoding=json_escaped(encoding) if escaped else encoding,
        malformed=(),
        columnar=True,
    )


def _label_records(item: GroundTruthFile) -> LabelColumns:
    good, bad = read_lines(item.content, source=item.uri)
    return LabelColumns(
        ids=_strings([record.event_id for _, record in good]),
        data=json_escaped(_strings([record.data for _, record in good])),
        encoding=json_escaped(_strings([record.encoding for _, record in good])),
        malformed=tuple(bad),
        columnar=False,
    )


def label_columns(item: GroundTruthFile) -> LabelColumns:
    """One ground-truth file's columns, read by Arrow when it reproduces the record path."""
    return _label_table(item) or _label_records(item)
