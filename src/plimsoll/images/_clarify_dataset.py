"""The Clarify image's dataset: every file under the data input, read into named columns.

Clarify reads the ``dataset`` processing input (all files under it, recursively, in name
order) as one table, and the bias engine then works on whole columns. The rules here follow
spec clarify.md §1.2:

* ``text/csv``: with ``headers`` in the config the file's columns take those names; a first
  row equal to ``headers`` is a header row and is dropped, so files written with or without a
  header both work. Without ``headers`` the first row is the header row, unless every field of
  it is a number (then it is data and the columns are ``column_0``, ``column_1``, ...).
* ``application/jsonlines``: with ``features`` (a path such as ``features`` or ``a.b[0]``),
  each record gives a feature array, the label at the ``label`` path and the predicted label
  at the ``predicted_label`` path; the columns are named from ``headers`` (features first,
  then the label name, then the predicted-label name), else ``column_i`` and the path text.
  Without ``features`` each record is a flat object whose keys are the columns.
* ``application/json``: each file is one JSON document; ``features`` is a JMESPath that
  yields the list of feature rows (e.g. ``data.features`` or ``[*].features``), and ``label``
  and ``predicted_label`` are JMESPaths that yield one value per row. Columns are named as
  for JSON Lines.
* ``application/x-parquet``: the file's own column names.

Column types are inferred the way pandas does for the container (ints, floats, bools, text),
because the bias engine's grouping rules depend on them (spec §2.1). Paths are JMESPath
(the ``jmespath`` package); the common dotted-name and ``[index]`` paths take a fast path that
gives the same values.

Files are read one table per file (:func:`file_tables`) and concatenated in name order
(:func:`concat_files`), so tables read by several hosts and sent as bytes
(:func:`tables_to_bytes`) give the same dataset as one host reading every file.

A :class:`Dataset` may also hold *side* columns, joined in from the facet or predicted-label
files (:mod:`._clarify_sides`): they are analysed but never sent to the model.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jmespath
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from plimsoll.compat.clarify_analysis_config import AnalysisConfig
from plimsoll.errors import ValidationError

__all__ = [
    "Dataset",
    "baseline_rows",
    "column_name",
    "concat_files",
    "csv_columns",
    "dataset_files",
    "dataset_from_table",
    "file_tables",
    "load_dataset",
    "tables_from_bytes",
    "tables_to_bytes",
]

Column = npt.NDArray[Any]
_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]")
_SIMPLE_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[-?\d+\])*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Dataset:
    """The whole dataset as columns, in file order, with the label columns resolved to names."""

    columns: dict[str, Column]
    label: str | None
    predicted_label: str | None
    side_columns: frozenset[str] = frozenset()

    @property
    def rows(self) -> int:
        return next(iter(self.columns.values())).size if self.columns else 0


def column_name(dataset_names: list[str], name_or_index: str | int, what: str) -> str:
    """A config's column reference (a name, or a 0-based position) as the column's name."""
    if isinstance(name_or_index, int):
        if not 0 <= name_or_index < len(dataset_names):
            raise ValidationError(
                f"{what} index {name_or_index} is out of range: the dataset has "
                f"{len(dataset_names)} columns"
            )
        return dataset_names[name_or_index]
    if name_or_index not in dataset_names:
        raise ValidationError(
            f"{what} {name_or_index!r} is not a column of the dataset (columns: {dataset_names})"
        )
    return name_or_index


def dataset_files(data_dir: Path) -> list[Path]:
    """Every visible file under ``data_dir`` (or ``data_dir`` itself), sorted; may be empty."""
    if data_dir.is_file():
        return [data_dir]
    return sorted(
        p
        for p in data_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(data_dir).parts)
    )


def _files(data_dir: Path) -> list[Path]:
    files = dataset_files(data_dir)
    if not files:
        raise ValidationError(f"No dataset files found under {data_dir}")
    return files


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_table(path: Path, headers: list[str] | None) -> pa.Table:
    raw = path.read_bytes()
    first = next(csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"))), [])
    if headers is not None:
        names, skip = headers, int([f.strip() for f in first] == headers)
        if len(first) != len(headers):
            raise ValidationError(
                f"{path.name}: {len(first)} columns, but headers names {len(headers)}"
            )
    elif first and all(_is_number(f) for f in first):
        names, skip = [f"column_{i}" for i in range(len(first))], 0
    else:
        names, skip = [f.strip() for f in first], 1
    options = pacsv.ReadOptions(column_names=names, skip_rows=skip)
    return pacsv.read_csv(io.BytesIO(raw), read_options=options)


def _search(path: str, document: Any) -> Any:
    """JMESPath ``path`` in ``document``, with a clear error for a malformed path."""
    try:
        return jmespath.search(path, document)
    except jmespath.exceptions.JMESPathError as exc:
        raise ValidationError(f"{path!r} is not a valid JMESPath expression: {exc}") from None


def _path_value(record: Any, path: str) -> Any:
    if not _SIMPLE_PATH.fullmatch(path):
        return _search(path, record)
    value = record
    for name, index in _PATH_STEP.findall(path):
        if name:
            value = value.get(name) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) else None
        if value is None:
            return None
    return value


def _jsonl_records(path: Path) -> list[Any]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise ValidationError(f"{path.name} line {number} is not JSON: {exc}") from exc
    return records


def _named_rows(
    rows: list[Any], labels: list[tuple[Any, list[Any]]], config: AnalysisConfig
) -> pa.Table:
    """Feature rows plus (path, values) label columns, named from ``headers`` (spec §1.2)."""
    if not all(isinstance(row, list) for row in rows):
        raise ValidationError(f"features path {config.features!r} does not give a list per record")
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValidationError(
            f"features path {config.features!r} gives rows of different lengths "
            f"{sorted({len(row) for row in rows})}"
        )
    headers = config.headers or []
    names = headers[:width] if len(headers) >= width else [f"column_{i}" for i in range(width)]
    data: dict[str, list[Any]] = {n: [row[i] for row in rows] for i, n in enumerate(names)}
    extra = iter(headers[width:])
    for path, values in labels:
        data[next(extra, str(path))] = values
    return pa.table(data)


def _jsonl_table(records: list[Any], config: AnalysisConfig) -> pa.Table:
    if config.features is None:
        if not all(isinstance(r, dict) for r in records):
            raise ValidationError("JSON Lines records must be objects when `features` is not set")
        return pa.Table.from_pylist(records)
    rows = [_path_value(r, config.features) for r in records]
    labels = [
        (path, [_path_value(r, str(path)) for r in records])
        for path in (config.label, config.predicted_label)
        if path is not None
    ]
    return _named_rows(rows, labels, config)


def _json_table(path: Path, config: AnalysisConfig) -> pa.Table:
    """One JSON document: ``features`` yields every row, the label paths one value per row."""
    if config.features is None:
        raise ValidationError("features (a JMESPath to the feature rows) is required for JSON")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValidationError(f"{path.name} is not a JSON document: {exc}") from None
    rows = _search(config.features, document)
    if not isinstance(rows, list):
        raise ValidationError(f"features path {config.features!r} does not give a list of rows")
    labels = []
    for key in (config.label, config.predicted_label):
        if key is None:
            continue
        values = _search(str(key), document)
        if not isinstance(values, list) or len(values) != len(rows):
            got = (
                f"{len(values)} values" if isinstance(values, list) else repr(type(values).__name__)
            )
            raise ValidationError(
                f"{path.name}: path {key!r} must give one value per row ({len(rows)} rows), "
                f"got {got}"
            )
        labels.append((key, values))
    return _named_rows(rows, labels, config)


def _to_numpy(column: pa.ChunkedArray) -> Column:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        return np.asarray(column.to_pylist(), dtype=object)
    if (pa.types.is_integer(kind) or pa.types.is_boolean(kind)) and column.null_count:
        return np.asarray(column.cast(pa.float64()).to_numpy(), dtype=np.float64)
    return np.asarray(column.to_numpy())


def file_tables(config: AnalysisConfig, files: list[Path]) -> list[pa.Table]:
    """Each file read as the config's ``dataset_type`` describes, one table per file."""
    kind = config.dataset_type
    tables: list[pa.Table] = []
    for path in files:
        if kind == "text/csv":
            tables.append(_csv_table(path, config.headers))
        elif kind == "application/jsonlines":
            tables.append(_jsonl_table(_jsonl_records(path), config))
        elif kind == "application/json":
            tables.append(_json_table(path, config))
        elif kind == "application/x-parquet":
            tables.append(pq.read_table(path))
        else:
            raise ValidationError(
                f"dataset_type {kind!r} is not supported by this Plimsoll version of the "
                "Clarify image (supported: text/csv, application/jsonlines, application/json, "
                "application/x-parquet, application/x-image)"
            )
    return tables


