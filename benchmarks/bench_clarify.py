"""Clarify: bias metrics and Kernel SHAP against smclarify and ``shap.KernelExplainer``.

Bias (1,000,000 seeded adult-like rows; ``_cl_data.py``): two facets (binary ``sex`` == 0 and
continuous ``age`` > 40), a group variable for CDDL/CDDPL.

* All pre-training metrics, and all post-training metrics but FT, with Plimsoll's
  ``plimsoll.engines.bias.bias_report`` (numpy arrays in) against smclarify's ``bias_report``
  (a pandas DataFrame in; building it is not timed). FT (a kNN per disadvantaged row, O(n_a *
  n_d) here) is timed apart on the first ``--ft-rows`` rows.
* Parity: every metric value of every facet group, max abs difference per metric (1e-9 bar),
  and the ``value_or_threshold`` strings.

Kernel SHAP: a 12-feature MLP (weights in an ``.npz``, one definition for both venvs), one
baseline row (the data mean), 200 records, at Clarify's default ``num_samples`` (2M + 2048 =
2072) and at 4094 = 2^12 - 2 (exact enumeration in both). Parity: exact values within 1e-6;
with sampling, each tool's mean abs difference from the exact values.

smclarify and shap run in their own pinned venvs (benchmarks/.venvs/cl-*, built on first use;
smclarify without boto3/s3fs, which the metrics never import and whose resolution pip cannot
finish). ``--rows 20000 --runs 1`` is a quick smoke run; only a full run (default rows and
instances) rewrites its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _cl_data import (
    AGE_THRESHOLD,
    FEATURES,
    LABEL_VALUES,
    SEX_VALUES,
    bias_data,
    mlp_predict,
    shap_inputs,
)
from _mm_cpu import CpuWatch
from _results import machine, median, versions, write_section

from plimsoll.engines.bias import POST_TRAINING_METRICS, Stage, bias_report
from plimsoll.engines.shap import KernelShapConfig, kernel_shap

HERE = Path(__file__).resolve().parent
VENVS = HERE / ".venvs"
CACHE = HERE / ".cache"
# (pins, pins installed with --no-deps): smclarify 0.5 asks for boto3 + s3fs (+ pyarrow), the
# S3 readers of its CLI; pip backtracks over aiobotocore for many minutes, and the metrics
# import none of them. pandas < 3 as smclarify needs; 2.0.3 is the pair the spec measured.
PEER_PINS: dict[str, tuple[list[str], list[str]]] = {
    "cl-smclarify": (
        ["pandas==2.0.3", "numpy==1.26.4", "scikit-learn==1.5.2", "pyfunctional==1.5.0"],
        ["smclarify==0.5"],
    ),
    "cl-shap": (["shap==0.46.0", "numpy==1.26.4"], []),
}
FULL_ROWS = 1_000_000
FULL_INSTANCES = 200
POST_NO_FT = sorted(m for m in POST_TRAINING_METRICS if m != "FT")
SHAP_BUDGETS = (2072, 4094)  # Clarify's default 2M + 2048 for M = 12, and 2^12 - 2 (exact)
FACETS = {"sex": SEX_VALUES, "age": [AGE_THRESHOLD]}


def ensure_venv(name: str) -> Path:
    """The python of peer venv ``name``, built with its pins when missing or stale."""
    venv, (pins, no_deps) = VENVS / name, PEER_PINS[name]
    stamp = venv / "pins.txt"
    if not (stamp.exists() and stamp.read_text().split() == [*pins, *no_deps]):
        print(f"building {venv} ({' '.join([*pins, *no_deps])})", flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, *pins], check=True)
        if no_deps:
            subprocess.run([*pip, "--no-deps", *no_deps], check=True)
        stamp.write_text("\n".join([*pins, *no_deps]) + "\n")
    return venv / "bin" / "python"


def run_json(python: Path | str, script: str, *args: object) -> dict[str, Any]:
    """Runs a helper program; its last stdout line is its JSON result."""
    out = subprocess.run(
        [str(python), str(HERE / script), *map(str, args)], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"{script} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _values(results: tuple[Any, ...]) -> dict[str, dict[str, object]]:
    return {
        r.value_or_threshold: {
            m.name: {"error": m.error} if m.error else m.value for m in r.metrics
        }
        for r in results
    }


def plimsoll_bias(npz: Path, runs: int, ft_rows: int) -> dict[str, Any]:
    """Median-ready seconds (both facets per run) and the last run's values, per metric set."""
    with np.load(npz) as data:
        arrays = {k: data[k] for k in data.files}
    out: dict[str, Any] = {}
    for key, stage, metrics, rows in (
        ("pre", Stage.PRE_TRAINING, "all", arrays["label"].size),
        ("post", Stage.POST_TRAINING, POST_NO_FT, arrays["label"].size),
        ("ft", Stage.POST_TRAINING, ["FT"], ft_rows),
    ):
        cut = {k: v[:rows] for k, v in arrays.items()}
        times, per_facet, values = [], {}, {}
        for _ in range(runs + 1):  # run 0 is the warm-up (imports, page faults)
            seconds = {}
            for facet, threshold in FACETS.items():
                start = time.perf_counter()
                results = bias_report(
                    facet=cut[facet],
                    facet_values_or_threshold=threshold,
                    label=cut["label"],
                    label_values_or_threshold=LABEL_VALUES,
                    stage=stage,
                    predicted_label=cut["pred"] if stage is Stage.POST_TRAINING else None,
                    metrics=metrics,
                    group_variable=cut["group"],
                    features={f: cut[f] for f in FEATURES},
                )
                seconds[facet] = time.perf_counter() - start
                values[facet] = _values(results)
            times.append(sum(seconds.values()))
            for facet, t in seconds.items():
                per_facet.setdefault(facet, []).append(t)
        facets = {facet: t[1:] for facet, t in per_facet.items()}
        out[key] = {"runs": times[1:], "facets": facets, "values": values}
        print(f"plimsoll {key}: {times[1:]}", flush=True)
    return out


