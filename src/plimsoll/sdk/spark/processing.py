"""The Spark processing classes, at SageMaker's import path (``sagemaker.spark.processing``).

A re-export shim: each class is defined once in a private module of ``plimsoll.sdk``.
"""

from __future__ import annotations

from plimsoll.sdk._spark import PySparkProcessor, SparkJarProcessor
from plimsoll.sdk._spark_config import SparkConfigUtils
from plimsoll.sdk._spark_deps import FileType

__all__ = ["FileType", "PySparkProcessor", "SparkConfigUtils", "SparkJarProcessor"]
