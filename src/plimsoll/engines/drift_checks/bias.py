"""Bias drift: a current Clarify bias metric farther from its ideal value than the baseline's.

SageMaker's rule (AWS docs "Bias drift violations"; spec clarify.md §2.6): a value closer to 0
means a more balanced distribution, and a metric violates when the current value is farther
from 0 than the baseline value. Decisions where the rule is silent:

* **Ideal value.** Distance is measured from the metric's ideal value, 0 for every metric except
  ``DI`` (Disparate Impact, q̂_d / q̂_a), whose parity value is 1 (:data:`IDEAL_VALUES`). With
  the literal "farther from 0" a DI moving from 0.18 towards parity would violate and one
  falling to 0.05 would not.
* **Infinity.** Compared by distance like any value: a current ±Infinity violates against any
  finite baseline (the real 2024 file has ``Metric value Infinity`` for TE); against an infinite
  baseline nothing is farther, so it never violates. Printed as Java does (``Infinity``).
* **Equal distance** is not a violation (strictly farther).
* **Skipped, never a violation:** a section, facet, facet value or metric missing from either
  file, a ``null`` value (metrics with an ``error``), NaN, and non-numbers. ``segment_analysis``
  is not compared.

Entries follow the current file's order: sections (pre-, then post-training), facets, facet
values, metrics. Numbers are printed like the real file (Java ``Double.toString``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from plimsoll.engines.checks import format_double

__all__ = [
    "BIAS_DRIFT_CHECK",
    "BIAS_SECTIONS",
    "IDEAL_VALUES",
    "bias_drift_violations",
    "violations_document",
]

BIAS_DRIFT_CHECK = "bias_drift_check"
BIAS_SECTIONS = ("pre_training_bias_metrics", "post_training_bias_metrics")
IDEAL_VALUES: Mapping[str, float] = {"DI": 1.0}
_VIOLATIONS_VERSION = "1.0"


def _number(value: object) -> float | None:
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


def _farther(name: str, current: float, baseline: float) -> bool:
    ideal = IDEAL_VALUES.get(name, 0.0)
    return abs(current - ideal) > abs(baseline - ideal)


def bias_drift_violations(
    baseline: Mapping[str, Any], current: Mapping[str, Any]
) -> list[dict[str, str]]:
    """The ``bias_drift_check`` entries of ``current`` (an analysis.json) against ``baseline``."""
    found: list[dict[str, str]] = []
    for section in BIAS_SECTIONS:
        known = {
            (facet, value): metrics
            for facet, value, metrics in _facet_values(baseline.get(section))
        }
        for facet, value, metrics in _facet_values(current.get(section)):
            limits = known.get((facet, value), {})
            for name, number in metrics.items():
                limit = limits.get(name)
                if limit is None or not _farther(name, number, limit):
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