def bias_parity(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Per metric: max abs difference over facets/groups, and every mismatch in kind or group."""
    diff: dict[str, float] = {}
    issues: list[str] = []
    for facet, groups in ours.items():
        other = theirs.get(facet, {})
        if sorted(groups) != sorted(other):
            issues.append(f"{facet}: groups {sorted(groups)} vs smclarify {sorted(other)}")
        for (group, metrics), (group2, metrics2) in zip(
            sorted(groups.items()), sorted(other.items()), strict=False
        ):
            for name, value in metrics.items():
                peer = metrics2.get(name, "missing")
                if isinstance(value, float) and isinstance(peer, float):
                    d = 0.0 if value == peer else abs(value - peer)
                    diff[name] = max(diff.get(name, 0.0), d if np.isfinite(d) else float("inf"))
                elif value != peer:
                    issues.append(f"{facet} {group}/{group2} {name}: {value!r} vs {peer!r}")
                    diff[name] = float("inf")
                else:
                    diff.setdefault(name, 0.0)
    return {"max_abs_diff": diff, "issues": issues}


def plimsoll_shap(npz: Path, count: int, runs: int) -> dict[str, Any]:
    """Seconds per run for each budget; values saved next to the NPZ for the parity check."""
    with np.load(npz) as saved:
        weights = {k: saved[k] for k in saved.files}
    predict = mlp_predict(weights)
    data = weights["data"]
    baseline, instances = data.mean(axis=0, keepdims=True), data[:count]
    out: dict[str, Any] = {}
    for budget in SHAP_BUDGETS:
        times, result = [], None
        for run in range(runs + 1):  # run 0 is the warm-up
            config = KernelShapConfig(num_samples=budget, seed=run)
            start = time.perf_counter()
            result = kernel_shap(predict, instances, baseline, config)
            times.append(time.perf_counter() - start)
        assert result is not None
        np.save(npz.parent / f"plimsoll-shap-{budget}.npy", result.shap_values[:, :, 0])
        out[str(budget)] = {
            "runs": times[1:],
            "exact": result.exact,
            "coalitions": result.num_coalitions,
            "expected_value": float(result.expected_value[0]),
        }
        print(f"plimsoll kernel_shap {budget}: {times[1:]}", flush=True)
    return out


def shap_parity(folder: Path) -> dict[str, Any]:
    """Exact: max abs difference of the two tools. Sampled: each tool's mean abs error vs exact."""
    exact = max(SHAP_BUDGETS)
    ours = {b: np.load(folder / f"plimsoll-shap-{b}.npy") for b in SHAP_BUDGETS}
    theirs = {b: np.load(folder / f"kernel-explainer-{b}.npy") for b in SHAP_BUDGETS}
    reference = ours[exact]
    out: dict[str, Any] = {
        "exact_max_abs_diff": float(np.abs(ours[exact] - theirs[exact]).max()),
        "exact_mean_abs_value": float(np.abs(reference).mean()),
    }
    for budget in SHAP_BUDGETS:
        if budget == exact:
            continue
        out[f"sampled_{budget}"] = {
            "plimsoll_mae_vs_exact": float(np.abs(ours[budget] - reference).mean()),
            "kernel_explainer_mae_vs_exact": float(np.abs(theirs[budget] - reference).mean()),
            "plimsoll_vs_kernel_explainer_max": float(np.abs(ours[budget] - theirs[budget]).max()),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS)
    parser.add_argument("--ft-rows", type=int, default=20_000, help="rows of the FT subsample")
    parser.add_argument("--instances", type=int, default=FULL_INSTANCES, help="SHAP records")
    parser.add_argument("--runs", type=int, default=3, help="Plimsoll runs (after a warm-up)")
    parser.add_argument("--peer-runs", type=int, default=3, help="smclarify, KernelExplainer")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    smclarify, shap = ensure_venv("cl-smclarify"), ensure_venv("cl-shap")
    npz, shap_npz = bias_data(CACHE, args.rows), shap_inputs(CACHE)
    ft_rows = min(args.ft_rows, args.rows)
    raw: dict[str, Any] = {
        "rows": args.rows,
        "ft_rows": ft_rows,
        "instances": args.instances,
        "load_before": load_before,
    }
    watch = CpuWatch()  # the machine is shared: how much CPU others take while we measure
    with watch:
        raw["plimsoll_bias"] = plimsoll_bias(npz, args.runs, ft_rows)
        raw["smclarify"] = run_json(smclarify, "_cl_smclarify.py", npz, args.peer_runs, ft_rows)
        print(f"smclarify: { {k: raw['smclarify'][k]['runs'] for k in ('pre', 'post', 'ft')} }")
        raw["plimsoll_shap"] = plimsoll_shap(shap_npz, args.instances, args.runs)
        raw["kernel_explainer"] = run_json(
            shap, "_cl_shap.py", shap_npz, args.instances, args.peer_runs, *SHAP_BUDGETS
        )
        print(f"KernelExplainer: {raw['kernel_explainer']}", flush=True)
    raw["bias_parity"] = {
        key: bias_parity(raw["plimsoll_bias"][key]["values"], raw["smclarify"][key]["values"])
        for key in ("pre", "post", "ft")
    }
    raw["shap_parity"] = shap_parity(shap_npz.parent)
    raw["others_cores"], raw["wall_s"] = watch.others_cores, watch.wall
    report(raw, args)


def report(raw: dict[str, Any], args: argparse.Namespace) -> None:
    from _cl_report import render

    body = render(raw, machine(), versions("plimsoll", "numpy"), median)
    print(body)
    if args.rows != FULL_ROWS or args.instances != FULL_INSTANCES:
        print("(a partial run: RESULTS.md left as it was)")
        return
    write_section("clarify", body, raw)


if __name__ == "__main__":
    main()
