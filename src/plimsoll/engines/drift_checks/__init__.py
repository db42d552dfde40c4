"""Clarify monitors' drift checks: a baseline ``analysis.json`` + the current one -> violations.

Two checks, as SageMaker Model Monitor runs them on Clarify outputs (spec model_monitor.md §4.5,
clarify.md §2.6):

* :func:`bias_drift_violations`: every bias metric present, numeric and finite-or-infinite in
  both files violates when the current value is farther from 0 than the baseline value
  (``bias_drift_check``), DI included, as the service checks it;
* :func:`attribution_drift_violations`: per label of ``explanations.kernel_shap``, the nDCG of
  the current global SHAP ranking against the baseline's (:func:`ndcg`) below the threshold
  (default 0.9) violates (``feature_attribution_drift_check``).

:func:`violations_document` wraps the entries as ``constraint_violations.json``
(``{"version": "1.0", "violations": [...]}``). Inputs are plain ``json.load`` dicts; nothing
here reads files.

Usage::

    from plimsoll.engines.drift_checks import (
        attribution_drift_violations, bias_drift_violations, violations_document,
    )

    found = bias_drift_violations(baseline, current) + attribution_drift_violations(
        baseline, current
    )
    body = violations_document(found)
"""

from __future__ import annotations

from plimsoll.engines.drift_checks.attribution import (
    ATTRIBUTION_DRIFT_CHECK,
    DEFAULT_NDCG_THRESHOLD,
    attribution_drift_violations,
    ndcg,
)
from plimsoll.engines.drift_checks.bias import (
    BIAS_DRIFT_CHECK,
    BIAS_SECTIONS,
    allowed_range,
    bias_drift_violations,
    facet_group,
    violations_document,
)

__all__ = [
    "ATTRIBUTION_DRIFT_CHECK",
    "BIAS_DRIFT_CHECK",
    "BIAS_SECTIONS",
    "DEFAULT_NDCG_THRESHOLD",
    "allowed_range",
    "attribution_drift_violations",
    "bias_drift_violations",
    "facet_group",
    "ndcg",
    "violations_document",
]
