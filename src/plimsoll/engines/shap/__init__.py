"""Kernel SHAP and partial dependence, pure numpy, as SageMaker Clarify computes them.

The model is any callable ``predict(rows) -> outputs`` (rows x outputs, or 1-D for one
output); the engine sends it many rows per call, so the caller can wrap an endpoint and batch
the requests. Nothing here knows about SageMaker files: ``plimsoll.compat`` maps
``analysis_config.json`` onto these configs and the Clarify image writes the results.

Usage::

    import numpy as np
    from plimsoll.engines.shap import (
        KernelShapConfig, kernel_shap, kernel_shap_section, local_values_table,
        pdp_section, resolve_baseline,
    )

    data = np.random.default_rng(0).normal(size=(500, 4))
    predict = lambda rows: 1 / (1 + np.exp(-rows @ np.array([1.0, -1.0, 0.5, 0.0])))
    baseline = resolve_baseline(data, num_clusters=3, seed=0)
    result = kernel_shap(predict, data[:10], baseline, KernelShapConfig(seed=1, use_logit=True))
    names = ["a", "b", "c", "d"]
    section = kernel_shap_section(result, names, agg_method="mean_abs")  # {"label0": {...}}
    out_csv = local_values_table(result, names).to_csv()                 # a_label0, ...
    pdp = pdp_section(predict, data, names, global_shap=section["label0"]["global_shap_values"],
                      top_k_features=2, grid_resolution=15)
"""

from __future__ import annotations

from plimsoll.engines.shap.aggregate import (
    AggMethod,
    LocalValuesTable,
    aggregate_shap,
    kernel_shap_section,
    label_names,
    local_values_table,
)
from plimsoll.engines.shap.baseline import choose_num_clusters, kmeans_baseline, resolve_baseline
from plimsoll.engines.shap.coalitions import (
    Coalitions,
    default_num_samples,
    exact_coalitions,
    sample_coalitions,
)
from plimsoll.engines.shap.kernel import KernelShapConfig, PredictFn, ShapResult, kernel_shap
from plimsoll.engines.shap.pdp import (
    PartialDependence,
    partial_dependence,
    pdp_section,
    select_pdp_features,
)

__all__ = [
    "AggMethod",
    "Coalitions",
    "KernelShapConfig",
    "LocalValuesTable",
    "PartialDependence",
    "PredictFn",
    "ShapResult",
    "aggregate_shap",
    "choose_num_clusters",
    "default_num_samples",
    "exact_coalitions",
    "kernel_shap",
    "kernel_shap_section",
    "kmeans_baseline",
    "label_names",
    "local_values_table",
    "partial_dependence",
    "pdp_section",
    "resolve_baseline",
    "sample_coalitions",
    "select_pdp_features",
]
