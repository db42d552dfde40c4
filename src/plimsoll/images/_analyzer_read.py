"""The analyzer's inputs: dataset files (CSV, JSON, Parquet) and capture files, as profiles.

Dataset files are profiled block by block (a block is profiled, then merged) so a baseline
never has to fit in memory. Capture files become one table: files of one-row CSV records
through the columnar fast path (:mod:`plimsoll.compat.capture_table`), every other file
through :func:`plimsoll.compat.monitor_input.records_to_table`, which filters records by the
window, counts and skips unreadable lines, and applies the record preprocessor.

``exclude_features_attribute`` names features to leave out before profiling: a comma-separated
list (or JSON array) of column names and/or 0-based column positions.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from plimsoll.compat.analyzer_config import AnalyzerConfig, AnalyzerConfigError
from plimsoll.compat.capture_table import FastTable, capture_file_table
from plimsoll.compat.monitor_input import (
    DEFAULT_CAPTURE_INDEX_NAMES,
    NO_DATA_MESSAGE,
    InputCounts,
    MonitorInput,
    records_to_table,
)
from plimsoll.compat.preprocess import Preprocessor
from plimsoll.engines.profile import ZERO, ProfileState, merge, profile_batch
from plimsoll.errors import InsufficientData

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = ["Exclusions", "capture_input", "data_files", "dataset_state", "file_state"]

BLOCK_BYTES = 32 << 20  # Arrow reads CSV in blocks; each block is profiled, then merged
WHOLE_FILE_BYTES = 256 << 20  # smaller CSV files are read at once, larger ones streamed
PREFETCH_BLOCKS = 2  # blocks read ahead while the previous ones are profiled
READ_THREADS = max(2, min(8, os.cpu_count() or 1))  # capture files parsed at once
PARQUET_BATCH_ROWS = 64 << 10


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Columns to drop before profiling: by name and by position."""

    names: frozenset[str] = frozenset()
    positions: frozenset[int] = frozenset()

    @classmethod
    def parse(cls, spec: str | None) -> Exclusions:
        """From ``exclude_features_attribute`` (``"a,3"`` or ``["a", 3]``)."""
        if not spec or not spec.strip():
            return cls()
        try:
            items = json.loads(spec)
        except ValueError:
            items = next(csv.reader([spec]), [])
        if not isinstance(items, list):
            items = [items]
        names, positions = set(), set()
        for item in items:
            text = str(item).strip()
            if text.lstrip("-").isdigit():
                positions.add(int(text))
            elif text:
                names.add(text)
        return cls(frozenset(names), frozenset(positions))

    def __bool__(self) -> bool:
        return bool(self.names or self.positions)

    def excludes(self, position: int, name: str) -> bool:
        return position in self.positions or name in self.names

    def apply(self, table: pa.Table) -> pa.Table:
        """``table`` without the excluded columns."""
        if not self:
            return table
        keep = [i for i, n in enumerate(table.schema.names) if not self.excludes(i, n)]
        return table.select(keep)


