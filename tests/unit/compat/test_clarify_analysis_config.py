# ruff: noqa: E501  (literal analysis_config documents)
"""``parse_analysis_config`` accepts and refuses what SageMaker SDK v2.199's schema does.

``VERDICTS`` holds, for each document below, whether the SDK's ``ANALYSIS_CONFIG_SCHEMA_V1_0``
accepted it (checked against the real schema when these cases were written).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from plimsoll.compat.clarify_analysis_config import (
    TEXT_LANGUAGES,
    AnalysisConfig,
    parse_analysis_config,
)
from plimsoll.errors import ValidationError

BASE: dict[str, Any] = {
    "dataset_type": "text/csv",
    "headers": ["y", "a"],
    "label": "y",
    "label_values_or_threshold": [1],
    "facet": [{"name_or_index": "a", "value_or_threshold": [0]}],
    "methods": {
        "report": {"name": "report", "title": "Analysis Report"},
        "pre_training_bias": {"methods": "all"},
    },
    "predictor": {"model_name": "m", "instance_type": "t", "initial_instance_count": 1},
}


def mk(path: list[str], value: Any, delete: bool = False) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    cur: dict[str, Any] = d
    for p in path[:-1]:
        cur = cur.setdefault(p, {})
    if delete:
        del cur[path[-1]]
    else:
        cur[path[-1]] = value
    return d


CASES: dict[str, dict[str, Any]] = {
    "base": BASE,
    "upper_dataset_type": mk(["dataset_type"], "TEXT/CSV"),
    "capture_json": mk(["dataset_type"], "application/sagemakercapturejson"),
    "bad_dataset_type": mk(["dataset_type"], "text/tsv"),
    "no_methods": mk(["methods"], None, delete=True),
    "no_dataset_type": mk(["dataset_type"], None, delete=True),
    "unknown_key": mk(["foo"], 1),
    "unknown_predictor_key": mk(["predictor", "foo"], 1),
    "int_threshold": mk(["probability_threshold"], 1),
    "float_threshold": mk(["probability_threshold"], 0.5),
    "label_float": mk(["label"], 1.5),
    "label_int": mk(["label"], 0),
    "headers_ints": mk(["headers"], [1, 2]),
    "facet_no_name": mk(["facet"], [{"value_or_threshold": [1]}]),
    "facet_scalar_value": mk(["facet"], [{"name_or_index": "a", "value_or_threshold": 0.3}]),
    "pdp_no_grid": mk(["methods", "pdp"], {"features": ["a"]}),
    "pdp_ok": mk(["methods", "pdp"], {"grid_resolution": 15}),
    "report_no_name": mk(["methods", "report"], {"title": "x"}),
    "bias_methods_list": mk(["methods", "post_training_bias"], {"methods": ["DPPL"]}),
    "bias_methods_int": mk(["methods", "post_training_bias"], {"methods": 1}),
    "shap_baseline_obj": mk(["methods", "shap"], {"baseline": {"a": 1}}),
    "shap_baseline_rows": mk(["methods", "shap"], {"baseline": [[1, "a", None, 2.5], {"x": 1}]}),
    "shap_baseline_int": mk(["methods", "shap"], {"baseline": 5}),
    "shap_agg_upper": mk(["methods", "shap"], {"agg_method": "MEAN_ABS"}),
    "shap_agg_bad": mk(["methods", "shap"], {"agg_method": "max"}),
    "shap_use_logit_int": mk(["methods", "shap"], {"use_logit": 1}),
    "shap_text_lang_upper": mk(
        ["methods", "shap"],
        {"text_config": {"granularity": "Token", "language": "English", "max_top_tokens": 10}},
    ),
    "shap_text_no_lang": mk(["methods", "shap"], {"text_config": {"granularity": "token"}}),
    "shap_image_int_iou": mk(["methods", "shap"], {"image_config": {"iou_threshold": 1}}),
    "shap_image_debug": mk(
        ["methods", "shap"],
        {
            "image_config": {
                "debug": {"image_names": ["a"], "class_ids": [1], "sample_from": 0, "sample_to": 3}
            }
        },
    ),
    "shap_image_float_compactness": mk(
        ["methods", "shap"], {"image_config": {"segment_compactness": 5.0}}
    ),
    "prefix_bad": mk(["predictor", "endpoint_name_prefix"], "~x"),
    "prefix_ok": mk(["predictor", "endpoint_name_prefix"], "a-b"),
    "content_type_jpg": mk(["predictor", "content_type"], "image/jpg"),
    "content_type_upper": mk(["predictor", "content_type"], "TEXT/CSV"),
    "accept_png": mk(["predictor", "accept_type"], "image/png"),
    "content_template_dict": mk(["predictor", "content_template"], {"a": "b"}),
    "label_headers_mixed": mk(["predictor", "label_headers"], ["a", 1]),
    "count_str": mk(["predictor", "initial_instance_count"], "1"),
    "segment_ok": mk(
        ["segment_config"],
        [
            {
                "name_or_index": 0,
                "segments": [["a", 1]],
                "config_name": "c",
                "display_aliases": ["x"],
            }
        ],
    ),
    "segment_float": mk(["segment_config"], [{"name_or_index": 0, "segments": [[1.5]]}]),
    "excluded_mixed": mk(["excluded_columns"], [1, "a"]),
    "version": mk(["version"], "1.0"),
    "version_float": mk(["version"], 1.0),
    "lvt_bool": mk(["label_values_or_threshold"], [True]),
    "predictor_empty": mk(["predictor"], {}),
    "methods_empty": mk(["methods"], {}),
    "count_bool": mk(["predictor", "initial_instance_count"], True),
}


VERDICTS = {
    "base": True,
    "upper_dataset_type": True,
    "capture_json": True,
    "bad_dataset_type": False,
    "no_methods": False,
    "no_dataset_type": False,
    "unknown_key": False,
    "unknown_predictor_key": False,
    "int_threshold": False,
    "float_threshold": True,
    "label_float": False,
    "label_int": True,
    "headers_ints": False,
    "facet_no_name": False,
    "facet_scalar_value": False,
    "pdp_no_grid": False,
    "pdp_ok": True,
    "report_no_name": False,
    "bias_methods_list": True,
    "bias_methods_int": False,
    "shap_baseline_obj": True,
    "shap_baseline_rows": True,
    "shap_baseline_int": False,
    "shap_agg_upper": True,
    "shap_agg_bad": False,
    "shap_use_logit_int": False,
    "shap_text_lang_upper": True,
    "shap_text_no_lang": False,
    "shap_image_int_iou": False,
    "shap_image_debug": True,
    "shap_image_float_compactness": False,
    "prefix_bad": False,
    "prefix_ok": True,
    "content_type_jpg": False,
    "content_type_upper": True,
    "accept_png": False,
    "content_template_dict": True,
    "label_headers_mixed": True,
    "count_str": False,
    "segment_ok": True,
    "segment_float": False,
    "excluded_mixed": True,
    "version": True,
    "version_float": False,
    "lvt_bool": False,
    "predictor_empty": True,
    "methods_empty": True,
    "count_bool": False,
}


SPEC_EXAMPLE = """
{"dataset_type": "text/csv", "headers": ["Target","Age","Gender","Income"], "label": "Target",
 "label_values_or_threshold": [1], "probability_threshold": 0.5,
 "facet": [{"name_or_index": "Gender", "value_or_threshold": [0]}, {"name_or_index": "Age", "value_or_threshold": [40]}],
 "group_variable": "Income",
 "methods": {"pre_training_bias": {"methods": "all"}, "post_training_bias": {"methods": ["DPPL","DI"]},
             "shap": {"baseline": [[35, 0, 50000]], "num_samples": 100, "agg_method": "mean_abs",
                      "use_logit": false, "save_local_shap_values": true, "seed": 7},
             "pdp": {"grid_resolution": 10, "top_k_features": 2},
             "report": {"name": "report", "title": "Analysis Report"}},
 "predictor": {"endpoint_name": "my-endpoint", "content_type": "text/csv", "accept_type": "text/csv", "probability": 0}}
