"""Deterministic inputs of the Model Monitor benchmark, written once into benchmarks/.cache/.

* The baseline: a CSV with header, ``rows`` x 20 columns. Column 0 is ``prediction`` (a
  probability, never missing: SageMaker matches capture columns to the baseline by position,
  output columns first); then 7 integral, 7 fractional and 5 categorical (string) features.
  2 % of all cells are missing, all of them in the 19 features.
* The capture: ``rows`` records in 24 hourly files of SageMaker's Data Capture layout
  (``<dest>/<endpoint>/AllTraffic/yyyy/mm/dd/hh/MM-SS-mmm-<uuid>.jsonl``), drawn from the same
  distributions with another seed. ``endpointInput`` is the 19 features as one CSV line,
  ``endpointOutput`` the prediction.
"""

from __future__ import annotations

import io
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from plimsoll.compat.capture_format import ContentTypeRules, object_key, record_line

FORMAT = 1  # bump when the generator changes: cached files are keyed by it
COLUMNS = 20
FEATURES = COLUMNS - 1
MISSING = 0.02 * COLUMNS / FEATURES  # 2 % of all cells, none in the prediction
ENDPOINT = "bench-endpoint"
HOURS = 24
START = datetime(2026, 1, 1, tzinfo=UTC)
CATEGORIES = (3, 12, 50, 200, 1000)


def _table(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    cols: dict[str, pa.Array] = {"prediction": pa.array(np.round(rng.beta(2, 5, rows), 6))}

    def hole(values: np.ndarray) -> pa.Array:
        return pa.array(values, mask=rng.random(rows) < MISSING)

    integral = (
        rng.poisson(3, rows),
        rng.integers(0, 100, rows),
        rng.integers(-1000, 1000, rows),
        rng.binomial(1, 0.3, rows),
        rng.geometric(0.05, rows),
        rng.integers(18, 90, rows),
        rng.poisson(250, rows),
    )
    for i, values in enumerate(integral):
        cols[f"int_{i}"] = hole(values.astype(np.int64))
    fractional = (
        rng.normal(0, 1, rows),
        rng.normal(50, 12, rows),
        rng.lognormal(3, 1, rows),
        rng.uniform(0, 1, rows),
        rng.exponential(20, rows),
        rng.gamma(2, 2, rows),
        rng.standard_t(5, rows) * 100,
    )
    for i, values in enumerate(fractional):
        cols[f"num_{i}"] = hole(np.round(values, 4))
    for i, count in enumerate(CATEGORIES):
        weights = 1 / np.arange(1, count + 1)  # Zipf-like: a few frequent, a long tail
        codes = rng.choice(count, rows, p=weights / weights.sum())
        labels = np.array([f"c{i}_{k}" for k in range(count)], dtype=object)
        cols[f"cat_{i}"] = hole(labels[codes])
    return pa.table(cols)


def _write_csv(table: pa.Table, sink: io.BufferedIOBase, header: bool) -> None:
    if header:  # Arrow would quote the names; real exports do not
        sink.write((",".join(table.column_names) + "\n").encode())
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    pacsv.write_csv(table, sink, write_options=options)


def baseline_csv(cache: Path, rows: int) -> Path:
    """The baseline CSV (with header) of ``rows`` rows, generated on first use."""
    path = cache / f"baseline-v{FORMAT}-{rows}.csv"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        with partial.open("wb") as sink:
            _write_csv(_table(rows, seed=1), sink, header=True)
        partial.rename(path)
    return path


def capture_root(cache: Path, rows: int) -> Path:
    """A folder holding ``<endpoint>/AllTraffic/...``: ``rows`` records over 24 hours."""
    root = cache / f"capture-v{FORMAT}-{rows}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    table = _table(rows, seed=2)
    buffer = io.BytesIO()
    _write_csv(table.drop(["prediction"]), buffer, header=False)
    inputs = buffer.getvalue().decode().splitlines()
    outputs = [repr(v) for v in table.column("prediction").to_pylist()]
    rules = ContentTypeRules.from_lists(["text/csv"], ["application/json"])
    rng = np.random.default_rng(3)
    start = START.timestamp()
    for hour in range(HOURS):
        lo, hi = rows * hour // HOURS, rows * (hour + 1) // HOURS
        first = start + hour * 3600
        lines = [
            record_line(
                event_id=str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                epoch_seconds=first + (i - lo) * 3600 / max(hi - lo, 1),
                rules=rules,
                request=(inputs[i].encode(), "text/csv"),
                response=(outputs[i].encode(), "text/csv; charset=utf-8"),
            )
            for i in range(lo, hi)
        ]
        file_id = str(uuid.UUID(bytes=rng.bytes(16), version=4))
        target = Path(object_key(str(root), ENDPOINT, "AllTraffic", first, file_id))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"".join(lines))
    (root / ".complete").write_text("")
    return root
