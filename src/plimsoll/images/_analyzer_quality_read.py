"""Model-quality inputs: ground truth, predictions and probabilities as columns.

Three sources (``dataset_format``):

* CSV dataset (baselining): with a header the attributes are column names (a name missing from
  the header but made of digits is taken as a 0-based index); without one they are 0-based
  indexes.
* JSON lines dataset (baselining): each line an object, the attributes JMESPath expressions
  (``label``, ``output.score``, ``predictions[0]``).
* Merged records (``sagemakerMergeJson``, a monitoring execution): the prediction and the
  probability come from ``captureData.endpointOutput`` (CSV: the attributes are column indexes
  of the output line, the prediction defaults to column 0; JSON: JMESPath expressions into the
  output), the ground truth from ``groundTruthData.data`` (CSV: the whole text; JSON: the
  ``ground_truth_attribute`` expression, or the whole value without one). A record whose output
  and ground truth hold several rows (CSV lines or JSON arrays of equal length) gives one row
  each. Records with ``inferenceTime`` outside ``[start_time, end_time)`` are left out;
  unreadable lines are counted by reason and skipped. Files of one-row CSV outputs and labels
  are read as columns (:mod:`plimsoll.images._analyzer_quality_table`), the others record by
  record; the engine is handed the same values either way.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jmespath
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from jmespath.exceptions import JMESPathError

from plimsoll.compat.analyzer_config import AnalyzerConfig, AnalyzerConfigError
from plimsoll.compat.capture_time import inference_time
from plimsoll.compat.monitor_input import NO_DATA_MESSAGE
from plimsoll.errors import InsufficientData, ValidationError
from plimsoll.images._analyzer_quality_table import MergedFileColumns, merged_file_columns
from plimsoll.images._analyzer_read import READ_THREADS, data_files

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = ["MERGE_FORMAT", "QualityColumns", "Attributes", "dataset_columns", "merged_columns"]

MERGE_FORMAT = "sagemakerMergeJson"
MERGE_REPORT = "merge_report.json"  # written by the merger next to the merged records
_DECIMAL = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$"


@dataclass(frozen=True, slots=True, kw_only=True)
class Attributes:
    """Where the three columns are: names, indexes or JMESPath expressions (None: absent)."""

    ground_truth: str | None
    inference: str | None
    probability: str | None


Column = list[Any] | npt.NDArray[Any]
"""A column of values: a list as the readers append them, or the fast path's numpy array."""


def _append(column: Column, value: Any) -> None:
    if not isinstance(column, list):
        raise TypeError("rows are appended to list columns only")
    column.append(value)


@dataclass(slots=True, kw_only=True)
class QualityColumns:
    """One value per row; ``predicted`` / ``probability`` are None when not configured."""

    ground_truth: Column = field(default_factory=list)
    predicted: Column | None = None
    probability: Column | None = None
    records_read: int = 0
    outside_window: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @classmethod
    def empty(cls, attributes: Attributes, *, default_inference: bool = False) -> QualityColumns:
        has_inference = attributes.inference is not None or (
            default_inference and attributes.probability is None
        )
        return cls(
            predicted=[] if has_inference else None,
            probability=[] if attributes.probability is not None else None,
        )

    def add(self, truth: Any, predicted: Any, probability: Any) -> None:
        _append(self.ground_truth, truth)
        if self.predicted is not None:
            _append(self.predicted, predicted)
        if self.probability is not None:
            _append(self.probability, probability)

    @property
    def rows(self) -> int:
        return len(self.ground_truth)


# -- CSV and JSON lines datasets ---------------------------------------------------------------


def _column(attribute: str, key: str, header: Sequence[str] | None, path: Path) -> int:
    if header is not None and attribute in header:
        return list(header).index(attribute)
    if attribute.strip().isdigit():
        return int(attribute)
    shown = f"; its columns are {list(header)}" if header is not None else ""
    raise ValidationError(f"{key} {attribute!r} is not a column of {path.name}{shown}.")


