"""SageMaker's ground-truth merge: captured records joined to their labels (spec §2.3, §2.4, §3.3).

The first job of a model-quality execution (``groundtruth-merge-<time>-<hex>``) joins the
window's capture records to the ground truth uploaded for them and writes SageMaker's merged
records, which the analysis job then reads::

    result = merge(capture_files, ground_truth_files, window=(start, end))   # pure
    result.records          # MergedRecord(endpoint, variant, hour, record), capture order
    result.report.matched   # and every other count, see MergeReport
    write_merged(storage, merge_root(output_uri), result.records)
    # -> <output>/merge/<endpoint>/<variant>/yyyy/mm/dd/hh/part-00000-<uuid>.c000.jsonl

    result = load_and_merge(storage, capture_destination=..., endpoint=..., variant=None,
                            start=..., end=..., ground_truth_uri=..., execution_time=...)

This is the record path: one pydantic record and one dict per line.
:func:`plimsoll.compat.ground_truth_join.merge_columns` is the same merge on Arrow columns (the
merger image uses it), which reads the files it cannot reproduce exactly with this module's
:func:`read_capture_file` and :func:`~plimsoll.compat.ground_truth.read_lines`.

Decisions:

* Key: a capture record's ``inferenceId`` when it has one, else its ``eventId``; a ground-truth
  record's ``eventMetadata.eventId`` (SageMaker: "If inferenceId is present in captured data
  records, Model Monitor uses it to merge captured data with Ground Truth records ... If
  inferenceId is not present in captured data, model monitor uses eventId").
* Capture records whose ``inferenceTime`` is outside ``[start, end)`` are not merged
  (``capture_outside_window``); records without ``inferenceTime`` are kept, as the analyzer
  does. Ground truth is read from the window's start to the execution time
  (:func:`plimsoll.compat.ground_truth.ground_truth_hours`).
* Several labels for one id: the latest upload wins (the later hour folder, then the later
  file in key order, then the later line), so a corrected label replaces an earlier one; each
  superseded label counts in ``duplicate_ground_truth``.
* Several capture records with one key (a repeated ``inferenceId``) are each merged with the
  label and counted in ``duplicate_capture_ids``.
* Labels whose id matches no capture record in the window count as
  ``ground_truth_outside_window`` when the id belongs to a capture record outside it (a label
  for another window), else as ``ground_truth_unknown_id``.
* A line that is not a record is counted by reason with its file and line (the first
  ``MALFORMED_KEPT`` are listed); it never stops the merge.
* Merged record: ``{"eventVersion", "groundTruthData": {"data", "encoding"}, "captureData":
  {"endpointInput", "endpointOutput"}, "eventMetadata": {"eventId", "inferenceId"?,
  "inferenceTime"}}``, nested keys in alphabetical order and null fields left out, as the real
  merger's Spark writer does (examples_clarify_bias_adult/merged/merged_record_sample.json);
  lines are compact JSON. A record goes to the hour folder of its ``inferenceTime`` (its
  capture file's hour when it has none), one part file per folder.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticValidationError

from plimsoll.compat.capture_format import (
    CaptureRecord,
    CaptureSide,
    parse_line,
    to_json_line,
)
from plimsoll.compat.capture_time import inference_time
from plimsoll.compat.ground_truth import (
    GroundTruthRecord,
    MalformedLine,
    ground_truth_files,
    ground_truth_hours,
    read_lines,
)
from plimsoll.compat.monitor_window import capture_files_in_window

if TYPE_CHECKING:
    from plimsoll.storage.base import Storage

__all__ = [
    "IDS_KEPT",
    "MALFORMED_KEPT",
    "MERGE_FOLDER",
    "CaptureFile",
    "GroundTruthFile",
    "MalformedTally",
    "MergeReport",
    "MergeResult",
    "MergedRecord",
    "capture_key",
    "capture_parts",
    "load_and_merge",
    "merge",
    "merge_root",
    "merged_object_key",
    "merged_record",
    "read_capture_file",
    "write_merged",
]

MERGE_FOLDER = "merge"
MALFORMED_KEPT = 100
IDS_KEPT = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureFile:
    """One capture file's content and the endpoint, variant and hour folder it came from."""

    uri: str
    endpoint: str
    variant: str
    hour: datetime
    content: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class GroundTruthFile:
    """One ground-truth file's content; give files oldest upload first."""

    uri: str
    content: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class MergedRecord:
    """One merged record and the folder it belongs in."""

    endpoint: str
    variant: str
    hour: datetime
    record: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeReport:
    """What the merge did with every record it read.

    Capture side: ``capture_records = capture_outside_window + matched +
    captured_without_ground_truth``. Label side: ``ground_truth_records =
    ground_truth_matched_ids + ground_truth_unknown_id + ground_truth_outside_window +
    duplicate_ground_truth``. Lines that are neither count in ``malformed_lines``.
    """

    capture_records: int = 0
    capture_outside_window: int = 0
    matched: int = 0
    captured_without_ground_truth: int = 0
    duplicate_capture_ids: int = 0
    ground_truth_records: int = 0
    ground_truth_matched_ids: int = 0
    ground_truth_unknown_id: int = 0
    ground_truth_outside_window: int = 0
    duplicate_ground_truth: int = 0
    malformed_lines: int = 0
    malformed_by_reason: dict[str, int] = field(default_factory=dict)
    malformed: tuple[MalformedLine, ...] = ()
    unknown_ids: tuple[str, ...] = ()
    duplicate_ids: tuple[str, ...] = ()
    ground_truth_hours: tuple[str, ...] = ()
    missing_hours: tuple[str, ...] = ()
    ignored_objects: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (malformed lines as ``{"file", "line", "reason", "message"}``)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "malformed":
                value = [
                    {"file": m.source, "line": m.line, "reason": m.reason, "message": m.message}
                    for m in value
                ]
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def summary(self) -> str:
        """One line for logs: every non-zero count."""
        parts = [
            f"{name}={getattr(self, name)}"
            for name in (
                "capture_records",
                "capture_outside_window",
                "matched",
                "captured_without_ground_truth",
                "duplicate_capture_ids",
                "ground_truth_records",
                "ground_truth_unknown_id",
                "ground_truth_outside_window",
                "duplicate_ground_truth",
                "malformed_lines",
            )
            if getattr(self, name) or name in ("matched", "capture_records")
        ]
        if self.missing_hours:
            parts.append(f"missing_ground_truth_hours={len(self.missing_hours)}")
        return "ground-truth merge: " + ", ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeResult:
    """The merged records (capture order) and the report."""

    records: list[MergedRecord]
    report: MergeReport