def tables_to_bytes(pieces: list[tuple[Path, pa.Table]]) -> bytes:
    """Per-file tables as bytes (each an Arrow IPC stream after its file's path), so that a
    host can send the files it read to the host that analyses them."""
    out = io.BytesIO()
    for path, table in pieces:
        key = json.dumps(list(path.parts)).encode("utf-8")
        sink = io.BytesIO()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        body = sink.getvalue()
        out.write(struct.pack("<IQ", len(key), len(body)) + key + body)
    return out.getvalue()


def tables_from_bytes(raw: bytes) -> list[tuple[Path, pa.Table]]:
    """Inverse of :func:`tables_to_bytes`.

    Raises:
        ValueError: Not the byte form of per-file tables.
    """
    pieces, pos = [], 0
    while pos < len(raw):
        try:
            key_size, body_size = struct.unpack_from("<IQ", raw, pos)
            pos += struct.calcsize("<IQ")
            parts = json.loads(raw[pos : pos + key_size].decode("utf-8"))
            pos += key_size
            table = pa.ipc.open_stream(raw[pos : pos + body_size]).read_all()
        except (struct.error, ValueError, pa.ArrowInvalid) as exc:
            raise ValueError(f"a host's dataset part is not readable: {exc}") from None
        pos += body_size
        pieces.append((Path(*parts), table))
    return pieces


