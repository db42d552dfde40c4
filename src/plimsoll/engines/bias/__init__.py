"""Clarify bias metrics: a pure, vectorised re-implementation of smclarify 0.5.

Pre-training metrics (CI, DPL, KL, JS, LP, TVD, KS, CDDL) need a facet and a label column;
post-training metrics (DPPL, DI, DCA, DCR, RD, SD, DAR, DRR, AD, TE, CDDPL, GE, FT) also a
predicted label. Semantics, messages and edge cases are smclarify's (spec clarify.md §2), so
values match SageMaker's ``analysis.json`` to floating-point rounding.

Usage::

    import numpy as np
    from plimsoll.engines.bias import Stage, bias_report, bias_section

    sex = np.array(["F", "M", "M", "F"], dtype=object)
    income = np.array([">50K", "<=50K", ">50K", "<=50K"], dtype=object)
    results = bias_report(facet=sex, facet_values_or_threshold=["F"], label=income,
                          label_values_or_threshold=[">50K"], stage=Stage.PRE_TRAINING)
    section = bias_section(label_name="income", label=income,
                           label_values_or_threshold=[">50K"], facets={"sex": results})
    section.to_dict()  # {"label": "income", "label_value_or_threshold": ">50K", "facets": ...}
"""

from __future__ import annotations

from plimsoll.engines.bias.facets import (
    DataKind,
    Group,
    facet_groups,
    infer_kind,
    positive_mask,
    predicted_labels_from_scores,
    predicted_positive_mask,
)
from plimsoll.engines.bias.inputs import BiasInputs, Confusion, MetricError, divide, make_inputs
from plimsoll.engines.bias.report import (
    DESCRIPTIONS,
    POST_TRAINING_METRICS,
    PRE_TRAINING_METRICS,
    BiasSection,
    FacetResult,
    MetricResult,
    Stage,
    bias_report,
    bias_section,
)

__all__ = [
    "DESCRIPTIONS",
    "POST_TRAINING_METRICS",
    "PRE_TRAINING_METRICS",
    "BiasInputs",
    "BiasSection",
    "Confusion",
    "DataKind",
    "FacetResult",
    "Group",
    "MetricError",
    "MetricResult",
    "Stage",
    "bias_report",
    "bias_section",
    "divide",
    "facet_groups",
    "infer_kind",
    "make_inputs",
    "positive_mask",
    "predicted_labels_from_scores",
    "predicted_positive_mask",
]
