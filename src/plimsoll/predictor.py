"""Predictors, at SageMaker's path: ``sagemaker.predictor`` -> ``plimsoll.predictor``."""

from __future__ import annotations

from plimsoll.sdk.predictor import Predictor

__all__ = ["Predictor"]
