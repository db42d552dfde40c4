"""The Clarify image's monitoring input: captured (or merged) records read into a Dataset.

A ModelBias / ModelExplainability monitoring job reads no dataset file: ``dataset_source``
holds the endpoint's Data Capture records (explainability) or the ground-truth merger's merged
records (bias), JSON Lines files laid out ``<endpoint>/<variant>/yyyy/mm/dd/hh/<file>``. Every
file under it is read (recursively, in name order; hidden files and the merger's
``merge_report.json`` are not records), one record per line, and each record becomes one or
more rows of the table the bias and explain paths use (:class:`Dataset`):

* ``captureData.endpointInput`` gives the feature rows. CSV: every CSV line of the data is a
  row. JSON: ``features_attribute`` is a JMESPath into the request (``instances[*].features``);
  it, or the document itself without one, must give a list of values (one row) or a list of
  lists (a batch). A JSON Lines request body is read line by line.
* ``captureData.endpointOutput`` gives the predicted label (bias only): the value at
  ``inference_attribute`` when given, else the score at ``probability_attribute`` turned into
  1 when it is **greater than** ``probability_threshold_attribute`` (default 0.5) and 0
  otherwise, Clarify's own rule (spec clarify.md §1.2 ``probability_threshold``). CSV output:
  the attribute is a 0-based column index of each output line; without one each line must hold
  a single value (a single line holding one value per input row is read as that). JSON output:
  the attribute is a JMESPath; without one the document is the value (or list of values).
* ``groundTruthData`` gives the label (bias only). CSV: one value per line (a single line
  holding one value per row is read as that). JSON: the config's ``label`` is a JMESPath into
  it (``instances[*].label``); the document itself when ``label`` is not a string.
* BASE64 sides are decoded first and read as CSV or JSON by ``observedContentType`` (ground
  truth, which has none: JSON when it parses, else CSV).

Column names: the config's ``headers`` without the label's header (the ``label`` name when it
is one of them, the header at the ``label`` index, else the last header when there is one more
header than features: the JSON Lines rule of the monitor docs); without ``headers``
``column_0``, ``column_1``, ... as a Clarify job names a headerless dataset, so the names agree
with the baseline ``analysis.json``. Values are typed as the CSV reader types them (integers,
floats, else text).

Records whose ``eventMetadata.inferenceTime`` is outside ``[start_time, end_time)`` are not
analysed (counted and logged); records without one are kept, as the analyzer keeps them.
Nothing is dropped silently otherwise: a line that is not a record, a side that cannot be read,
row counts that disagree within a record (features, predictions, labels) or a bias record
without ``groundTruthData`` fail the job with a message naming the file, the line and the
counts. No record in the window fails it with SageMaker's ``Job inputs had no data``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jmespath
import numpy as np
import numpy.typing as npt
from jmespath.exceptions import JMESPathError

from plimsoll.compat.capture_format import media_type
from plimsoll.compat.capture_time import inference_time
from plimsoll.compat.clarify_analysis_config import AnalysisConfig
from plimsoll.compat.monitor_input import NO_DATA_MESSAGE
from plimsoll.engines.bias import predicted_labels_from_scores
from plimsoll.errors import InsufficientData, ValidationError
from plimsoll.images._clarify_dataset import Dataset, dataset_files

logger = logging.getLogger("analyzer")

__all__ = [
    "MERGE_REPORT",
    "PREDICTED_COLUMN",
    "CaptureAttributes",
    "CaptureDataset",
    "read_capture",
]

MERGE_REPORT = "merge_report.json"  # the merger's counts, written next to the merged records
PREDICTED_COLUMN = "predicted_label"
DEFAULT_THRESHOLD = 0.5
_CSV, _JSON = "CSV", "JSON"


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureAttributes:
    """Where the values are in a record (the schedule's EndpointInput attributes)."""

    features: str | None = None
    inference: str | None = None
    probability: str | None = None
    probability_threshold: float | None = None
    window: tuple[datetime, datetime] | None = None
    bias: bool = False  # labels and predictions too (merged records)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureDataset:
    """The rows read, the content types the endpoint saw, and what was counted."""

    dataset: Dataset
    input_content_type: str
    output_content_type: str | None
    files: int
    records: int
    outside_window: int


class _RecordError(Exception):
    """One record cannot be read; the reader adds the file and the line."""


@dataclass(slots=True)
class _Columns:
    features: list[list[Any]] = field(default_factory=list)
    labels: list[Any] = field(default_factory=list)
    predicted: list[Any] = field(default_factory=list)
    input_type: str | None = None
    output_type: str | None = None


# -- one side of a record ------------------------------------------------------------------------


def _side(record: dict[str, Any], name: str) -> tuple[str, str, str]:
    """``(format, text, content type)`` of ``captureData.<name>``, BASE64 decoded."""
    capture = record.get("captureData")
    side = capture.get(name) if isinstance(capture, dict) else None
    if not isinstance(side, dict) or not isinstance(side.get("data"), str):
        raise _RecordError(f"the record has no captureData.{name}")
    observed = media_type(side.get("observedContentType"))
    encoding = str(side.get("encoding") or "").upper()
    if encoding in (_CSV, _JSON):
        return encoding, side["data"], observed or ("text/csv" if encoding == _CSV else "")
    if encoding != "BASE64":
        raise _RecordError(f"captureData.{name} has the unknown encoding {encoding!r}")
    if observed.endswith("csv"):
        fmt = _CSV
    elif "json" in observed:
        fmt = _JSON
    else:
        raise _RecordError(
            f"captureData.{name} is BASE64 of {observed or 'an unknown content type'!r}; "
            "Clarify reads CSV or JSON"
        )
    return fmt, _decode(side["data"], f"captureData.{name}"), observed


def _observed(record: dict[str, Any], name: str) -> str | None:
    """The media type a side was sent with (None when the record has no such side)."""
    capture = record.get("captureData")
    side = capture.get(name) if isinstance(capture, dict) else None
    observed = media_type(side.get("observedContentType")) if isinstance(side, dict) else ""
    return observed or None


def _decode(data: str, what: str) -> str:
    try:
        return base64.b64decode(data, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _RecordError(f"{what} is not valid BASE64 of UTF-8 text: {exc}") from None


def _csv_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text.strip())) if row]


