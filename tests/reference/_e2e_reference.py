"""Reference-venv program: ``_e2e_reference.py DATA_CSV CONFIG_OUT OUT_JSON``.

1. sagemaker 2.199.0 writes CONFIG_OUT, the ``analysis_config.json`` of ``run_bias`` (pre- and
   post-training, every metric) for DATA_CSV, whose ``pred`` column holds the predicted labels
   (so no model), checked with the SDK's own schema as ``_run`` does.
2. smclarify 0.5 computes the same metrics on DATA_CSV read with pandas, the way the Clarify
   container does: per facet, one ``bias_report`` per stage on the whole table.

Writes ``{"pre_training_bias_metrics": {facet: groups}, "post_training_bias_metrics": ...}``
with groups as ``_smclarify_metrics.report`` returns them.
"""

from __future__ import annotations

import json
import sys

import _smclarify_metrics
import pandas as pd
from sagemaker.clarify import (
    ANALYSIS_CONFIG_SCHEMA_V1_0,
    BiasConfig,
    DataConfig,
    _AnalysisConfigGenerator,
)

HEADERS = ["label", "pred", "sex", "age", "group", "hours", "score"]
FACETS = {"sex": [0], "age": [40]}
LABEL_VALUES = [1]


def main() -> None:
    data_csv, config_out, out_json = sys.argv[1:4]
    data = DataConfig(
        s3_data_input_path=data_csv,
        s3_output_path="s3://bucket/clarify/output",
        label="label",
        headers=HEADERS,
        predicted_label="pred",
        dataset_type="text/csv",
    )
    bias = BiasConfig(
        label_values_or_threshold=LABEL_VALUES,
        facet_name=list(FACETS),
        facet_values_or_threshold=list(FACETS.values()),
        group_name="group",
    )
    config = _AnalysisConfigGenerator.bias(data, bias, None, None, "all", "all")
    ANALYSIS_CONFIG_SCHEMA_V1_0.validate(config)
    with open(config_out, "w", encoding="utf-8") as handle:
        json.dump(config, handle)

    frame = pd.read_csv(data_csv)
    out: dict[str, dict[str, object]] = {}
    for section, stage in (
        ("pre_training_bias_metrics", "pre"),
        ("post_training_bias_metrics", "post"),
    ):
        out[section] = {}
        for facet, values in FACETS.items():
            case = {
                "facet": facet,
                "facet_values": list(values),
                "label": "label",
                "label_values": LABEL_VALUES,
                "pred": "pred" if stage == "post" else None,
                "group": "group",
                "stage": stage,
                "metrics": ["all"],
            }
            out[section][facet] = _smclarify_metrics.report(case, frame.copy())
    with open(out_json, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