def data_files(source: Path) -> list[Path]:
    """Every visible file under ``source`` (or ``source`` itself), sorted."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        return []
    return sorted(
        p
        for p in source.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def _csv_batches(path: Path, header: bool, names: list[str] | None) -> Iterator[pa.RecordBatch]:
    """Blocks of the file with every column as text: the engine types them, as Deequ does.

    Without a header, columns are named by position after ``names`` (baseline features,
    label first), past its end (or without it) Spark's ``_c{i}``.
    """
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        first = next(csv.reader(fh), [])
    if header:
        columns = first
    else:
        known = names or []
        columns = [known[i] if i < len(known) else f"_c{i}" for i in range(len(first))]
    read = pacsv.ReadOptions(
        block_size=BLOCK_BYTES, column_names=columns, skip_rows=1 if header else 0
    )
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(columns, pa.string()), strings_can_be_null=True
    )
    if path.stat().st_size <= WHOLE_FILE_BYTES:
        # One multi-threaded read beats the streaming reader's single thread 2-3x.
        yield from pacsv.read_csv(path, read_options=read, convert_options=convert).to_batches(
            max_chunksize=None
        )
        return
    with pacsv.open_csv(path, read_options=read, convert_options=convert) as reader:
        yield from reader


def _json_tables(path: Path, lines: bool) -> Iterator[pa.Table]:
    if lines:
        yield pajson.read_json(path)
        return
    document = json.loads(path.read_text(encoding="utf-8"))
    rows = document if isinstance(document, list) else [document]
    yield pa.Table.from_pylist([r for r in rows if isinstance(r, dict)])


def _batches(config: AnalyzerConfig, path: Path, names: list[str] | None) -> Iterator[pa.Table]:
    csv_format, lines = config.csv_format(), config.json_lines()
    if csv_format is not None:
        yield from (pa.Table.from_batches([b]) for b in _csv_batches(path, csv_format[0], names))
    elif lines is not None:
        yield from _json_tables(path, lines)
    elif config.is_parquet():
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH_ROWS):
            yield pa.Table.from_batches([batch])
    else:
        raise AnalyzerConfigError(
            f"dataset_format {json.dumps(config.get('dataset_format'))} is not supported; "
            "use csv, json, parquet or sagemakerCaptureJson"
        )


def file_state(
    config: AnalyzerConfig, path: Path, feature_names: list[str] | None, exclusions: Exclusions
) -> ProfileState:
    """The profile of one dataset file (CSV, JSON or Parquet), block by block."""
    logger.info("Files to process: %s", path)
    state = ZERO
    for table in _read_ahead(_batches(config, path, feature_names)):
        state = merge(state, profile_batch(exclusions.apply(table)))
    return state


def dataset_state(
    config: AnalyzerConfig, *, feature_names: list[str] | None, exclusions: Exclusions
) -> ProfileState:
    """The merged profile of every ``dataset_source`` file (CSV, JSON or Parquet).

    Raises:
        InsufficientData: no file, or no row in the files.
        AnalyzerConfigError: an unsupported ``dataset_format``.
    """
    source = Path(config.get("dataset_source"))
    files = data_files(source)
    if not files:
        raise InsufficientData(f"{NO_DATA_MESSAGE}: no file under dataset_source {source}")
    state = ZERO
    for path in files:
        state = merge(state, file_state(config, path, feature_names, exclusions))
    if state.item_count == 0:
        raise InsufficientData(NO_DATA_MESSAGE)
    return state


def _by_record(
    config: AnalyzerConfig,
    files: list[Path],
    feature_names: list[str] | None,
    window: tuple[datetime, datetime] | None,
    preprocessor: Preprocessor | None,
    columnar_tables: list[pa.Table],
) -> MonitorInput:
    """The record-by-record part; an empty result when the columnar part has the rows."""
    empty = MonitorInput(
        table=pa.table({}),
        counts=InputCounts(
            records_read=0, records_in_window=0, outside_window=0, dropped_by_preprocessor=0, rows=0
        ),
    )
    if not files:
        if not columnar_tables:
            raise InsufficientData(NO_DATA_MESSAGE)
        return empty
    try:
        return records_to_table(
            _lines(files),
            feature_names=feature_names,
            features_attribute=config.get("features_attribute"),
            inference_attribute=config.get("inference_attribute"),
            capture_index_names=config.capture_index_names() or (),
            window=window,
            preprocessor=preprocessor,
        )
    except InsufficientData:
        if columnar_tables:
            return empty
        raise


def _read_ahead(tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """``tables`` read by a background thread up to ``PREFETCH_BLOCKS`` ahead: Arrow parses
    the next block (without the GIL) while the current one is being profiled."""
    slots: queue.Queue[pa.Table | BaseException | None] = queue.Queue(PREFETCH_BLOCKS)

    def produce() -> None:
        try:
            for table in tables:
                slots.put(table)
        except BaseException as exc:  # handed to the consumer, raised there
            slots.put(exc)
            return
        slots.put(None)

    reader = threading.Thread(target=produce, name="analyzer-read-ahead", daemon=True)
    reader.start()
    while (item := slots.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
    reader.join()


def _lines(files: list[Path]) -> Iterator[bytes]:
    for path in files:
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    yield line


def capture_input(
    config: AnalyzerConfig,
    *,
    feature_names: list[str] | None,
    window: tuple[datetime, datetime] | None,
    preprocessor: Preprocessor | None,
    exclusions: Exclusions,
    files: list[Path] | None = None,
) -> MonitorInput:
    """The table of the capture records under ``dataset_source`` inside ``window``.

    Args:
        files: The capture files to read (default: every file under ``dataset_source``).

    Raises:
        InsufficientData: no record in the window (SageMaker's "Job inputs had no data").
        EngineError: encoding mismatch or a failing preprocessor.
    """
    if files is None:
        files = data_files(Path(config.get("dataset_source")))
    logger.info("Files to process: %d capture files", len(files))
    names = tuple(config.capture_index_names() or ())
    columnar = (
        preprocessor is None
        and not config.get("features_attribute")
        and not config.get("inference_attribute")
        and set(names or DEFAULT_CAPTURE_INDEX_NAMES) == set(DEFAULT_CAPTURE_INDEX_NAMES)
    )
    tables: list[pa.Table] = []
    read = outside = 0
    by_record: list[Path] = []
    fast_tables: list[FastTable | None] = [None] * len(files)
    if columnar:  # Arrow parses without the GIL: files are read side by side
        with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="capture-read") as pool:
            fast_tables = list(
                pool.map(
                    lambda p: capture_file_table(p, feature_names=feature_names, window=window),
                    files,
                )
            )
    for path, fast in zip(files, fast_tables, strict=True):
        if fast is None:
            by_record.append(path)
            continue
        read, outside = read + fast.records_read, outside + fast.outside_window
        if fast.table.num_rows:
            tables.append(fast.table)
    logger.info(
        "%d capture files read as columns, %d record by record",
        len(files) - len(by_record),
        len(by_record),
    )
    result = _by_record(config, by_record, feature_names, window, preprocessor, tables)
    if tables:
        fast_rows = sum(t.num_rows for t in tables)
        table = pa.concat_tables([*tables, result.table], promote_options="default")
        result = MonitorInput(
            table=table,
            counts=replace(
                result.counts,
                records_read=result.counts.records_read + read,
                records_in_window=result.counts.records_in_window + read - outside,
                outside_window=result.counts.outside_window + outside,
                rows=result.counts.rows + fast_rows,
            ),
        )
    elif read:
        result = MonitorInput(
            table=result.table,
            counts=replace(
                result.counts,
                records_read=result.counts.records_read + read,
                outside_window=result.counts.outside_window + outside,
            ),
        )
    counts = result.counts
    logger.info(
        "Read %d capture records: %d in the window, %d outside, %d skipped %s, "
        "%d dropped by the preprocessor",
        counts.records_read,
        counts.records_in_window,
        counts.outside_window,
        sum(counts.skipped.values()),
        counts.skipped or "",
        counts.dropped_by_preprocessor,
    )
    if not exclusions:
        return result
    return MonitorInput(table=exclusions.apply(result.table), counts=counts)
