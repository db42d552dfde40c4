"""Reference-venv program: ``_sdk_config.py OUT_JSON`` (sagemaker 2.199.0).

For every case of ``_clarify_cases.py`` it builds the analysis config as the real
``SageMakerClarifyProcessor.run_*`` method does (the same ``_AnalysisConfigGenerator`` call,
arguments in the processor's order) and checks it with the SDK's own schema
(``ANALYSIS_CONFIG_SCHEMA_V1_0``, what ``_run`` checks before a job starts). Writes
``{case: {"method", "config" (JSON text, key order kept), "schema_error"}}``, or
``{case: {"method", "error": [exception type, message]}}`` when building raised.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import _clarify_cases
from sagemaker import clarify
from sagemaker.clarify import ANALYSIS_CONFIG_SCHEMA_V1_0, _AnalysisConfigGenerator


def generate(method: str, kw: dict[str, Any]) -> dict[str, Any]:
    """What ``SageMakerClarifyProcessor.<method>`` hands to ``_run``, with its defaults."""
    gen = _AnalysisConfigGenerator
    if method == "run_pre_training_bias":
        return gen.bias_pre_training(
            kw["data_config"], kw["data_bias_config"], kw.get("methods", "all")
        )
    if method == "run_post_training_bias":
        return gen.bias_post_training(
            kw["data_config"],
            kw["data_bias_config"],
            kw.get("model_predicted_label_config"),
            kw.get("methods", "all"),
            kw.get("model_config"),
        )
    if method == "run_bias":
        return gen.bias(
            kw["data_config"],
            kw["bias_config"],
            kw.get("model_config"),
            kw.get("model_predicted_label_config"),
            kw.get("pre_training_methods", "all"),
            kw.get("post_training_methods", "all"),
        )
    if method == "run_explainability":
        return gen.explainability(
            kw["data_config"],
            kw["model_config"],
            kw.get("model_scores"),
            kw["explainability_config"],
        )
    if method == "run_bias_and_explainability":
        return gen.bias_and_explainability(
            kw["data_config"],
            kw["model_config"],
            kw.get("model_predicted_label_config"),
            kw["explainability_config"],
            kw["bias_config"],
            kw.get("pre_training_methods", "all"),
            kw.get("post_training_methods", "all"),
        )
    raise ValueError(f"unknown method {method}")


def main() -> None:
    out: dict[str, Any] = {}
    for name in _clarify_cases.CASES:
        entry: dict[str, Any] = {}
        try:
            method, kwargs = _clarify_cases.build(clarify, name)
            entry["method"] = method
            config = generate(method, kwargs)
        except Exception as exc:  # noqa: BLE001 - the error is the result
            entry["error"] = [type(exc).__name__, str(exc)]
        else:
            entry["config"] = json.dumps(config)
            try:
                ANALYSIS_CONFIG_SCHEMA_V1_0.validate(config)
                entry["schema_error"] = None
            except Exception as exc:  # noqa: BLE001 - schema.SchemaError
                entry["schema_error"] = str(exc)
        out[name] = entry
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
