"""SageMaker's ground-truth records and where they live (model_monitor spec §2.3).

One JSON line per label, under ``<ground_truth_s3_uri>/yyyy/mm/dd/hh/<name>.jsonl``::

    {"groundTruthData": {"data": "1", "encoding": "CSV"},
     "eventMetadata": {"eventId": "aaaa-bbbb-cccc"}, "eventVersion": "0"}

Writing::

    record = build_record("58", 1)                       # data "1", encoding CSV
    line = to_json_line(record)                          # as AWS's examples write it
    key = object_key("s3://bucket/gt", upload_time)      # .../2021/05/18/01/<uuid>.jsonl

Reading: :func:`parse_line` is strict and names the line in its error; :func:`read_lines`
keeps going and returns every bad line as a :class:`MalformedLine` (the merger counts them).

Decisions:

* ``eventId`` holds the capture record's ``inferenceId`` when the caller set one, else its
  ``eventId`` (SageMaker's matching rule); it must be a non-empty string.
* ``data`` must be a string (SageMaker's docs: ``"data": "1"``); a number, boolean, object or
  null there is a ``wrong_label_type`` line. With ``encoding`` JSON, ``data`` must hold JSON
  text (Clarify monitors: ``{"instances": [{"label": 0}, ...]}``). Whether a label suits the
  problem type is the analysis' business, not the record format's.
* ``eventVersion`` must be ``"0"``. Unknown keys at the top level or in ``groundTruthData``
  are refused (they are typos of the required ones); ``eventMetadata`` may carry other keys
  (the SDK's own fixture has ``inferenceTime``), which are ignored.
* The hour folder is the UTC hour of *upload*, not of inference (SageMaker: "The date in this
  path is the date when the Ground Truth label is collected, and does not have to match the
  date when the inference was generated"). An execution reads the ground truth uploaded from
  its window's start up to its execution time: see :func:`ground_truth_hours`.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from plimsoll.compat.monitor_window import hour_partitions
from plimsoll.errors import ValidationError

if TYPE_CHECKING:
    from plimsoll.storage.base import ObjectInfo, Storage

__all__ = [
    "CSV",
    "ENCODINGS",
    "EVENT_VERSION",
    "JSON",
    "GroundTruthFiles",
    "GroundTruthRecord",
    "MalformedLine",
    "build_record",
    "ground_truth_files",
    "ground_truth_hours",
    "hour_prefix",
    "object_key",
    "parse_line",
    "parse_lines",
    "read_lines",
    "to_json_line",
    "upload_hour",
]

EVENT_VERSION = "0"
CSV = "CSV"
JSON = "JSON"
ENCODINGS = (CSV, JSON)

_TOP_KEYS = frozenset({"groundTruthData", "eventMetadata", "eventVersion"})
_DATA_KEYS = frozenset({"data", "encoding"})
# .../yyyy/mm/dd/hh/<name>.jsonl, relative to the ground-truth prefix
_HOUR_KEY = re.compile(r"^(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<h>\d{2})/[^/]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class GroundTruthRecord:
    """One label: the id it answers and its ``groundTruthData``."""

    event_id: str
    data: str
    encoding: str = CSV

    def ground_truth_data(self) -> dict[str, str]:
        """The ``groundTruthData`` object (keys in the order real files use)."""
        return {"data": self.data, "encoding": self.encoding}

    def to_dict(self) -> dict[str, Any]:
        """The whole record, keys in the order of SageMaker's documentation."""
        return {
            "groundTruthData": self.ground_truth_data(),
            "eventMetadata": {"eventId": self.event_id},
            "eventVersion": EVENT_VERSION,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MalformedLine:
    """A line that is not a ground-truth (or capture) record, and why.

    ``reason`` is a counter key: ``invalid_json``, ``invalid_record``, ``wrong_label_type``
    (ground truth), ``invalid_capture_record``, ``invalid_inference_time`` (capture).
    """

    source: str
    line: int
    reason: str
    message: str

    def __str__(self) -> str:
        return f"{self.source} line {self.line}: {self.message}"


class _Bad(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


# -- building ---------------------------------------------------------------------------------


def _label_text(label: object, encoding: str | None) -> tuple[str, str]:
    if isinstance(label, bool) or label is None:
        raise ValidationError(
            f"Ground-truth label {label!r} is not a valid label: use a string or a number "
            '(for example 1 or "1")'
        )
    if isinstance(label, dict | list):
        if encoding == CSV:
            raise ValidationError("A dict or list ground-truth label needs encoding JSON")
        return json.dumps(label), JSON
    if isinstance(label, str):
        text = label
    elif isinstance(label, numbers.Integral):
        text = str(int(label))
    elif isinstance(label, numbers.Real):
        value = float(label)
        if not math.isfinite(value):
            raise ValidationError(f"Ground-truth label {label!r} is not a finite number")
        text = json.dumps(value)
    else:
        raise ValidationError(
            f"Ground-truth label of type {type(label).__name__} is not a string, number, "
            "dict or list"
        )
    chosen = encoding or CSV
    if chosen == JSON:
        try:
            _check_json_data(text)
        except _Bad:
            raise ValidationError(f"Ground-truth label {text!r} is not JSON text") from None
    return text, chosen


def build_record(event_id: str, label: object, *, encoding: str | None = None) -> GroundTruthRecord:
    """A record for ``label``, the truth about the inference ``event_id``.

    Args:
        event_id: the capture record's ``inferenceId`` if the caller set one, else its
            ``eventId``.
        label: a string (kept as is), a number (its text: ``1``, ``0.25``), or a dict or list
            (JSON text, encoding JSON).
        encoding: ``CSV`` or ``JSON``; by default JSON for dicts and lists, CSV otherwise.

    Raises:
        ValidationError: empty id, unknown encoding, or a label that cannot be written.
    """
    if not isinstance(event_id, str) or not event_id:
        raise ValidationError(f"Ground-truth event id must be a non-empty string, got {event_id!r}")
    if encoding is not None and encoding not in ENCODINGS:
        raise ValidationError(f"Ground-truth encoding must be CSV or JSON, got {encoding!r}")
    data, chosen = _label_text(label, encoding)
    return GroundTruthRecord(event_id=event_id, data=data, encoding=chosen)


def to_json_line(record: GroundTruthRecord) -> bytes:
    """The record as one JSON line, spaced as AWS's example files (``json.dumps`` defaults)."""
    return (json.dumps(record.to_dict()) + "\n").encode("utf-8")


# -- reading ----------------------------------------------------------------------------------


def _check_json_data(text: str) -> None:
    try:
        json.loads(text)
    except ValueError:
        raise _Bad("wrong_label_type", "groundTruthData.data is not JSON text") from None


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad("invalid_record", f"{where} must be a JSON object")
    return value


def _check_keys(found: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(found) - allowed)
    if unknown:
        raise _Bad("invalid_record", f"unknown key(s) {', '.join(unknown)} in {where}")
    missing = sorted(allowed - set(found))
    if missing:
        raise _Bad("invalid_record", f"missing key(s) {', '.join(missing)} in {where}")


def _record(text: str | bytes) -> GroundTruthRecord:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise _Bad("invalid_json", f"not JSON ({exc})") from None
    top = _object(raw, "the record")
    _check_keys(top, _TOP_KEYS, "the record")
    if top["eventVersion"] != EVENT_VERSION:
        raise _Bad("invalid_record", f'eventVersion must be "0", got {top["eventVersion"]!r}')
    meta = _object(top["eventMetadata"], "eventMetadata")
    event_id = meta.get("eventId")
    if not isinstance(event_id, str) or not event_id:
        raise _Bad("invalid_record", "eventMetadata.eventId must be a non-empty string")
    truth = _object(top["groundTruthData"], "groundTruthData")
    _check_keys(truth, _DATA_KEYS, "groundTruthData")
    encoding = truth["encoding"]
    if encoding not in ENCODINGS:
        raise _Bad(
            "invalid_record", f"groundTruthData.encoding must be CSV or JSON, got {encoding!r}"
        )
    data = truth["data"]
    if not isinstance(data, str):
        kind = "null" if data is None else type(data).__name__
        raise _Bad(
            "wrong_label_type",
            f'groundTruthData.data must be a string (for example "1"), got {kind} {data!r}',
        )
    if encoding == JSON:
        _check_json_data(data)
    return GroundTruthRecord(event_id=event_id, data=data, encoding=encoding)


def parse_line(
    text: str | bytes, *, source: str = "<ground truth>", line: int = 1
) -> GroundTruthRecord:
    """One ground-truth line, validated.

    Raises:
        ValidationError: ``"<source> line <n>: <what is wrong>"``.
    """
    try:
        return _record(text)
    except _Bad as bad:
        raise ValidationError(f"{source} line {line}: {bad.message}") from None


def _numbered(content: bytes) -> list[tuple[int, bytes]]:
    return [(n, line) for n, line in enumerate(content.splitlines(), 1) if line.strip()]


def read_lines(
    content: bytes, *, source: str
) -> tuple[list[tuple[int, GroundTruthRecord]], list[MalformedLine]]:
    """Every record of a file with its line number, and every bad line (blank lines skipped)."""
    good: list[tuple[int, GroundTruthRecord]] = []
    bad: list[MalformedLine] = []
    for number, line in _numbered(content):
        try:
            good.append((number, _record(line)))
        except _Bad as problem:
            bad.append(
                MalformedLine(
                    source=source, line=number, reason=problem.reason, message=problem.message
                )
            )
    return good, bad


def parse_lines(content: bytes, *, source: str = "<ground truth>") -> list[GroundTruthRecord]:
    """Every record of a file, strictly.

    Raises:
        ValidationError: naming every bad line (the first ten, and how many more).
    """
    good, bad = read_lines(content, source=source)
    if bad:
        shown = "; ".join(str(b) for b in bad[:10])
        more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
        raise ValidationError(f"{len(bad)} malformed ground-truth line(s): {shown}{more}")
    return [record for _, record in good]


# -- layout -----------------------------------------------------------------------------------


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def hour_prefix(ground_truth_uri: str, hour: datetime) -> str:
    """``<ground_truth_uri>/yyyy/mm/dd/hh/`` for the UTC hour of ``hour`` (naive = UTC)."""
    return f"{ground_truth_uri.rstrip('/')}/{_utc(hour):%Y/%m/%d/%H}/"


def object_key(ground_truth_uri: str, upload_time: datetime, name: str | None = None) -> str:
    """Where a file uploaded at ``upload_time`` goes: ``<uri>/yyyy/mm/dd/hh/<name>.jsonl``.

    ``name`` defaults to a random UUID (AWS's examples name files so); ``.jsonl`` is added
    when missing.

    Raises:
        ValidationError: ``name`` holds a ``/``.
    """
    stem = name or str(uuid.uuid4())
    if "/" in stem:
        raise ValidationError(f"Ground-truth file name {stem!r} must not contain '/'")
    if not stem.endswith(".jsonl"):
        stem += ".jsonl"
    return hour_prefix(ground_truth_uri, upload_time) + stem


def upload_hour(relative_key: str) -> datetime | None:
    """The upload hour of a key relative to the ground-truth prefix (``yyyy/mm/dd/hh/name``)."""
    match = _HOUR_KEY.match(relative_key.lstrip("/"))
    if match is None:
        return None
    try:
        return datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), int(match["h"]), tzinfo=UTC
        )
    except ValueError:  # month 13, hour 25, ...
        return None


