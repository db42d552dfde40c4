"""Runs every data-quality check of a constraints config on a current profile.

Matching (spec §3.5): the i-th baseline feature is compared with the i-th current column
(capture rows are endpoint output columns then input columns, named positionally);
baseline statistics are looked up by feature name. A feature that fails its
``data_type_check`` is not compared for drift: in the real churn run the label column
received probabilities (0 % Integral) and only the type violation was reported.
"""

from __future__ import annotations

import logging

from plimsoll.engines.checks import chi_squared as _chi_squared  # noqa: F401 - registers
from plimsoll.engines.checks.categorical import check_categorical_drift, check_domains
from plimsoll.engines.checks.columns import check_columns
from plimsoll.engines.checks.completeness import check_completeness
from plimsoll.engines.checks.data_type import check_data_type
from plimsoll.engines.checks.drift import check_numerical_drift
from plimsoll.engines.checks.types import (
    CategoricalDriftMethod,
    ChecksConfig,
    ComparisonMethod,
    FeatureChecks,
    Violation,
)
from plimsoll.engines.profile import (
    ColumnResult,
    ColumnState,
    ConstraintSuggestion,
    InferredType,
    ProfileResult,
    ProfileState,
    finalize,
)

logger = logging.getLogger(__name__)

__all__ = ["Violation", "checks_config_from_suggestion", "run_checks"]

_NUMERIC = (InferredType.INTEGRAL, InferredType.FRACTIONAL)


def checks_config_from_suggestion(suggestion: ConstraintSuggestion) -> ChecksConfig:
    """The engine config equivalent to a suggested constraints.json."""
    cfg = suggestion.monitoring_config
    dist = cfg.distribution_constraints
    return ChecksConfig(
        features=tuple(
            FeatureChecks(
                name=f.name,
                inferred_type=f.inferred_type,
                completeness=f.completeness,
                domains=f.domains,
            )
            for f in suggestion.features
        ),
        evaluate_constraints=cfg.evaluate_constraints == "Enabled",
        datatype_check_threshold=cfg.datatype_check_threshold,
        domain_content_threshold=cfg.domain_content_threshold,
        perform_comparison=dist.perform_comparison == "Enabled",
        comparison_threshold=dist.comparison_threshold,
        comparison_method=ComparisonMethod(dist.comparison_method),
        categorical_comparison_threshold=(
            dist.comparison_threshold
            if dist.categorical_comparison_threshold is None
            else dist.categorical_comparison_threshold
        ),
        categorical_drift_method=CategoricalDriftMethod(
            dist.categorical_drift_method or CategoricalDriftMethod.LINFINITY
        ),
    )


def _counts(state: ColumnState) -> dict[str, int] | None:
    strings = state.strings
    if strings is None or strings.overflowed:
        return None
    return dict(strings.counts)


def _feature_violations(
    feature: FeatureChecks,
    baseline: ColumnResult | None,
    state: ColumnState,
    current: ColumnResult,
    config: ChecksConfig,
) -> list[Violation]:
    type_violation = check_data_type(feature, state, config)
    found = [
        type_violation,
        check_completeness(feature, state),
        check_domains(
            feature,
            _counts(state),
            config,
            overflowed=state.strings is not None and state.strings.overflowed,
        ),
    ]
    if config.perform_comparison and type_violation is None:
        if feature.inferred_type in _NUMERIC:
            found.append(check_numerical_drift(feature, baseline, current, config))
        elif feature.inferred_type is InferredType.STRING:
            frequencies = None
            if baseline is not None and baseline.string is not None:
                frequencies = baseline.string.frequencies
            found.append(
                check_categorical_drift(
                    feature,
                    None if frequencies is None else dict(frequencies),
                    _counts(state),
                    config,
                )
            )
    return [v for v in found if v is not None]


def run_checks(
    baseline: ProfileResult | None, config: ChecksConfig, current: ProfileState
) -> list[Violation]:
    """Evaluates ``config`` on the current data; the list of ``constraint_violations.json``.

    Args:
        baseline: Baseline statistics (drift needs their sketches and value counts);
            ``None`` when the job has no baseline statistics: drift is then not checked.
        config: The baseline constraints.
        current: The merged (not finalized) profile of the current window; its per-type
            value counts are what ``data_type_check`` measures.

    Returns:
        Violations: column-count ones first, then per feature in baseline order. Empty
        when ``evaluate_constraints`` is disabled.
    """
    if not config.evaluate_constraints:
        return []
    result = finalize(current)
    by_name = {} if baseline is None else {c.name: c for c in baseline.columns}
    violations = check_columns(config.features, [c.name for c in current.columns])
    for feature, state, column in zip(
        config.features, current.columns, result.columns, strict=False
    ):
        if feature.evaluate:
            violations += _feature_violations(
                feature, by_name.get(feature.name), state, column, config
            )
    logger.info("%d violations over %d features", len(violations), len(config.features))
    return violations