# -- records ----------------------------------------------------------------------------------


def _side(side: CaptureSide) -> dict[str, str]:
    out = {"data": side.data, "encoding": side.encoding, "mode": side.mode}
    if side.observedContentType is not None:
        out["observedContentType"] = side.observedContentType
    return out


def capture_parts(capture: CaptureRecord) -> tuple[dict[str, Any], dict[str, Any]]:
    """A merged record's ``captureData`` and ``eventMetadata`` objects for one capture record."""
    data: dict[str, Any] = {}
    if capture.captureData.endpointInput is not None:
        data["endpointInput"] = _side(capture.captureData.endpointInput)
    if capture.captureData.endpointOutput is not None:
        data["endpointOutput"] = _side(capture.captureData.endpointOutput)
    meta = capture.eventMetadata
    metadata: dict[str, Any] = {}
    if meta.customAttributes is not None:
        metadata["customAttributes"] = list(meta.customAttributes)
    metadata["eventId"] = meta.eventId
    if meta.inferenceId is not None:
        metadata["inferenceId"] = meta.inferenceId
    if meta.inferenceTime is not None:
        metadata["inferenceTime"] = meta.inferenceTime
    return data, metadata


def merged_record(capture: CaptureRecord, truth: GroundTruthRecord) -> dict[str, Any]:
    """SageMaker's merged record of one capture record and its label."""
    data, metadata = capture_parts(capture)
    return {
        "eventVersion": capture.eventVersion,
        "groundTruthData": truth.ground_truth_data(),
        "captureData": data,
        "eventMetadata": metadata,
    }


def _capture_problem(exc: PydanticValidationError, source: str, line: int) -> MalformedLine:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
    where = ".".join(str(p) for p in first["loc"]) or "the record"
    return MalformedLine(
        source=source,
        line=line,
        reason="invalid_capture_record",
        message=f"not a capture record ({where}: {first['msg']})",
    )


