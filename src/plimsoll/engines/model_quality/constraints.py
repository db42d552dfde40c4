"""Suggested model-quality constraints and the ``constraints.json`` document (spec §4.4).

Thresholds are the baseline values themselves (no slack, as in the real churn output).
Operators: binary recall, precision, accuracy, true_positive_rate, true_negative_rate, auc,
f0_5, f1, f2 ``LessThanThreshold``; false_positive_rate, false_negative_rate
``GreaterThanThreshold`` [real]; multiclass accuracy and weighted_* ``LessThanThreshold``;
regression mae, mse, rmse ``GreaterThanThreshold`` and r2 ``LessThanThreshold`` [inferred].
A baseline metric whose value is NaN (e.g. AUC of a one-class baseline) is not suggested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from plimsoll.engines.model_quality.java_double import json_number
from plimsoll.engines.model_quality.result import SCALAR_METRICS, ModelQualityResult, ProblemType
from plimsoll.errors import ValidationError

__all__ = [
    "SUGGESTED_OPERATORS",
    "ComparisonOperator",
    "Constraint",
    "ConstraintSet",
    "constraints_document",
    "constraints_from_document",
    "suggest_constraints",
]


class ComparisonOperator(StrEnum):
    LESS_THAN_THRESHOLD = "LessThanThreshold"
    GREATER_THAN_THRESHOLD = "GreaterThanThreshold"

    def violated(self, value: float, threshold: float) -> bool:
        """Whether ``value`` crosses ``threshold``; never for NaN (Java comparison)."""
        if self is ComparisonOperator.LESS_THAN_THRESHOLD:
            return value < threshold
        return value > threshold


_LESS = ComparisonOperator.LESS_THAN_THRESHOLD
_GREATER = ComparisonOperator.GREATER_THAN_THRESHOLD

SUGGESTED_OPERATORS: Mapping[ProblemType, tuple[tuple[str, ComparisonOperator], ...]] = {
    ProblemType.BINARY_CLASSIFICATION: (
        ("recall", _LESS),
        ("precision", _LESS),
        ("accuracy", _LESS),
        ("true_positive_rate", _LESS),
        ("true_negative_rate", _LESS),
        ("false_positive_rate", _GREATER),
        ("false_negative_rate", _GREATER),
        ("auc", _LESS),
        ("f0_5", _LESS),
        ("f1", _LESS),
        ("f2", _LESS),
    ),
    ProblemType.MULTICLASS_CLASSIFICATION: tuple(
        (name, _LESS)
        for name in (
            "accuracy",
            "weighted_recall",
            "weighted_precision",
            "weighted_f0_5",
            "weighted_f1",
            "weighted_f2",
        )
    ),
    ProblemType.REGRESSION: (
        ("mae", _GREATER),
        ("mse", _GREATER),
        ("rmse", _GREATER),
        ("r2", _LESS),
    ),
}
"""The constraints ``suggest_baseline`` writes per problem type, in file order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraint:
    metric: str
    threshold: float
    comparison_operator: ComparisonOperator


@dataclass(frozen=True, slots=True, kw_only=True)
class ConstraintSet:
    problem_type: ProblemType
    constraints: tuple[Constraint, ...]


def suggest_constraints(baseline: ModelQualityResult) -> ConstraintSet:
    """Constraints whose thresholds are the baseline's metric values."""
    suggested = []
    for name, operator in SUGGESTED_OPERATORS[baseline.problem_type]:
        value = baseline.metrics[name].value
        if not math.isnan(value):
            suggested.append(Constraint(metric=name, threshold=value, comparison_operator=operator))
    return ConstraintSet(problem_type=baseline.problem_type, constraints=tuple(suggested))


def constraints_document(constraint_set: ConstraintSet) -> dict[str, object]:
    """The ``constraints.json`` content."""
    section = f"{constraint_set.problem_type.section}_constraints"
    return {
        "version": 0.0,
        section: {
            c.metric: {
                "threshold": json_number(c.threshold),
                "comparison_operator": c.comparison_operator.value,
            }
            for c in constraint_set.constraints
        },
    }


def _threshold(metric: str, raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValidationError(f"constraint {metric}: threshold must be a number, got {raw!r}.")
    try:
        return float(raw)
    except ValueError:
        raise ValidationError(
            f"constraint {metric}: threshold must be a number, got {raw!r}."
        ) from None


def _constraint(problem_type: ProblemType, metric: str, entry: object) -> Constraint:
    if metric not in SCALAR_METRICS[problem_type]:
        raise ValidationError(f"{problem_type.value} has no metric {metric!r} to constrain.")
    if not isinstance(entry, Mapping):
        raise ValidationError(f"constraint {metric} must be an object, got {entry!r}.")
    operator = entry.get("comparison_operator")
    try:
        comparison = ComparisonOperator(str(operator))
    except ValueError:
        allowed = ", ".join(o.value for o in ComparisonOperator)
        raise ValidationError(
            f"constraint {metric}: comparison_operator must be one of {allowed}, got {operator!r}."
        ) from None
    return Constraint(
        metric=metric,
        threshold=_threshold(metric, entry.get("threshold")),
        comparison_operator=comparison,
    )


def constraints_from_document(document: Mapping[str, object]) -> ConstraintSet:
    """Parse a ``constraints.json`` (for example a user-edited baseline) with clear errors."""
    found = [p for p in ProblemType if f"{p.section}_constraints" in document]
    if len(found) != 1:
        expected = ", ".join(f"{p.section}_constraints" for p in ProblemType)
        raise ValidationError(f"constraints.json must hold exactly one of {expected}.")
    problem_type = found[0]
    body = document[f"{problem_type.section}_constraints"]
    if not isinstance(body, Mapping):
        raise ValidationError(f"{problem_type.section}_constraints must be an object.")
    return ConstraintSet(
        problem_type=problem_type,
        constraints=tuple(_constraint(problem_type, str(k), v) for k, v in body.items()),
    )