def _csv_rows(path: Path, header: bool, attributes: Attributes, out: QualityColumns) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        names = next(reader, None) if header else None
        if header and names is None:
            return
        wanted = (
            ("ground_truth_attribute", attributes.ground_truth),
            ("inference_attribute", attributes.inference),
            ("probability_attribute", attributes.probability),
        )
        indexes = [None if a is None else _column(a, k, names, path) for k, a in wanted]
        for number, row in enumerate(reader, start=2 if header else 1):
            if not row:
                continue
            out.records_read += 1
            try:
                values = [None if i is None else row[i] for i in indexes]
            except IndexError:
                raise ValidationError(
                    f"{path.name} line {number} has {len(row)} columns, fewer than the "
                    "attributes need."
                ) from None
            out.add(*values)


def _search(expression: str, key: str, document: Any) -> Any:
    try:
        return jmespath.search(expression, document)
    except JMESPathError as exc:
        raise AnalyzerConfigError(
            f"{key} {expression!r} is not a JMESPath expression: {exc}"
        ) from exc


def _json_rows(path: Path, attributes: Attributes, out: QualityColumns) -> None:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            out.records_read += 1
            try:
                document = json.loads(line)
            except ValueError:
                raise ValidationError(f"{path.name} line {number} is not JSON.") from None
            out.add(
                *(
                    None if a is None else _search(a, k, document)
                    for k, a in (
                        ("ground_truth_attribute", attributes.ground_truth),
                        ("inference_attribute", attributes.inference),
                        ("probability_attribute", attributes.probability),
                    )
                )
            )


def dataset_columns(config: AnalyzerConfig, attributes: Attributes) -> QualityColumns:
    """The columns of every ``dataset_source`` file (CSV or JSON lines), for baselining.

    Raises:
        InsufficientData: no file or no row.
        AnalyzerConfigError: an unsupported ``dataset_format`` or a missing attribute.
        ValidationError: a row too short, a line that is not JSON, an unknown column.
    """
    if attributes.ground_truth is None:
        raise AnalyzerConfigError("MODEL_QUALITY baselining needs ground_truth_attribute")
    csv_format, lines = config.csv_format(), config.json_lines()
    if csv_format is None and lines is None:
        raise AnalyzerConfigError(
            f"dataset_format {json.dumps(config.get('dataset_format'))} is not supported for "
            "MODEL_QUALITY baselining; use csv or json (lines)"
        )
    source = Path(config.get("dataset_source"))
    files = data_files(source)
    if not files:
        raise InsufficientData(f"{NO_DATA_MESSAGE}: no file under dataset_source {source}")
    out = QualityColumns.empty(attributes)
    for path in files:
        logger.info("Files to process: %s", path)
        if csv_format is not None:
            _csv_rows(path, csv_format[0], attributes, out)
        else:
            _json_rows(path, attributes, out)
    return out


# -- merged records ----------------------------------------------------------------------------


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _csv_lines(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text.strip())) if row]


def _index(attribute: str, key: str) -> int:
    if not attribute.strip().isdigit():
        raise AnalyzerConfigError(
            f"{key} {attribute!r} must be a 0-based column index for CSV endpoint output"
        )
    return int(attribute)


