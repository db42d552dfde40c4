"""The ground-truth merge on columns: the same records, bytes and report as the record path.

:func:`plimsoll.compat.ground_truth_merge.merge` builds one dict per merged record and
:func:`~plimsoll.compat.ground_truth_merge.write_merged` encodes each, a few microseconds per
record. :func:`merge_columns` reads every file into columns
(:mod:`plimsoll.compat.ground_truth_table`), joins them with Arrow's hash kernels and numpy, and
builds each hour folder's part file as one buffer of JSON lines::

    merged = merge_columns(capture_files, ground_truth_files, window=(start, end))
    merged.report        # == merge(...).report
    merged.parts         # MergedPart(endpoint, variant, hour, content): one part file,
                         # its bytes in Arrow buffers (to_bytes() joins them)

The rules are the record path's (see :mod:`plimsoll.compat.ground_truth_merge`), computed over
whole columns: the latest upload of an id wins, a repeated capture key counts in
``duplicate_capture_ids``, unused labels are split into "outside the window" and "unknown id",
malformed lines are tallied in reading order (ground truth first, then capture). When a record
holds a lone surrogate the whole merge runs record by record (:func:`record_parts` writes its
parts), so the result never depends on which path ran.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from plimsoll.compat.capture_format import to_json_line
from plimsoll.compat.ground_truth_merge import (
    IDS_KEPT,
    CaptureFile,
    GroundTruthFile,
    MalformedTally,
    MergedRecord,
    MergeReport,
    merge,
)
from plimsoll.compat.ground_truth_table import (
    NO_TIME,
    CaptureColumns,
    LabelColumns,
    RecordPathNeeded,
    capture_columns,
    label_columns,
)
from plimsoll.compat.merged_lines import merged_lines

__all__ = ["ColumnMerge", "MergedPart", "merge_columns", "record_parts"]

THREADS = max(2, min(8, os.cpu_count() or 1))  # files side by side: Arrow releases the GIL
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR = 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class MergedPart:
    """One part file: its folder's endpoint, variant and hour, and its JSON lines."""

    endpoint: str
    variant: str
    hour: datetime
    content: tuple[pa.Buffer, ...]  # the file is these buffers one after the other

    def to_bytes(self) -> bytes:
        return b"".join(buffer.to_pybytes() for buffer in self.content)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnMerge:
    """The merged part files (no records, no part) and the report; how many input files
    Arrow read (``columnar_files``) and how many went record by record."""

    parts: tuple[MergedPart, ...]
    report: MergeReport
    columnar_files: int
    record_files: int


def record_parts(records: Sequence[MergedRecord]) -> tuple[MergedPart, ...]:
    """The part files of records merged by the record path (as ``write_merged`` groups them)."""
    groups: dict[tuple[str, str, datetime], list[bytes]] = {}
    for item in records:
        key = (item.endpoint, item.variant, item.hour)
        groups.setdefault(key, []).append(to_json_line(item.record))
    return tuple(
        MergedPart(endpoint=e, variant=v, hour=h, content=(pa.py_buffer(b"".join(lines)),))
        for (e, v, h), lines in groups.items()
    )


def _microseconds(when: datetime) -> int:
    utc = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return (utc - _EPOCH) // timedelta(microseconds=1)


