"""SageMaker's path ``sagemaker.model_monitor.clarify_model_monitoring``: a re-export shim.

The classes are defined once in this package's private modules.
"""

from __future__ import annotations

from plimsoll.sdk.model_monitor._bias import ModelBiasMonitor
from plimsoll.sdk.model_monitor._clarify_monitor import ClarifyModelMonitor
from plimsoll.sdk.model_monitor._clarify_monitor_config import (
    BiasAnalysisConfig,
    ClarifyBaseliningConfig,
    ClarifyBaseliningJob,
    ClarifyMonitoringExecution,
    ExplainabilityAnalysisConfig,
)
from plimsoll.sdk.model_monitor._explainability import ModelExplainabilityMonitor

__all__ = [
    "BiasAnalysisConfig",
    "ClarifyBaseliningConfig",
    "ClarifyBaseliningJob",
    "ClarifyModelMonitor",
    "ClarifyMonitoringExecution",
    "ExplainabilityAnalysisConfig",
    "ModelBiasMonitor",
    "ModelExplainabilityMonitor",
]
