"""Processing jobs, at SageMaker's path: ``sagemaker.processing`` -> ``plimsoll.processing``."""

from __future__ import annotations

from plimsoll.sdk.processing import (
    FeatureStoreOutput,
    FrameworkProcessor,
    NetworkConfig,
    ProcessingInput,
    ProcessingJob,
    ProcessingOutput,
    Processor,
    RunArgs,
    S3Input,
    ScriptProcessor,
)

__all__ = [
    "FeatureStoreOutput",
    "FrameworkProcessor",
    "NetworkConfig",
    "ProcessingInput",
    "ProcessingJob",
    "ProcessingOutput",
    "Processor",
    "RunArgs",
    "S3Input",
    "ScriptProcessor",
]