def _chunked(arrays: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    return pa.chunked_array([c for a in arrays for c in a.chunks], pa.string())


@dataclass(frozen=True, slots=True)
class _Keys:
    """Label ids and capture keys encoded together (one hash pass over both).

    Labels come first, so codes ``0 .. size - 1`` are the distinct label ids in first-upload
    order (the record path's dict order) and a capture key's code is a label's iff it is below
    ``size``.
    """

    dictionary: pa.Array
    size: int
    labels: npt.NDArray[np.int64]  # per label row
    captures: npt.NDArray[np.int64]  # per capture row


def _encode(label_ids: pa.ChunkedArray, capture_keys: pa.ChunkedArray) -> _Keys:
    both = pa.chunked_array([*label_ids.chunks, *capture_keys.chunks], pa.string())
    encoded = pc.dictionary_encode(both.combine_chunks())
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    labels, captures = codes[: len(label_ids)], codes[len(label_ids) :]
    size = int(labels.max()) + 1 if labels.size else 0
    return _Keys(dictionary=encoded.dictionary, size=size, labels=labels, captures=captures)


@dataclass(frozen=True, slots=True)
class _Labels:
    winner: npt.NDArray[np.int64]  # per label id, the row of its latest upload
    data: pa.Array
    encoding: pa.Array
    duplicate_ids: tuple[str, ...]


def _labels(files: list[LabelColumns], keys: _Keys) -> _Labels:
    codes = keys.labels
    rows = np.arange(codes.size, dtype=np.int64)
    winner = np.full(keys.size, -1, dtype=np.int64)
    np.maximum.at(winner, codes, rows)
    seen = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])) if codes.size else codes
    repeats = codes[codes <= seen]  # ids uploaded before, in upload order
    _, where = np.unique(repeats, return_index=True)
    shown = repeats[np.sort(where)][:IDS_KEPT]
    return _Labels(
        winner=winner,
        data=_chunked([f.data for f in files]).combine_chunks(),
        encoding=_chunked([f.encoding for f in files]).combine_chunks(),
        duplicate_ids=tuple(keys.dictionary.take(pa.array(shown)).to_pylist()),
    )


