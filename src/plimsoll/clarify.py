"""Clarify, at SageMaker's path: ``sagemaker.clarify`` -> ``plimsoll.clarify``."""

from __future__ import annotations

from plimsoll.sdk.clarify import (
    BiasConfig,
    DataConfig,
    DatasetType,
    ExplainabilityConfig,
    ImageConfig,
    ModelConfig,
    ModelPredictedLabelConfig,
    PDPConfig,
    ProcessingOutputHandler,
    SageMakerClarifyProcessor,
    SegmentationConfig,
    SHAPConfig,
    TextConfig,
)

__all__ = [
    "BiasConfig",
    "DataConfig",
    "DatasetType",
    "ExplainabilityConfig",
    "ImageConfig",
    "ModelConfig",
    "ModelPredictedLabelConfig",
    "PDPConfig",
    "ProcessingOutputHandler",
    "SHAPConfig",
    "SageMakerClarifyProcessor",
    "SegmentationConfig",
    "TextConfig",
]
