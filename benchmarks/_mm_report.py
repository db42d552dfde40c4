"""The RESULTS.md section of bench_model_monitor.py, from its raw measurements."""

from __future__ import annotations

import argparse
from typing import Any

from _results import median

QUIET_LOAD = 1.0  # 1-minute load average at start, on 2 cores
QUIET_OTHERS = 0.25  # cores other processes may use during the run


def _peer(raw: dict[str, Any], key: str, part: str = "total") -> tuple[float, list[float]]:
    runs = raw[key]["runs"]
    values = [r[part] if isinstance(r, dict) else r for r in runs]
    return median(values), values


def render(raw: dict[str, Any], args: argparse.Namespace, machine: str, versions: str) -> str:
    rows = raw["rows"]
    base = raw["plimsoll_baseline"]
    mm = median(base["runs"])
    floor, _ = _peer(raw, "floor")
    lines = [
        f"| Plimsoll `DefaultModelMonitor.suggest_baseline` (processing job, built-in analyzer"
        f"; analyzer alone {_fmt_opt(base['analyzer'])}) | statistics.json + constraints.json: "
        f"per column type inference, completeness, mean/stddev/min/max/sum, KLL sketch (k=2048) "
        f"and 10-bucket histogram, distinct count, string value counts "
        f"| {mm:.2f} s ({len(base['runs'])}) | 1.0x | - |",
        f"| Floor: `pyarrow.csv.read_csv` + numpy stats + DataSketches KLL (main venv) | Arrow "
        f"types; count, missing, mean/std/min/max/sum, KLL (k=2048) deciles; string value "
        f"counts | {floor:.2f} s ({len(raw['floor']['runs'])}) | {floor / mm:.2f}x "
        f"| Plimsoll <= 1.5x floor: {mm / floor:.2f}x -> {_yes(mm / floor <= 1.5)} |",
    ]
    notes = []
    if "whylogs" in raw:
        w = raw["whylogs"]
        total, runs = _peer(raw, "whylogs")
        read, _ = _peer(raw, "whylogs", "read")
        prof, _ = _peer(raw, "whylogs", "profile")
        lines.append(
            f"| whylogs {w['version']} (pandas {w['pandas']}): `pd.read_csv` + `whylogs.log(df)` "
            f"| per column counts, types, KLL distribution, HLL cardinality, frequent items "
            f"| {total:.2f} s ({len(runs)}; read {read:.2f} + profile {prof:.2f}) "
            f"| {total / mm:.1f}x | >= 30x: {_yes(total / mm >= 30)} |"
        )
    if "evidently" in raw:
        e = raw["evidently"]
        total, runs = _peer(raw, "evidently")
        read, _ = _peer(raw, "evidently", "read")
        rep, _ = _peer(raw, "evidently", "report")
        lines.append(
            f"| Evidently {e['version']} (pandas {e['pandas']}): `pd.read_csv` + "
            f"`Report([DataDriftPreset()])`, reference = current = whole file | both sides "
            f"profiled + one drift test per column (Wasserstein / Jensen-Shannon); "
            f"{e['drifted']} columns drifted | {total:.2f} s ({len(runs)}; read {read:.2f} + "
            f"report {rep:.2f}) | {total / mm:.1f}x | >= 30x: {_yes(total / mm >= 30)} |"
        )
    if "pyspark" in raw:
        s = raw["pyspark"]
        job, runs = _peer(raw, "pyspark")
        lines.append(
            f"| PySpark {s['version']} `local[2]` (Deequ's engine): CSV read with schema "
            f"inference + one aggregation job + one string value-count job | count, missing, "
            f"approx_count_distinct, mean, stddev_pop, min, max, sum, percentile_approx deciles; "
            f"string value counts | {job:.2f} s ({len(runs)}; session start {s['session']:.1f} s "
            f"not included) | {job / mm:.1f}x | >= 10x: {_yes(job / mm >= 10)} |"
        )
    elif "whylogs" in raw:
        notes.append("PySpark skipped: no `java` on PATH.")
    else:
        notes.append("Peers skipped (`--skip-peers`).")
    mon = raw.get("plimsoll_monitoring", {})
    parse, parse_runs = _peer(raw, "parse_floor")
    if mon.get("runs"):
        mt = median(mon["runs"])
        kinds = mon["violations"]
        found = sum(kinds.values())
        detail = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        violations = f"{found} violations ({detail})" if found else "0 violations"
        lines += [
            f"| Plimsoll monitoring execution: `python -m plimsoll.images.model_monitor_analyzer`"
            f" (process; analyzer alone {_fmt_opt(mon['analyzer'])}) | {mon['items']:,} records "
            f"in 24 hourly capture files: statistics + constraint checks + drift vs the baseline;"
            f" {violations} | {mt:.2f} s ({len(mon['runs'])}) | 1.0x | - |",
            f"| Parse floor: read every capture file + `orjson.loads` every line (mm-orjson venv)"
            f" | {raw['parse_floor']['records']:,} records parsed, nothing computed | "
            f"{parse:.2f} s ({len(parse_runs)}) | {parse / mt:.2f}x | Plimsoll <= 2x floor: "
            f"{mt / parse:.2f}x -> {_yes(mt / parse <= 2)} |",
        ]
    else:
        why = (
            f"it gave no result within {mon['timeout']:.0f} s (killed)"
            if "timeout" in mon
            else "the analyzer does not run monitoring executions yet"
        )
        notes.append(
            f"Monitoring execution not measured: {why}. Parse floor alone: {parse:.2f} s "
            f"for {raw['parse_floor']['records']:,} records ({len(parse_runs)} runs)."
        )
    others = raw.get("others_cores", 2.0)  # unknown counts as busy
    quiet = raw["load_before"] < QUIET_LOAD and others < QUIET_OTHERS
    notes.append(
        ("Quiet machine" if quiet else "**Measured under load**")
        + f": 1-minute load {raw['load_before']:.2f} at start; other processes used "
        f"{others:.2f} of the 2 cores on average over the {raw.get('wall_s', 0):.0f} s run."
    )
    table = "\n".join(lines)
    return f"""
## Model Monitor: baseline and monitoring execution on {rows:,} rows

Machine: {machine}. Versions: {versions}.
Data (`_mm_data.py`, seeded): {rows:,} rows x 20 columns (prediction, 7 integral, 7 fractional,
5 categorical), 2 % of cells missing, one CSV with header; the same number of capture records
in 24 hourly JSONL files (CSV `endpointInput` of the 19 features, `endpointOutput` the
prediction). Median seconds over the runs in parentheses; Plimsoll and the floors after one
discarded warm-up run. "Time / Plimsoll" divides each row by the Plimsoll row of its part.
Peers run in their own venvs under benchmarks/.venvs/ (mm-whylogs, mm-evidently, mm-pyspark,
mm-orjson), pinned in `bench_model_monitor.py`. Command: `.venv/bin/python
benchmarks/bench_model_monitor.py --rows {rows} --runs {args.runs} --peer-runs {args.peer_runs}`.

| Tool | What it computes | Median | Time / Plimsoll | Target met |
|---|---|---|---|---|
{table}

{" ".join(notes)}
"""


def _fmt_opt(values: list[float]) -> str:
    return f"{median(values):.2f} s" if values else "n/a"


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"
