"""smclarify peer, run inside benchmarks/.venvs/cl-smclarify: ``_cl_smclarify.py NPZ RUNS FT_ROWS``.

For each facet (``sex`` == 0, ``age`` > 40) it times ``smclarify.bias.report.bias_report`` on
a DataFrame of the facet, label, predicted label, group and feature columns: all pre-training
metrics, all post-training metrics but FT, and FT alone on the first ``FT_ROWS`` rows. Building
the DataFrame is not timed. Prints one JSON line: seconds per run (both facets together) and
the metric values of the last run, ``{facet: {value_or_threshold: {metric: value}}}``, and
the seconds of each facet.
"""

import json
import sys
import time
from importlib import metadata

import numpy as np
import pandas as pd
from _cl_data import AGE_THRESHOLD, FEATURES, LABEL_VALUES, SEX_VALUES
from smclarify.bias.report import FacetColumn, LabelColumn, StageType, bias_report

POST_NO_FT = ["AD", "CDDPL", "DAR", "DCA", "DCR", "DI", "DPPL", "DRR", "GE", "RD", "SD", "TE"]


def _frame(arrays: dict[str, np.ndarray], facet: str, rows: int) -> pd.DataFrame:
    columns = [facet, "label", "pred", *FEATURES]
    return pd.DataFrame({c: arrays[c][:rows] for c in columns})


def _values(results: list[dict]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for entry in results:
        metrics = {}
        for m in entry["metrics"]:
            value = m.get("value")
            metrics[m["name"]] = (
                {"error": m["error"]} if m.get("error") else None if value is None else float(value)
            )
        out[str(entry["value_or_threshold"])] = metrics
    return out


def _run(frames: dict[str, pd.DataFrame], stage: str, metrics: list[str]) -> tuple[dict, dict]:
    values, seconds = {}, {}
    for facet, df in frames.items():
        start = time.perf_counter()
        threshold = SEX_VALUES if facet == "sex" else [AGE_THRESHOLD]
        kwargs = {}
        if stage == "post":
            kwargs["predicted_label_column"] = LabelColumn("pred", df["pred"], LABEL_VALUES)
        results = bias_report(
            df,
            FacetColumn(facet, threshold),
            LabelColumn("label", df["label"], LABEL_VALUES),
            StageType.PRE_TRAINING if stage == "pre" else StageType.POST_TRAINING,
            metrics=metrics,
            group_variable=df["group"],
            **kwargs,
        )
        seconds[facet] = time.perf_counter() - start
        values[facet] = _values(results)
    return seconds, values


def main() -> None:
    path, runs, ft_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    rows = arrays["label"].size
    full = {facet: _frame(arrays, facet, rows) for facet in ("sex", "age")}
    small = {facet: _frame(arrays, facet, ft_rows) for facet in ("sex", "age")}
    out: dict[str, object] = {}
    for key, frames, stage, metrics in (
        ("pre", full, "pre", ["all"]),
        ("post", full, "post", POST_NO_FT),
        ("ft", small, "post", ["FT"]),
    ):
        times, per_facet, values = [], {}, {}
        for _ in range(runs):
            seconds, values = _run(frames, stage, metrics)
            times.append(sum(seconds.values()))
            for facet, t in seconds.items():
                per_facet.setdefault(facet, []).append(t)
        out[key] = {"runs": times, "facets": per_facet, "values": values}
    out["versions"] = {p: metadata.version(p) for p in ("smclarify", "pandas", "numpy")}
    out["versions"]["scikit-learn"] = metadata.version("scikit-learn")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
