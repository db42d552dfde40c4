"""A Clarify monitoring schedule's executions as the reports read them: points in time order.

Each :class:`ClarifyExecutionPoint` carries the execution's own documents. Its violations are
those of its ``constraint_violations.json`` (the record: the baseline may have changed since);
an execution that wrote an ``analysis.json`` but no violations file is checked here against the
given baseline with the same engine functions the monitoring job runs
(:mod:`plimsoll.engines.drift_checks`), so every analysed execution has violations to show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from plimsoll.engines.drift_checks import attribution_drift_violations, bias_drift_violations
from plimsoll.reports._charts import TimePoint

ClarifyMonitorKind = Literal["ModelBias", "ModelExplainability"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClarifyExecutionPoint:
    """One execution of a ModelBias or ModelExplainability schedule.

    ``analysis`` is its ``analysis.json`` (None when it wrote none, e.g. it failed),
    ``violations`` its ``constraint_violations.json`` (None when it wrote none).
    """

    scheduled_time: datetime
    status: str
    analysis: Mapping[str, Any] | None = None
    violations: Mapping[str, Any] | None = None
    failure_reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Checked:
    """An execution with its violation entries resolved (see the module docstring)."""

    point: ClarifyExecutionPoint
    violations: tuple[Mapping[str, Any], ...]
    computed: bool
    """True when ``violations`` were computed here (the execution wrote no violations file)."""

    @property
    def label(self) -> str:
        return time_label(self.point.scheduled_time)

    @property
    def seconds(self) -> float:
        return utc(self.point.scheduled_time).timestamp()

    def time_point(self, value: float, violated: bool = False) -> TimePoint:
        return TimePoint(label=self.label, seconds=self.seconds, value=value, violated=violated)


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_label(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM``, with seconds for an execution off the minute (a manual run)."""
    moment = utc(moment)
    return moment.strftime("%Y-%m-%d %H:%M" if moment.second == 0 else "%Y-%m-%d %H:%M:%S")


def _listed(document: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    items = document.get("violations")
    return tuple(v for v in items if isinstance(v, Mapping)) if isinstance(items, list) else ()


def _computed(
    kind: ClarifyMonitorKind, analysis: Mapping[str, Any], baseline: Mapping[str, Any]
) -> tuple[Mapping[str, Any], ...]:
    if kind == "ModelBias":
        return tuple(bias_drift_violations(baseline, analysis))
    return tuple(attribution_drift_violations(baseline, analysis))


def check(
    kind: ClarifyMonitorKind,
    history: Sequence[ClarifyExecutionPoint],
    baseline: Mapping[str, Any] | None,
) -> list[Checked]:
    """The executions sorted by scheduled time, each with its violation entries."""
    checked = []
    for point in sorted(history, key=lambda p: (utc(p.scheduled_time), p.status)):
        if point.violations is not None:
            checked.append(
                Checked(point=point, violations=_listed(point.violations), computed=False)
            )
        elif point.analysis is not None and baseline is not None:
            found = _computed(kind, point.analysis, baseline)
            checked.append(Checked(point=point, violations=found, computed=True))
        else:
            checked.append(Checked(point=point, violations=(), computed=False))
    return checked


def latest_analysed(checked: Sequence[Checked]) -> Checked | None:
    """The newest execution that wrote an ``analysis.json``."""
    return next((c for c in reversed(checked) if c.point.analysis is not None), None)
