"""Categorical checks: ``categorical_values_check`` (domains) and the LInfinity drift test.

* Domains: the share of present current values inside the baseline ``domains`` must be at
  least ``domain_content_threshold``.
* LInfinity drift (Deequ ``categoricalDistance``): the largest gap between the two
  frequency distributions over the union of categories, with the same ``Robust`` KS
  correction as numerical drift; a violation is a distance above
  ``categorical_comparison_threshold``.

Description wording for ``categorical_values_check`` is not public; ours mirrors the real
``data_type_check`` sentence [INFERRED].
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

from plimsoll.engines.checks.drift import drift_description, low_sample_correction
from plimsoll.engines.checks.stattest import StatTest, get_stattest, register_stattest
from plimsoll.engines.checks.types import (
    CategoricalDriftMethod,
    ChecksConfig,
    CheckType,
    ComparisonMethod,
    FeatureChecks,
    Violation,
    format_double,
)
from plimsoll.engines.profile import InferredType

logger = logging.getLogger(__name__)

__all__ = [
    "CATEGORICAL_LINF",
    "Counts",
    "check_categorical_drift",
    "check_domains",
    "linf_distance",
]

Counts = Mapping[str, int]


def linf_distance(baseline: Counts, current: Counts, method: ComparisonMethod) -> float:
    """Largest frequency gap between two categorical distributions; NaN when one is empty."""
    n, m = float(sum(baseline.values())), float(sum(current.values()))
    if n == 0 or m == 0:
        return math.nan
    simple = max(
        abs(baseline.get(c, 0) / n - current.get(c, 0) / m) for c in set(baseline) | set(current)
    )
    if method is ComparisonMethod.SIMPLE:
        return simple
    return max(0.0, simple - low_sample_correction(n, m))


CATEGORICAL_LINF: StatTest[Counts] = register_stattest(
    StatTest(
        id="categorical_linf",
        column_types=frozenset({InferredType.STRING}),
        default_threshold=0.1,
        higher_is_drift=True,
        func=linf_distance,
    )
)

_METHOD_TO_TEST = {
    CategoricalDriftMethod.LINFINITY: "categorical_linf",
    CategoricalDriftMethod.CHI_SQUARED: "categorical_chi_squared",
}


def check_domains(
    feature: FeatureChecks,
    current: Counts | None,
    config: ChecksConfig,
    *,
    overflowed: bool = False,
) -> Violation | None:
    """``categorical_values_check`` of a feature with ``domains``, or ``None`` when it passes.

    ``current`` is the current column's exact value counts (``None``: not profiled as
    strings, no check). ``overflowed`` means more distinct values than the profile keeps;
    that is only judged when the threshold is 1.0, as values outside the domain are then
    certain.
    """
    if feature.domains is None:
        return None
    threshold = config.domain_content_threshold
    if overflowed:
        if threshold < 1.0:
            logger.warning("no value counts for %s: domain check skipped", feature.name)
            return None
        return _domain_violation(feature.name, threshold, None)
    if current is None:
        return None
    total = sum(current.values())
    if total == 0:
        return None
    allowed = set(feature.domains)
    share = sum(n for v, n in current.items() if v in allowed) / total
    if share >= threshold:
        return None
    return _domain_violation(feature.name, threshold, share)


def _domain_violation(name: str, threshold: float, share: float | None) -> Violation:
    observed = (
        "Only an unknown share of data (too many distinct values)"
        if share is None
        else f"Only {format_double(share * 100)}% of data"
    )
    return Violation(
        feature_name=name,
        constraint_check_type=CheckType.CATEGORICAL_VALUES,
        description=(
            "Data content requirement is not met. Expected match: "
            f"{format_double(threshold * 100)}%. Observed: {observed} is within the baseline "
            "domains."
        ),
    )


def check_categorical_drift(
    feature: FeatureChecks,
    baseline: Counts | None,
    current: Counts | None,
    config: ChecksConfig,
) -> Violation | None:
    """``baseline_drift_check`` of a String feature with the configured categorical test."""
    if baseline is None or current is None:
        return None
    test = get_stattest(_METHOD_TO_TEST[config.categorical_drift_method])
    value = test.func(baseline, current, config.comparison_method)
    threshold = config.categorical_comparison_threshold
    logger.debug("categorical drift of %s (%s): %s", feature.name, test.id, value)
    if not test.drifted(value, threshold):
        return None
    if test.higher_is_drift:
        description = drift_description(value, threshold)
    else:
        description = (
            f"Baseline drift p-value: {format_double(value)} is below threshold: "
            f"{format_double(threshold)}"
        )
    return Violation(
        feature_name=feature.name,
        constraint_check_type=CheckType.BASELINE_DRIFT,
        description=description,
    )