def _numbered(content: bytes) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(content.splitlines(), 1):
        if line.strip():
            yield number, line


def capture_key(capture: CaptureRecord) -> str:
    """The merge key: ``inferenceId`` when the record has one, else ``eventId``."""
    meta = capture.eventMetadata
    return meta.inferenceId if meta.inferenceId is not None else meta.eventId


def read_capture_file(
    item: CaptureFile,
) -> tuple[list[tuple[CaptureRecord, datetime | None]], list[MalformedLine]]:
    """Every capture record of a file with its ``inferenceTime`` (None without one), and every
    line that is not a record or whose ``inferenceTime`` is unreadable, in line order."""
    records: list[tuple[CaptureRecord, datetime | None]] = []
    bad: list[MalformedLine] = []
    for number, line in _numbered(item.content):
        try:
            capture = parse_line(line)
        except PydanticValidationError as exc:
            bad.append(_capture_problem(exc, item.uri, number))
            continue
        text = capture.eventMetadata.inferenceTime
        try:
            moment = inference_time(text) if text else None
        except ValueError:
            bad.append(
                MalformedLine(
                    source=item.uri,
                    line=number,
                    reason="invalid_inference_time",
                    message=f"inferenceTime {text!r} is not YYYY-MM-DDTHH:MM:SSZ",
                )
            )
            continue
        records.append((capture, moment))
    return records, bad


# -- the merge --------------------------------------------------------------------------------


class MalformedTally:
    """Malformed lines by reason, the first ``MALFORMED_KEPT`` kept in reading order."""

    def __init__(self) -> None:
        self.malformed: list[MalformedLine] = []
        self.reasons: Counter[str] = Counter()

    def bad(self, problem: MalformedLine) -> None:
        self.reasons[problem.reason] += 1
        if len(self.malformed) < MALFORMED_KEPT:
            self.malformed.append(problem)


def _labels(
    files: Iterable[GroundTruthFile], tally: MalformedTally
) -> tuple[dict[str, GroundTruthRecord], int, int, list[str]]:
    labels: dict[str, GroundTruthRecord] = {}
    read = duplicates = 0
    duplicate_ids: list[str] = []
    for item in files:
        good, bad = read_lines(item.content, source=item.uri)
        for problem in bad:
            tally.bad(problem)
        for _, record in good:
            read += 1
            if record.event_id in labels:
                duplicates += 1
                if len(duplicate_ids) < IDS_KEPT and record.event_id not in duplicate_ids:
                    duplicate_ids.append(record.event_id)
            labels[record.event_id] = record  # the latest upload wins
    return labels, read, duplicates, duplicate_ids


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _floor_hour(when: datetime) -> datetime:
    return _utc(when).replace(minute=0, second=0, microsecond=0)


def merge(
    capture_files: Iterable[CaptureFile],
    ground_truth: Iterable[GroundTruthFile],
    *,
    window: tuple[datetime, datetime] | None = None,
) -> MergeResult:
    """Joins capture records to their labels (see the module docstring for the rules).

    Args:
        capture_files: the window's capture files, in order.
        ground_truth: the ground-truth files, oldest upload first.
        window: ``(start, end)`` in UTC; capture records outside are left out (counted).
    """
    tally = MalformedTally()
    labels, label_count, duplicates, duplicate_ids = _labels(ground_truth, tally)
    start, end = (_utc(window[0]), _utc(window[1])) if window is not None else (None, None)
    records: list[MergedRecord] = []
    used: set[str] = set()
    seen_keys: set[str] = set()
    outside_keys: set[str] = set()
    read = outside = without = repeated = 0
    for item in capture_files:
        captures, bad = read_capture_file(item)
        for problem in bad:
            tally.bad(problem)
        for capture, moment in captures:
            key = capture_key(capture)
            read += 1
            if start is not None and end is not None and moment is not None:
                if not start <= moment < end:
                    outside += 1
                    outside_keys.add(key)
                    continue
            if key in seen_keys:
                repeated += 1
            seen_keys.add(key)
            truth = labels.get(key)
            if truth is None:
                without += 1
                continue
            used.add(key)
            records.append(
                MergedRecord(
                    endpoint=item.endpoint,
                    variant=item.variant,
                    hour=_floor_hour(moment or item.hour),
                    record=merged_record(capture, truth),
                )
            )
    unused = [k for k in labels if k not in used]
    unknown = [k for k in unused if k not in outside_keys]
    report = MergeReport(
        capture_records=read,
        capture_outside_window=outside,
        matched=len(records),
        captured_without_ground_truth=without,
        duplicate_capture_ids=repeated,
        ground_truth_records=label_count,
        ground_truth_matched_ids=len(used),
        ground_truth_unknown_id=len(unknown),
        ground_truth_outside_window=len(unused) - len(unknown),
        duplicate_ground_truth=duplicates,
        malformed_lines=sum(tally.reasons.values()),
        malformed_by_reason=dict(tally.reasons),
        malformed=tuple(tally.malformed),
        unknown_ids=tuple(unknown[:IDS_KEPT]),
        duplicate_ids=tuple(duplicate_ids),
    )
    return MergeResult(records=records, report=report)


