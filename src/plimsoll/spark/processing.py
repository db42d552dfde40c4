"""Spark processing, at SageMaker's path: ``sagemaker.spark.processing`` ->
``plimsoll.spark.processing``."""

from __future__ import annotations

from plimsoll.sdk.spark.processing import (
    FileType,
    PySparkProcessor,
    SparkConfigUtils,
    SparkJarProcessor,
)

__all__ = ["FileType", "PySparkProcessor", "SparkConfigUtils", "SparkJarProcessor"]
