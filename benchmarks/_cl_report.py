"""The RESULTS.md section of bench_clarify.py, from its raw measurements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

QUIET_LOAD = 1.0  # 1-minute load average at start, on 2 cores
QUIET_OTHERS = 0.25  # cores other processes may use during the run
BIAS_TARGET = 20.0  # the issue: 20x smclarify on both metric sets
SHAP_TARGET = 5.0  # and 5x KernelExplainer
METRIC_TOL = 1e-9
SHAP_TOL = 1e-6


def render(
    raw: dict[str, Any], machine: str, versions: str, median: Callable[[list[float]], float]
) -> str:
    rows, ft_rows, count = raw["rows"], raw["ft_rows"], raw["instances"]
    ours, theirs = raw["plimsoll_bias"], raw["smclarify"]
    peer = theirs["versions"]
    what = {
        "pre": f"all 8 pre-training metrics, {rows:,} rows",
        "post": f"12 post-training metrics (all but FT), {rows:,} rows",
        "ft": f"FT alone, first {ft_rows:,} rows",
    }
    lines = []
    for key in ("pre", "post", "ft"):
        mine, peer_t = median(ours[key]["runs"]), median(theirs[key]["runs"])
        ratio = peer_t / mine
        target = f"{BIAS_TARGET:.0f}x: {_yes(ratio >= BIAS_TARGET)}" if key != "ft" else "-"
        if key != "ft":
            for facet, label in (("sex", "binary `sex`"), ("age", "continuous `age` > 40")):
                a, b = median(ours[key]["facets"][facet]), median(theirs[key]["facets"][facet])
                lines.append(
                    f"| &nbsp;&nbsp;of which facet {label} | {a:.3f} s | {b:.3f} s | "
                    f"{b / a:.1f}x | {BIAS_TARGET:.0f}x: {_yes(b / a >= BIAS_TARGET)} |"
                )
        lines.insert(
            len(lines) - (2 if key != "ft" else 0),
            f"| Bias, {what[key]}, 2 facets | {mine:.3f} s ({len(ours[key]['runs'])}) | "
            f"{peer_t:.3f} s ({len(theirs[key]['runs'])}) | {ratio:.1f}x | {target} |",
        )
    ps, ke = raw["plimsoll_shap"], raw["kernel_explainer"]
    for budget, mine_raw in ps.items():
        mine = median(mine_raw["runs"]) / count * 1000
        peer_ms = median(ke[budget]["runs"]) / count * 1000
        ratio = peer_ms / mine
        kind = "exact enumeration" if mine_raw["exact"] else "sampled"
        lines.append(
            f"| Kernel SHAP, 12 features, 1 baseline row, num_samples={budget} ({kind}), "
            f"{count} records | {mine:.2f} ms/record ({len(mine_raw['runs'])}) | "
            f"{peer_ms:.2f} ms/record ({len(ke[budget]['runs'])}) | {ratio:.1f}x | "
            f"{SHAP_TARGET:.0f}x: {_yes(ratio >= SHAP_TARGET)} |"
        )
    parity = []
    for key in ("pre", "post", "ft"):
        found = raw["bias_parity"][key]
        diffs = ", ".join(f"{m} {d:.1e}" for m, d in sorted(found["max_abs_diff"].items()))
        worst = max(found["max_abs_diff"].values(), default=0.0)
        verdict = "all within 1e-9" if worst <= METRIC_TOL else "**mismatch**"
        issues = "; ".join(found["issues"])
        parity.append(
            f"- {key}: {verdict}; max abs difference per metric: {diffs}"
            + (f". Differences in groups/kinds: {issues}" if issues else "")
        )
    sp = raw["shap_parity"]
    exact_ok = sp["exact_max_abs_diff"] <= SHAP_TOL
    parity.append(
        f"- Kernel SHAP, exact (4094): max abs difference {sp['exact_max_abs_diff']:.1e} "
        f"(mean |value| {sp['exact_mean_abs_value']:.3f}): "
        + ("within 1e-6" if exact_ok else "**not within 1e-6**")
    )
    for key, s in sp.items():
        if key.startswith("sampled_"):
            parity.append(
                f"- Kernel SHAP, sampled ({key.split('_')[1]}): mean abs error vs exact "
                f"Plimsoll {s['plimsoll_mae_vs_exact']:.1e}, KernelExplainer "
                f"{s['kernel_explainer_mae_vs_exact']:.1e}"
            )
    others = raw.get("others_cores", 2.0)
    quiet = raw["load_before"] < QUIET_LOAD and others < QUIET_OTHERS
    load = ("Quiet machine" if quiet else "**Measured under load**") + (
        f": 1-minute load {raw['load_before']:.2f} at start; other processes used "
        f"{others:.2f} of the 2 cores on average over the {raw.get('wall_s', 0):.0f} s run."
    )
    table = "\n".join(lines)
    checks = "\n".join(parity)
    return f"""
## Clarify: bias metrics and Kernel SHAP

Machine: {machine}.
Versions: {versions}; smclarify {peer["smclarify"]} (pandas {peer["pandas"]}, numpy
{peer["numpy"]}, scikit-learn {peer["scikit-learn"]}); shap {ke["version"]} (numpy {ke["numpy"]}).
Peers in benchmarks/.venvs/cl-smclarify and cl-shap, pinned in `bench_clarify.py`. Command:
`cd benchmarks && ../.venv/bin/python bench_clarify.py` (defaults: --runs 3 --peer-runs 3
--ft-rows {ft_rows}).
Data (`_cl_data.py`, seeded): {rows:,} adult-like rows; facets `sex` (binary, sensitive 0) and
`age` (continuous, threshold 40), binary label and predicted label, a 20-value group variable
(CDDL/CDDPL), two float features for FT. Each bias row runs both facets; Plimsoll gets numpy
arrays, smclarify a DataFrame (built outside the timer). FT is a kNN per disadvantaged row
(brute force in Plimsoll's numpy engine, O(n_a * n_d); a scikit-learn tree in smclarify), so
it is timed on a subsample for both. SHAP: a 12-16-1 MLP (numpy, same weights in both
venvs), baseline = the data mean, `l1_reg=False` for KernelExplainer.
Median over the runs in parentheses (Plimsoll after one discarded warm-up).

| Workload | Plimsoll | Peer | Peer / Plimsoll | Target met |
|---|---|---|---|---|
{table}

Parity (Plimsoll vs smclarify, every facet group):
{checks}

{load}
"""


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"
