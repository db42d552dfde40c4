"""Bias drift: a current Clarify bias metric farther from 0 than the baseline's.

SageMaker's rule (AWS docs "Bias drift violations"; spec clarify.md §2.6): a value closer to 0
means a more balanced distribution, and a metric violates when the current value is farther
from 0 than the baseline value. Decisions where the rule is silent:

* **DI too.** Disparate Impact (q̂_d / q̂_a) is at parity at 1, not 0, but the service
  measures it from 0 like the rest: in the real 2024 adult execution DI fell from its baseline
  0.178 to 0.083 (further from parity) and was not flagged, which only the literal rule gives.
  So a DI rising towards parity violates and one falling towards 0 does not, as on SageMaker
  (docs/compat.md).
* **Infinity** (a float, or the strings ``"Infinity"`` / ``"-Infinity"`` that ``analysis.json``
  holds). Compared by distance like any value: a current ±Infinity violates against any
  finite baseline (the real 2024 file has ``Metric value Infinity`` for TE); against an infinite
  baseline nothing is farther, so it never violates. Printed as Java does (``Infinity``).
* **Threshold facets.** A numeric facet's group is the interval ``(threshold, data maximum]``,
  whose upper end moves with each execution's data; groups are matched by
  :func:`facet_group`, which drops that end, so ``(14.0, 24.63]`` in the baseline is the group
  ``(14.0, 22.01]`` of an execution. The violation names the execution's interval.
* **Equal distance** is not a violation (strictly farther).
* **Skipped, never a violation:** a section, facet, facet value or metric missing from either
  file, a ``null`` value (metrics with an ``error``), NaN, and non-numbers. ``segment_analysis``
  is not compared.

Entries follow the current file's order: sections (pre-, then post-training), facets, facet
values, metrics. Numbers are printed like the real file (Java ``Double.toString``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from plimsoll.engines.checks import format_double

__all__ = [
    "BIAS_DRIFT_CHECK",
    "BIAS_SECTIONS",
    "allowed_range",
    "bias_drift_violations",
    "facet_group",
    "violations_document",
]

BIAS_DRIFT_CHECK = "bias_drift_check"
BIAS_SECTIONS = ("pre_training_bias_metrics", "post_training_bias_metrics")
_VIOLATIONS_VERSION = "1.0"


def _number(value: object) -> float | None:
    if value in ("Infinity", "-Infinity"):  # how analysis.json writes +-inf (spec §2.2)
        return float(str(value).replace("Infinity", "inf"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _metrics(entry: object) -> dict[str, float]:
    """``{name: value}`` of one facet value's numeric metrics."""
    found: dict[str, float] = {}
    metrics = entry.get("metrics") if isinstance(entry, dict) else None
    for metric in metrics if isinstance(metrics, list) else []:
        if isinstance(metric, dict) and isinstance(metric.get("name"), str):
            value = _number(metric.get("value"))
            if value is not None:
                found[metric["name"]] = value
    return found


def _facet_values(section: object) -> Iterator[tuple[str, str, dict[str, float]]]:
    """``(facet, value_or_threshold, metrics)`` of one bias section, in file order."""
    facets = section.get("facets") if isinstance(section, dict) else None
    for facet, entries in (facets if isinstance(facets, dict) else {}).items():
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and "value_or_threshold" in entry:
                yield str(facet), str(entry["value_or_threshold"]), _metrics(entry)


def _farther(current: float, baseline: float) -> bool:
    return abs(current) > abs(baseline)


_LAST_UPPER = re.compile(r", [^,\]]+\]$")


def facet_group(value_or_threshold: str) -> str:
    """The key that matches one facet group across analyses: ``value_or_threshold`` with a
    threshold interval's last upper end (the data's maximum) replaced by ``…``."""
    return (
        _LAST_UPPER.sub(", …]", value_or_threshold)
        if value_or_threshold[:1] == "("
        else (value_or_threshold)
    )


def allowed_range(baseline: float) -> tuple[float, float]:
    """The current values that do not violate against ``baseline``: ``[-|b|, |b|]``."""
    return (-abs(baseline), abs(baseline))


def bias_drift_violations(
    baseline: Mapping[str, Any], current: Mapping[str, Any]
) -> list[dict[str, str]]:
    """The ``bias_drift_check`` entries of ``current`` (an analysis.json) against ``baseline``."""
    found: list[dict[str, str]] = []
    for section in BIAS_SECTIONS:
        known = {
            (facet, facet_group(value)): metrics
            for facet, value, metrics in _facet_values(baseline.get(section))
        }
        for facet, value, metrics in _facet_values(current.get(section)):
            limits = known.get((facet, facet_group(value)), {})
            for name, number in metrics.items():
                limit = limits.get(name)
                if limit is None or not _farther(number, limit):
                    continue
                found.append(
                    {
                        "facet": facet,
                        "facet_value": value,
                        "metric_name": name,
                        "constraint_check_type": BIAS_DRIFT_CHECK,
                        "description": (
                            f"Metric value {format_double(number)} doesn't meet the baseline "
                            f"constraint requirement {format_double(limit)}"
                        ),
                    }
                )
    return found


def violations_document(violations: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """``constraint_violations.json``: ``{"version": "1.0", "violations": [...]}``."""
    return {"version": _VIOLATIONS_VERSION, "violations": [dict(v) for v in violations]}