def _as_rows(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _output_rows(side: Any, attributes: Attributes) -> tuple[list[Any], list[Any]]:
    """(predictions, probabilities) of one endpointOutput, one entry per row."""
    if not isinstance(side, dict) or not isinstance(side.get("data"), str):
        raise _Skip("missing_endpoint_output")
    inference = attributes.inference
    if inference is None and attributes.probability is None:
        inference = "0"
    encoding = str(side.get("encoding") or "CSV").upper()
    if encoding == "CSV":
        lines = _csv_lines(side["data"])
        wanted = (
            ("inference_attribute", inference),
            ("probability_attribute", attributes.probability),
        )
        picks = [None if a is None else _index(a, k) for k, a in wanted]
        try:
            rows = [[None if i is None else line[i] for i in picks] for line in lines]
        except IndexError:
            raise _Skip("output_column_missing") from None
        return [r[0] for r in rows], [r[1] for r in rows]
    if encoding != "JSON":
        raise _Skip("unsupported_output_encoding")
    try:
        document = json.loads(side["data"])
    except ValueError:
        raise _Skip("output_not_json") from None
    predicted = (
        [] if inference is None else _as_rows(_search(inference, "inference_attribute", document))
    )
    probability = (
        []
        if attributes.probability is None
        else _as_rows(_search(attributes.probability, "probability_attribute", document))
    )
    size = max(len(predicted), len(probability))
    return (predicted or [None] * size), (probability or [None] * size)


def _truth_rows(truth: Any, attribute: str | None) -> list[Any]:
    if not isinstance(truth, dict) or not isinstance(truth.get("data"), str):
        raise _Skip("missing_ground_truth")
    encoding = str(truth.get("encoding") or "CSV").upper()
    if encoding == "CSV":
        lines = [line.strip() for line in truth["data"].strip().splitlines() if line.strip()]
        return lines or [""]
    try:
        document = json.loads(truth["data"])
    except ValueError:
        raise _Skip("ground_truth_not_json") from None
    value = document if not attribute else _search(attribute, "ground_truth_attribute", document)
    return _as_rows(value)


def _merged_record(
    line: bytes,
    attributes: Attributes,
    window: tuple[datetime, datetime] | None,
    out: QualityColumns,
) -> None:
    try:
        record = json.loads(line)
    except ValueError:
        raise _Skip("not_json") from None
    if not isinstance(record, dict):
        raise _Skip("not_a_record")
    meta = record.get("eventMetadata") or {}
    moment = meta.get("inferenceTime") if isinstance(meta, dict) else None
    if window is not None and moment:
        try:
            when = inference_time(str(moment))
        except ValueError:
            raise _Skip("invalid_inference_time") from None
        if not window[0] <= when < window[1]:
            out.outside_window += 1
            return
    capture = record.get("captureData") or {}
    predicted, probability = _output_rows(
        capture.get("endpointOutput") if isinstance(capture, dict) else None, attributes
    )
    truths = _truth_rows(record.get("groundTruthData"), attributes.ground_truth)
    if len(truths) != len(predicted):
        raise _Skip("row_count_mismatch")
    for values in zip(truths, predicted, probability, strict=True):
        out.add(*values)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, line


def _record_file(
    path: Path,
    attributes: Attributes,
    window: tuple[datetime, datetime] | None,
    skipped: Counter[str],
) -> QualityColumns:
    """One file's rows record by record; skips are counted in ``skipped`` (all files')."""
    out = QualityColumns.empty(attributes, default_inference=True)
    for number, line in _lines(path):
        out.records_read += 1
        try:
            _merged_record(line, attributes, window, out)
        except _Skip as skip:
            skipped[skip.reason] += 1
            if sum(skipped.values()) <= 10:
                logger.warning("Skipped %s line %d: %s", path, number, skip.reason)
    return out


def _picks(attributes: Attributes) -> tuple[int | None, int | None] | None:
    """The CSV output columns the record path reads, or None when it fails on an attribute."""
    inference = attributes.inference
    if inference is None and attributes.probability is None:
        inference = "0"
    try:
        return (
            None if inference is None else _index(inference, "inference_attribute"),
            None
            if attributes.probability is None
            else _index(attributes.probability, "probability_attribute"),
        )
    except AnalyzerConfigError:
        return None


def _strings(values: pa.Array) -> npt.NDArray[np.str_]:
    """What ``np.asarray`` makes of the record path's list of these strings (labels: few
    distinct values, each converted once)."""
    encoded = pc.dictionary_encode(values)
    distinct = np.asarray(encoded.dictionary.to_pylist(), dtype=np.str_)
    strings: npt.NDArray[np.str_] = distinct[encoded.indices.to_numpy(zero_copy_only=False)]
    return strings


def _numbers(values: pa.Array) -> npt.NDArray[np.float64] | None:
    """The probabilities as float64 when every one is a plain decimal, which Arrow's parser and
    Python's ``float`` (what ``np.asarray(strings, dtype=float64)`` uses) round alike."""
    if pc.all(pc.fill_null(pc.match_substring_regex(values, _DECIMAL), False)).as_py() is not True:
        return None
    try:
        numbers = values.cast(pa.float64())
    except pa.ArrowInvalid:  # out of range: the record path's list gives the engine's answer
        return None
    return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.float64)