def concat_files(pieces: list[tuple[Path, pa.Table]]) -> pa.Table:
    """The per-file tables as one table, in file order (as one host reads the files)."""
    ordered = sorted(pieces, key=lambda piece: piece[0].parts)
    return pa.concat_tables([table for _, table in ordered], promote_options="permissive")


def csv_columns(data: Path, headers: list[str] | None) -> dict[str, Column]:
    """Every CSV file under ``data`` as named columns, with the main dataset's header rule."""
    table = pa.concat_tables(
        [_csv_table(path, headers) for path in _files(data)], promote_options="permissive"
    )
    return {name: _to_numpy(table.column(name)) for name in table.column_names}


def baseline_rows(data: Path, config: AnalysisConfig, width: int) -> list[list[Any]]:
    """SHAP baseline rows from a file (spec §3.2): feature values only, in the dataset's format.

    CSV rows without the label (a first row of names is a header and is dropped); JSON Lines
    records give their ``features`` path, or are the row themselves.
    """
    rows: list[list[Any]] = []
    for path in _files(data):
        if config.dataset_type == "application/jsonlines":
            for record in _jsonl_records(path):
                row = _path_value(record, config.features) if config.features else record
                rows.append(row if isinstance(row, list) else [row])
            continue
        text = path.read_text(encoding="utf-8")
        found = [r for r in csv.reader(io.StringIO(text)) if r]
        if found and not all(_is_number(f) for f in found[0]) and len(found) > 1:
            found = found[1:]  # a header row
        rows += [[float(f) if _is_number(f) else f for f in r] for r in found]
    if not rows:
        raise ValidationError(f"The shap baseline at {data} holds no rows")
    if any(len(r) != width for r in rows):
        raise ValidationError(
            f"shap baseline rows must hold the {width} feature values, got rows of "
            f"{sorted({len(r) for r in rows})}"
        )
    return rows


def load_dataset(config: AnalysisConfig, data_dir: Path) -> Dataset:
    """Reads every file under ``data_dir`` as the config's ``dataset_type`` describes."""
    files = _files(data_dir)
    pieces = list(zip(files, file_tables(config, files), strict=True))
    return dataset_from_table(config, concat_files(pieces))


def dataset_from_table(config: AnalysisConfig, table: pa.Table) -> Dataset:
    """The dataset of the files' table: columns as arrays, the label columns resolved."""
    if table.num_rows == 0:
        raise ValidationError("The dataset has no rows")
    names = list(table.column_names)
    if len(set(names)) != len(names):
        raise ValidationError(f"The dataset has duplicate column names: {names}")
    columns = {name: _to_numpy(table.column(name)) for name in names}
    json_types = ("application/jsonlines", "application/json")
    jsonl_features = config.dataset_type in json_types and config.features
    label = predicted = None
    if jsonl_features:  # the label columns were named while the records were read
        width = len(names) - (config.label is not None) - (config.predicted_label is not None)
        rest = iter(names[width:])
        label = next(rest) if config.label is not None else None
        predicted = next(rest) if config.predicted_label is not None else None
    else:
        if config.label is not None:
            label = column_name(names, config.label, "label")
        if config.predicted_label is not None and config.predicted_label_dataset_uri is None:
            predicted = column_name(names, config.predicted_label, "predicted_label")
    return Dataset(columns=columns, label=label, predicted_label=predicted)
