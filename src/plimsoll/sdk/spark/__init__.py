"""Spark processors, at SageMaker's path: ``sagemaker.spark`` -> ``plimsoll.sdk.spark``."""

from __future__ import annotations

from plimsoll.sdk._spark import PySparkProcessor, SparkJarProcessor

__all__ = ["PySparkProcessor", "SparkJarProcessor"]
