"""Feature attribution drift: nDCG of the current global SHAP ranking against the baseline's.

Definition (AWS docs, "Feature attribution drift for models in production",
https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-model-monitor-feature-attribution-drift.html):
with F = [f_1..f_m] the features sorted by their baseline attribution, F' = [f'_1..f'_m] the
same features sorted by their current attribution and a(f) the baseline attribution of f,

    nDCG = DCG / iDCG,  DCG = Σ_i a(f'_i) / log2(i + 1),  iDCG = Σ_i a(f_i) / log2(i + 1)

over all m features. A violation is logged per label of ``explanations.kernel_shap`` when
nDCG < 0.9 (AWS docs, "Model feature attribution drift violations").

Decisions where the docs are silent:

* attributions are the absolute global SHAP values (``mean_abs`` is the default aggregation and
  is already non-negative; ``median`` can be negative, and a large negative value is as
  important as a large positive one);
* the features are the baseline's: a feature missing from the current file counts as
  attribution 0, a feature only in the current file is ignored (it has no baseline relevance);
* ties in the current values keep the baseline order (identical files give exactly 1.0);
* iDCG = 0 (every baseline attribution 0) gives nDCG 1.0: there is no ranking to drift from;
* a label missing from either file, and non-numeric values, are skipped (no violation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from plimsoll.engines.checks import format_double
from plimsoll.errors import ValidationError

__all__ = [
    "ATTRIBUTION_DRIFT_CHECK",
    "DEFAULT_NDCG_THRESHOLD",
    "attribution_drift_violations",
    "ndcg",
]

ATTRIBUTION_DRIFT_CHECK = "feature_attribution_drift_check"
DEFAULT_NDCG_THRESHOLD = 0.9
_METRIC_NAME = "shap"


def _attribution(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return 0.0
    return abs(float(value))


def ndcg(baseline: Mapping[str, float], current: Mapping[str, float]) -> float:
    """nDCG of ``current``'s ranking of ``baseline``'s features, ``baseline`` as relevance.

    Both map feature name -> global SHAP value (absolute values are used)."""
    names = sorted(baseline, key=lambda name: -_attribution(baseline[name]))
    relevance = np.array([_attribution(baseline[name]) for name in names], dtype=np.float64)
    live = np.array([_attribution(current.get(name)) for name in names], dtype=np.float64)
    discount = 1.0 / np.log2(np.arange(2, len(names) + 2, dtype=np.float64))
    ideal = float(relevance @ discount)
    if ideal == 0.0:
        return 1.0
    order = np.argsort(-live, kind="stable")  # ties keep the baseline order
    return float(relevance[order] @ discount) / ideal


def _global_values(analysis: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    explanations = analysis.get("explanations")
    shap = explanations.get("kernel_shap") if isinstance(explanations, dict) else None
    found: dict[str, dict[str, float]] = {}
    for label, section in (shap if isinstance(shap, dict) else {}).items():
        values = section.get("global_shap_values") if isinstance(section, dict) else None
        if isinstance(values, dict) and values:
            found[str(label)] = {str(k): _attribution(v) for k, v in values.items()}
    return found


def attribution_drift_violations(
    baseline: Mapping[str, Any],
    current: Mapping[str, Any],
    threshold: float = DEFAULT_NDCG_THRESHOLD,
) -> list[dict[str, str]]:
    """The ``feature_attribution_drift_check`` entries of ``current`` against ``baseline``.

    Raises:
        ValidationError: ``threshold`` is not in [0, 1].
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValidationError(f"nDCG threshold must be in [0, 1], got {threshold}")
    known = _global_values(baseline)
    found: list[dict[str, str]] = []
    for label, values in _global_values(current).items():
        if label not in known:
            continue
        score = ndcg(known[label], values)
        if score < threshold:
            found.append(
                {
                    "label": label,
                    "metric_name": _METRIC_NAME,
                    "constraint_check_type": ATTRIBUTION_DRIFT_CHECK,
                    "description": (
                        f"Feature attribution drift {format_double(score)} exceeds threshold "
                        f"{format_double(threshold)}"
                    ),
                }
            )
    return found