# -- storage ----------------------------------------------------------------------------------


def merge_root(output_uri: str) -> str:
    """``<monitoring output>/merge``: where the merge job's output ``result`` goes."""
    return f"{output_uri.rstrip('/')}/{MERGE_FOLDER}"


def merged_object_key(
    root: str, endpoint: str, variant: str, hour: datetime, write_id: str, part: int = 0
) -> str:
    """``<root>/<endpoint>/<variant>/yyyy/mm/dd/hh/part-NNNNN-<write_id>.c000.jsonl``."""
    folder = f"{root.rstrip('/')}/{endpoint}/{variant}/{_utc(hour):%Y/%m/%d/%H}"
    return f"{folder}/part-{part:05d}-{write_id}.c000.jsonl"


def write_merged(
    storage: Storage, root: str, records: Sequence[MergedRecord], *, write_id: str | None = None
) -> list[str]:
    """Writes one part file per (endpoint, variant, hour) folder; returns their URIs, sorted.

    ``root`` is the merge output (:func:`merge_root`, or the job's ``output_path``). No records,
    no files.
    """
    ident = write_id or str(uuid.uuid4())
    groups: dict[tuple[str, str, datetime], list[bytes]] = {}
    for item in records:
        groups.setdefault((item.endpoint, item.variant, item.hour), []).append(
            to_json_line(item.record)
        )
    written = []
    for (endpoint, variant, hour), lines in groups.items():
        uri = merged_object_key(root, endpoint, variant, hour, ident)
        storage.write_bytes(uri, b"".join(lines))
        written.append(uri)
    return sorted(written)


def _hour_of(relative: str) -> datetime:
    y, m, d, h = (int(p) for p in relative.split("/")[1:5])
    return datetime(y, m, d, h, tzinfo=UTC)


def load_and_merge(
    storage: Storage,
    *,
    capture_destination: str,
    endpoint: str,
    variant: str | None,
    start: datetime,
    end: datetime,
    ground_truth_uri: str,
    execution_time: datetime | None = None,
) -> MergeResult:
    """Reads the window's capture files and ground truth from ``storage`` and merges them.

    The report also lists the ground-truth hours read, those with no file
    (``missing_hours``) and objects there that are not ``.jsonl`` (``ignored_objects``).
    """
    base = f"{capture_destination.rstrip('/')}/{endpoint}/"
    captures = [
        CaptureFile(
            uri=info.uri,
            endpoint=endpoint,
            variant=info.uri[len(base) :].split("/", 1)[0],
            hour=_hour_of(info.uri[len(base) :]),
            content=storage.read_bytes(info.uri),
        )
        for info in capture_files_in_window(
            storage, capture_destination, endpoint, variant, start, end
        )
    ]
    found = ground_truth_files(
        storage, ground_truth_uri, ground_truth_hours(start, end, execution_time)
    )
    labels = [GroundTruthFile(uri=o.uri, content=storage.read_bytes(o.uri)) for o in found.files]
    result = merge(captures, labels, window=(start, end))
    report = replace(
        result.report,
        ground_truth_hours=tuple(f"{h:%Y/%m/%d/%H}" for h in found.hours),
        missing_hours=tuple(f"{h:%Y/%m/%d/%H}" for h in found.missing_hours),
        ignored_objects=found.ignored,
    )
    return MergeResult(records=result.records, report=report)
