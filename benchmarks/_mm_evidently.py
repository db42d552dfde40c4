"""Evidently peer, run inside benchmarks/.venvs/mm-evidently: ``_mm_evidently.py CSV RUNS``.

pandas reads the CSV; a ``Report([DataDriftPreset()])`` runs with reference = current = the
whole file, so its work is a profile of each side plus one drift test per column (Wasserstein
distance for numbers, Jensen-Shannon for categories at this size): what a baseline pass plus a
monitoring comparison do. Prints one JSON line with the read and report seconds of each run.
"""

import json
import sys
import time
import warnings

import evidently
import pandas as pd
from evidently import ColumnMapping
from evidently.metric_preset import DataDriftPreset
from evidently.report import Report

warnings.filterwarnings("ignore")


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    out = []
    drifted = -1
    for _ in range(runs):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        read = time.perf_counter()
        mapping = ColumnMapping(
            target=None,
            prediction=None,
            numerical_features=[c for c in frame.columns if not c.startswith("cat_")],
            categorical_features=[c for c in frame.columns if c.startswith("cat_")],
        )
        report = Report(metrics=[DataDriftPreset()])
        report.run(reference_data=frame, current_data=frame, column_mapping=mapping)
        result = report.as_dict()
        done = time.perf_counter()
        drifted = result["metrics"][0]["result"]["number_of_drifted_columns"]
        out.append({"read": read - start, "report": done - read, "total": done - start})
    print(
        json.dumps(
            {
                "runs": out,
                "drifted": drifted,
                "version": evidently.__version__,
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
