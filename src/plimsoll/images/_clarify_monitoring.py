"""The Clarify image as a ModelBias / ModelExplainability monitoring job: its environment.

The environment variable ``analysis_type`` (``MODEL_BIAS`` or ``MODEL_EXPLAINABILITY``,
Plimsoll's marker; without it the image is a plain Clarify job) switches the image to
monitoring mode, where the service also sets (spec model_monitor.md §3.2, the analyzer's names):

* ``dataset_source`` (default ``/opt/ml/processing/input_data``): the captured records, merged
  with ground truth for bias (:mod:`._clarify_capture`);
* ``features_attribute``, ``inference_attribute``, ``probability_attribute``,
  ``probability_threshold_attribute``: the schedule's EndpointInput attributes;
* ``start_time`` / ``end_time`` (``YYYY-MM-DDTHH:MM:SSZ``): the window of ``inferenceTime``;
* ``output_path`` (default ``/opt/ml/processing/output``), ``baseline_constraints``
  (:mod:`._clarify_monitor`);
* ``publish_cloudwatch_metrics`` (``Enabled`` / ``Disabled``, default Disabled),
  ``cloudwatch_metrics_directory`` (default ``/opt/ml/output/metrics/cloudwatch``),
  ``metric_time``, ``sagemaker_endpoint_name``, ``sagemaker_monitoring_schedule_name``
  (:mod:`._clarify_metrics`).

The analysis config is the *monitor's* one, as the SDK uploads it (``BiasAnalysisConfig``:
bias config + ``headers`` + ``label``; ``ExplainabilityAnalysisConfig``: ``methods.shap`` +
``predictor`` + ``headers``), so :func:`complete_config` fills what a Clarify job's config
has and a monitor's lacks before the schema check: ``dataset_type``
``application/sagemakercapturejson``; for bias without ``methods``, every pre-training and
post-training metric (the managed bias monitor computes both) and the predicted label, which
comes from the captured output instead of a model; for explainability, the predictor's
``label`` / ``probability`` from ``inference_attribute`` / ``probability_attribute`` when the
predictor names neither (the SDK takes them out of the monitor's config). After the records are
read, :func:`with_capture_types` makes ``dataset_type`` and the predictor's content types the
ones the endpoint was called with, as far as the config leaves them open.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plimsoll.compat.clarify_analysis_config import (
    ACCEPT_TYPES,
    PREDICTOR_CONTENT_TYPES,
    AnalysisConfig,
)
from plimsoll.compat.container_paths import CLOUDWATCH_METRICS, PROCESSING_ROOT
from plimsoll.errors import ValidationError
from plimsoll.images._clarify_capture import PREDICTED_COLUMN, CaptureAttributes, CaptureDataset

__all__ = [
    "ANALYSIS_TYPE_ENV",
    "CAPTURE_DATASET_TYPE",
    "MODEL_BIAS",
    "MODEL_EXPLAINABILITY",
    "MonitoringJob",
    "complete_config",
    "monitoring_job",
    "output_path",
    "with_capture_types",
]

ANALYSIS_TYPE_ENV = "analysis_type"
MODEL_BIAS = "MODEL_BIAS"
MODEL_EXPLAINABILITY = "MODEL_EXPLAINABILITY"
CAPTURE_DATASET_TYPE = "application/sagemakercapturejson"
DEFAULT_DATASET_SOURCE = Path(PROCESSING_ROOT / "input_data")
DEFAULT_OUTPUT = Path(PROCESSING_ROOT / "output")
_TABULAR_TYPES = ("text/csv", "application/jsonlines", "application/json")


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringJob:
    """What the monitoring job's environment says."""

    analysis_type: str
    dataset_source: Path
    attributes: CaptureAttributes
    endpoint_name: str | None
    schedule_name: str | None
    publish_metrics: bool
    metrics_directory: Path
    metric_time: datetime

    @property
    def bias(self) -> bool:
        return self.analysis_type == MODEL_BIAS


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    if environ is None:
        return os.environ  # noqa: TID251 - images read SageMaker's container contract
    return environ


def _value(environ: Mapping[str, str], key: str) -> str | None:
    text = (environ.get(key) or "").strip()
    return text or None


