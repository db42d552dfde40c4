"""What a Clarify job reads: the dataset (`DataConfig`, `SegmentationConfig`) and its groups.

Mirrors the dataset half of `sagemaker.clarify` (SDK v2.199): the same constructor parameters,
defaults, attributes, ``get_config()`` dicts and validation errors (types and messages). Each
``get_config()`` returns a deep copy, so callers may change the result freely.
"""

from __future__ import annotations

import copy
from enum import Enum
from typing import Any

__all__ = ["BiasConfig", "DataConfig", "DatasetType", "SegmentationConfig"]

# DataConfig takes these; predicted labels and excluded columns only make sense for tables.
_DATA_CONFIG_TYPES = (
    "text/csv",
    "application/jsonlines",
    "application/json",
    "application/x-parquet",
    "application/x-image",
)
_TABULAR_TYPES = _DATA_CONFIG_TYPES[:4]
_SEE_DOCS = " Please check the API documentation for the supported dataset types."


def set_if_given(value: Any, key: str, target: dict[str, Any]) -> None:
    """Adds ``key`` only when a value was given: the SDK omits unset keys from the file."""
    if value is not None:
        target[key] = value


class DatasetType(Enum):
    """Mirrors `sagemaker.clarify.DatasetType`: the dataset types a DataConfig accepts."""

    TEXTCSV = "text/csv"
    JSONLINES = "application/jsonlines"
    JSON = "application/json"
    PARQUET = "application/x-parquet"
    IMAGE = "application/x-image"


class SegmentationConfig:
    """Mirrors `sagemaker.clarify.SegmentationConfig`: segments of one column to report on.

    N lists of values (or interval strings such as ``"(2, 5]"``) make N + 1 segments; the
    extra ``__default__`` segment holds every other value.
    """

    def __init__(
        self,
        name_or_index: str | int,
        segments: list[list[str | int]],
        config_name: str | None = None,
        display_aliases: list[str] | None = None,
    ) -> None:
        if name_or_index is None:
            raise ValueError("`name_or_index` cannot be None")
        self.name_or_index = name_or_index
        if not segments or not isinstance(segments, list):
            raise ValueError("`segments` must be a list of lists of values or intervals.")
        if not all(isinstance(segment, list) for segment in segments):
            raise ValueError("`segments` must be a list of lists of values or intervals.")
        self.segments = segments
        self.config_name = config_name
        if display_aliases is not None and len(display_aliases) not in (
            len(segments),
            len(segments) + 1,
        ):
            raise ValueError(
                "Number of `display_aliases` must equal the number of segments"
                " specified or with one additional default segment display alias."
            )
        self.display_aliases = display_aliases

    def to_dict(self) -> dict[str, Any]:
        """Returns the ``segment_config`` entry; empty name and aliases are left out."""
        entry: dict[str, Any] = {"name_or_index": self.name_or_index, "segments": self.segments}
        if self.config_name:
            entry["config_name"] = self.config_name
        if self.display_aliases:
            entry["display_aliases"] = self.display_aliases
        return entry


def _check_dataset_type(
    dataset_type: str,
    predicted_label: str | int | None,
    excluded_columns: list[int] | list[str] | None,
    separate_files: tuple[Any, Any, Any, Any],
) -> None:
    """Raises the SDK's ValueErrors for a type that cannot carry the given options."""
    if dataset_type not in _DATA_CONFIG_TYPES:
        raise ValueError(f"Invalid dataset_type '{dataset_type}'." + _SEE_DOCS)
    if dataset_type not in _TABULAR_TYPES:
        # Truthiness, not None-ness, as in the SDK: predicted_label=0 slips through.
        for name, value in (
            ("predicted_label", predicted_label),
            ("excluded_columns", excluded_columns),
        ):
            if value:
                raise ValueError(
                    f"The parameter '{name}' is not supported"
                    f" for dataset_type '{dataset_type}'." + _SEE_DOCS
                )
    if dataset_type != "text/csv":
        facet_uri, facet_headers, label_uri, label_headers = separate_files
        for pair, (uri, headers) in (
            ("'facet_dataset_uri' and 'facet_headers'", (facet_uri, facet_headers)),
            (
                "'predicted_label_dataset_uri' and 'predicted_label_headers'",
                (label_uri, label_headers),
            ),
        ):
            if uri or headers:
                raise ValueError(
                    f"The parameters {pair} are not supported"
                    f" for dataset_type '{dataset_type}'." + _SEE_DOCS
                )


