"""Clarify's ``analysis_config.json``: the accepted vocabulary and the file's schema.

The SageMaker SDK validates the dict it generates against ``ANALYSIS_CONFIG_SCHEMA_V1_0``
before it uploads it; the Clarify container then reads the same file. Both sides of Plimsoll
(the SDK facade, which validates before a run, and the Clarify image, which reads the file)
use :func:`parse_analysis_config`, so a file the real SDK writes is accepted unchanged and a
file the real SDK would refuse is refused here too.

The models mirror the schema of SDK v2.199, plus the time-series keys later SDKs added, so
newer files parse as well. Like the schema they forbid unknown keys, accept a bool nowhere an
int is required, and accept only real floats where the schema says ``float`` (an ``int``
``probability_threshold`` is refused, as ``schema`` refuses it). Enumerated strings are
compared case-insensitively, as the schema does with ``Use(str.lower)``, and the parsed model
holds them lower-cased.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from plimsoll.errors import ValidationError

__all__ = [
    "ACCEPT_TYPES",
    "AGG_METHODS",
    "DATASET_TYPES",
    "ENDPOINT_NAME_PREFIX_PATTERN",
    "PREDICTOR_CONTENT_TYPES",
    "TEXT_GRANULARITIES",
    "TEXT_LANGUAGES",
    "AnalysisConfig",
    "Facet",
    "ImageConfig",
    "Methods",
    "PdpMethod",
    "Predictor",
    "ReportMethod",
    "SegmentConfig",
    "ShapMethod",
    "TextConfig",
    "parse_analysis_config",
]

# Every dataset type the container reads. DataConfig accepts all but sagemakercapturejson,
# which is Model Monitor's data-capture format.
DATASET_TYPES = (
    "text/csv",
    "application/jsonlines",
    "application/json",
    "application/sagemakercapturejson",
    "application/x-parquet",
    "application/x-image",
)
PREDICTOR_CONTENT_TYPES = (
    "text/csv",
    "application/jsonlines",
    "application/json",
    "image/jpeg",
    "image/png",
    "application/x-npy",
)
ACCEPT_TYPES = ("text/csv", "application/jsonlines", "application/json")
AGG_METHODS = ("mean_abs", "median", "mean_sq")
TEXT_GRANULARITIES = ("token", "sentence", "paragraph")
ENDPOINT_NAME_PREFIX_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9])"

_LANGUAGE_CODES = {
    "chinese": "zh", "danish": "da", "dutch": "nl", "english": "en", "french": "fr",
    "german": "de", "greek": "el", "italian": "it", "japanese": "ja", "lithuanian": "lt",
    "multi-language": "xx", "norwegian bokmål": "nb", "polish": "pl", "portuguese": "pt",
    "romanian": "ro", "russian": "ru", "spanish": "es", "afrikaans": "af", "albanian": "sq",
    "arabic": "ar", "armenian": "hy", "basque": "eu", "bengali": "bn", "bulgarian": "bg",
    "catalan": "ca", "croatian": "hr", "czech": "cs", "estonian": "et", "finnish": "fi",
    "gujarati": "gu", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "icelandic": "is",
    "indonesian": "id", "irish": "ga", "kannada": "kn", "kyrgyz": "ky", "latvian": "lv",
    "ligurian": "lij", "luxembourgish": "lb", "macedonian": "mk", "malayalam": "ml",
    "marathi": "mr", "nepali": "ne", "persian": "fa", "sanskrit": "sa", "serbian": "sr",
    "setswana": "tn", "sinhala": "si", "slovak": "sk", "slovenian": "sl", "swedish": "sv",
    "tagalog": "tl", "tamil": "ta", "tatar": "tt", "telugu": "te", "thai": "th",
    "turkish": "tr", "ukrainian": "uk", "urdu": "ur", "vietnamese": "vi", "yoruba": "yo",
}  # fmt: skip
# Name, then its ISO code, in the SDK's order: TextConfig prints this list in its error.
TEXT_LANGUAGES = tuple(item for pair in _LANGUAGE_CODES.items() for item in pair)


def _one_of(*allowed: str) -> AfterValidator:
    def check(value: str) -> str:
        lowered = value.lower()
        if lowered not in allowed:
            raise ValueError(f"{value!r} is not one of {list(allowed)}")
        return lowered

    return AfterValidator(check)


def _require_float(value: object) -> object:
    # The schema's ``float`` is an isinstance check: 1 is refused where 1.0 is accepted.
    if not isinstance(value, float):
        raise ValueError(f"{value!r} is not a float")
    return value


def _require_endpoint_prefix(value: str) -> str:
    if re.search(ENDPOINT_NAME_PREFIX_PATTERN, value) is None:
        raise ValueError(f"{value!r} does not match {ENDPOINT_NAME_PREFIX_PATTERN}")
    return value


Float = Annotated[float, BeforeValidator(_require_float)]
Scalar = int | float | str
NameOrIndex = str | int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SegmentConfig(_Model):
    name_or_index: NameOrIndex
    segments: list[list[str | int]]
    config_name: str | None = None
    display_aliases: list[str] | None = None


class Facet(_Model):
    name_or_index: NameOrIndex
    value_or_threshold: list[Scalar] | None = None


class TimeSeriesDataConfig(_Model):
    target_time_series: NameOrIndex
    item_id: NameOrIndex
    timestamp: NameOrIndex
    related_time_series: list[str] | list[int] | None = None
    static_covariates: list[str] | list[int] | None = None
    dataset_format: (
        Annotated[str, _one_of("columns", "item_records", "timestamp_records")] | None
    ) = None


class TextConfig(_Model):
    granularity: Annotated[str, _one_of(*TEXT_GRANULARITIES)]
    language: Annotated[str, _one_of(*TEXT_LANGUAGES)]
    max_top_tokens: int | None = None


class ImageDebug(_Model):
    image_names: list[str] | None = None
    class_ids: list[int] | None = None
    sample_from: int | None = None
    sample_to: int | None = None


class ImageConfig(_Model):
    num_segments: int | None = None
    segment_compactness: int | None = None
    feature_extraction_method: str | None = None
    model_type: str | None = None
    max_objects: int | None = None
    iou_threshold: Float | None = None
    context: Float | None = None
    debug: ImageDebug | None = None


BaselineRow = list[int | float | str | None] | dict[str, Any]


class ShapMethod(_Model):
    baseline: str | list[BaselineRow] | dict[str, Any] | None = None
    num_clusters: int | None = None
    use_logit: bool | None = None
    num_samples: int | None = None
    agg_method: Annotated[str, _one_of(*AGG_METHODS)] | None = None
    save_local_shap_values: bool | None = None
    text_config: TextConfig | None = None
    image_config: ImageConfig | None = None
    seed: int | None = None
    features_to_explain: list[int | str] | None = None


class BiasMethod(_Model):
    methods: str | list[str]


class PdpMethod(_Model):
    grid_resolution: int
    features: list[str | int] | None = None
    top_k_features: int | None = None


class ReportMethod(_Model):
    name: str
    title: str | None = None


_ZeroOrMean = Annotated[str, _one_of("zero", "mean")]


class AsymmetricShapleyBaseline(_Model):
    target_time_series: _ZeroOrMean = "zero"
    related_time_series: _ZeroOrMean | None = None
    static_covariates: dict[str, list[str | int | float]] | None = None


class AsymmetricShapleyValueMethod(_Model):
    direction: Annotated[str, _one_of("chronological", "anti_chronological", "bidirectional")]
    granularity: Annotated[str, _one_of("timewise", "fine_grained")]
    num_samples: int | None = None
    baseline: str | AsymmetricShapleyBaseline | None = None


class Methods(_Model):
    shap: ShapMethod | None = None
    pre_training_bias: BiasMethod | None = None
    post_training_bias: BiasMethod | None = None
    pdp: PdpMethod | None = None
    report: ReportMethod | None = None
    asymmetric_shapley_value: AsymmetricShapleyValueMethod | None = None


class TimeSeriesPredictorConfig(_Model):
    forecast: str


class Predictor(_Model):
    endpoint_name: str | None = None
    endpoint_name_prefix: Annotated[str, AfterValidator(_require_endpoint_prefix)] | None = None
    model_name: str | None = None
    target_model: str | None = None
    instance_type: str | None = None
    initial_instance_count: int | None = None
    accelerator_type: str | None = None
    content_type: Annotated[str, _one_of(*PREDICTOR_CONTENT_TYPES)] | None = None
    accept_type: Annotated[str, _one_of(*ACCEPT_TYPES)] | None = None
    label: NameOrIndex | None = None
    probability: NameOrIndex | None = None
    label_headers: list[str | int] | None = None
    content_template: str | dict[str, str] | None = None
    record_template: str | None = None
    custom_attributes: str | None = None
    time_series_predictor_config: TimeSeriesPredictorConfig | None = None


class AnalysisConfig(_Model):
    """The whole ``analysis_config.json``; only ``dataset_type`` and ``methods`` are required."""

    version: str | None = None
    dataset_type: Annotated[str, _one_of(*DATASET_TYPES)]
    dataset_uri: str | None = None
    headers: list[str] | None = None
    label: NameOrIndex | None = None
    predicted_label: NameOrIndex | None = None
    features: str | None = None
    label_values_or_threshold: list[Scalar] | None = None
    probability_threshold: Float | None = None
    segment_config: list[SegmentConfig] | None = None
    facet: list[Facet] | None = None
    facet_dataset_uri: str | None = None
    facet_headers: list[str] | None = None
    predicted_label_dataset_uri: str | None = None
    predicted_label_headers: list[str] | None = None
    excluded_columns: list[int | str] | None = None
    joinsource_name_or_index: NameOrIndex | None = None
    group_variable: NameOrIndex | None = None
    time_series_data_config: TimeSeriesDataConfig | None = None
    methods: Methods
    predictor: Predictor | None = None


def parse_analysis_config(data: Mapping[str, Any]) -> AnalysisConfig:
    """Validates an ``analysis_config.json`` document as SageMaker's schema does.

    Args:
        data: The decoded JSON object.

    Returns:
        The typed, immutable config.

    Raises:
        ValidationError: The document breaks the schema; the message names every bad key path.
    """
    try:
        return AnalysisConfig.model_validate(dict(data))
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '<root>'}: {error['msg']}"
            for error in exc.errors()
        )
        raise ValidationError(f"Invalid analysis_config: {problems}") from exc
