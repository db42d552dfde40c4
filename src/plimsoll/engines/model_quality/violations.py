"""Model-quality constraint checks and ``constraint_violations.json`` (spec §4.4).

A constraint is violated when ``value < threshold`` (``LessThanThreshold``) or
``value > threshold`` (``GreaterThanThreshold``); NaN never violates. Each violation is
``{"constraint_check_type": <operator>, "description": "Metric <name> with <value> +/- <std>
was <operator> '<threshold>'", "metric_name": <name>}`` with the metric name in the service's
camelCase (``truePositiveRate``; an underscore before a digit stays: ``f0_5``,
``weightedF0_5``) and numbers in Java ``Double.toString`` form.

Order: the real 2021 churn run lists violations in the iteration order of a Scala 2.12
immutable ``HashMap`` keyed by the camelCase names (reproduced here exactly). That run lists no
``f0_5`` violation although f0_5 (0.343) was below its threshold (0.8696): the service of that
time evidently did not check f0_5. We check every constraint in constraints.json, f0_5 included.
The file has no top-level ``version`` (none is visible in any real output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plimsoll.engines.model_quality.constraints import ConstraintSet
from plimsoll.engines.model_quality.java_double import format_java_double
from plimsoll.engines.model_quality.result import ModelQualityResult
from plimsoll.errors import ValidationError

__all__ = ["Violation", "camel_case_metric", "check_constraints", "violations_document"]

_MASK = 0xFFFFFFFF


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    metric_name: str
    constraint_check_type: str
    description: str

    def to_dict(self) -> dict[str, str]:
        return {
            "constraint_check_type": self.constraint_check_type,
            "description": self.description,
            "metric_name": self.metric_name,
        }


def camel_case_metric(name: str) -> str:
    """``true_positive_rate`` -> ``truePositiveRate``; ``f0_5`` stays ``f0_5``."""
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), name)


def _scala_hash_order(name: str) -> tuple[int, ...]:
    """Sort key giving Scala 2.12 immutable ``HashMap`` iteration order for string keys."""
    h = 0
    for char in name:  # java.lang.String.hashCode
        h = (31 * h + ord(char)) & _MASK
    h = (h + (~(h << 9) & _MASK)) & _MASK  # HashMap.improve
    h ^= h >> 14
    h = (h + (h << 4)) & _MASK
    h ^= h >> 10
    return tuple((h >> (5 * level)) & 31 for level in range(7))


def check_constraints(
    current: ModelQualityResult, constraint_set: ConstraintSet
) -> tuple[Violation, ...]:
    """The violations of ``constraint_set`` by the current metrics."""
    if current.problem_type is not constraint_set.problem_type:
        raise ValidationError(
            f"constraints are for {constraint_set.problem_type.value} but the metrics are for "
            f"{current.problem_type.value}."
        )
    found = []
    for constraint in constraint_set.constraints:
        metric = current.metrics[constraint.metric]
        operator = constraint.comparison_operator
        if not operator.violated(metric.value, constraint.threshold):
            continue
        name = camel_case_metric(constraint.metric)
        description = (
            f"Metric {name} with {format_java_double(metric.value)} +/- "
            f"{format_java_double(metric.standard_deviation)} was {operator.value} "
            f"'{format_java_double(constraint.threshold)}'"
        )
        found.append(
            Violation(
                metric_name=name, constraint_check_type=operator.value, description=description
            )
        )
    return tuple(sorted(found, key=lambda v: _scala_hash_order(v.metric_name)))


def violations_document(violations: tuple[Violation, ...]) -> dict[str, object]:
    """The ``constraint_violations.json`` content."""
    return {"violations": [violation.to_dict() for violation in violations]}
