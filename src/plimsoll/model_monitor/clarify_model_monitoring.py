"""SageMaker's path ``sagemaker.model_monitor.clarify_model_monitoring`` -> this module."""

from __future__ import annotations

from plimsoll.sdk.model_monitor.clarify_model_monitoring import (
    BiasAnalysisConfig,
    ClarifyBaseliningConfig,
    ClarifyBaseliningJob,
    ClarifyModelMonitor,
    ClarifyMonitoringExecution,
    ExplainabilityAnalysisConfig,
    ModelBiasMonitor,
    ModelExplainabilityMonitor,
)

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
