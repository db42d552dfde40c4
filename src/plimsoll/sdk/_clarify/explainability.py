"""How a Clarify job explains a model: SHAP (with text and image options) and PDP configs.

Mirrors the explainability classes of `sagemaker.clarify` (SDK v2.199): same parameters,
defaults, ``get_*_config()`` dicts and validation errors (types and messages).
"""

from __future__ import annotations

import copy
import logging
from abc import ABC, abstractmethod
from typing import Any

from plimsoll.compat.clarify_analysis_config import AGG_METHODS, TEXT_GRANULARITIES, TEXT_LANGUAGES
from plimsoll.sdk._clarify.data_config import set_if_given

__all__ = [
    "ExplainabilityConfig",
    "ImageConfig",
    "PDPConfig",
    "SHAPConfig",
    "TextConfig",
]

logger = logging.getLogger(__name__)


class ExplainabilityConfig(ABC):
    """Mirrors `sagemaker.clarify.ExplainabilityConfig`: one entry of ``methods``."""

    @abstractmethod
    def get_explainability_config(self) -> dict[str, Any]:
        """Returns ``{method_name: method_config}`` to merge into ``methods``."""


class PDPConfig(ExplainabilityConfig):
    """Mirrors `sagemaker.clarify.PDPConfig`: partial dependence plots.

    Without ``features`` the job plots the ``top_k_features`` of the SHAP ranking, so a
    PDPConfig without features needs a SHAPConfig in the same run.
    """

    def __init__(
        self,
        features: list[str | int] | None = None,
        grid_resolution: int = 15,
        top_k_features: int = 10,
    ) -> None:
        self.pdp_config: dict[str, Any] = {
            "grid_resolution": grid_resolution,
            "top_k_features": top_k_features,
        }
        if features is not None:
            self.pdp_config["features"] = features

    def get_explainability_config(self) -> dict[str, Any]:
        """Returns ``{"pdp": ...}``."""
        return copy.deepcopy({"pdp": self.pdp_config})


class TextConfig:
    """Mirrors `sagemaker.clarify.TextConfig`: how text features are split into units."""

    _SUPPORTED_GRANULARITIES = list(TEXT_GRANULARITIES)
    _SUPPORTED_LANGUAGES = list(TEXT_LANGUAGES)

    def __init__(self, granularity: str, language: str) -> None:
        if granularity not in self._SUPPORTED_GRANULARITIES:
            raise ValueError(
                f"Invalid granularity {granularity}. Please choose among "
                f"{self._SUPPORTED_GRANULARITIES}"
            )
        if language not in self._SUPPORTED_LANGUAGES:
            raise ValueError(
                f"Invalid language {language}. Please choose among {self._SUPPORTED_LANGUAGES}"
            )
        self.text_config = {"granularity": granularity, "language": language}

    def get_text_config(self) -> dict[str, Any]:
        """Returns the ``text_config`` object of the ``shap`` method."""
        return copy.deepcopy(self.text_config)


class ImageConfig:
    """Mirrors `sagemaker.clarify.ImageConfig`: image segmentation for SHAP on images.

    Unset options are left out of the file; the container then uses its defaults (20
    segments, compactness 5, 3 objects, IoU 0.5, context 1.0).
    """

    def __init__(
        self,
        model_type: str,
        num_segments: int | None = None,
        feature_extraction_method: str | None = None,
        segment_compactness: float | None = None,
        max_objects: int | None = None,
        iou_threshold: float | None = None,
        context: float | None = None,
    ) -> None:
        self.image_config: dict[str, Any] = {}
        if model_type not in ("OBJECT_DETECTION", "IMAGE_CLASSIFICATION"):
            raise ValueError(
                "Clarify SHAP only supports object detection and image classification methods. "
                "Please set model_type to OBJECT_DETECTION or IMAGE_CLASSIFICATION."
            )
        self.image_config["model_type"] = model_type
        for key, value in (
            ("num_segments", num_segments),
            ("feature_extraction_method", feature_extraction_method),
            ("segment_compactness", segment_compactness),
            ("max_objects", max_objects),
            ("iou_threshold", iou_threshold),
            ("context", context),
        ):
            set_if_given(value, key, self.image_config)

    def get_image_config(self) -> dict[str, Any]:
        """Returns the ``image_config`` object of the ``shap`` method."""
        return copy.deepcopy(self.image_config)


class SHAPConfig(ExplainabilityConfig):
    """Mirrors `sagemaker.clarify.SHAPConfig`: Kernel SHAP.

    ``baseline`` is an S3 URI, a list of rows or a JSON object; without it the job clusters
    the dataset into ``num_clusters`` rows. ``use_logit`` and ``save_local_shap_values`` are
    always written (False and True by default); the other options only when given.
    """

    def __init__(
        self,
        baseline: str | list[Any] | dict[str, Any] | None = None,
        num_samples: int | None = None,
        agg_method: str | None = None,
        use_logit: bool = False,
        save_local_shap_values: bool = True,
        seed: int | None = None,
        num_clusters: int | None = None,
        text_config: TextConfig | None = None,
        image_config: ImageConfig | None = None,
        features_to_explain: list[str | int] | None = None,
    ) -> None:
        if agg_method is not None and agg_method not in AGG_METHODS:
            raise ValueError(
                f"Invalid agg_method {agg_method}. Please choose mean_abs, median, or mean_sq."
            )
        if num_clusters is not None and baseline is not None:
            raise ValueError(
                "Baseline and num_clusters cannot be provided together. "
                "Please specify one of the two."
            )
        self.shap_config: dict[str, Any] = {
            "use_logit": use_logit,
            "save_local_shap_values": save_local_shap_values,
        }
        for key, value in (
            ("baseline", baseline),
            ("num_samples", num_samples),
            ("agg_method", agg_method),
            ("seed", seed),
            ("num_clusters", num_clusters),
        ):
            set_if_given(value, key, self.shap_config)
        if text_config:
            self.shap_config["text_config"] = text_config.get_text_config()
            if not save_local_shap_values:
                logger.warning(
                    "Global aggregation is not yet supported for text features. "
                    "Consider setting save_local_shap_values=True to inspect local text "
                    "explanations."
                )
        if image_config:
            self.shap_config["image_config"] = image_config.get_image_config()
        if features_to_explain is not None and (
            text_config is not None or image_config is not None
        ):
            raise ValueError(
                "`features_to_explain` is not supported for datasets containing text features "
                "or images."
            )
        set_if_given(features_to_explain, "features_to_explain", self.shap_config)

    def get_explainability_config(self) -> dict[str, Any]:
        """Returns ``{"shap": ...}``."""
        return copy.deepcopy({"shap": self.shap_config})
