"""Clarify SDK calls, written once for both SDKs: ``build(clarify, name) -> (method, kwargs)``.

``clarify`` is the SDK module: ``sagemaker.clarify`` (sagemaker 2.199.0, in the reference venv)
or ``plimsoll.clarify``. Each case names a ``SageMakerClarifyProcessor.run_*`` method and the
config arguments it gets, by their parameter names. The configs are built inside ``build`` so a
constructor's error is part of the case, and every call builds fresh objects.

This file runs under both venvs: plain Python, no imports beyond the standard library.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

Case = tuple[str, dict[str, Any]]

IN = "s3://bucket/clarify/input/train.csv"
OUT = "s3://bucket/clarify/output"
HEADERS = ["income", "sex", "age", "hours", "zip"]
FEATURES = ["sex", "age", "hours", "zip"]
BASELINE = [[1, 35, 40.0, 10001], [0, 52, 20.5, 94103]]


def _csv(c: ModuleType, **extra: Any) -> Any:
    return c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        label="income",
        headers=HEADERS,
        dataset_type="text/csv",
        **extra,
    )


def _bias(c: ModuleType, **extra: Any) -> Any:
    return c.BiasConfig(label_values_or_threshold=[1], facet_name="sex", **extra)


def _model(c: ModuleType, **extra: Any) -> Any:
    extra.setdefault("content_type", "text/csv")
    extra.setdefault("accept_type", "text/csv")
    return c.ModelConfig(
        model_name="xgb-model", instance_count=1, instance_type="ml.m5.xlarge", **extra
    )


def _shap(c: ModuleType, **extra: Any) -> Any:
    return c.SHAPConfig(baseline=BASELINE, num_samples=64, agg_method="mean_abs", **extra)


def pre_csv_headers(c: ModuleType) -> Case:
    kwargs = {"data_config": _csv(c), "data_bias_config": _bias(c, facet_values_or_threshold=[0])}
    return "run_pre_training_bias", kwargs


def pre_methods_subset_string_values(c: ModuleType) -> Case:
    bias = c.BiasConfig(
        label_values_or_threshold=[">50K"], facet_name="sex", facet_values_or_threshold=["F"]
    )
    return "run_pre_training_bias", {
        "data_config": _csv(c),
        "data_bias_config": bias,
        "methods": ["CI", "DPL", "KL", "CDDL"],
    }


def pre_numeric_thresholds(c: ModuleType) -> Case:
    bias = c.BiasConfig(
        label_values_or_threshold=[50000.5], facet_name="age", facet_values_or_threshold=[40]
    )
    return "run_pre_training_bias", {"data_config": _csv(c), "data_bias_config": bias}


def pre_facet_by_index(c: ModuleType) -> Case:
    data = c.DataConfig(s3_data_input_path=IN, s3_output_path=OUT, label=0)
    bias = c.BiasConfig(label_values_or_threshold=[1], facet_name=1, facet_values_or_threshold=[0])
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": bias}


def pre_group_name(c: ModuleType) -> Case:
    kwargs = {"data_config": _csv(c), "data_bias_config": _bias(c, group_name="zip")}
    return "run_pre_training_bias", kwargs


def pre_multiple_facets(c: ModuleType) -> Case:
    bias = c.BiasConfig(
        label_values_or_threshold=[1],
        facet_name=["sex", "age"],
        facet_values_or_threshold=[[0], [40]],
        group_name="zip",
    )
    return "run_pre_training_bias", {"data_config": _csv(c), "data_bias_config": bias}


def pre_multiple_facets_one_vs_all(c: ModuleType) -> Case:
    bias = c.BiasConfig(label_values_or_threshold=[1], facet_name=["sex", "zip"])
    return "run_pre_training_bias", {"data_config": _csv(c), "data_bias_config": bias}


def pre_excluded_columns(c: ModuleType) -> Case:
    data = _csv(c, excluded_columns=["zip"])
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def pre_facet_dataset_joinsource(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        label="income",
        headers=["id", "income", "age", "hours"],
        joinsource="id",
        facet_dataset_uri="s3://bucket/clarify/facets/",
        facet_headers=["id", "sex"],
    )
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def pre_segmentation_config(c: ModuleType) -> Case:
    segments = [
        c.SegmentationConfig(
            "age",
            [["[18, 30]", "(30, 45]"], ["(45, 90]"]],
            config_name="ages",
            display_aliases=["young", "old", "other"],
        ),
        c.SegmentationConfig(1, [[0]]),
    ]
    data = _csv(c, segmentation_config=segments)
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def pre_parquet_gzip(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        s3_analysis_config_output_path="s3://bucket/clarify/config",
        label="income",
        dataset_type="application/x-parquet",
        s3_compression_type="Gzip",
    )
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def post_model_threshold_label_headers(c: ModuleType) -> Case:
    predicted = c.ModelPredictedLabelConfig(probability_threshold=0.8, label_headers=["no", "yes"])
    return "run_post_training_bias", {
        "data_config": _csv(c),
        "data_bias_config": _bias(c, facet_values_or_threshold=[0]),
        "model_config": _model(c),
        "model_predicted_label_config": predicted,
        "methods": ["DPPL", "DI", "FT"],
    }


def post_model_label_probability(c: ModuleType) -> Case:
    predicted = c.ModelPredictedLabelConfig(label=0, probability=1, probability_threshold=0.4)
    model = _model(c, custom_attributes="trace=1", target_model="a.tar.gz")
    return "run_post_training_bias", {
        "data_config": _csv(c),
        "data_bias_config": _bias(c),
        "model_config": model,
        "model_predicted_label_config": predicted,
    }


def post_predicted_label_column(c: ModuleType) -> Case:
    data = _csv(c, predicted_label="pred")
    return "run_post_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def post_predicted_label_column_threshold_only(c: ModuleType) -> Case:
    data = _csv(c, predicted_label=5)
    predicted = c.ModelPredictedLabelConfig(probability_threshold=0.3, label_headers=["a", "b"])
    return "run_post_training_bias", {
        "data_config": data,
        "data_bias_config": _bias(c),
        "model_predicted_label_config": predicted,
    }


def post_predicted_label_dataset(c: ModuleType) -> Case:
    data = _csv(
        c,
        joinsource="zip",
        predicted_label_dataset_uri="s3://bucket/clarify/predictions/",
        predicted_label_headers=["zip", "pred"],
        predicted_label="pred",
    )
    return "run_post_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def bias_endpoint_group(c: ModuleType) -> Case:
    model = c.ModelConfig(endpoint_name="my-endpoint", content_type="text/csv")
    return "run_bias", {
        "data_config": _csv(c),
        "bias_config": _bias(c, facet_values_or_threshold=[0], group_name="zip"),
        "model_config": model,
        "model_predicted_label_config": c.ModelPredictedLabelConfig(probability_threshold=0.6),
        "pre_training_methods": ["CI", "DPL"],
        "post_training_methods": "all",
    }


def bias_predicted_label_no_model(c: ModuleType) -> Case:
    data = _csv(c, predicted_label="pred", excluded_columns=["hours"])
    return "run_bias", {"data_config": data, "bias_config": _bias(c)}


def explain_shap_full(c: ModuleType) -> Case:
    shap = c.SHAPConfig(
        baseline=BASELINE,
        num_samples=100,
        agg_method="mean_sq",
        use_logit=True,
        save_local_shap_values=False,
        seed=7,
        features_to_explain=["age", "hours"],
    )
    predicted = c.ModelPredictedLabelConfig(probability=0)
    model = _model(c, accelerator_type="ml.eia2.medium", endpoint_name_prefix="clarify-ep")
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": model,
        "explainability_config": shap,
        "model_scores": predicted,
    }


def explain_shap_model_scores_index(c: ModuleType) -> Case:
    shap = c.SHAPConfig(num_clusters=3, agg_method="median", features_to_explain=[1, 2])
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": shap,
        "model_scores": 1,
    }


def explain_shap_s3_baseline_jmespath_scores(c: ModuleType) -> Case:
    shap = c.SHAPConfig(baseline="s3://bucket/clarify/baseline.csv")
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": shap,
        "model_scores": "score",
    }


def explain_pdp(c: ModuleType) -> Case:
    pdp = c.PDPConfig(features=["age", "hours"], grid_resolution=10, top_k_features=3)
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": pdp,
    }


def explain_shap_and_pdp_list(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": [_shap(c, seed=1), c.PDPConfig(grid_resolution=5)],
        "model_scores": c.ModelPredictedLabelConfig(label_headers=["no", "yes"]),
    }


def explain_excluded_columns(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c, excluded_columns=["zip"]),
        "model_config": _model(c),
        "explainability_config": _shap(c),
    }


def explain_text(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        label="sentiment",
        headers=["review", "stars", "sentiment"],
        dataset_type="text/csv",
    )
    shap = c.SHAPConfig(
        baseline=[["<UNK>", 3]],
        num_samples=50,
        save_local_shap_values=True,
        text_config=c.TextConfig(granularity="sentence", language="english"),
    )
    model = _model(
        c,
        content_type="application/jsonlines",
        accept_type="application/jsonlines",
        content_template='{"features":$features}',
    )
    return "run_explainability", {
        "data_config": data,
        "model_config": model,
        "explainability_config": shap,
        "model_scores": c.ModelPredictedLabelConfig(probability="score"),
    }


def explain_image(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path="s3://bucket/clarify/images/",
        s3_output_path=OUT,
        dataset_type="application/x-image",
    )
    image = c.ImageConfig(
        model_type="OBJECT_DETECTION",
        num_segments=20,
        feature_extraction_method="segmentation",
        segment_compactness=5,
        max_objects=3,
        iou_threshold=0.5,
        context=1.0,
    )
    shap = c.SHAPConfig(num_samples=100, image_config=image)
    model = _model(c, content_type="image/jpeg", accept_type="application/json")
    return "run_explainability", {
        "data_config": data,
        "model_config": model,
        "explainability_config": shap,
    }


def explain_image_classification_defaults(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path="s3://bucket/clarify/images/",
        s3_output_path=OUT,
        dataset_type="application/x-image",
    )
    shap = c.SHAPConfig(image_config=c.ImageConfig(model_type="IMAGE_CLASSIFICATION"))
    model = _model(c, content_type="image/png", accept_type="application/json")
    return "run_explainability", {
        "data_config": data,
        "model_config": model,
        "explainability_config": shap,
        "model_scores": c.ModelPredictedLabelConfig(label_headers=["cat", "dog"]),
    }


def bias_and_explain_jsonlines(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        features="features",
        label="label",
        headers=["sex", "age", "hours", "label"],
        dataset_type="application/jsonlines",
    )
    model = _model(
        c,
        content_type="application/jsonlines",
        accept_type="application/jsonlines",
        content_template='{"instances":$features}',
    )
    shap = c.SHAPConfig(baseline=[{"features": [1, 35, 40.0]}], num_samples=20, seed=3)
    return "run_bias_and_explainability", {
        "data_config": data,
        "model_config": model,
        "explainability_config": [shap, c.PDPConfig(features=["age"])],
        "bias_config": c.BiasConfig(
            label_values_or_threshold=[1], facet_name="sex", facet_values_or_threshold=[0]
        ),
        "pre_training_methods": ["CI"],
        "post_training_methods": ["DPPL"],
        "model_predicted_label_config": c.ModelPredictedLabelConfig(
            label="predicted_label", probability="score", probability_threshold=0.7
        ),
    }


def bias_and_explain_json(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        features="data[*].features",
        label="data[*].label",
        headers=["sex", "age", "hours"],
        dataset_type="application/json",
    )
    model = _model(
        c,
        content_type="application/json",
        accept_type="application/json",
        content_template='{"instances":$records}',
        record_template="$features_kvp",
    )
    return "run_bias_and_explainability", {
        "data_config": data,
        "model_config": model,
        "explainability_config": _shap(c),
        "bias_config": c.BiasConfig(label_values_or_threshold=[1], facet_name="sex"),
    }


def explain_jsonlines_predicted_label(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        features="features",
        label="label",
        predicted_label="prediction",
        excluded_columns=["id"],
        dataset_type="application/jsonlines",
    )
    model = _model(
        c, content_type="application/jsonlines", content_template='{"instances":$features}'
    )
    return "run_explainability", {
        "data_config": data,
        "model_config": model,
        "explainability_config": c.SHAPConfig(baseline=[{"features": [1, 35, 40.0]}]),
    }


def explain_falsy_values_kept(c: ModuleType) -> Case:
    # The SDK drops only None: 0, 0.0, [] and False all reach the file.
    shap = c.SHAPConfig(
        baseline=[[1, None, 40.0, "x"]], num_samples=0, seed=0, features_to_explain=[]
    )
    return "run_explainability", {
        "data_config": _csv(c, joinsource=0, excluded_columns=[]),
        "model_config": _model(c),
        "explainability_config": [shap, c.PDPConfig(features=[1], grid_resolution=0)],
        "model_scores": c.ModelPredictedLabelConfig(label=0, probability_threshold=0.0),
    }


def bias_group_by_index_and_empty_segments(c: ModuleType) -> Case:
    return "run_bias", {
        "data_config": _csv(c, predicted_label=5, segmentation_config=[]),
        "bias_config": _bias(c, facet_values_or_threshold=[0, 2], group_name=4),
        "model_predicted_label_config": c.ModelPredictedLabelConfig(),
    }


def schema_rejects_int_probability_threshold(c: ModuleType) -> Case:
    return "run_post_training_bias", {
        "data_config": _csv(c, predicted_label="pred"),
        "data_bias_config": _bias(c),
        "model_predicted_label_config": c.ModelPredictedLabelConfig(probability_threshold=1),
    }


def schema_rejects_scalar_label_values(c: ModuleType) -> Case:
    bias = c.BiasConfig(
        label_values_or_threshold=1, facet_name="sex", facet_values_or_threshold=[0]
    )
    return "run_pre_training_bias", {"data_config": _csv(c), "data_bias_config": bias}


def schema_rejects_float_segment_values(c: ModuleType) -> Case:
    segments = [c.SegmentationConfig("hours", [[1.5, 2]])]
    return "run_pre_training_bias", {
        "data_config": _csv(c, segmentation_config=segments),
        "data_bias_config": _bias(c),
    }


def schema_rejects_float_segment_compactness(c: ModuleType) -> Case:
    # The SDK documents a float, but its own schema wants an int: the job never starts.
    data = c.DataConfig(
        s3_data_input_path="s3://bucket/clarify/images/",
        s3_output_path=OUT,
        dataset_type="application/x-image",
    )
    image = c.ImageConfig(model_type="IMAGE_CLASSIFICATION", segment_compactness=0.5)
    return "run_explainability", {
        "data_config": data,
        "model_config": _model(c, content_type="image/jpeg", accept_type="application/json"),
        "explainability_config": c.SHAPConfig(image_config=image),
    }


# Calls the real SDK rejects: both SDKs must raise the same exception type and message.
def error_post_without_model_or_predictions(c: ModuleType) -> Case:
    return "run_post_training_bias", {"data_config": _csv(c), "data_bias_config": _bias(c)}


def error_no_methods(c: ModuleType) -> Case:
    return "run_bias", {
        "data_config": _csv(c, predicted_label="pred"),
        "bias_config": _bias(c),
        "pre_training_methods": [],
        "post_training_methods": None,
    }


def error_pdp_without_features(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": c.PDPConfig(),
    }


def error_pdp_list_without_shap_or_features(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": [c.PDPConfig()],
    }


def error_duplicate_explainability(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": [_shap(c), _shap(c)],
    }


def error_empty_explainability_list(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": [],
    }


def error_explain_without_model(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": None,
        "explainability_config": _shap(c),
    }


def error_bias_and_explain_without_model(c: ModuleType) -> Case:
    return "run_bias_and_explainability", {
        "data_config": _csv(c, predicted_label="pred"),
        "model_config": None,
        "explainability_config": _shap(c),
        "bias_config": _bias(c),
    }


def error_json_without_features(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN, s3_output_path=OUT, label="label", dataset_type="application/json"
    )
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def error_facet_dataset_not_csv(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        label="label",
        features="features",
        dataset_type="application/jsonlines",
        facet_dataset_uri="s3://bucket/clarify/facets/",
    )
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def error_image_predicted_label(c: ModuleType) -> Case:
    data = c.DataConfig(
        s3_data_input_path=IN,
        s3_output_path=OUT,
        dataset_type="application/x-image",
        predicted_label="pred",
    )
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def error_bad_dataset_type(c: ModuleType) -> Case:
    data = c.DataConfig(s3_data_input_path=IN, s3_output_path=OUT, dataset_type="text/tsv")
    return "run_pre_training_bias", {"data_config": data, "data_bias_config": _bias(c)}


def error_facet_values_count(c: ModuleType) -> Case:
    bias = c.BiasConfig(
        label_values_or_threshold=[1], facet_name=["sex", "age"], facet_values_or_threshold=[[0]]
    )
    return "run_pre_training_bias", {"data_config": _csv(c), "data_bias_config": bias}


def error_bad_agg_method(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": c.SHAPConfig(agg_method="mean"),
    }


def error_baseline_and_num_clusters(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": c.SHAPConfig(baseline=BASELINE, num_clusters=2),
    }


def error_features_to_explain_with_text(c: ModuleType) -> Case:
    shap = c.SHAPConfig(
        text_config=c.TextConfig(granularity="token", language="en"), features_to_explain=[0]
    )
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": shap,
    }


def error_bad_text_granularity(c: ModuleType) -> Case:
    shap = c.SHAPConfig(text_config=c.TextConfig(granularity="word", language="english"))
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": shap,
    }


def error_bad_image_model_type(c: ModuleType) -> Case:
    shap = c.SHAPConfig(image_config=c.ImageConfig(model_type="SEGMENTATION"))
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c),
        "explainability_config": shap,
    }


def error_jsonlines_model_without_template(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c, content_type="application/jsonlines"),
        "explainability_config": _shap(c),
    }


def error_json_model_without_record_placeholder(c: ModuleType) -> Case:
    model = _model(
        c, content_type="application/json", content_template="$features", record_template="$x"
    )
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": model,
        "explainability_config": _shap(c),
    }


def error_bad_accept_type(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c, accept_type="text/plain"),
        "explainability_config": _shap(c),
    }


def error_bad_endpoint_prefix(c: ModuleType) -> Case:
    return "run_explainability", {
        "data_config": _csv(c),
        "model_config": _model(c, endpoint_name_prefix="-bad"),
        "explainability_config": _shap(c),
    }


def error_bad_probability_threshold(c: ModuleType) -> Case:
    return "run_post_training_bias", {
        "data_config": _csv(c, predicted_label="pred"),
        "data_bias_config": _bias(c),
        "model_predicted_label_config": c.ModelPredictedLabelConfig(probability_threshold="x"),
    }


def error_segmentation_aliases(c: ModuleType) -> Case:
    segments = [c.SegmentationConfig("age", [["(1, 4]"]], display_aliases=["a", "b", "c"])]
    return "run_pre_training_bias", {
        "data_config": _csv(c, segmentation_config=segments),
        "data_bias_config": _bias(c),
    }


# Every public function above, in definition order.
CASES: dict[str, Callable[[ModuleType], Case]] = {
    name: value
    for name, value in list(globals().items())
    if inspect.isfunction(value) and value.__module__ == __name__ and not name.startswith("_")
}


def build(clarify: ModuleType, name: str) -> Case:
    """The ``(run_* method name, config kwargs)`` of case ``name`` with SDK module ``clarify``."""
    return CASES[name](clarify)