def _folders(
    files: Sequence[CaptureFile], columns: list[CaptureColumns], seconds: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], list[tuple[str, str, datetime]]]:
    """Each capture row's part file: an index into the returned (endpoint, variant, hour)s."""
    sizes = [c.rows for c in columns]
    names = sorted({(f.endpoint, f.variant) for f in files})
    index = {name: i for i, name in enumerate(names)}
    folder = np.repeat(np.asarray([index[(f.endpoint, f.variant)] for f in files]), sizes)
    file_hour = np.repeat(
        np.asarray([_microseconds(f.hour) // 1_000_000 for f in files], dtype=np.int64), sizes
    )
    if not seconds.size:
        return np.zeros(0, dtype=np.int64), []
    hours = np.where(seconds != NO_TIME, seconds, file_hour) // _HOUR
    first = int(hours.min())
    span = int(hours.max()) - first + 1
    key = folder * span + (hours - first)
    if span * len(names) <= 4 * key.size:  # a dense table of folders is cheaper than sorting
        present = np.zeros(span * len(names), dtype=np.bool_)
        present[key] = True
        distinct = np.flatnonzero(present)
        group = (np.cumsum(present) - 1)[key]
    else:
        distinct, group = np.unique(key, return_inverse=True)
    keys = [
        (*names[k // span], _EPOCH + timedelta(hours=first + k % span)) for k in distinct.tolist()
    ]
    return group.reshape(-1).astype(np.int64), keys


def _buffers(lines: pa.ChunkedArray, group: npt.NDArray[np.int64]) -> list[tuple[int, pa.Buffer]]:
    """Lines sorted by group: each group's lines in each chunk as one buffer (zero copy)."""
    found: list[tuple[int, pa.Buffer]] = []
    done = 0
    for chunk in lines.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset :]
        data = chunk.buffers()[2]
        ours = group[done : done + len(chunk)]
        bounds = np.flatnonzero(np.diff(ours)) + 1
        for begin, end in zip([0, *bounds.tolist()], [*bounds.tolist(), ours.size], strict=True):
            first, last = int(offsets[begin]), int(offsets[end])
            found.append((int(ours[begin]), data.slice(first, last - first)))
        done += len(chunk)
    return found


def _file_lines(
    columns: CaptureColumns,
    labels: _Labels,
    rows: npt.NDArray[np.int64],
    label_rows: npt.NDArray[np.int64],
) -> pa.ChunkedArray:
    """The merged JSON lines of ``rows`` of one capture file, with the labels of ``label_rows``."""
    take = pa.array(rows)
    fields = {name: values.take(take).combine_chunks() for name, values in columns.fields.items()}
    chosen = pa.array(label_rows)
    fields["groundTruthData.data"] = labels.data.take(chosen)
    fields["groundTruthData.encoding"] = labels.encoding.take(chosen)
    return merged_lines(fields, rows.size)


def _merge(
    captures: Sequence[CaptureFile],
    truth_files: Sequence[GroundTruthFile],
    window: tuple[datetime, datetime] | None,
) -> ColumnMerge:
    tally = MalformedTally()
    with ThreadPoolExecutor(THREADS, thread_name_prefix="merge-read") as pool:
        label_files = list(pool.map(label_columns, truth_files))
        capture_files = list(pool.map(capture_columns, captures))
    malformed = [p for f in label_files for p in f.malformed]
    for problem in malformed + [p for f in capture_files for p in f.malformed]:
        tally.bad(problem)
    keys = _encode(
        _chunked([f.ids for f in label_files]), _chunked([c.keys for c in capture_files])
    )
    labels = _labels(label_files, keys)
    seconds = np.concatenate([c.seconds for c in capture_files] or [np.zeros(0, np.int64)])
    inside = np.ones(seconds.size, dtype=np.bool_)
    if window is not None:
        timed = seconds != NO_TIME
        moment = np.where(timed, seconds, 0) * 1_000_000
        start, end = _microseconds(window[0]), _microseconds(window[1])
        inside = ~timed | ((moment >= start) & (moment < end))
    size = keys.size
    codes = np.where(keys.captures < size, keys.captures, -1)
    hit = inside & (codes >= 0)
    used = np.zeros(size, dtype=np.bool_)
    used[codes[hit]] = True
    elsewhere = np.zeros(size, dtype=np.bool_)
    elsewhere[codes[~inside & (codes >= 0)]] = True
    unknown = ~used & ~elsewhere
    in_window, matched = int(inside.sum()), int(hit.sum())
    distinct = np.zeros(len(keys.dictionary), dtype=np.bool_)
    distinct[keys.captures[inside]] = True
    group, folders = _folders(captures, capture_files, seconds)
    bounds = np.cumsum([0, *(c.rows for c in capture_files)]).tolist()

    def file_parts(number: int) -> list[tuple[int, pa.Buffer]]:
        begin, stop = bounds[number], bounds[number + 1]
        local = np.flatnonzero(hit[begin:stop])
        local = local[np.argsort(group[begin:stop][local], kind="stable")]
        if not local.size:
            return []
        label_rows = labels.winner[codes[begin + local]]
        lines = _file_lines(capture_files[number], labels, local, label_rows)
        return _buffers(lines, group[begin + local])

    pieces: dict[int, list[pa.Buffer]] = {}
    with ThreadPoolExecutor(THREADS, thread_name_prefix="merge-lines") as pool:
        for found in pool.map(file_parts, range(len(capture_files))):
            for index, buffer in found:
                pieces.setdefault(index, []).append(buffer)
    parts = tuple(
        MergedPart(endpoint=e, variant=v, hour=h, content=tuple(pieces[i]))
        for i, (e, v, h) in enumerate(folders)
        if i in pieces
    )
    report = MergeReport(
        capture_records=int(seconds.size),
        capture_outside_window=int(seconds.size - in_window),
        matched=matched,
        captured_without_ground_truth=in_window - matched,
        duplicate_capture_ids=in_window - int(distinct.sum()),
        ground_truth_records=keys.labels.size,
        ground_truth_matched_ids=int(used.sum()),
        ground_truth_unknown_id=int(unknown.sum()),
        ground_truth_outside_window=int((~used).sum() - unknown.sum()),
        duplicate_ground_truth=keys.labels.size - size,
        malformed_lines=sum(tally.reasons.values()),
        malformed_by_reason=dict(tally.reasons),
        malformed=tuple(tally.malformed),
        unknown_ids=tuple(
            keys.dictionary.take(pa.array(np.flatnonzero(unknown)[:IDS_KEPT])).to_pylist()
        ),
        duplicate_ids=labels.duplicate_ids,
    )
    columnar = [f.columnar for f in label_files] + [f.columnar for f in capture_files]
    return ColumnMerge(
        parts=parts,
        report=report,
        columnar_files=sum(columnar),
        record_files=len(columnar) - sum(columnar),
    )


def merge_columns(
    captures: Sequence[CaptureFile],
    ground_truth: Sequence[GroundTruthFile],
    *,
    window: tuple[datetime, datetime] | None = None,
) -> ColumnMerge:
    """``merge(captures, ground_truth, window=window)`` as part files (see the module doc)."""
    try:
        return _merge(captures, ground_truth, window)
    except RecordPathNeeded:
        result = merge(captures, ground_truth, window=window)
        return ColumnMerge(
            parts=record_parts(result.records),
            report=result.report,
            columnar_files=0,
            record_files=len(captures) + len(ground_truth),
        )
