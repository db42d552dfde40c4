"""The analyzer's ``analysis_type=MODEL_QUALITY`` mode (spec §1.8, §3.2, §4.4, §4.6).

Baselining (``dataset_format`` csv or json, no ``baseline_constraints``): the metrics of the
validation set -> ``statistics.json`` and the suggested ``constraints.json``.

Monitoring (``dataset_format={"sagemakerMergeJson": ...}`` or ``baseline_constraints`` set): the
metrics of the window's merged records -> ``statistics.json``, ``constraints.json`` (suggested
from the window) and ``constraint_violations.json`` (against ``baseline_constraints``; empty
without them); with ``publish_cloudwatch_metrics=Enabled`` every finite scalar metric goes to
``<cloudwatch_metrics_directory>/model_quality_metrics.jsonl`` (namespace
``aws/sagemaker/Endpoints/model-metrics``, dimensions ``Endpoint`` and ``MonitoringSchedule``).

Parameters: ``problem_type`` (required), ``ground_truth_attribute`` (required for baselining),
``inference_attribute``, ``probability_attribute`` (BinaryClassification needs one of them,
the other problem types ``inference_attribute``; for merged CSV output the prediction defaults
to column 0), ``probability_threshold_attribute`` (a number, default 0.5) and
``positive_label`` (BinaryClassification). Bad labels or probabilities fail with the engine's
:class:`~plimsoll.errors.ValidationError` message.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plimsoll.compat.analyzer_config import AnalyzerConfig, AnalyzerConfigError
from plimsoll.compat.monitor_metrics import MetricDatum, write_metric_file
from plimsoll.compat.preprocess import run_postprocess
from plimsoll.engines.model_quality import (
    ModelQualityResult,
    ProblemType,
    Violation,
    binary_classification_metrics,
    check_constraints,
    constraints_document,
    constraints_from_document,
    evaluate_model_quality,
    statistics_document,
    suggest_constraints,
    violations_document,
)
from plimsoll.errors import ValidationError
from plimsoll.images._analyzer_outputs import metrics_enabled
from plimsoll.images._analyzer_quality_read import (
    MERGE_FORMAT,
    Attributes,
    QualityColumns,
    dataset_columns,
    merged_columns,
)

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = [
    "METRICS_FILE",
    "MODEL_METRICS_NAMESPACE",
    "QualityParameters",
    "is_model_quality",
    "run_model_quality",
]

MODEL_QUALITY = "MODEL_QUALITY"
METRICS_FILE = "model_quality_metrics.jsonl"
MODEL_METRICS_NAMESPACE = "aws/sagemaker/Endpoints/model-metrics"


def is_model_quality(config: AnalyzerConfig) -> bool:
    """``analysis_type=MODEL_QUALITY`` (any case)."""
    return str(config.get("analysis_type") or "").strip().upper() == MODEL_QUALITY


def _blank(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityParameters:
    """The model-quality keys of the environment, checked."""

    problem_type: ProblemType
    attributes: Attributes
    probability_threshold: float | None
    positive_label: str | None

    @classmethod
    def from_config(cls, config: AnalyzerConfig) -> QualityParameters:
        raw = _blank(config.get("problem_type"))
        allowed = ", ".join(p.value for p in ProblemType)
        if raw is None:
            raise AnalyzerConfigError(f"MODEL_QUALITY needs problem_type ({allowed})")
        try:
            problem_type = ProblemType(raw)
        except ValueError:
            raise AnalyzerConfigError(
                f"problem_type must be one of {allowed}, not {raw!r}"
            ) from None
        attributes = Attributes(
            ground_truth=_blank(config.get("ground_truth_attribute")),
            inference=_blank(config.get("inference_attribute")),
            probability=_blank(config.get("probability_attribute")),
        )
        threshold_text = _blank(config.get("probability_threshold_attribute"))
        threshold = None
        if threshold_text is not None:
            try:
                threshold = float(threshold_text)
            except ValueError:
                threshold = math.nan
            if not 0.0 <= threshold <= 1.0:
                raise AnalyzerConfigError(
                    f"probability_threshold_attribute must be a number in [0, 1], "
                    f"not {threshold_text!r}"
                )
        return cls(
            problem_type=problem_type,
            attributes=attributes,
            probability_threshold=threshold,
            positive_label=_blank(config.get("positive_label")),
        )

    def check_attributes(self, *, merged: bool) -> None:
        """Binary needs a prediction or a probability; the others a prediction."""
        a = self.attributes
        if self.problem_type is ProblemType.BINARY_CLASSIFICATION:
            if a.inference is None and a.probability is None and not merged:
                raise AnalyzerConfigError(
                    "BinaryClassification needs inference_attribute or probability_attribute"
                )
        elif a.inference is None and not merged:
            raise AnalyzerConfigError(f"{self.problem_type.value} needs inference_attribute")


def evaluate(parameters: QualityParameters, columns: QualityColumns) -> ModelQualityResult:
    """The metrics of the columns (ValidationError on bad labels or probabilities)."""
    if columns.rows == 0:
        raise ValidationError("no rows to evaluate: the dataset is empty.")
    if parameters.problem_type is ProblemType.BINARY_CLASSIFICATION:
        return binary_classification_metrics(
            columns.ground_truth,
            columns.predicted,
            columns.probability,
            probability_threshold=parameters.probability_threshold,
            positive_label=parameters.positive_label,
        )
    return evaluate_model_quality(
        parameters.problem_type, columns.ground_truth, predicted_label=columns.predicted
    )


def _read_constraints(path: Path) -> Mapping[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnalyzerConfigError(f"baseline_constraints file {path} does not exist") from None
    except ValueError as exc:
        raise AnalyzerConfigError(
            f"baseline_constraints file {path} is not valid JSON: {exc}"
        ) from exc
    if not isinstance(body, dict):
        raise AnalyzerConfigError(f"baseline_constraints file {path} does not hold a JSON object")
    return body


def _window(config: AnalyzerConfig) -> tuple[datetime, datetime] | None:
    start, end = config.get("start_time"), config.get("end_time")
    if not start or not end:
        return None
    try:
        found = [datetime.fromisoformat(str(t).replace("Z", "+00:00")) for t in (start, end)]
    except ValueError as exc:
        raise AnalyzerConfigError(
            f"start_time/end_time must be YYYY-MM-DDTHH:MM:SSZ: {start!r}, {end!r}"
        ) from exc
    utc = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in found]
    return utc[0], utc[1]


def _metric_time(config: AnalyzerConfig) -> datetime:
    for key in ("metric_time", "end_time"):
        text = config.get(key)
        if text:
            parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def model_quality_metrics(result: ModelQualityResult, config: AnalyzerConfig) -> list[MetricDatum]:
    """One datum per finite scalar metric, named as in statistics.json (spec §4.6)."""
    dimensions = tuple(
        (name, str(value))
        for name, value in (
            ("Endpoint", config.get("sagemaker_endpoint_name")),
            ("MonitoringSchedule", config.get("sagemaker_monitoring_schedule_name")),
        )
        if value
    )
    when = _metric_time(config)
    return [
        MetricDatum(name=name, timestamp=when, dimensions=dimensions, value=float(metric.value))
        for name, metric in result.metrics.items()
        if math.isfinite(metric.value)
    ]


def _write(output: Path, name: str, body: Mapping[str, Any]) -> None:
    (output / name).write_text(json.dumps(body, indent=4), encoding="utf-8")
    logger.info("Write to file %s at path %s.", name, output)


def run_model_quality(config: AnalyzerConfig) -> tuple[Violation, ...] | None:
    """Runs the model-quality analysis; its violations, or None for a baselining job.

    Raises:
        AnalyzerConfigError: bad parameters, dataset_format or baseline file.
        ValidationError: labels or probabilities the problem type cannot take.
        InsufficientData: no row (no merged record in the window).
    """
    parameters = QualityParameters.from_config(config)
    merged = MERGE_FORMAT in config.get("dataset_format")
    monitoring = merged or bool(config.get("baseline_constraints"))
    parameters.check_attributes(merged=merged)
    if config.get("record_preprocessor_script"):
        raise AnalyzerConfigError(
            "record_preprocessor_script is not supported for MODEL_QUALITY analysis"
        )
    baseline = None
    constraints_path = config.get("baseline_constraints")
    if constraints_path:
        document = _read_constraints(Path(constraints_path))
        baseline = constraints_from_document(document)
        if baseline.problem_type is not parameters.problem_type:
            raise AnalyzerConfigError(
                f"baseline_constraints are for {baseline.problem_type.value}, "
                f"but problem_type is {parameters.problem_type.value}"
            )
    if merged:
        columns = merged_columns(config, parameters.attributes, _window(config))
    else:
        columns = dataset_columns(config, parameters.attributes)
    result = evaluate(parameters, columns)
    logger.info("The number of rows in the dataframe is %d", result.item_count)
    output = Path(config.get("output_path"))
    output.mkdir(parents=True, exist_ok=True)
    _write(
        output, "statistics.json", statistics_document(result, evaluation_time=datetime.now(UTC))
    )
    _write(output, "constraints.json", constraints_document(suggest_constraints(result)))
    violations: tuple[Violation, ...] | None = None
    if monitoring:
        violations = () if baseline is None else check_constraints(result, baseline)
        logger.info("Number of violations: %d", len(violations))
        _write(output, "constraint_violations.json", violations_document(violations))
        if metrics_enabled(config, None):
            data = model_quality_metrics(result, config)
            directory = Path(config.get("cloudwatch_metrics_directory"))
            path = write_metric_file(directory, data, name=METRICS_FILE)
            logger.info("Wrote %d CloudWatch metrics to %s", len(data), path)
    script = config.get("post_analytics_processor_script")
    if script:
        logger.info("Running post_analytics_processor_script %s", script)
        run_postprocess(Path(script))
    return violations