def ground_truth_hours(
    start: datetime, end: datetime, execution_time: datetime | None = None
) -> list[datetime]:
    """The upload-hour folders an execution reads, oldest first.

    Labels arrive after the inferences they answer, so an execution reads every hour folder
    overlapping ``[start, max(end, execution_time))``: from its window's start up to the time
    it runs (the window end when ``execution_time`` is not given). Naive datetimes are UTC.
    """
    last = _utc(end) if execution_time is None else max(_utc(end), _utc(execution_time))
    return hour_partitions(start, last)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroundTruthFiles:
    """The ground-truth objects of an execution's hours, oldest hour first.

    ``files`` are ``.jsonl`` objects sorted by (hour, URI); ``missing_hours`` are hours with
    no ``.jsonl`` object; ``ignored`` are other objects in those folders (not read).
    """

    hours: tuple[datetime, ...]
    files: tuple[ObjectInfo, ...]
    missing_hours: tuple[datetime, ...]
    ignored: tuple[str, ...]


def ground_truth_files(
    storage: Storage, ground_truth_uri: str, hours: list[datetime]
) -> GroundTruthFiles:
    """Lists each hour folder of ``hours`` under ``ground_truth_uri``."""
    files: list[ObjectInfo] = []
    missing: list[datetime] = []
    ignored: list[str] = []
    for hour in hours:
        found = storage.list_prefix(hour_prefix(ground_truth_uri, hour))
        jsonl = sorted((o for o in found if o.uri.endswith(".jsonl")), key=lambda o: o.uri)
        ignored.extend(o.uri for o in found if not o.uri.endswith(".jsonl"))
        if not jsonl:
            missing.append(hour)
        files.extend(jsonl)
    return GroundTruthFiles(
        hours=tuple(hours), files=tuple(files), missing_hours=tuple(missing), ignored=tuple(ignored)
    )
