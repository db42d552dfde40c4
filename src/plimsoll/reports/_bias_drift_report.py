"""The bias sections of a ModelBias schedule's report: metric history and latest metrics.

One group of small multiples per (stage, facet, facet value), one chart per metric with a point
per execution. The band is the rule of :mod:`plimsoll.engines.drift_checks.bias`: a value
violates when it is farther from 0 than the baseline value (DI included, as on SageMaker), so
the allowed range is ±|baseline| (:func:`~plimsoll.engines.drift_checks.allowed_range`). Points are
marked from the execution's violations (``facet``, ``facet_value``, ``metric_name``; the file
does not name the stage, and metric names differ between the stages). A threshold facet's
interval is shown as ``(threshold, …]``: its upper end is each execution's data maximum
(:func:`~plimsoll.engines.drift_checks.facet_group`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from plimsoll.engines.drift_checks import allowed_range, facet_group
from plimsoll.reports._charts import TimePoint
from plimsoll.reports._clarify_history import Checked, latest_analysed
from plimsoll.reports._clarify_read import BIAS_SECTIONS, Metric, read_bias_sections
from plimsoll.reports._drift_charts import band_chart
from plimsoll.reports._html import Markup, table, tag
from plimsoll.reports._svg import fmt_number

#: (analysis.json section key, facet, facet value or threshold)
GroupKey = tuple[str, str, str]
#: Groups shown open when there are at most this many; beyond, only groups with violations.
OPEN_GROUPS = 4

_STAGES = dict(BIAS_SECTIONS)


def _metrics(analysis: Mapping[str, Any] | None) -> dict[GroupKey, dict[str, Metric]]:
    if analysis is None:
        return {}
    return {
        (section.key, group.facet, facet_group(group.value_or_threshold)): {
            m.name: m for m in group.metrics
        }
        for section in read_bias_sections(analysis)
        for group in section.groups
    }


def _labels(documents: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Section key -> ``label = value`` as the documents name it (the first one wins)."""
    found: dict[str, str] = {}
    for document in documents:
        for section in read_bias_sections(document):
            found.setdefault(section.key, f"{section.label} = {section.label_value_or_threshold}")
    return found


def _violated(checked: Checked) -> set[tuple[str, str, str]]:
    return {
        (
            str(v.get("facet", "")),
            facet_group(str(v.get("facet_value", ""))),
            str(v.get("metric_name", "")),
        )
        for v in checked.violations
    }


def band(name: str, baseline: float) -> tuple[float, float] | None:
    """The values of metric ``name`` that do not violate against ``baseline`` (None: unknown)."""
    if math.isnan(baseline):
        return None
    return allowed_range(baseline)


def _ordered_groups(
    per_execution: Sequence[Mapping[GroupKey, Mapping[str, Metric]]],
) -> dict[GroupKey, list[str]]:
    """The executions' groups and metric names, in the order they first appear; stages in
    file order. Groups only in the baseline (a pre-training stage the monitor does not
    compute) are left out: they have no history."""
    groups: dict[GroupKey, list[str]] = {}
    for metrics in per_execution:
        for key, found in metrics.items():
            names = groups.setdefault(key, [])
            names += [name for name in found if name not in names]
    order = {key: index for index, (key, _) in enumerate(BIAS_SECTIONS)}
    return dict(sorted(groups.items(), key=lambda item: order.get(item[0][0], len(order))))


def bias_sections(checked: Sequence[Checked], baseline: Mapping[str, Any] | None) -> list[Markup]:
    """The history section and the latest-metrics section."""
    base = _metrics(baseline)
    per_execution = [_metrics(c.point.analysis) for c in checked]
    groups = _ordered_groups(per_execution)
    documents = [d for d in [baseline, *(c.point.analysis for c in checked)] if d is not None]
    labels = _labels(documents)
    heading = tag("h2", "Bias metric history", id="history")
    if not groups:
        note = tag("p", "No execution wrote bias metrics.", cls="muted")
        return [tag("section", [heading, note])]
    blocks: list[str] = [
        heading,
        tag(
            "p",
            "One chart per metric, one point per execution. Shaded: the values that do not "
            "violate (no farther from 0 than the baseline, as SageMaker checks every metric, DI "
            "included); dashed: its edges; ▼ marks a violation; ✕ an "
            "execution without analysis.json.",
            cls="muted",
        ),
    ]
    violated = [_violated(c) for c in checked]
    for key, names in groups.items():
        blocks.append(
            _group(key, names, checked, per_execution, violated, base, labels, len(groups))
        )
    return [tag("section", blocks), _latest_table(checked, base, groups)]


