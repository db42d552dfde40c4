# ruff: noqa: E501  (literal SDK messages and dicts, kept on one line for grep)
"""The Clarify config classes: constructor results and validation errors equal SDK v2.199's.

Expected values are literal copies of what the real SDK's classes returned for the same
arguments; error cases check the exception type and the exact message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plimsoll import clarify as c
from plimsoll.sdk import clarify as sdk_clarify


def config_cases() -> dict[str, Callable[[], Any]]:
    out: dict[str, Callable[[], Any]] = {}

    def seg() -> list[c.SegmentationConfig]:
        return [
            c.SegmentationConfig(0, [["A", "B"]]),
            c.SegmentationConfig("x", [[1], [2]], display_aliases=["one", "two"]),
        ]

    out["data_all_csv"] = lambda: c.DataConfig(
        "s3://in/d.csv",
        "s3://out",
        s3_analysis_config_output_path="s3://cfg",
        label=0,
        headers=["y", "a", "id"],
        s3_compression_type="Gzip",
        joinsource="id",
        facet_dataset_uri="s3://in/f.csv",
        facet_headers=["id", "sex"],
        predicted_label_dataset_uri="s3://in/p.csv",
        predicted_label_headers=["id", "p"],
        excluded_columns=["id"],
        segmentation_config=seg(),
    ).get_config()
    out["data_parquet"] = lambda: c.DataConfig(
        "s3://in/",
        "s3://out",
        label="y",
        dataset_type="application/x-parquet",
        predicted_label="p",
        excluded_columns=[1, 2],
    ).get_config()
    out["data_bad_type"] = lambda: c.DataConfig("s3://in", "s3://out", dataset_type="text/tsv")
    out["data_image_predicted_label"] = lambda: c.DataConfig(
        "s3://in", "s3://out", dataset_type="application/x-image", predicted_label="p"
    )
    out["data_image_predicted_label_zero"] = lambda: c.DataConfig(
        "s3://in", "s3://out", dataset_type="application/x-image", predicted_label=0
    ).get_config()
    out["data_image_excluded"] = lambda: c.DataConfig(
        "s3://in", "s3://out", dataset_type="application/x-image", excluded_columns=[1]
    )
    out["data_jsonl_facet_uri"] = lambda: c.DataConfig(
        "s3://in", "s3://out", dataset_type="application/jsonlines", facet_dataset_uri="s3://f"
    )
    out["data_parquet_facet_headers"] = lambda: c.DataConfig(
        "s3://in", "s3://out", dataset_type="application/x-parquet", facet_headers=["a"]
    )
    out["data_jsonl_pred_uri"] = lambda: c.DataConfig(
        "s3://in",
        "s3://out",
        dataset_type="application/jsonlines",
        features="f",
        predicted_label_headers=["a"],
    )
    out["data_json_no_features"] = lambda: c.DataConfig(
        "s3://in", "s3://out", dataset_type="application/json"
    )
    out["seg_none_name"] = lambda: c.SegmentationConfig(None, [["a"]])  # type: ignore[arg-type]
    out["seg_empty"] = lambda: c.SegmentationConfig("a", [])
    out["seg_not_lists"] = lambda: c.SegmentationConfig("a", ["x"])  # type: ignore[list-item]
    out["seg_aliases"] = lambda: c.SegmentationConfig("a", [["x"]], display_aliases=["1", "2", "3"])
    out["seg_dict"] = lambda: c.SegmentationConfig(
        "a", [["x"]], config_name="", display_aliases=[]
    ).to_dict()
    out["bias_threshold"] = lambda: c.BiasConfig([1], "F1", [0.3], group_name="A151").get_config()
    out["bias_multi"] = lambda: c.BiasConfig(
        [1, 2], ["F1", "F2"], [[1], None], group_name=3
    ).get_config()
    out["bias_multi_none"] = lambda: c.BiasConfig(["yes"], ["F1", "F2"]).get_config()
    out["bias_mismatch"] = lambda: c.BiasConfig([1], ["F1", "F2"], [[1]])
    out["bias_empty_facets"] = lambda: c.BiasConfig([1], [])
    out["model_full"] = lambda: c.ModelConfig(
        model_name="xgb",
        instance_type="ml.c5.xlarge",
        instance_count=1,
        accept_type="text/csv",
        content_type="application/jsonlines",
        content_template="$features",
        custom_attributes="c000",
        accelerator_type="ml.eia1.medium",
        endpoint_name_prefix="prefix",
        target_model="t",
    ).get_predictor_config()
    out["model_endpoint"] = lambda: c.ModelConfig(
        endpoint_name="ep", content_type="image/jpg"
    ).get_predictor_config()
    out["model_json"] = lambda: c.ModelConfig(
        endpoint_name="ep",
        content_type="application/json",
        content_template="$record",
        record_template="$features",
    ).get_predictor_config()
    out["model_templates_without_type"] = lambda: c.ModelConfig(
        endpoint_name="ep", content_template="no placeholder", record_template="r"
    ).get_predictor_config()
    out["model_bad_accept"] = lambda: c.ModelConfig(
        model_name="m", instance_type="t", instance_count=1, accept_type="invalid_accept_type"
    )
    out["model_bad_content"] = lambda: c.ModelConfig(
        model_name="m", instance_type="t", instance_count=1, content_type="text/plain"
    )
    out["model_bad_prefix"] = lambda: c.ModelConfig(
        model_name="m", instance_type="t", instance_count=1, endpoint_name_prefix="~bad"
    )
    out["model_jsonl_no_template"] = lambda: c.ModelConfig(
        endpoint_name="ep", content_type="application/jsonlines"
    )
    out["model_jsonl_bad_template"] = lambda: c.ModelConfig(
        endpoint_name="ep", content_type="application/jsonlines", content_template="$x"
    )
    out["model_json_no_record_template"] = lambda: c.ModelConfig(
        endpoint_name="ep", content_type="application/json", content_template="$records"
    )
    out["model_json_bad_template"] = lambda: c.ModelConfig(
        endpoint_name="ep",
        content_type="application/json",
        content_template="$feat",
        record_template="$features",
    )
    out["model_both"] = lambda: c.ModelConfig(
        model_name="m", instance_type="t", instance_count=1, endpoint_name="ep"
    )
    out["model_neither"] = lambda: c.ModelConfig(model_name="m", instance_type="t")
    out["model_endpoint_with_prefix"] = lambda: c.ModelConfig(
        endpoint_name="ep", endpoint_name_prefix="p"
    )
    out["mplc"] = lambda: c.ModelPredictedLabelConfig(
        label="label", probability="pr", probability_threshold=0.2, label_headers=["success"]
    ).get_predictor_config()
    out["mplc_string_threshold"] = lambda: c.ModelPredictedLabelConfig(
        probability_threshold="0.5",  # type: ignore[arg-type]
    ).get_predictor_config()
    out["mplc_bad_threshold"] = lambda: c.ModelPredictedLabelConfig(probability_threshold="invalid")  # type: ignore[arg-type]
    out["shap_defaults"] = lambda: c.SHAPConfig().get_explainability_config()
    out["shap_full"] = lambda: c.SHAPConfig(
        baseline={"instances": [[1, 2]]},
        num_samples=10,
        agg_method="mean_abs",
        use_logit=True,
        save_local_shap_values=False,
        seed=3,
        features_to_explain=[0, 1],
    ).get_explainability_config()
    out["shap_text"] = lambda: c.SHAPConfig(
        num_clusters=2, text_config=c.TextConfig("token", "xx"), save_local_shap_values=False
    ).get_explainability_config()
    out["shap_bad_agg"] = lambda: c.SHAPConfig(baseline=[[1]], num_samples=1, agg_method="invalid")
    out["shap_baseline_and_clusters"] = lambda: c.SHAPConfig(baseline=[[1]], num_clusters=2)
    out["shap_features_with_text"] = lambda: c.SHAPConfig(
        text_config=c.TextConfig("paragraph", "de"), features_to_explain=[1]
    )
    out["shap_features_with_image"] = lambda: c.SHAPConfig(
        image_config=c.ImageConfig("IMAGE_CLASSIFICATION"), features_to_explain=[1]
    )
    out["pdp_defaults"] = lambda: c.PDPConfig().get_explainability_config()
    out["pdp_full"] = lambda: c.PDPConfig(
        features=["a", 1], grid_resolution=5, top_k_features=3
    ).get_explainability_config()
    out["text"] = lambda: c.TextConfig("sentence", "norwegian bokmål").get_text_config()
    out["text_bad_granularity"] = lambda: c.TextConfig("word", "english")
    out["text_bad_language"] = lambda: c.TextConfig("token", "klingon")
    out["image_min"] = lambda: c.ImageConfig("IMAGE_CLASSIFICATION").get_image_config()
    out["image_bad_type"] = lambda: c.ImageConfig("SEGMENTATION")
    out["upload_mode_image"] = lambda: c.ProcessingOutputHandler.get_s3_upload_mode(
        {"dataset_type": "application/x-image"}
    )
    out["upload_mode_csv"] = lambda: c.ProcessingOutputHandler.get_s3_upload_mode(
        {"dataset_type": "text/csv"}
    )
    out["dataset_types"] = lambda: [(m.name, m.value) for m in c.DatasetType]
    return out


# What SDK v2.199 returned for each case (tuples appear as lists).
EXPECTED: dict[str, Any] = {
    "data_all_csv": {
        "dataset_type": "text/csv",
        "headers": ["y", "a", "id"],
        "label": 0,
        "joinsource_name_or_index": "id",
        "facet_dataset_uri": "s3://in/f.csv",
        "facet_headers": ["id", "sex"],
        "predicted_label_dataset_uri": "s3://in/p.csv",
        "predicted_label_headers": ["id", "p"],
        "excluded_columns": ["id"],
        "segment_config": [
            {"name_or_index": 0, "segments": [["A", "B"]]},
            {"name_or_index": "x", "segments": [[1], [2]], "display_aliases": ["one", "two"]},
        ],
    },
    "data_parquet": {
        "dataset_type": "application/x-parquet",
        "label": "y",
        "predicted_label": "p",
        "excluded_columns": [1, 2],
    },
    "data_image_predicted_label_zero": {
        "dataset_type": "application/x-image",
        "predicted_label": 0,
    },
    "bias_threshold": {
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "F1", "value_or_threshold": [0.3]}],
        "group_variable": "A151",
    },
    "bias_multi": {
        "label_values_or_threshold": [1, 2],
        "facet": [{"name_or_index": "F1", "value_or_threshold": [1]}, {"name_or_index": "F2"}],
        "group_variable": 3,
    },
    "bias_multi_none": {
        "label_values_or_threshold": ["yes"],
        "facet": [{"name_or_index": "F1"}, {"name_or_index": "F2"}],
    },
    "model_full": {
        "model_name": "xgb",
        "instance_type": "ml.c5.xlarge",
        "initial_instance_count": 1,
        "endpoint_name_prefix": "prefix",
        "accept_type": "text/csv",
        "content_type": "application/jsonlines",
        "content_template": "$features",
        "custom_attributes": "c000",
        "accelerator_type": "ml.eia1.medium",
        "target_model": "t",
    },
    "model_endpoint": {"endpoint_name": "ep", "content_type": "image/jpg"},
    "model_json": {
        "endpoint_name": "ep",
        "content_type": "application/json",
        "content_template": "$record",
        "record_template": "$features",
    },
    "model_templates_without_type": {
        "endpoint_name": "ep",
        "content_template": "no placeholder",
        "record_template": "r",
    },
    "mplc": [0.2, {"label": "label", "probability": "pr", "label_headers": ["success"]}],
    "mplc_string_threshold": ["0.5", {}],
    "shap_defaults": {"shap": {"use_logit": False, "save_local_shap_values": True}},
    "shap_full": {
        "shap": {
            "use_logit": True,
            "save_local_shap_values": False,
            "baseline": {"instances": [[1, 2]]},
            "num_samples": 10,
            "agg_method": "mean_abs",
            "seed": 3,
            "features_to_explain": [0, 1],
        }
    },
    "shap_text": {
        "shap": {
            "use_logit": False,
            "save_local_shap_values": False,
            "num_clusters": 2,
            "text_config": {"granularity": "token", "language": "xx"},
        }
    },
    "pdp_defaults": {"pdp": {"grid_resolution": 15, "top_k_features": 10}},
    "pdp_full": {"pdp": {"grid_resolution": 5, "top_k_features": 3, "features": ["a", 1]}},
    "text": {"granularity": "sentence", "language": "norwegian bokmål"},
    "image_min": {"model_type": "IMAGE_CLASSIFICATION"},
    "upload_mode_image": "Continuous",
    "upload_mode_csv": "EndOfJob",
    "dataset_types": [
        ["TEXTCSV", "text/csv"],
        ["JSONLINES", "application/jsonlines"],
        ["JSON", "application/json"],
        ["PARQUET", "application/x-parquet"],
        ["IMAGE", "application/x-image"],
    ],
}

# The SDK's exception type and message. Deviation: the SDK's bare ``assert`` in ModelConfig
# has an empty message; ours says what is wrong (same AssertionError type).
ERRORS: dict[str, tuple[type[Exception], str]] = {
    "data_bad_type": (
        ValueError,
        "Invalid dataset_type 'text/tsv'. Please check the API documentation for the supported dataset types.",
    ),
    "data_image_predicted_label": (
        ValueError,
        "The parameter 'predicted_label' is not supported for dataset_type 'application/x-image'. Please check the API documentation for the supported dataset types.",
    ),
    "data_image_excluded": (
        ValueError,
        "The parameter 'excluded_columns' is not supported for dataset_type 'application/x-image'. Please check the API documentation for the supported dataset types.",
    ),
    "data_jsonl_facet_uri": (
        ValueError,
        "The parameters 'facet_dataset_uri' and 'facet_headers' are not supported for dataset_type 'application/jsonlines'. Please check the API documentation for the supported dataset types.",
    ),
    "data_parquet_facet_headers": (
        ValueError,
        "The parameters 'facet_dataset_uri' and 'facet_headers' are not supported for dataset_type 'application/x-parquet'. Please check the API documentation for the supported dataset types.",
    ),
    "data_jsonl_pred_uri": (
        ValueError,
        "The parameters 'predicted_label_dataset_uri' and 'predicted_label_headers' are not supported for dataset_type 'application/jsonlines'. Please check the API documentation for the supported dataset types.",
    ),
    "data_json_no_features": (
        ValueError,
        "features JMESPath is required for application/json dataset_type",
    ),
    "seg_none_name": (ValueError, "`name_or_index` cannot be None"),
    "seg_empty": (ValueError, "`segments` must be a list of lists of values or intervals."),
    "seg_not_lists": (ValueError, "`segments` must be a list of lists of values or intervals."),
    "seg_aliases": (
        ValueError,
        "Number of `display_aliases` must equal the number of segments specified or with one additional default segment display alias.",
    ),
    "seg_dict": (
        ValueError,
        "Number of `display_aliases` must equal the number of segments specified or with one additional default segment display alias.",
    ),
    "bias_mismatch": (
        ValueError,
        "The number of facet names doesn't match the number of facet values",
    ),
    "bias_empty_facets": (AssertionError, "Please provide at least one facet"),
    "model_bad_accept": (
        ValueError,
        "Invalid accept_type invalid_accept_type. Please choose text/csv or application/jsonlines.",
    ),
    "model_bad_content": (
        ValueError,
        "Invalid content_type text/plain. Please choose text/csv or application/jsonlines.",
    ),
    "model_bad_prefix": (
        ValueError,
        "Invalid endpoint_name_prefix. Please follow pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]).",
    ),
    "model_jsonl_no_template": (
        ValueError,
        "content_template field is required for content_type application/jsonlines",
    ),
    "model_jsonl_bad_template": (
        ValueError,
        "Invalid content_template $x. Please include a placeholder $features.",
    ),
    "model_json_no_record_template": (
        ValueError,
        "content_template and record_template are required for content_type application/json",
    ),
    "model_json_bad_template": (
        ValueError,
        "Invalid content_template $feat. Please include either placeholder $records or $record.",
    ),
    "model_both": (
        AssertionError,
        "Set either model_name, instance_count and instance_type, or endpoint_name",
    ),
    "model_neither": (
        AssertionError,
        "Set either model_name, instance_count and instance_type, or endpoint_name",
    ),
    "model_endpoint_with_prefix": (
        AssertionError,
        "endpoint_name_prefix cannot be combined with endpoint_name",
    ),
    "mplc_bad_threshold": (
        TypeError,
        "Invalid probability_threshold invalid. Please choose one that can be cast to float.",
    ),
    "shap_bad_agg": (
        ValueError,
        "Invalid agg_method invalid. Please choose mean_abs, median, or mean_sq.",
    ),
    "shap_baseline_and_clusters": (
        ValueError,
        "Baseline and num_clusters cannot be provided together. Please specify one of the two.",
    ),
    "shap_features_with_text": (
        ValueError,
        "`features_to_explain` is not supported for datasets containing text features or images.",
    ),
    "shap_features_with_image": (
        ValueError,
        "`features_to_explain` is not supported for datasets containing text features or images.",
    ),
    "text_bad_granularity": (
        ValueError,
        "Invalid granularity word. Please choose among ['token', 'sentence', 'paragraph']",
    ),
    "text_bad_language": (
        ValueError,
        "Invalid language klingon. Please choose among ['chinese', 'zh', 'danish', 'da', 'dutch', 'nl', 'english', 'en', 'french', 'fr', 'german', 'de', 'greek', 'el', 'italian', 'it', 'japanese', 'ja', 'lithuanian', 'lt', 'multi-language', 'xx', 'norwegian bokmål', 'nb', 'polish', 'pl', 'portuguese', 'pt', 'romanian', 'ro', 'russian', 'ru', 'spanish', 'es', 'afrikaans', 'af', 'albanian', 'sq', 'arabic', 'ar', 'armenian', 'hy', 'basque', 'eu', 'bengali', 'bn', 'bulgarian', 'bg', 'catalan', 'ca', 'croatian', 'hr', 'czech', 'cs', 'estonian', 'et', 'finnish', 'fi', 'gujarati', 'gu', 'hebrew', 'he', 'hindi', 'hi', 'hungarian', 'hu', 'icelandic', 'is', 'indonesian', 'id', 'irish', 'ga', 'kannada', 'kn', 'kyrgyz', 'ky', 'latvian', 'lv', 'ligurian', 'lij', 'luxembourgish', 'lb', 'macedonian', 'mk', 'malayalam', 'ml', 'marathi', 'mr', 'nepali', 'ne', 'persian', 'fa', 'sanskrit', 'sa', 'serbian', 'sr', 'setswana', 'tn', 'sinhala', 'si', 'slovak', 'sk', 'slovenian', 'sl', 'swedish', 'sv', 'tagalog', 'tl', 'tamil', 'ta', 'tatar', 'tt', 'telugu', 'te', 'thai', 'th', 'turkish', 'tr', 'ukrainian', 'uk', 'urdu', 'ur', 'vietnamese', 'vi', 'yoruba', 'yo']",
    ),
    "image_bad_type": (
        ValueError,
        "Clarify SHAP only supports object detection and image classification methods. Please set model_type to OBJECT_DETECTION or IMAGE_CLASSIFICATION.",
    ),
}

CASES = config_cases()


def test_every_case_has_an_expectation() -> None:
    assert set(CASES) == set(EXPECTED) | set(ERRORS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_config_equals_the_sdks(name: str) -> None:
    result = CASES[name]()
    if isinstance(result, tuple):
        result = list(result)
    if name == "dataset_types":
        result = [list(pair) for pair in result]
    assert result == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_invalid_arguments_raise_the_sdks_error(name: str) -> None:
    error_type, message = ERRORS[name]
    with pytest.raises(error_type) as info:
        CASES[name]()
    assert type(info.value) is error_type
    assert str(info.value) == message


def test_data_config_keeps_the_sdks_attributes() -> None:
    segments = [c.SegmentationConfig("a", [["x"]])]
    data = c.DataConfig(
        "s3://in/d.csv",
        "s3://out",
        s3_analysis_config_output_path="s3://cfg",
        label="y",
        headers=["y", "a"],
        s3_compression_type="Gzip",
        segmentation_config=segments,
    )
    assert data.s3_data_input_path == "s3://in/d.csv"
    assert data.s3_output_path == "s3://out"
    assert data.s3_analysis_config_output_path == "s3://cfg"
    assert data.s3_data_distribution_type == "FullyReplicated"
    assert data.s3_compression_type == "Gzip"
    assert data.segmentation_configs is segments
    assert data.analysis_config == data.get_config()


def test_get_config_returns_a_copy() -> None:
    data = c.DataConfig("s3://in", "s3://out", headers=["a"])
    data.get_config()["headers"].append("b")
    assert data.get_config()["headers"] == ["a"]
    label = c.ModelPredictedLabelConfig(label_headers=["x"])
    label.get_predictor_config()[1]["label_headers"].append("y")
    assert label.get_predictor_config() == (None, {"label_headers": ["x"]})


def test_text_shap_without_local_values_warns(caplog: pytest.LogCaptureFixture) -> None:
    c.SHAPConfig(text_config=c.TextConfig("token", "en"), save_local_shap_values=False)
    assert "Global aggregation is not yet supported for text features" in caplog.text


def test_explainability_config_is_abstract() -> None:
    with pytest.raises(TypeError):
        c.ExplainabilityConfig()  # type: ignore[abstract]
    assert isinstance(c.SHAPConfig(), c.ExplainabilityConfig)
    assert isinstance(c.PDPConfig(), c.ExplainabilityConfig)


def test_public_path_re_exports_the_sdk_classes() -> None:
    for name in c.__all__:
        assert getattr(c, name) is getattr(sdk_clarify, name)
