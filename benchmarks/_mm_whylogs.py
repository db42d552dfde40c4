"""whylogs peer, run inside benchmarks/.venvs/mm-whylogs: ``_mm_whylogs.py CSV RUNS``.

pandas reads the CSV, ``whylogs.log(df)`` profiles it (per column: counts, types, KLL
distribution, HLL cardinality, frequent items). Prints one JSON line with the read and profile
seconds of each run.
"""

import json
import sys
import time

import pandas as pd
import whylogs


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    out = []
    columns = 0
    for _ in range(runs):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        read = time.perf_counter()
        view = whylogs.log(frame).view()
        done = time.perf_counter()
        columns = len(view.get_columns())
        out.append({"read": read - start, "profile": done - read, "total": done - start})
    print(
        json.dumps(
            {
                "runs": out,
                "columns": columns,
                "version": whylogs.__version__,
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