class DataConfig:
    """Mirrors `sagemaker.clarify.DataConfig`: where the dataset is and how to read it.

    ``s3_data_distribution_type`` is always ``"FullyReplicated"``, as in the SDK.
    """

    def __init__(
        self,
        s3_data_input_path: str,
        s3_output_path: str,
        s3_analysis_config_output_path: str | None = None,
        label: str | int | None = None,
        headers: list[str] | None = None,
        features: str | None = None,
        dataset_type: str = "text/csv",
        s3_compression_type: str = "None",
        joinsource: str | int | None = None,
        facet_dataset_uri: str | None = None,
        facet_headers: list[str] | None = None,
        predicted_label_dataset_uri: str | None = None,
        predicted_label_headers: list[str] | None = None,
        predicted_label: str | int | None = None,
        excluded_columns: list[int] | list[str] | None = None,
        segmentation_config: list[SegmentationConfig] | None = None,
    ) -> None:
        _check_dataset_type(
            dataset_type,
            predicted_label,
            excluded_columns,
            (
                facet_dataset_uri,
                facet_headers,
                predicted_label_dataset_uri,
                predicted_label_headers,
            ),
        )
        # The container cannot guess where the features of a JSON document are.
        if dataset_type == "application/json" and features is None:
            raise ValueError("features JMESPath is required for application/json dataset_type")
        self.s3_data_input_path = s3_data_input_path
        self.s3_output_path = s3_output_path
        self.s3_analysis_config_output_path = s3_analysis_config_output_path
        self.s3_data_distribution_type = "FullyReplicated"
        self.s3_compression_type = s3_compression_type
        self.label = label
        self.headers = headers
        self.features = features
        self.facet_dataset_uri = facet_dataset_uri
        self.facet_headers = facet_headers
        self.predicted_label_dataset_uri = predicted_label_dataset_uri
        self.predicted_label_headers = predicted_label_headers
        self.predicted_label = predicted_label
        self.excluded_columns = excluded_columns
        self.segmentation_configs = segmentation_config
        config: dict[str, Any] = {"dataset_type": dataset_type}
        for key, value in (
            ("features", features),
            ("headers", headers),
            ("label", label),
            ("joinsource_name_or_index", joinsource),
            ("facet_dataset_uri", facet_dataset_uri),
            ("facet_headers", facet_headers),
            ("predicted_label_dataset_uri", predicted_label_dataset_uri),
            ("predicted_label_headers", predicted_label_headers),
            ("predicted_label", predicted_label),
            ("excluded_columns", excluded_columns),
        ):
            set_if_given(value, key, config)
        if segmentation_config:
            config["segment_config"] = [item.to_dict() for item in segmentation_config]
        self.analysis_config = config

    def get_config(self) -> dict[str, Any]:
        """Returns the dataset keys of ``analysis_config.json``."""
        return copy.deepcopy(self.analysis_config)


class BiasConfig:
    """Mirrors `sagemaker.clarify.BiasConfig`: positive labels, sensitive facets, group column.

    ``facet_name`` may be a list; then ``facet_values_or_threshold`` is None or one entry per
    facet (each a list of values, a one-element threshold list, or None).
    """

    def __init__(
        self,
        label_values_or_threshold: list[int | float | str],
        facet_name: str | int | list[str] | list[int],
        facet_values_or_threshold: Any = None,
        group_name: str | int | None = None,
    ) -> None:
        facets: list[dict[str, Any]]
        if isinstance(facet_name, list):
            if not facet_name:
                raise AssertionError("Please provide at least one facet")
            if facet_values_or_threshold is None:
                facets = [{"name_or_index": name} for name in facet_name]
            elif len(facet_values_or_threshold) == len(facet_name):
                facets = []
                for name, values in zip(facet_name, facet_values_or_threshold, strict=True):
                    facet: dict[str, Any] = {"name_or_index": name}
                    set_if_given(values, "value_or_threshold", facet)
                    facets.append(facet)
            else:
                raise ValueError(
                    "The number of facet names doesn't match the number of facet values"
                )
        else:
            facet = {"name_or_index": facet_name}
            set_if_given(facet_values_or_threshold, "value_or_threshold", facet)
            facets = [facet]
        self.analysis_config: dict[str, Any] = {
            "label_values_or_threshold": label_values_or_threshold,
            "facet": facets,
        }
        set_if_given(group_name, "group_variable", self.analysis_config)

    def get_config(self) -> dict[str, Any]:
        """Returns the bias keys of ``analysis_config.json``."""
        return copy.deepcopy(self.analysis_config)