def _documents(text: str, what: str) -> list[Any]:
    """The JSON document of a side, or each line of a JSON Lines body."""
    try:
        return [json.loads(text)]
    except ValueError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise _RecordError(f"{what} is not JSON: {exc}") from None
    try:
        return [json.loads(line) for line in lines]
    except ValueError as exc:
        raise _RecordError(f"{what} is neither JSON nor JSON Lines: {exc}") from None


def _search(path: str, document: Any, what: str) -> Any:
    try:
        return jmespath.search(path, document)
    except JMESPathError as exc:
        raise ValidationError(
            f"{what} {path!r} is not a valid JMESPath expression: {exc}"
        ) from None


def _scalar(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def _values(found: Any, what: str) -> list[Any]:
    """One value per row: a list of scalars, or one scalar."""
    if _scalar(found) and found is not None:
        return [found]
    if isinstance(found, list) and all(_scalar(v) for v in found):
        return list(found)
    raise _RecordError(f"{what} does not give a value or a list of values: {_snippet(found)}")


def _snippet(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 120 else f"{text[:117]}..."


def _feature_rows(record: dict[str, Any], attributes: CaptureAttributes) -> tuple[list[Any], str]:
    fmt, text, observed = _side(record, "endpointInput")
    if fmt == _CSV:
        return [list(row) for row in _csv_rows(text)], observed or "text/csv"
    rows: list[Any] = []
    for document in _documents(text, "captureData.endpointInput"):
        found = document
        what = "the endpointInput document"
        if attributes.features:
            found = _search(attributes.features, document, "features_attribute")
            what = f"features_attribute {attributes.features!r}"
        if isinstance(found, list) and found and all(isinstance(r, list) for r in found):
            rows += found
        elif isinstance(found, list) and found and all(_scalar(v) for v in found):
            rows.append(found)
        else:
            hint = "" if attributes.features else " (set features_attribute)"
            raise _RecordError(
                f"{what} does not give a feature row or a list of rows{hint}: {_snippet(found)}"
            )
    return rows, observed or "application/json"


def _one_per_row(values: list[list[str]], expected: int) -> list[list[str]]:
    """A single CSV line holding one value per row is read as one value per line."""
    if len(values) == 1 and expected > 1 and len(values[0]) == expected:
        return [[v] for v in values[0]]
    return values


def _output_values(
    record: dict[str, Any], attributes: CaptureAttributes, expected: int
) -> tuple[list[Any], str]:
    """The predicted labels of one record's endpointOutput (see the module docstring)."""
    fmt, text, observed = _side(record, "endpointOutput")
    attribute = attributes.inference or attributes.probability
    key = "inference_attribute" if attributes.inference else "probability_attribute"
    if fmt == _CSV:
        lines = _csv_rows(text)
        if attribute is None:
            lines = _one_per_row(lines, expected)
            wide = [len(line) for line in lines if len(line) != 1]
            if wide:
                raise _RecordError(
                    f"the endpointOutput CSV has {wide[0]} columns; set inference_attribute or "
                    "probability_attribute to the 0-based column to use"
                )
            values: list[Any] = [line[0] for line in lines]
        else:
            if not attribute.strip().isdigit():
                raise ValidationError(
                    f"{key} {attribute!r} must be a 0-based column index for CSV endpoint output"
                )
            index = int(attribute)
            short = [len(line) for line in lines if len(line) <= index]
            if short:
                raise _RecordError(
                    f"{key} {index} is out of range: an endpointOutput CSV line has "
                    f"{short[0]} columns"
                )
            values = [line[index] for line in lines]
    else:
        values = []
        for document in _documents(text, "captureData.endpointOutput"):
            found = document if attribute is None else _search(attribute, document, key)
            what = "the endpointOutput document" if attribute is None else f"{key} {attribute!r}"
            values += _values(found, what)
    if attributes.inference is None and attributes.probability is not None:
        try:
            scores = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise _RecordError(
                f"probability_attribute {attributes.probability!r} gives values that are not "
                f"numbers: {_snippet(values[:3])}"
            ) from None
        threshold = attributes.probability_threshold
        labels = predicted_labels_from_scores(
            scores, DEFAULT_THRESHOLD if threshold is None else threshold
        )
        values = labels.tolist()
    return values, observed or ("text/csv" if fmt == _CSV else "application/json")


def _label_values(record: dict[str, Any], label: str | int | None, expected: int) -> list[Any]:
    truth = record.get("groundTruthData")
    if not isinstance(truth, dict) or not isinstance(truth.get("data"), str):
        raise _RecordError(
            "the record has no groundTruthData: model bias monitoring reads the records the "
            "ground-truth merger writes"
        )
    encoding = str(truth.get("encoding") or _CSV).upper()
    text = truth["data"]
    if encoding == "BASE64":
        text = _decode(text, "groundTruthData")
        try:
            json.loads(text)
            encoding = _JSON
        except ValueError:
            encoding = _CSV
    if encoding == _CSV:
        lines = _one_per_row(_csv_rows(text), expected)
        wide = [len(line) for line in lines if len(line) != 1]
        if wide:
            raise _RecordError(f"a groundTruthData CSV line has {wide[0]} values instead of 1")
        return [line[0] for line in lines]
    if encoding != _JSON:
        raise _RecordError(f"groundTruthData has the unknown encoding {encoding!r}")
    values: list[Any] = []
    for document in _documents(text, "groundTruthData"):
        if isinstance(label, str):
            values += _values(_search(label, document, "label"), f"label {label!r}")
        else:
            values += _values(document, "the groundTruthData document")
    return values


# -- the files -----------------------------------------------------------------------------------


def _lines(files: list[Path]) -> Iterator[tuple[Path, int, str]]:
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield path, number, line


def _in_window(record: dict[str, Any], window: tuple[datetime, datetime] | None) -> bool:
    meta = record.get("eventMetadata")
    moment = meta.get("inferenceTime") if isinstance(meta, dict) else None
    if window is None or not moment:
        return True
    try:
        when = inference_time(str(moment))
    except ValueError:
        raise _RecordError(f"eventMetadata.inferenceTime {moment!r} is not a time") from None
    return window[0] <= when < window[1]


def _add(
    record: dict[str, Any], config: AnalysisConfig, attributes: CaptureAttributes, out: _Columns
) -> None:
    rows, input_type = _feature_rows(record, attributes)
    if out.features and rows and len(rows[0]) != len(out.features[0]):
        raise _RecordError(
            f"{len(rows[0])} features per row, but earlier records have {len(out.features[0])}"
        )
    if any(len(row) != len(rows[0]) for row in rows):
        raise _RecordError(f"feature rows of {sorted({len(r) for r in rows})} values")
    out.input_type = out.input_type or input_type
    if attributes.bias:
        predicted, output_type = _output_values(record, attributes, len(rows))
        labels = _label_values(record, config.label, len(rows))
        if not len(rows) == len(predicted) == len(labels):
            raise _RecordError(
                f"row counts disagree: {len(rows)} feature rows, {len(predicted)} predictions, "
                f"{len(labels)} ground-truth labels"
            )
        out.output_type = out.output_type or output_type
        out.labels += labels
        out.predicted += predicted
    elif out.output_type is None:
        out.output_type = _observed(record, "endpointOutput")
    out.features += rows


def _unique(name: str, taken: list[str]) -> str:
    while name in taken:
        name = f"_{name}"
    return name


def _names(config: AnalysisConfig, width: int, bias: bool) -> tuple[list[str], str | None]:
    """Feature column names and the label's name (see the module docstring)."""
    headers, label = config.headers, config.label
    if headers is None:
        names = [f"column_{i}" for i in range(width)]
        if not bias:
            return names, None
        name = label if isinstance(label, str) else f"column_{label}"
        return names, _unique(name, names)
    label_index: int | None = None
    if isinstance(label, str) and label in headers:
        label_index = headers.index(label)
    elif isinstance(label, int) and 0 <= label < len(headers):
        label_index = label
    elif len(headers) == width + 1:
        label_index = len(headers) - 1
    if label_index is not None and len(headers) == width + 1:
        names = headers[:label_index] + headers[label_index + 1 :]
        return names, headers[label_index] if bias else None
    if len(headers) != width:
        raise ValidationError(
            f"headers names {len(headers)} columns, but the captured records hold {width} "
            f"features{' plus the label' if bias else ''}"
        )
    if not bias:
        return list(headers), None
    return list(headers), _unique(str(label), list(headers))


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _typed(values: list[Any]) -> npt.NDArray[Any]:
    """A column as the CSV reader types it: ints, else floats, else the values as they are."""
    parsed: list[Any] = []
    for value in values:
        if isinstance(value, str):
            text = value.strip()
            parsed.append(None if text == "" else _number(text))
            if text and parsed[-1] is None:
                return np.asarray(values, dtype=object)
        elif isinstance(value, bool) or not isinstance(value, (int, float)) and value is not None:
            return np.asarray(values, dtype=object)
        else:
            parsed.append(value)
    if parsed and all(isinstance(v, int) for v in parsed):
        try:
            return np.asarray(parsed, dtype=np.int64)
        except OverflowError:
            pass
    return np.asarray([np.nan if v is None else float(v) for v in parsed], dtype=np.float64)


def read_capture(
    config: AnalysisConfig, source: Path, attributes: CaptureAttributes
) -> CaptureDataset:
    """Every record under ``source`` in the window, as one table (see the module docstring).

    Raises:
        InsufficientData: no record in the window ("Job inputs had no data").
        ValidationError: a record that cannot be read (file and line named), or headers that
            do not fit the records.
    """
    files = [p for p in dataset_files(source) if p.name != MERGE_REPORT] if source.exists() else []
    logger.info("Files to process: %d capture files under %s", len(files), source)
    out = _Columns()
    read = outside = 0
    for path, number, line in _lines(files):
        read += 1
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ValidationError(f"{path} line {number} is not JSON: {exc}") from None
        try:
            if not isinstance(record, dict) or "captureData" not in record:
                raise _RecordError("the line is not a capture record (no captureData)")
            if not _in_window(record, attributes.window):
                outside += 1
                continue
            _add(record, config, attributes, out)
        except _RecordError as exc:
            raise ValidationError(f"{path} line {number}: {exc}") from None
    analysed = read - outside
    logger.info(
        "Read %d records: %d outside the window [%s), %d analysed, %d rows",
        read, outside, _window_text(attributes.window), analysed, len(out.features),
    )  # fmt: skip
    if not out.features:
        raise InsufficientData(NO_DATA_MESSAGE)
    width = len(out.features[0])
    names, label = _names(config, width, attributes.bias)
    columns = {name: _typed([row[i] for row in out.features]) for i, name in enumerate(names)}
    predicted = None
    if attributes.bias:
        assert label is not None
        columns[label] = _typed(out.labels)
        predicted = _unique(PREDICTED_COLUMN, list(columns))
        columns[predicted] = _typed(out.predicted)
    dataset = Dataset(columns=columns, label=label, predicted_label=predicted)
    return CaptureDataset(
        dataset=dataset,
        input_content_type=out.input_type or "text/csv",
        output_content_type=out.output_type,
        files=len(files),
        records=analysed,
        outside_window=outside,
    )


def _window_text(window: tuple[datetime, datetime] | None) -> str:
    if window is None:
        return "none"
    return ", ".join(w.strftime("%Y-%m-%dT%H:%M:%SZ") for w in window)
