"""Builds ``analysis_config.json`` from the Clarify configs, as the SDK's run_* methods do.

One pure function per ``SageMakerClarifyProcessor.run_*`` method, taking that method's
config parameters in the same order and returning the dict the SDK (v2.199,
``_AnalysisConfigGenerator``) would write, key order included, so ``json.dumps`` of ours equals
the SDK's file byte for byte. The processor validates the result with
:func:`plimsoll.compat.clarify_analysis_config.parse_analysis_config` (the SDK's schema check,
skipped with ``skip_early_validation``), writes it and picks the output's upload mode with
:class:`ProcessingOutputHandler`.

The SDK's quirks are kept on purpose, because ported code may rely on the exception types:
no method at all raises ``AttributeError``; ``for_explainability`` without a ``ModelConfig``
raises ``KeyError('methods')`` (the SDK adds the predictor before the methods).
"""

from __future__ import annotations

import copy
from enum import Enum
from typing import Any

from plimsoll.sdk._clarify.data_config import BiasConfig, DataConfig, DatasetType, set_if_given
from plimsoll.sdk._clarify.explainability import ExplainabilityConfig, PDPConfig
from plimsoll.sdk._clarify.model_config import ModelConfig, ModelPredictedLabelConfig

__all__ = [
    "ProcessingOutputHandler",
    "for_bias",
    "for_bias_and_explainability",
    "for_explainability",
    "for_post_training_bias",
    "for_pre_training_bias",
]

Methods = str | list[str]
Explainability = ExplainabilityConfig | list[ExplainabilityConfig]
# run_explainability's model_scores: a ModelPredictedLabelConfig, or the label index/JMESPath.
ModelScores = ModelPredictedLabelConfig | int | str | None


def for_pre_training_bias(
    data_config: DataConfig, data_bias_config: BiasConfig, methods: Methods | None = "all"
) -> dict[str, Any]:
    """The config of ``run_pre_training_bias``: bias of the labels, no model calls."""
    config = {**data_config.get_config(), **data_bias_config.get_config()}
    return _add_methods(config, pre_training_methods=methods)


def for_post_training_bias(
    data_config: DataConfig,
    data_bias_config: BiasConfig,
    model_config: ModelConfig | None = None,
    model_predicted_label_config: ModelPredictedLabelConfig | None = None,
    methods: Methods | None = "all",
) -> dict[str, Any]:
    """The config of ``run_post_training_bias``: bias of the predicted labels."""
    config = {**data_config.get_config(), **data_bias_config.get_config()}
    config = _add_methods(config, post_training_methods=methods)
    return _add_predictor(config, model_config, model_predicted_label_config)


def for_bias(
    data_config: DataConfig,
    bias_config: BiasConfig,
    model_config: ModelConfig | None = None,
    model_predicted_label_config: ModelPredictedLabelConfig | None = None,
    pre_training_methods: Methods | None = "all",
    post_training_methods: Methods | None = "all",
) -> dict[str, Any]:
    """The config of ``run_bias``: pre- and post-training bias in one job."""
    config = {**data_config.get_config(), **bias_config.get_config()}
    config = _add_methods(
        config,
        pre_training_methods=pre_training_methods,
        post_training_methods=post_training_methods,
    )
    return _add_predictor(config, model_config, model_predicted_label_config)


def for_explainability(
    data_config: DataConfig,
    model_config: ModelConfig | None,
    explainability_config: Explainability,
    model_scores: ModelScores = None,
) -> dict[str, Any]:
    """The config of ``run_explainability``: SHAP and/or PDP.

    An int or str ``model_scores`` becomes ``predictor.label``.
    """
    config = _add_predictor(data_config.get_config(), model_config, model_scores)
    return _add_methods(config, explainability_config=explainability_config)


def for_bias_and_explainability(
    data_config: DataConfig,
    model_config: ModelConfig | None,
    explainability_config: Explainability,
    bias_config: BiasConfig,
    pre_training_methods: Methods | None = "all",
    post_training_methods: Methods | None = "all",
    model_predicted_label_config: ModelScores = None,
) -> dict[str, Any]:
    """The config of ``run_bias_and_explainability``: every method in one job."""
    config = {**data_config.get_config(), **bias_config.get_config()}
    config = _add_methods(
        config,
        pre_training_methods=pre_training_methods,
        post_training_methods=post_training_methods,
        explainability_config=explainability_config,
    )
    return _add_predictor(config, model_config, model_predicted_label_config)


