"""Clarify classes of the facade, at SageMaker's path ``sagemaker.clarify``.

Each class is defined once in ``plimsoll.sdk._clarify``; this module only re-exports them.
``analysis_config`` holds the pure functions that build ``analysis_config.json`` for each
``run_*`` method of the processor.
"""

from __future__ import annotations

from plimsoll.sdk._clarify.analysis_config import ProcessingOutputHandler
from plimsoll.sdk._clarify.data_config import (
    BiasConfig,
    DataConfig,
    DatasetType,
    SegmentationConfig,
)
from plimsoll.sdk._clarify.explainability import (
    ExplainabilityConfig,
    ImageConfig,
    PDPConfig,
    SHAPConfig,
    TextConfig,
)
from plimsoll.sdk._clarify.model_config import ModelConfig, ModelPredictedLabelConfig
from plimsoll.sdk._clarify.processor import SageMakerClarifyProcessor

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