def _group(
    key: GroupKey,
    names: Sequence[str],
    checked: Sequence[Checked],
    per_execution: Sequence[Mapping[GroupKey, Mapping[str, Metric]]],
    violated: Sequence[set[tuple[str, str, str]]],
    base: Mapping[GroupKey, Mapping[str, Metric]],
    labels: Mapping[str, str],
    count: int,
) -> Markup:
    """One (stage, facet, value): a ``<details>`` of small multiples, one per metric."""
    stage, facet, value = key
    failed = [c.time_point(math.nan) for c in checked if c.point.analysis is None]
    charts = []
    violations = 0
    for name in names:
        points: list[TimePoint] = []
        for c, metrics, marks in zip(checked, per_execution, violated, strict=True):
            if key in metrics and name in metrics[key]:
                hit = (facet, value, name) in marks
                violations += hit
                points.append(c.time_point(metrics[key][name].value, hit))
        limit = base.get(key, {}).get(name)
        allowed = None if limit is None else band(name, limit.value)
        charts.append(band_chart(f"{name} ({facet} = {value})", points, allowed, failed))
    title = f"{_STAGES.get(stage, stage)}: facet {facet} = {value}"
    label = labels.get(stage, "")
    plural = "s" if violations != 1 else ""
    summary = f"{title} (label {label}): {violations} violation{plural} so far"
    attrs = {"open": "open"} if count <= OPEN_GROUPS or violations > 0 else {}
    return tag("details", [tag("summary", summary), tag("div", charts, cls="plots")], **attrs)


def _status(current: Metric | None, limit: Metric | None, violated: bool) -> str:
    if violated:
        return "violation"
    if current is None or math.isnan(current.value):
        return "no value" if current is None or current.error is None else "error"
    return "ok" if limit is not None and not math.isnan(limit.value) else "no baseline"


def _latest_table(
    checked: Sequence[Checked],
    base: Mapping[GroupKey, Mapping[str, Metric]],
    groups: Mapping[GroupKey, Sequence[str]],
) -> Markup:
    latest = latest_analysed(checked)
    if latest is None:
        heading = tag("h2", "Bias metrics vs baseline", id="latest")
        return tag("section", [heading, tag("p", "No execution wrote analysis.json.", cls="muted")])
    heading = tag("h2", f"Bias metrics vs baseline (execution {latest.label} UTC)", id="latest")
    current = _metrics(latest.point.analysis)
    marks = _violated(latest)
    rows: list[list[str]] = []
    for key, names in groups.items():
        stage, facet, value = key
        for name in names:
            now = current.get(key, {}).get(name)
            limit = base.get(key, {}).get(name)
            allowed = None if limit is None else band(name, limit.value)
            status = _status(now, limit, (facet, value, name) in marks)
            described = now or limit
            rows.append(
                [
                    _STAGES.get(stage, stage),
                    f"{facet} = {value}",
                    tag("abbr", name, title=described.description) if described else name,
                    "-" if limit is None else fmt_number(limit.value),
                    "-" if now is None else (now.error or fmt_number(now.value)),
                    "-"
                    if allowed is None
                    else f"[{fmt_number(allowed[0])}, {fmt_number(allowed[1])}]",
                    tag("strong", status) if status == "violation" else status,
                ]
            )
    headers = ["Stage", "Facet", "Metric", "Baseline", "Latest", "Allowed", "Status"]
    return tag("section", [heading, table(headers, rows, numeric=frozenset({3, 4}))])
