"""The attribution sections of a ModelExplainability schedule's report, per SHAP label.

* nDCG history: per execution, :func:`plimsoll.engines.drift_checks.ndcg` of its global SHAP
  values (``explanations.kernel_shap.<label>.global_shap_values``) against the baseline's, with
  the violation threshold (0.9); a point is marked when the execution's violations name the label.
* The latest analysed execution's global SHAP values beside the baseline's (top features by
  magnitude in either file) and the ranking table (ranks by |value|, as nDCG uses them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from plimsoll.engines.drift_checks import DEFAULT_NDCG_THRESHOLD, ndcg
from plimsoll.reports._charts import history_chart
from plimsoll.reports._clarify_history import Checked, latest_analysed
from plimsoll.reports._documents import to_float
from plimsoll.reports._drift_charts import PairedBar, paired_bar_chart
from plimsoll.reports._html import Markup, table, tag
from plimsoll.reports._svg import fmt_number

#: Bars in the SHAP comparison chart.
TOP_BARS = 12
#: Rows of the ranking table: features ranked at most this high in either file.
TOP_RANKS = 20


def global_values(analysis: Mapping[str, Any] | None) -> dict[str, dict[str, float]]:
    """label -> {feature: global SHAP value}, in file order (nDCG breaks ties by it)."""
    explanations = (analysis or {}).get("explanations")
    shap = explanations.get("kernel_shap") if isinstance(explanations, Mapping) else None
    found: dict[str, dict[str, float]] = {}
    for label, section in (shap if isinstance(shap, Mapping) else {}).items():
        values = section.get("global_shap_values") if isinstance(section, Mapping) else None
        if isinstance(values, Mapping) and values:
            found[str(label)] = {str(k): to_float(v) for k, v in values.items()}
    return found


def _magnitude(value: float) -> float:
    return abs(value) if math.isfinite(value) else 0.0


def ranks(values: Mapping[str, float], tie_order: Sequence[str] = ()) -> dict[str, int]:
    """1-based rank by decreasing |value|; ties in ``tie_order``, then in ``values``' order."""
    position = {name: index for index, name in enumerate(tie_order)}
    names = sorted(
        enumerate(values),
        key=lambda item: (
            -_magnitude(values[item[1]]),
            position.get(item[1], len(position)),
            item[0],
        ),
    )
    return {name: rank for rank, (_, name) in enumerate(names, start=1)}


def _labels(
    base: Mapping[str, Mapping[str, float]], per_execution: Sequence[Mapping[str, Any]]
) -> list[str]:
    labels = list(base)
    for values in per_execution:
        labels += [label for label in values if label not in labels]
    return labels


def _violated_labels(checked: Checked) -> set[str]:
    return {str(v.get("label", "")) for v in checked.violations}


def attribution_sections(
    checked: Sequence[Checked], baseline: Mapping[str, Any] | None
) -> list[Markup]:
    """The nDCG history section and the latest-attributions section."""
    base = global_values(baseline)
    per_execution = [global_values(c.point.analysis) for c in checked]
    labels = _labels(base, per_execution)
    heading = tag("h2", "Attribution drift (nDCG) history", id="history")
    if not labels:
        note = tag("p", "No analysis.json holds global SHAP values.", cls="muted")
        return [tag("section", [heading, note])]
    parts: list[str] = [heading]
    if not base:
        parts.append(tag("p", "No baseline SHAP values: nDCG cannot be computed.", cls="muted"))
    charts: list[str] = []
    rows: list[list[str]] = []
    threshold = DEFAULT_NDCG_THRESHOLD
    for label in labels:
        points = [
            c.time_point(
                ndcg(base[label], values[label]) if label in base and label in values else math.nan,
                label in _violated_labels(c),
            )
            for c, values in zip(checked, per_execution, strict=True)
        ]
        if label in base:
            charts.append(
                history_chart(
                    f"nDCG: {label}", points, threshold, f"threshold {fmt_number(threshold)}"
                )
            )
        finite = [p for p in points if math.isfinite(p.value)]
        rows.append(
            [
                label,
                fmt_number(finite[-1].value) if finite else "n/a",
                fmt_number(threshold),
                str(sum(p.value < threshold for p in finite)),
                str(sum(p.violated for p in points)),
            ]
        )
    headers = ["Label", "Latest nDCG", "Threshold", "Executions below", "Violations so far"]
    parts.append(table(headers, rows, numeric=frozenset({1, 2, 3, 4})))
    parts.append(
        tag(
            "p",
            "nDCG of each execution's global SHAP ranking against the baseline's (1 = same "
            "ranking); dashed: the threshold, below which the check violates; ▼ marks an "
            "execution whose violations name the label; gaps: executions without analysis.json.",
            cls="muted",
        )
    )
    parts.append(tag("div", charts, cls="plots"))
    return [tag("section", parts), _latest(checked, base, labels)]


def _change(before: int | None, after: int | None) -> str:
    if before is None:
        return "new"
    if after is None:
        return "gone"
    if after == before:
        return "="
    return f"▲ {before - after}" if after < before else f"▼ {after - before}"


def _label_blocks(label: str, before: Mapping[str, float], after: Mapping[str, float]) -> list[str]:
    old = ranks(before)
    new = ranks(after, tie_order=sorted(old, key=old.__getitem__))
    names = list(before) + [name for name in after if name not in before]
    nan = math.nan
    top = sorted(
        names,
        key=lambda n: (-max(_magnitude(before.get(n, nan)), _magnitude(after.get(n, nan))), n),
    )[:TOP_BARS]
    bars = [PairedBar(name, before.get(name, nan), after.get(name, nan)) for name in top]
    chart = paired_bar_chart(f"Global SHAP values: {label}", bars, "global SHAP value")
    shown = [
        n for n in names if min(old.get(n, TOP_RANKS + 1), new.get(n, TOP_RANKS + 1)) <= TOP_RANKS
    ]
    shown.sort(key=lambda n: (old.get(n, len(names) + new.get(n, 0)), n))
    rows = [
        [
            name,
            str(old.get(name, "-")),
            str(new.get(name, "-")),
            _change(old.get(name), new.get(name)),
            fmt_number(before[name]) if name in before else "-",
            fmt_number(after[name]) if name in after else "-",
        ]
        for name in shown
    ]
    headers = [
        "Feature",
        "Baseline rank",
        "Current rank",
        "Change",
        "Baseline value",
        "Current value",
    ]
    return [
        tag("h3", f"Label {label}"),
        tag("div", [chart], cls="plots"),
        table(headers, rows, numeric=frozenset({1, 2, 4, 5})),
    ]


def _latest(
    checked: Sequence[Checked], base: Mapping[str, Mapping[str, float]], labels: Sequence[str]
) -> Markup:
    latest = latest_analysed(checked)
    if latest is None:
        heading = tag("h2", "Global SHAP values vs baseline", id="latest")
        return tag("section", [heading, tag("p", "No execution wrote analysis.json.", cls="muted")])
    heading = tag(
        "h2", f"Global SHAP values vs baseline (execution {latest.label} UTC)", id="latest"
    )
    current = global_values(latest.point.analysis)
    parts: list[str] = [
        heading,
        tag(
            "p",
            "Ranks by |global SHAP value| (ties keep the baseline order), as nDCG ranks them; "
            f"the table lists the features ranked in the top {TOP_RANKS} of either file; a "
            "feature missing from the current file counts as 0 in nDCG.",
            cls="muted",
        ),
    ]
    for label in labels:
        parts += _label_blocks(label, base.get(label, {}), current.get(label, {}))
    return tag("section", parts)