def _concat(arrays: list[pa.Array | None]) -> pa.Array:
    return pa.concat_arrays([a for a in arrays if a is not None] or [pa.array([], pa.string())])


def _combined(
    parts: list[QualityColumns | MergedFileColumns], attributes: Attributes
) -> QualityColumns:
    """Every file's rows, in file order, as the record path would hand them to the engine:
    numpy arrays when every row was read as columns, else one list per column."""
    out = QualityColumns.empty(attributes, default_inference=True)
    fast = [p for p in parts if isinstance(p, MergedFileColumns)]
    if fast and all(isinstance(p, MergedFileColumns) or not p.rows for p in parts):
        out.ground_truth = _strings(_concat([p.ground_truth for p in fast]))
        if out.predicted is not None:
            out.predicted = _strings(_concat([p.predicted for p in fast]))
        if out.probability is not None:
            probability = _concat([p.probability for p in fast])
            numbers = _numbers(probability)
            out.probability = probability.to_pylist() if numbers is None else numbers
        return out
    columns: list[list[Any] | None] = [
        [],
        None if out.predicted is None else [],
        None if out.probability is None else [],
    ]
    for part in parts:
        found = (part.ground_truth, part.predicted, part.probability)
        for values, column in zip(found, columns, strict=True):
            if column is not None and values is not None:
                column.extend(values.to_pylist() if isinstance(values, pa.Array) else values)
    out.ground_truth, out.predicted, out.probability = columns[0] or [], columns[1], columns[2]
    return out


def merged_columns(
    config: AnalyzerConfig, attributes: Attributes, window: tuple[datetime, datetime] | None
) -> QualityColumns:
    """The columns of the merged records under ``dataset_source`` inside ``window``.

    Files :func:`~plimsoll.images._analyzer_quality_table.merged_file_columns` reads exactly
    are read as columns, the others record by record; the rows are the same either way.

    Raises:
        InsufficientData: no merged record in the window ("Job inputs had no data").
        AnalyzerConfigError: an attribute that cannot address the output.
    """
    every = data_files(Path(config.get("dataset_source")))
    files = [p for p in every if p.name != MERGE_REPORT]  # the merger's report is no record
    logger.info("Files to process: %d merged files", len(files))
    picks = _picks(attributes)
    skipped: Counter[str] = Counter()
    parts: list[QualityColumns | MergedFileColumns] = []
    read = outside = by_record = 0

    def columns(path: Path) -> MergedFileColumns | None:
        return merged_file_columns(path.read_bytes(), picks=picks, window=window)

    with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="merged-read") as pool:
        found = list(pool.map(columns, files))  # Arrow parses without the GIL
    for path, fast in zip(files, found, strict=True):
        part: QualityColumns | MergedFileColumns | None = fast
        if part is None:
            part = _record_file(path, attributes, window, skipped)
            by_record += 1
        read += part.records_read
        outside += part.outside_window
        parts.append(part)
    out = _combined(parts, attributes)
    out.records_read, out.outside_window, out.skipped = read, outside, skipped
    logger.info(
        "%d merged files read as columns, %d record by record", len(files) - by_record, by_record
    )
    logger.info(
        "Read %d merged records: %d outside the window, %d skipped %s, %d rows",
        out.records_read,
        out.outside_window,
        sum(out.skipped.values()),
        dict(out.skipped) or "",
        out.rows,
    )
    if out.rows == 0:
        detail = f" ({dict(out.skipped)} records unreadable)" if out.skipped else ""
        raise InsufficientData(f"{NO_DATA_MESSAGE}{detail}")
    return out
