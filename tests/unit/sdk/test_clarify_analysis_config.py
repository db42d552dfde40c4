# ruff: noqa: E501  (literal SDK messages and dicts, kept on one line for grep)
"""``analysis_config.json`` generation equals SageMaker SDK v2.199's, for every run_* method.

The expected dicts are literal copies of what the real SDK (``_AnalysisConfigGenerator``, run
against the same configs) produced, including key order, which ``json.dumps`` compares. The
cases follow the SDK's unit tests (``tests/unit/test_clarify.py``) and spec section 1.5.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from plimsoll import clarify as c
from plimsoll.compat.clarify_analysis_config import parse_analysis_config
from plimsoll.sdk._clarify import analysis_config as g


def fixtures() -> tuple[Any, ...]:
    data = c.DataConfig(
        s3_data_input_path="s3://input/train.csv",
        s3_output_path="s3://output/analysis_test_result",
        label="Label",
        headers=["Label", "F1", "F2", "F3", "F4"],
        dataset_type="text/csv",
        joinsource="F4",
    )
    bias = c.BiasConfig(label_values_or_threshold=[1], facet_name="F1", group_name="F2")
    model = c.ModelConfig(
        model_name="xgboost-model", instance_type="ml.c5.xlarge", instance_count=1
    )
    mplc = c.ModelPredictedLabelConfig(probability_threshold=0.8)
    shap = c.SHAPConfig(
        baseline=[[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
        num_samples=100,
        agg_method="mean_sq",
    )
    pdp = c.PDPConfig(features=["F1"], grid_resolution=20)
    return data, bias, model, mplc, shap, pdp


def analysis_cases() -> dict[str, Callable[[], Any]]:
    data, bias, model, mplc, shap, pdp = fixtures()
    out: dict[str, Callable[[], Any]] = {}
    out["pre_training"] = lambda: g.for_pre_training_bias(data, bias)
    out["pre_training_subset"] = lambda: g.for_pre_training_bias(data, bias, ["CI", "DPL"])
    out["post_training"] = lambda: g.for_post_training_bias(data, bias, model, mplc)
    out["post_training_label_headers"] = lambda: g.for_post_training_bias(
        data,
        bias,
        model,
        c.ModelPredictedLabelConfig(
            label="predicted_label", probability="score", label_headers=["yes", "no"]
        ),
        ["DPPL", "DI"],
    )
    pl_data = c.DataConfig(
        "s3://in/d.csv",
        "s3://out",
        label="Label",
        headers=["Label", "F1", "F2", "F3", "P"],
        predicted_label="P",
    )
    out["post_training_predicted_label_no_model"] = lambda: g.for_post_training_bias(
        pl_data, bias, None, mplc
    )
    pl_uri = c.DataConfig(
        "s3://in/d.csv",
        "s3://out",
        label="Label",
        joinsource="F4",
        predicted_label_dataset_uri="s3://in/pred.csv",
        predicted_label_headers=["F4", "P"],
    )
    out["post_training_predicted_label_dataset_no_model"] = lambda: g.for_post_training_bias(
        pl_uri, bias
    )
    out["post_training_no_model_error"] = lambda: g.for_post_training_bias(data, bias, None, mplc)
    out["bias"] = lambda: g.for_bias(data, bias, model, mplc)
    out["bias_no_label_config"] = lambda: g.for_bias(data, bias, model, None, "all", ["DPPL"])
    out["bias_no_methods_error"] = lambda: g.for_bias(data, bias, model, None, None, None)
    out["bias_empty_methods_error"] = lambda: g.for_bias(data, bias, model, None, [], "")
    out["explain_shap"] = lambda: g.for_explainability(data, model, shap)
    out["explain_shap_model_scores_int"] = lambda: g.for_explainability(data, model, shap, 1)
    out["explain_shap_model_scores_str"] = lambda: g.for_explainability(data, model, shap, "score")
    out["explain_shap_model_scores_mplc"] = lambda: g.for_explainability(
        data,
        model,
        shap,
        c.ModelPredictedLabelConfig(
            probability="pr", label_headers=["success"], probability_threshold=0.3
        ),
    )
    out["explain_pdp"] = lambda: g.for_explainability(data, model, pdp)
    out["explain_pdp_shap"] = lambda: g.for_explainability(data, model, [c.PDPConfig(), shap])
    out["explain_pdp_no_features_error"] = lambda: g.for_explainability(data, model, c.PDPConfig())
    out["explain_list_pdp_no_features_error"] = lambda: g.for_explainability(
        data, model, [c.PDPConfig()]
    )
    out["explain_empty_list_error"] = lambda: g.for_explainability(data, model, [])
    out["explain_duplicate_error"] = lambda: g.for_explainability(data, model, [shap, shap])
    out["explain_no_model_error"] = lambda: g.for_explainability(data, None, shap)
    out["bias_and_explain"] = lambda: g.for_bias_and_explainability(
        data, model, [shap, pdp], bias, "all", "all", mplc
    )
    out["bias_and_explain_scores"] = lambda: g.for_bias_and_explainability(
        data, model, shap, bias, ["CI"], ["DPPL"], "score"
    )
    out["bias_and_explain_no_model_error"] = lambda: g.for_bias_and_explainability(
        pl_data, None, shap, bias
    )
    out["bias_and_explain_empty_list_error"] = lambda: g.for_bias_and_explainability(
        data, model, [], bias
    )
    # spec section 1.5 example
    sdata = c.DataConfig(
        "s3://b/d.csv", "s3://b/out", label="Target", headers=["Target", "Age", "Gender", "Income"]
    )
    sbias = c.BiasConfig([1], ["Gender", "Age"], [[0], [40]], group_name="Income")
    smodel = c.ModelConfig(
        endpoint_name="my-endpoint", content_type="text/csv", accept_type="text/csv"
    )
    smplc = c.ModelPredictedLabelConfig(probability=0, probability_threshold=0.5)
    sshap = c.SHAPConfig(baseline=[[35, 0, 50000]], num_samples=100, agg_method="mean_abs", seed=7)
    spdp = c.PDPConfig(grid_resolution=10, top_k_features=2)
    out["spec_example"] = lambda: g.for_bias_and_explainability(
        sdata, smodel, [sshap, spdp], sbias, "all", ["DPPL", "DI"], smplc
    )
    # JSON Lines + text, images, segments
    jl = c.DataConfig(
        "s3://in/d.jsonl",
        "s3://out",
        label="label",
        features="features",
        dataset_type="application/jsonlines",
        segmentation_config=[
            c.SegmentationConfig(
                "age",
                [["[1, 4]", "(5, 6]"], ["(7, 9)"]],
                config_name="ages",
                display_aliases=["young", "mid", "rest"],
            )
        ],
    )
    jlm = c.ModelConfig(
        endpoint_name="ep",
        content_type="application/jsonlines",
        accept_type="application/json",
        content_template='{"features":$features}',
        target_model="m1.tar.gz",
        custom_attributes="x=1",
    )
    tshap = c.SHAPConfig(
        num_clusters=3, text_config=c.TextConfig("sentence", "english"), save_local_shap_values=True
    )
    out["jsonlines_text"] = lambda: g.for_explainability(jl, jlm, tshap, "probability")
    img = c.DataConfig("s3://in/images/", "s3://out", dataset_type="application/x-image")
    imgm = c.ModelConfig(
        model_name="od",
        instance_count=1,
        instance_type="ml.m5.xlarge",
        content_type="image/jpeg",
        endpoint_name_prefix="my-ep",
    )
    ishap = c.SHAPConfig(
        num_samples=500,
        image_config=c.ImageConfig(
            "OBJECT_DETECTION",
            num_segments=30,
            max_objects=5,
            iou_threshold=0.6,
            context=0.5,
            segment_compactness=10,
            feature_extraction_method="segmentation",
        ),
    )
    out["image"] = lambda: g.for_explainability(
        img, imgm, ishap, c.ModelPredictedLabelConfig(label_headers=["cat", "dog"])
    )
    js = c.DataConfig(
        "s3://in/d.json",
        "s3://out",
        label="data[*].y",
        features="data[*].x",
        dataset_type="application/json",
        excluded_columns=[0],
    )
    jsm = c.ModelConfig(
        endpoint_name="ep",
        content_type="application/json",
        content_template='{"instances":$records}',
        record_template="$features_kvp",
    )
    fshap = c.SHAPConfig(
        baseline="s3://in/baseline.json",
        num_samples=50,
        agg_method="median",
        use_logit=True,
        seed=1,
        features_to_explain=["a", 2],
    )
    out["json_features_to_explain"] = lambda: g.for_explainability(js, jsm, fshap)
    return out


# What SDK v2.199 generated for each case.
EXPECTED: dict[str, Any] = {
    "pre_training": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": "all"},
        },
    },
    "pre_training_subset": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": ["CI", "DPL"]},
        },
    },
    "post_training": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "post_training_bias": {"methods": "all"},
        },
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
        "probability_threshold": 0.8,
    },
    "post_training_label_headers": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "post_training_bias": {"methods": ["DPPL", "DI"]},
        },
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
            "label": "predicted_label",
            "probability": "score",
            "label_headers": ["yes", "no"],
        },
    },
    "post_training_predicted_label_no_model": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "P"],
        "label": "Label",
        "predicted_label": "P",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "post_training_bias": {"methods": "all"},
        },
        "probability_threshold": 0.8,
    },
    "post_training_predicted_label_dataset_no_model": {
        "dataset_type": "text/csv",
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predicted_label_dataset_uri": "s3://in/pred.csv",
        "predicted_label_headers": ["F4", "P"],
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "post_training_bias": {"methods": "all"},
        },
    },
    "bias": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": "all"},
            "post_training_bias": {"methods": "all"},
        },
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
        "probability_threshold": 0.8,
    },
    "bias_no_label_config": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": "all"},
            "post_training_bias": {"methods": ["DPPL"]},
        },
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
    },
    "explain_shap": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
        },
    },
    "explain_shap_model_scores_int": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
            "label": 1,
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
        },
    },
    "explain_shap_model_scores_str": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
            "label": "score",
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
        },
    },
    "explain_shap_model_scores_mplc": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
            "probability": "pr",
            "label_headers": ["success"],
        },
        "probability_threshold": 0.3,
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
        },
    },
    "explain_pdp": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pdp": {"grid_resolution": 20, "top_k_features": 10, "features": ["F1"]},
        },
    },
    "explain_pdp_shap": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pdp": {"grid_resolution": 15, "top_k_features": 10},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
        },
    },
    "bias_and_explain": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": "all"},
            "post_training_bias": {"methods": "all"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
            "pdp": {"grid_resolution": 20, "top_k_features": 10, "features": ["F1"]},
        },
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
        },
        "probability_threshold": 0.8,
    },
    "bias_and_explain_scores": {
        "dataset_type": "text/csv",
        "headers": ["Label", "F1", "F2", "F3", "F4"],
        "label": "Label",
        "joinsource_name_or_index": "F4",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1"}],
        "group_variable": "F2",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": ["CI"]},
            "post_training_bias": {"methods": ["DPPL"]},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[0.26124998927116394, 0.2824999988079071, 0.06875000149011612]],
                "num_samples": 100,
                "agg_method": "mean_sq",
            },
        },
        "predictor": {
            "model_name": "xgboost-model",
            "instance_type": "ml.c5.xlarge",
            "initial_instance_count": 1,
            "label": "score",
        },
    },
    "spec_example": {
        "dataset_type": "text/csv",
        "headers": ["Target", "Age", "Gender", "Income"],
        "label": "Target",
        "label_values_or_threshold": [1],
        "facet": [
            {"name_or_index": "Gender", "value_or_threshold": [0]},
            {"name_or_index": "Age", "value_or_threshold": [40]},
        ],
        "group_variable": "Income",
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "pre_training_bias": {"methods": "all"},
            "post_training_bias": {"methods": ["DPPL", "DI"]},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "baseline": [[35, 0, 50000]],
                "num_samples": 100,
                "agg_method": "mean_abs",
                "seed": 7,
            },
            "pdp": {"grid_resolution": 10, "top_k_features": 2},
        },
        "predictor": {
            "endpoint_name": "my-endpoint",
            "accept_type": "text/csv",
            "content_type": "text/csv",
            "probability": 0,
        },
        "probability_threshold": 0.5,
    },
    "jsonlines_text": {
        "dataset_type": "application/jsonlines",
        "features": "features",
        "label": "label",
        "segment_config": [
            {
                "name_or_index": "age",
                "segments": [["[1, 4]", "(5, 6]"], ["(7, 9)"]],
                "config_name": "ages",
                "display_aliases": ["young", "mid", "rest"],
            }
        ],
        "predictor": {
            "endpoint_name": "ep",
            "accept_type": "application/json",
            "content_type": "application/jsonlines",
            "content_template": '{"features":$features}',
            "custom_attributes": "x=1",
            "target_model": "m1.tar.gz",
            "label": "probability",
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "num_clusters": 3,
                "text_config": {"granularity": "sentence", "language": "english"},
            },
        },
    },
    "image": {
        "dataset_type": "application/x-image",
        "predictor": {
            "model_name": "od",
            "instance_type": "ml.m5.xlarge",
            "initial_instance_count": 1,
            "endpoint_name_prefix": "my-ep",
            "content_type": "image/jpeg",
            "label_headers": ["cat", "dog"],
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": False,
                "save_local_shap_values": True,
                "num_samples": 500,
                "image_config": {
                    "model_type": "OBJECT_DETECTION",
                    "num_segments": 30,
                    "feature_extraction_method": "segmentation",
                    "segment_compactness": 10,
                    "max_objects": 5,
                    "iou_threshold": 0.6,
                    "context": 0.5,
                },
            },
        },
    },
    "json_features_to_explain": {
        "dataset_type": "application/json",
        "features": "data[*].x",
        "label": "data[*].y",
        "excluded_columns": [0],
        "predictor": {
            "endpoint_name": "ep",
            "content_type": "application/json",
            "content_template": '{"instances":$records}',
            "record_template": "$features_kvp",
        },
        "methods": {
            "report": {"name": "report", "title": "Analysis Report"},
            "shap": {
                "use_logit": True,
                "save_local_shap_values": True,
                "baseline": "s3://in/baseline.json",
                "num_samples": 50,
                "agg_method": "median",
                "seed": 1,
                "features_to_explain": ["a", 2],
            },
        },
    },
}

# The SDK's exception type and message for each failing case.
ERRORS: dict[str, tuple[type[Exception], str]] = {
    "post_training_no_model_error": (
        ValueError,
        "model_config must be provided when `predicted_label_dataset_uri` or `predicted_label` are not provided in data_config.",
    ),
    "bias_no_methods_error": (
        AttributeError,
        "analysis_config must have at least one working method: One of the `pre_training_methods`, `post_training_methods`, `explainability_config`.",
    ),
    "bias_empty_methods_error": (
        AttributeError,
        "analysis_config must have at least one working method: One of the `pre_training_methods`, `post_training_methods`, `explainability_config`.",
    ),
    "explain_pdp_no_features_error": (
        ValueError,
        "PDP features must be provided when ShapConfig is not provided",
    ),
    "explain_list_pdp_no_features_error": (
        ValueError,
        "PDP features must be provided when ShapConfig is not provided",
    ),
    "explain_empty_list_error": (
        AttributeError,
        "analysis_config must have at least one working method: One of the `pre_training_methods`, `post_training_methods`, `explainability_config`.",
    ),
    "explain_duplicate_error": (ValueError, "Duplicate explainability configs are provided"),
    "explain_no_model_error": (KeyError, "'methods'"),
    "bias_and_explain_no_model_error": (
        ValueError,
        "model_config must be provided when explainability methods are selected.",
    ),
    "bias_and_explain_empty_list_error": (
        ValueError,
        "Please provide at least one explainability config.",
    ),
}


CASES = analysis_cases()


def test_every_case_has_an_expectation() -> None:
    assert set(CASES) == set(EXPECTED) | set(ERRORS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generated_config_equals_the_sdks(name: str) -> None:
    generated = CASES[name]()
    assert generated == EXPECTED[name]
    # Same key order too, so the file we write is byte-identical to the SDK's.
    assert json.dumps(generated) == json.dumps(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_invalid_combination_raises_the_sdks_error(name: str) -> None:
    error_type, message = ERRORS[name]
    with pytest.raises(error_type) as info:
        CASES[name]()
    assert type(info.value) is error_type
    assert str(info.value) == message


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sdk_generated_file_is_accepted_unchanged(name: str) -> None:
    document = json.loads(json.dumps(EXPECTED[name]))
    parsed = parse_analysis_config(document)
    assert parsed.dataset_type == document["dataset_type"]
    assert parsed.methods.report is not None
    assert parsed.model_dump(exclude_none=True, by_alias=True) == _without_none(document)


def _without_none(value: Any) -> Any:
    """The SDK writes ``"seed": null`` only in old versions; parsing drops None values."""
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def test_generation_does_not_change_the_configs() -> None:
    data, bias, model, mplc, shap, pdp = fixtures()
    before = (data.get_config(), bias.get_config(), model.get_predictor_config())
    generated = g.for_bias_and_explainability(data, model, [shap, pdp], bias, "all", "all", mplc)
    generated["headers"].append("X")
    generated["predictor"]["label"] = 9
    assert (data.get_config(), bias.get_config(), model.get_predictor_config()) == before
