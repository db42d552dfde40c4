"""The processing classes, at SageMaker's import path (``sagemaker.processing``).

A re-export shim: each class is defined once in a private module of ``plimsoll.sdk``.
"""

from __future__ import annotations

from plimsoll.sdk._framework import FrameworkProcessor
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import (
    FeatureStoreOutput,
    ProcessingInput,
    ProcessingOutput,
    RunArgs,
    S3Input,
)
from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk._processor import Processor, ScriptProcessor

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
