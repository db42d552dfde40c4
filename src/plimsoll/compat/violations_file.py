"""SageMaker's data-quality ``constraint_violations.json`` and constraints.json -> checks config.

The file is ``{"violations": [{"feature_name", "constraint_check_type", "description"}]}``
with no ``version`` key (an empty list when nothing is violated). Reading constraints.json
tolerates the legacy ``distribution_constraints`` keys (``enable_comparisons``) and
per-feature ``evaluate_constraints`` overrides (``monitoringConfigOverrides`` or
``string_constraints.monitoring_config_overrides``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from plimsoll.compat.monitor_files import Constraints, FeatureConstraints
from plimsoll.engines.checks import (
    CategoricalDriftMethod,
    ChecksConfig,
    CheckType,
    ComparisonMethod,
    FeatureChecks,
    Violation,
)
from plimsoll.engines.profile import InferredType

logger = logging.getLogger(__name__)

__all__ = [
    "ConstraintViolations",
    "ViolationEntry",
    "checks_config_from_constraints",
    "to_violations_json",
    "violations_from_json",
]

_DEFAULTS = ChecksConfig(features=())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ViolationEntry(_Model):
    """One data-quality violation."""

    feature_name: str
    constraint_check_type: str
    description: str


class ConstraintViolations(_Model):
    """constraint_violations.json (data quality)."""

    violations: list[ViolationEntry]


def to_violations_json(violations: Iterable[Violation]) -> dict[str, Any]:
    """constraint_violations.json content (``json.dumps``-ready), in the given order."""
    model = ConstraintViolations(
        violations=[
            ViolationEntry(
                feature_name=v.feature_name,
                constraint_check_type=v.constraint_check_type.value,
                description=v.description,
            )
            for v in violations
        ]
    )
    return model.model_dump(mode="json")


def violations_from_json(data: dict[str, Any]) -> list[Violation]:
    """Parses constraint_violations.json content; ``ValueError`` on an unknown check type."""
    model = ConstraintViolations.model_validate(data)
    return [
        Violation(
            feature_name=v.feature_name,
            constraint_check_type=CheckType(v.constraint_check_type),
            description=v.description,
        )
        for v in model.violations
    ]


def _enabled(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() == "enabled"


def _feature(f: FeatureConstraints) -> FeatureChecks:
    evaluate: str | None = None
    if f.monitoringConfigOverrides:
        raw = f.monitoringConfigOverrides.get("evaluate_constraints")
        evaluate = raw if isinstance(raw, str) else None
    strings = f.string_constraints
    if strings is not None and strings.monitoring_config_overrides is not None:
        evaluate = strings.monitoring_config_overrides.evaluate_constraints or evaluate
    return FeatureChecks(
        name=f.name,
        inferred_type=InferredType(f.inferred_type),
        completeness=f.completeness,
        domains=None if strings is None else tuple(strings.domains),
        evaluate=_enabled(evaluate, True),
    )


def checks_config_from_constraints(constraints_json: dict[str, Any]) -> ChecksConfig:
    """The checks-engine config of a data-quality constraints.json.

    Missing settings take the values SageMaker's own suggestion writes (thresholds 1.0,
    comparison 0.1 ``Robust``); the categorical threshold defaults to
    ``comparison_threshold`` and the categorical method to ``LInfinity``.

    Raises:
        pydantic.ValidationError: The content is not a data-quality constraints file.
        ValueError: An unknown ``inferred_type`` or comparison method.
    """
    model = Constraints.model_validate(constraints_json)
    cfg = model.monitoring_config
    dist = None if cfg is None else cfg.distribution_constraints
    perform = _DEFAULTS.perform_comparison
    threshold = _DEFAULTS.comparison_threshold
    method = _DEFAULTS.comparison_method
    cat_threshold: float | None = None
    cat_method = _DEFAULTS.categorical_drift_method
    if dist is not None:
        if dist.enable_comparisons is not None:
            perform = dist.enable_comparisons
        perform = _enabled(dist.perform_comparison, perform)
        threshold = threshold if dist.comparison_threshold is None else dist.comparison_threshold
        method = ComparisonMethod(dist.comparison_method or method)
        cat_threshold = dist.categorical_comparison_threshold
        cat_method = CategoricalDriftMethod(dist.categorical_drift_method or cat_method)
    datatype = _DEFAULTS.datatype_check_threshold
    domain = _DEFAULTS.domain_content_threshold
    if cfg is not None and cfg.datatype_check_threshold is not None:
        datatype = cfg.datatype_check_threshold
    if cfg is not None and cfg.domain_content_threshold is not None:
        domain = cfg.domain_content_threshold
    return ChecksConfig(
        features=tuple(_feature(f) for f in model.features),
        evaluate_constraints=_enabled(None if cfg is None else cfg.evaluate_constraints, True),
        datatype_check_threshold=datatype,
        domain_content_threshold=domain,
        perform_comparison=perform,
        comparison_threshold=threshold,
        comparison_method=method,
        categorical_comparison_threshold=threshold if cat_threshold is None else cat_threshold,
        categorical_drift_method=cat_method,
    )
