"""Reference-venv program: ``_smclarify_metrics.py CASES_JSON OUT_JSON`` (smclarify 0.5).

Each case of CASES_JSON is ``{"columns": {name: [values]}, "facet", "facet_values" (list or
null for one-vs-all), "label", "label_values", "pred" (or null), "group" (or null), "stage"
("pre" or "post"), "metrics"}``. The columns become one pandas DataFrame, as the Clarify
container reads a CSV; ``smclarify.bias.report.bias_report`` runs on it (FT sees every column
but the facet, label and predicted label). Writes ``{case: {"groups": [[value_or_threshold,
{metric: value or {"error": message}}], ...]}}``, or ``{case: {"raises": [type, message]}}``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pandas as pd
from smclarify.bias.report import FacetColumn, LabelColumn, StageType, bias_report


def _groups(results: list[dict[str, Any]]) -> list[list[Any]]:
    out = []
    for entry in results:
        metrics: dict[str, Any] = {}
        for metric in entry["metrics"]:
            value = metric.get("value")
            if metric.get("error"):
                metrics[metric["name"]] = {"error": metric["error"]}
            else:
                metrics[metric["name"]] = None if value is None else float(value)
        out.append([str(entry["value_or_threshold"]), metrics])
    return out


def report(case: dict[str, Any], frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """smclarify's result of one case; ``frame`` replaces the case's columns when given."""
    df = pd.DataFrame(case["columns"]) if frame is None else frame
    values = case["label_values"]
    kwargs: dict[str, Any] = {}
    if case["pred"] is not None:
        kwargs["predicted_label_column"] = LabelColumn(case["pred"], df[case["pred"]], values)
    if case["group"] is not None:
        kwargs["group_variable"] = df[case["group"]]
    try:
        results = bias_report(
            df,
            FacetColumn(case["facet"], case["facet_values"]),
            LabelColumn(case["label"], df[case["label"]], values),
            StageType.PRE_TRAINING if case["stage"] == "pre" else StageType.POST_TRAINING,
            metrics=case["metrics"],
            **kwargs,
        )
    except Exception as exc:  # noqa: BLE001 - the error is the result
        return {"raises": [type(exc).__name__, str(exc)]}
    return {"groups": _groups(results)}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    out = {name: report(case) for name, case in cases.items()}
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