"""

# A time-series file as later SDKs (>= 2.214) write it: accepted too.
TIME_SERIES = {
    "dataset_type": "application/json",
    "time_series_data_config": {
        "target_time_series": "[].target",
        "item_id": "[].id",
        "timestamp": "[].ts",
        "related_time_series": ["[].r1"],
        "dataset_format": "item_records",
    },
    "methods": {
        "report": {"name": "report", "title": "Analysis Report"},
        "asymmetric_shapley_value": {
            "direction": "chronological",
            "granularity": "timewise",
            "baseline": {"target_time_series": "mean", "static_covariates": {"a": [1, 2.5]}},
        },
    },
    "predictor": {
        "endpoint_name": "ep",
        "time_series_predictor_config": {"forecast": "predictions.mean"},
    },
}


def test_every_case_has_a_verdict() -> None:
    assert set(CASES) == set(VERDICTS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict_equals_the_sdk_schemas(name: str) -> None:
    document = json.loads(json.dumps(CASES[name]))
    if VERDICTS[name]:
        assert isinstance(parse_analysis_config(document), AnalysisConfig)
    else:
        with pytest.raises(ValidationError, match="Invalid analysis_config"):
            parse_analysis_config(document)


def test_spec_example_parses_into_typed_fields() -> None:
    parsed = parse_analysis_config(json.loads(SPEC_EXAMPLE))
    assert parsed.probability_threshold == 0.5
    assert [facet.name_or_index for facet in parsed.facet or []] == ["Gender", "Age"]
    assert parsed.methods.shap is not None and parsed.methods.shap.baseline == [[35, 0, 50000]]
    assert parsed.methods.pdp is not None and parsed.methods.pdp.top_k_features == 2
    assert parsed.predictor is not None and parsed.predictor.probability == 0


def test_enumerations_are_read_lower_cased() -> None:
    parsed = parse_analysis_config(CASES["shap_text_lang_upper"] | {"dataset_type": "Text/CSV"})
    assert parsed.dataset_type == "text/csv"
    assert parsed.methods.shap is not None and parsed.methods.shap.text_config is not None
    assert parsed.methods.shap.text_config.language == "english"


def test_time_series_file_of_newer_sdks_is_accepted() -> None:
    parsed = parse_analysis_config(TIME_SERIES)
    assert parsed.methods.asymmetric_shapley_value is not None
    assert parsed.methods.asymmetric_shapley_value.baseline is not None


def test_error_names_the_offending_key() -> None:
    with pytest.raises(ValidationError) as info:
        parse_analysis_config(CASES["int_threshold"])
    assert "probability_threshold" in str(info.value)
    assert info.value.code == "ValidationException"


def test_languages_pair_names_with_iso_codes() -> None:
    assert len(TEXT_LANGUAGES) == 126
    assert TEXT_LANGUAGES[:4] == ("chinese", "zh", "danish", "da")
