"""The baseline floor: one bare pass of pyarrow + numpy + DataSketches KLL over the CSV.

Run by bench_model_monitor.py with the main venv's python: ``_mm_floor.py CSV RUNS``. Arrow
reads and types the whole file (multi-threaded); then per column: count, missing, and for
numbers mean, stddev, min, max, sum and a KLL sketch (k=2048, Plimsoll's size) with its
deciles; for strings the value counts. Prints one JSON line: ``{"runs": [seconds, ...]}``.
"""

from __future__ import annotations

import json
import sys
import time

import datasketches
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

DECILES = [i / 10 for i in range(1, 10)]


def one_pass(path: str) -> dict[str, object]:
    table = pacsv.read_csv(path)
    out: dict[str, object] = {}
    for name in table.column_names:
        column = table.column(name)
        present = len(column) - column.null_count
        if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
            values = column.drop_null().to_numpy().astype(np.float64)
            sketch = datasketches.kll_floats_sketch(2048)
            sketch.update(values.astype(np.float32))
            out[name] = {
                "count": present,
                "missing": column.null_count,
                "mean": float(values.mean()),
                "std": float(values.std()),
                "min": float(values.min()),
                "max": float(values.max()),
                "sum": float(values.sum()),
                "deciles": [float(q) for q in sketch.get_quantiles(DECILES)],
            }
        else:
            counts = pc.value_counts(column.drop_null())
            out[name] = {"count": present, "missing": column.null_count, "distinct": len(counts)}
    return out


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    times, result = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        result = one_pass(path)
        times.append(time.perf_counter() - start)
    print(json.dumps({"runs": times, "columns": len(result)}))


if __name__ == "__main__":
    main()
