"""Mirrors the data classes of `sagemaker.model_monitor.clarify_model_monitoring`.

The analysis configurations that a ModelBias / ModelExplainability job definition points at
(``ConfigUri``), what a baselining job leaves behind for the schedule
(``ClarifyBaseliningConfig``) and the handles of Clarify baselining jobs and executions, whose
result is ``analysis.json`` rather than statistics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plimsoll.sdk.model_monitor._baselining import BaseliningJob
from plimsoll.sdk.model_monitor._execution import MonitoringExecution

if TYPE_CHECKING:
    from plimsoll.sdk._clarify.data_config import BiasConfig
    from plimsoll.sdk._clarify.explainability import ExplainabilityConfig
    from plimsoll.sdk._clarify.model_config import ModelConfig
    from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
    from plimsoll.sdk._processing_job import ProcessingJob
    from plimsoll.sdk.model_monitor.monitoring_files import Constraints
    from plimsoll.sdk.session import Session

__all__ = [
    "BiasAnalysisConfig",
    "ClarifyBaseliningConfig",
    "ClarifyBaseliningJob",
    "ClarifyMonitoringExecution",
    "ExplainabilityAnalysisConfig",
]

ANALYSIS_FILE = "analysis.json"


class BiasAnalysisConfig:
    """Mirrors `sagemaker.model_monitor.BiasAnalysisConfig`: the config of a bias monitor.

    Args:
        bias_config: The label values and facets to measure.
        headers: Column names of the dataset.
        label: The label column (name or index; a JMESPath for JSON lines).
    """

    def __init__(
        self,
        bias_config: BiasConfig,
        headers: list[str] | None = None,
        label: str | int | None = None,
    ) -> None:
        self.analysis_config: dict[str, Any] = bias_config.get_config()
        if headers is not None:
            self.analysis_config["headers"] = headers
        if label is not None:
            self.analysis_config["label"] = label

    def _to_dict(self) -> dict[str, Any]:
        """The ``analysis_config.json`` body."""
        return self.analysis_config


class ExplainabilityAnalysisConfig:
    """Mirrors `sagemaker.model_monitor.ExplainabilityAnalysisConfig`.

    Args:
        explainability_config: The method (SHAP) and its settings.
        model_config: The model the monitoring job calls (its ``predictor`` object).
        headers: Feature names of the model input (without the label).
        label_headers: Names of the model's scores, written into ``predictor``.
    """

    def __init__(
        self,
        explainability_config: ExplainabilityConfig,
        model_config: ModelConfig,
        headers: list[str] | None = None,
        label_headers: list[str] | None = None,
    ) -> None:
        predictor_config = model_config.get_predictor_config()
        self.analysis_config: dict[str, Any] = {
            "methods": explainability_config.get_explainability_config(),
            "predictor": predictor_config,
        }
        if headers is not None:
            self.analysis_config["headers"] = headers
        if label_headers is not None:
            predictor_config["label_headers"] = label_headers

    def _to_dict(self) -> dict[str, Any]:
        """The ``analysis_config.json`` body."""
        return self.analysis_config


class ClarifyBaseliningConfig:
    """Mirrors `sagemaker.model_monitor.clarify_model_monitoring.ClarifyBaseliningConfig`.

    What ``suggest_baseline`` remembers for the schedule: the analysis config and where the
    endpoint's records hold the features, label, scores and threshold.

    Args:
        analysis_config: A :class:`BiasAnalysisConfig` or :class:`ExplainabilityAnalysisConfig`.
        features_attribute: JMESPath of the features in a JSON lines request.
        inference_attribute: Index, header or JMESPath of the predicted label.
        probability_attribute: Index or JMESPath of the probability or score.
        probability_threshold_attribute: Cut-off that turns a score into a label.
    """

    def __init__(
        self,
        analysis_config: BiasAnalysisConfig | ExplainabilityAnalysisConfig,
        features_attribute: str | None = None,
        inference_attribute: str | None = None,
        probability_attribute: str | None = None,
        probability_threshold_attribute: float | None = None,
    ) -> None:
        self.analysis_config = analysis_config
        self.features_attribute = features_attribute
        self.inference_attribute = inference_attribute
        self.probability_attribute = probability_attribute
        self.probability_threshold_attribute = probability_threshold_attribute


class ClarifyBaseliningJob(BaseliningJob):
    """Mirrors `sagemaker.model_monitor.clarify_model_monitoring.ClarifyBaseliningJob`.

    Its constraints are the Clarify job's ``analysis.json``; it has no statistics.

    Args:
        processing_job: The Clarify processing job ``suggest_baseline`` started.
    """

    def __init__(self, processing_job: ProcessingJob) -> None:
        super().__init__(
            sagemaker_session=processing_job.sagemaker_session,
            job_name=processing_job.job_name,
            inputs=processing_job.inputs,
            outputs=processing_job.outputs,
            output_kms_key=processing_job.output_kms_key,
        )

    def baseline_statistics(self, **_: Any) -> Any:  # type: ignore[override]  # noqa: ANN401
        """Not for Clarify jobs.

        Raises:
            NotImplementedError: Always (the SDK's message).
        """
        raise NotImplementedError("ClarifyBaseliningJob doesn't support statistics.")

    def suggested_constraints(
        self, file_name: str | None = None, kms_key: str | None = None
    ) -> Constraints:
        """The job's ``analysis.json`` as :class:`Constraints` (``file_name`` is ignored).

        Raises:
            UnexpectedStatusException: The file is missing and the job did not complete.
        """
        del file_name  # The SDK keeps the parameter for the signature only.
        return super().suggested_constraints(ANALYSIS_FILE, kms_key)


class ClarifyMonitoringExecution(MonitoringExecution):
    """Mirrors `sagemaker.model_monitor.clarify_model_monitoring.ClarifyMonitoringExecution`.

    Its ``constraint_violations()`` are the Clarify monitor's; it has no statistics.
    """

    def __init__(
        self,
        sagemaker_session: Session,
        job_name: str,
        inputs: list[ProcessingInput] | None,
        output: ProcessingOutput,
        output_kms_key: str | None = None,
    ) -> None:
        super().__init__(
            sagemaker_session=sagemaker_session,
            job_name=job_name,
            inputs=inputs,
            output=output,
            output_kms_key=output_kms_key,
        )

    def statistics(self, **_: Any) -> Any:  # type: ignore[override]  # noqa: ANN401
        """Not for Clarify executions.

        Raises:
            NotImplementedError: Always (the SDK's message).
        """
        raise NotImplementedError("ClarifyMonitoringExecution doesn't support statistics.")
