"""The analyzer container's contract: its environment variables, resolved as SageMaker's
``sagemaker-model-monitor-analyzer`` resolves them (the "effective input" it logs)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_OUTPUT_MESSAGE_FILE = "/opt/ml/output/message"
DEFAULT_METRICS_DIRECTORY = "/opt/ml/output/metrics/cloudwatch"

# Every key the real analyzer reports, in its order (reference: analyzer_effective_input).
KEYS = (
    "dataset_source", "dataset_format", "output_path", "analysis_type", "problem_type",
    "inference_attribute", "probability_attribute", "ground_truth_attribute",
    "probability_threshold_attribute", "positive_label", "record_preprocessor_script",
    "post_analytics_processor_script", "baseline_constraints", "baseline_statistics",
    "start_time", "end_time", "metric_time", "cloudwatch_metrics_directory",
    "publish_cloudwatch_metrics", "sagemaker_endpoint_name",
    "sagemaker_monitoring_schedule_name", "output_message_file", "detect_outliers",
    "detect_drift", "image_data", "report_enabled", "auto_ml_job_detail",
)  # fmt: skip
# Keys newer SDKs and batch-transform/endpoint inputs send that the 2022 log does not show:
# ``categorical_drift_method`` (baselining, SDK >= 2.168), ``features_attribute`` and
# ``exclude_features_attribute`` (EndpointInput / BatchTransformInput).
EXTRA_KEYS = ("categorical_drift_method", "features_attribute", "exclude_features_attribute")
CAPTURE_FORMAT = "sagemakerCaptureJson"


class AnalyzerConfigError(ValueError):
    """The job's environment does not describe an analysis the analyzer can run."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalyzerConfig:
    """The effective input: every key present, unset ones None, ``dataset_format`` parsed."""

    values: Mapping[str, Any]

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> AnalyzerConfig:
        values: dict[str, Any] = {key: env.get(key) for key in (*KEYS, *EXTRA_KEYS)}
        values["cloudwatch_metrics_directory"] = (
            values["cloudwatch_metrics_directory"] or DEFAULT_METRICS_DIRECTORY
        )
        values["publish_cloudwatch_metrics"] = values["publish_cloudwatch_metrics"] or "Disabled"
        values["output_message_file"] = values["output_message_file"] or DEFAULT_OUTPUT_MESSAGE_FILE
        values["report_enabled"] = str(values["report_enabled"] or "false").lower() == "true"
        raw_format = values["dataset_format"]
        if raw_format:
            try:
                values["dataset_format"] = json.loads(raw_format)
            except json.JSONDecodeError as exc:
                raise AnalyzerConfigError(
                    f"dataset_format is not valid JSON: {raw_format!r}"
                ) from exc
            if not isinstance(values["dataset_format"], dict):
                raise AnalyzerConfigError(f"dataset_format is not a JSON object: {raw_format!r}")
        for required in ("dataset_source", "output_path", "dataset_format"):
            if not values[required]:
                raise AnalyzerConfigError(f"Missing required environment variable {required!r}")
        return cls(values=values)

    def get(self, key: str) -> Any:
        return self.values[key]

    @property
    def is_monitoring(self) -> bool:
        """A monitoring execution: baseline files to check against, or capture data."""
        return bool(
            self.values["baseline_constraints"]
            or self.values["baseline_statistics"]
            or CAPTURE_FORMAT in self.values["dataset_format"]
        )

    @property
    def is_baseline(self) -> bool:
        """A baselining job: plain data and no baseline to check against."""
        return not self.is_monitoring

    def capture_index_names(self) -> tuple[str, ...] | None:
        """``captureIndexNames`` for capture input (default both sides), else None."""
        found = self.values["dataset_format"].get(CAPTURE_FORMAT)
        if found is None:
            return None
        names = found.get("captureIndexNames") or ["endpointInput", "endpointOutput"]
        return tuple(str(n) for n in names)

    def is_parquet(self) -> bool:
        """Parquet input (``DatasetFormat.parquet()``)."""
        return "parquet" in self.values["dataset_format"]

    def csv_format(self) -> tuple[bool, str] | None:
        """``(header, output_columns_position)`` for CSV input, else None."""
        found = self.values["dataset_format"].get("csv")
        if found is None:
            return None
        return bool(found.get("header", True)), str(found.get("output_columns_position", "START"))

    def json_lines(self) -> bool | None:
        """``lines`` for JSON input, else None."""
        found = self.values["dataset_format"].get("json")
        return None if found is None else bool(found.get("lines", found.get("line", True)))