def _time(environ: Mapping[str, str], key: str) -> datetime | None:
    text = _value(environ, key)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{key} must be YYYY-MM-DDTHH:MM:SSZ, not {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _window(environ: Mapping[str, str]) -> tuple[datetime, datetime] | None:
    start, end = _time(environ, "start_time"), _time(environ, "end_time")
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise ValidationError("start_time and end_time must be given together")
    if end <= start:
        raise ValidationError(f"end_time {environ['end_time']} is not after start_time")
    return start, end


def _threshold(environ: Mapping[str, str]) -> float | None:
    text = _value(environ, "probability_threshold_attribute")
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValidationError(
            f"probability_threshold_attribute must be a number, not {text!r}"
        ) from None


def _attribute(environ: Mapping[str, str], key: str) -> str | None:
    text = _value(environ, key)
    return None if text is None or text == "None" else text  # the SDK writes str(None)


def monitoring_job(environ: Mapping[str, str] | None = None) -> MonitoringJob | None:
    """The monitoring job the environment describes; None for a plain Clarify job.

    Raises:
        ValidationError: an unknown ``analysis_type``, a malformed time or threshold.
    """
    environ = _environ(environ)
    kind = _value(environ, ANALYSIS_TYPE_ENV)
    if kind is None:
        return None
    kind = kind.upper()
    if kind not in (MODEL_BIAS, MODEL_EXPLAINABILITY):
        raise ValidationError(
            f"analysis_type {kind!r} is not one the Clarify image runs "
            f"({MODEL_BIAS} or {MODEL_EXPLAINABILITY})"
        )
    window = _window(environ)
    attributes = CaptureAttributes(
        features=_attribute(environ, "features_attribute"),
        inference=_attribute(environ, "inference_attribute"),
        probability=_attribute(environ, "probability_attribute"),
        probability_threshold=_threshold(environ),
        window=window,
        bias=kind == MODEL_BIAS,
    )
    when = _time(environ, "metric_time") or _time(environ, "end_time") or datetime.now(UTC)
    publish = (_value(environ, "publish_cloudwatch_metrics") or "Disabled").lower() == "enabled"
    return MonitoringJob(
        analysis_type=kind,
        dataset_source=Path(_value(environ, "dataset_source") or DEFAULT_DATASET_SOURCE),
        attributes=attributes,
        endpoint_name=_value(environ, "sagemaker_endpoint_name"),
        schedule_name=_value(environ, "sagemaker_monitoring_schedule_name"),
        publish_metrics=publish,
        metrics_directory=Path(
            _value(environ, "cloudwatch_metrics_directory") or CLOUDWATCH_METRICS
        ),
        metric_time=when,
    )


def output_path(default: Path, environ: Mapping[str, str] | None = None) -> Path:
    """``output_path`` of a monitoring job; ``default`` for a plain Clarify job."""
    environ = _environ(environ)
    if _value(environ, ANALYSIS_TYPE_ENV) is None:
        return default
    return Path(_value(environ, "output_path") or DEFAULT_OUTPUT)


def _index_or_path(text: str) -> str | int:
    return int(text) if text.isdigit() else text


def complete_config(raw: Mapping[str, Any], job: MonitoringJob) -> dict[str, Any]:
    """The monitor's ``analysis_config.json`` with what a Clarify job's config has too."""
    config = dict(raw)
    config.setdefault("dataset_type", CAPTURE_DATASET_TYPE)
    if job.bias:
        if "methods" not in config:
            config["methods"] = {
                "pre_training_bias": {"methods": "all"},
                "post_training_bias": {"methods": "all"},
            }
        config.setdefault("predicted_label", PREDICTED_COLUMN)  # from the captured output
        return config
    predictor = config.get("predictor")
    if isinstance(predictor, dict) and "label" not in predictor and "probability" not in predictor:
        attributes = job.attributes
        filled = dict(predictor)
        if attributes.probability is not None:
            filled["probability"] = _index_or_path(attributes.probability)
        elif attributes.inference is not None:
            filled["label"] = _index_or_path(attributes.inference)
        config["predictor"] = filled
    return config


def with_capture_types(config: AnalysisConfig, capture: CaptureDataset) -> AnalysisConfig:
    """``dataset_type`` and the predictor's content types as the endpoint saw them."""
    seen = capture.input_content_type
    kind = seen if seen in _TABULAR_TYPES else "application/json"
    if seen.endswith("csv"):
        kind = "text/csv"
    update: dict[str, Any] = {}
    if config.dataset_type == CAPTURE_DATASET_TYPE:
        update["dataset_type"] = kind
    predictor = config.predictor
    if predictor is not None:
        types: dict[str, str] = {}
        if predictor.content_type is None and kind in PREDICTOR_CONTENT_TYPES:
            types["content_type"] = kind
        output = capture.output_content_type
        if predictor.accept_type is None and output in ACCEPT_TYPES:
            types["accept_type"] = str(output)
        if types:
            update["predictor"] = predictor.model_copy(update=types)
    return config.model_copy(update=update) if update else config