def _add_predictor(
    config: dict[str, Any],
    model_config: ModelConfig | None,
    label_config: ModelScores,
) -> dict[str, Any]:
    """Adds ``predictor`` (and ``probability_threshold``), or checks that no model is needed."""
    config = copy.deepcopy(config)
    if isinstance(model_config, ModelConfig):
        config["predictor"] = model_config.get_predictor_config()
    else:
        # Without ``methods`` yet (the explainability order) this is the SDK's KeyError.
        if "shap" in config["methods"] or "pdp" in config["methods"]:
            raise ValueError(
                "model_config must be provided when explainability methods are selected."
            )
        if "predicted_label_dataset_uri" not in config and "predicted_label" not in config:
            raise ValueError(
                "model_config must be provided when `predicted_label_dataset_uri` or "
                "`predicted_label` are not provided in data_config."
            )
    if isinstance(label_config, ModelPredictedLabelConfig):
        threshold, predictor_keys = label_config.get_predictor_config()
        if predictor_keys and "predictor" in config:
            config["predictor"].update(predictor_keys)
        set_if_given(threshold, "probability_threshold", config)
    elif "predictor" in config:
        set_if_given(label_config, "label", config["predictor"])
    return config


def _add_methods(
    config: dict[str, Any],
    pre_training_methods: Methods | None = None,
    post_training_methods: Methods | None = None,
    explainability_config: Explainability | None = None,
) -> dict[str, Any]:
    """Adds ``methods``: always the report first, then bias, then explainability."""
    if not any([pre_training_methods, post_training_methods, explainability_config]):
        raise AttributeError(
            "analysis_config must have at least one working method: "
            "One of the "
            "`pre_training_methods`, `post_training_methods`, `explainability_config`."
        )
    config = copy.deepcopy(config)
    methods = config.setdefault("methods", {})
    methods["report"] = {"name": "report", "title": "Analysis Report"}
    if pre_training_methods:
        methods["pre_training_bias"] = {"methods": pre_training_methods}
    if post_training_methods:
        methods["post_training_bias"] = {"methods": post_training_methods}
    if explainability_config is not None:
        methods.update(_merge_explainability(explainability_config))
    return config


def _merge_explainability(explainability_config: Explainability) -> dict[str, Any]:
    """One ``{"shap": ..., "pdp": ...}`` dict; PDP without features needs SHAP's ranking."""
    missing_pdp_features = "PDP features must be provided when ShapConfig is not provided"
    if not isinstance(explainability_config, list):
        merged = explainability_config.get_explainability_config()
        if isinstance(explainability_config, PDPConfig) and "features" not in merged["pdp"]:
            raise ValueError(missing_pdp_features)
        return merged
    if not explainability_config:
        raise ValueError("Please provide at least one explainability config.")
    merged = {}
    for item in explainability_config:
        merged.update(item.get_explainability_config())
    if len(merged) != len(explainability_config):
        raise ValueError("Duplicate explainability configs are provided")
    if "shap" not in merged and "features" not in merged["pdp"]:
        raise ValueError(missing_pdp_features)
    return merged


class ProcessingOutputHandler:
    """Mirrors `sagemaker.clarify.ProcessingOutputHandler`: the result output's upload mode.

    Image jobs upload continuously (their per-image outputs are large); others at the end.
    """

    class S3UploadMode(Enum):
        """Upload modes of a processing output."""

        CONTINUOUS = "Continuous"
        ENDOFJOB = "EndOfJob"

    @classmethod
    def get_s3_upload_mode(cls, analysis_config: dict[str, Any]) -> str:
        """Returns ``"Continuous"`` for an image dataset, else ``"EndOfJob"``."""
        if analysis_config["dataset_type"] == DatasetType.IMAGE.value:
            return cls.S3UploadMode.CONTINUOUS.value
        return cls.S3UploadMode.ENDOFJOB.value
