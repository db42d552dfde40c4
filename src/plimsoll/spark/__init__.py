"""Spark processors, at SageMaker's path: ``sagemaker.spark`` -> ``plimsoll.spark``."""

from __future__ import annotations

from plimsoll.sdk.spark import PySparkProcessor, SparkJarProcessor

__all__ = ["PySparkProcessor", "SparkJarProcessor"]
