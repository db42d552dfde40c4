"""The CloudWatch metric files of a Clarify monitoring job (spec model_monitor.md §3.8, §4.6).

With ``publish_cloudwatch_metrics=Enabled`` the job writes its metrics in the BYOC format of
:mod:`plimsoll.compat.monitor_metrics` (the data-quality analyzer's format; the service reads
the files back and maps the monitoring type to its namespace) under
``cloudwatch_metrics_directory``, timestamped ``metric_time``:

* bias (``model_bias_metrics.jsonl``): ``bias_metric_<SHORT NAME>`` for every metric of every
  facet group of ``analysis.json``, with the dimensions SageMaker documents, in this order:
  ``Endpoint`` (left out when there is none), ``MonitoringSchedule``, ``BiasStage``
  (``Pre-training`` / ``Post-Training``, the docs' spelling), ``Label`` (the label column's
  name in ``analysis.json``), ``LabelValue``, ``Facet``, ``FacetValue``. +/-infinity (the
  strings ``"Infinity"`` / ``"-Infinity"`` in ``analysis.json``) is published as
  +/-2.348543e108; a metric with an error (null value) or NaN is not published.
* explainability (``model_explainability_metrics.jsonl``): for every label of
  ``explanations.kernel_shap``, ``feature_<feature>`` (the global SHAP value) with
  ``ValueType=GlobalShapValues`` and ``expected_value`` with ``ValueType=ExpectedValue``,
  dimensions ``Endpoint``, ``MonitoringSchedule``, ``ExplainabilityMethod=KernelShap``,
  ``Label``, ``ValueType``. The docs name the ``feature_<feature>`` metrics and the dimensions;
  the expected value's metric name is not documented, ``expected_value`` is Plimsoll's choice.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from plimsoll.compat.monitor_metrics import MetricDatum, write_metric_file

logger = logging.getLogger("analyzer")

__all__ = [
    "BIAS_METRICS_FILE",
    "EXPLAINABILITY_METRICS_FILE",
    "INFINITY_VALUE",
    "bias_metrics",
    "explainability_metrics",
    "write_metrics",
]

BIAS_METRICS_FILE = "model_bias_metrics.jsonl"
EXPLAINABILITY_METRICS_FILE = "model_explainability_metrics.jsonl"
INFINITY_VALUE = 2.348543e108  # how SageMaker publishes +/-infinity
_STAGES = (("pre_training_bias_metrics", "Pre-training"),
           ("post_training_bias_metrics", "Post-Training"))  # fmt: skip


def _base(endpoint: str | None, schedule: str | None) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in (("Endpoint", endpoint), ("MonitoringSchedule", schedule))
        if value
    )


def _publishable(value: Any) -> float | None:
    if value in ("Infinity", "-Infinity"):  # how analysis.json writes +-inf
        return math.copysign(INFINITY_VALUE, -1.0 if value == "-Infinity" else 1.0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        return math.copysign(INFINITY_VALUE, number)
    return number


def bias_metrics(
    analysis: Mapping[str, Any], *, timestamp: datetime, endpoint: str | None,
    schedule: str | None,
) -> list[MetricDatum]:  # fmt: skip
    """``bias_metric_<SHORT>`` of every facet group of both bias sections."""
    base = _base(endpoint, schedule)
    out: list[MetricDatum] = []
    for key, stage in _STAGES:
        section = analysis.get(key)
        if not isinstance(section, dict):
            continue
        label = (("Label", str(section.get("label"))),
                 ("LabelValue", str(section.get("label_value_or_threshold"))))  # fmt: skip
        for facet, groups in (section.get("facets") or {}).items():
            for group in groups:
                dimensions = (
                    *base, ("BiasStage", stage), *label, ("Facet", str(facet)),
                    ("FacetValue", str(group.get("value_or_threshold"))),
                )  # fmt: skip
                for metric in group.get("metrics") or ():
                    value = _publishable(metric.get("value"))
                    if value is None:
                        continue
                    out.append(MetricDatum(name=f"bias_metric_{metric['name']}",
                                           timestamp=timestamp, dimensions=dimensions,
                                           value=value))  # fmt: skip
    return out


def explainability_metrics(
    analysis: Mapping[str, Any], *, timestamp: datetime, endpoint: str | None,
    schedule: str | None,
) -> list[MetricDatum]:  # fmt: skip
    """``feature_<f>`` (global SHAP) and ``expected_value`` of every kernel_shap label."""
    base = _base(endpoint, schedule)
    explanations = analysis.get("explanations")
    shap = explanations.get("kernel_shap") if isinstance(explanations, dict) else None
    out: list[MetricDatum] = []
    for label, section in (shap if isinstance(shap, dict) else {}).items():
        if not isinstance(section, dict):
            continue
        dims = (*base, ("ExplainabilityMethod", "KernelShap"), ("Label", str(label)))
        for feature, raw in (section.get("global_shap_values") or {}).items():
            value = _publishable(raw)
            if value is not None:
                out.append(MetricDatum(name=f"feature_{feature}", timestamp=timestamp,
                                       dimensions=(*dims, ("ValueType", "GlobalShapValues")),
                                       value=value))  # fmt: skip
        expected = _publishable(section.get("expected_value"))
        if expected is not None:
            out.append(MetricDatum(name="expected_value", timestamp=timestamp,
                                   dimensions=(*dims, ("ValueType", "ExpectedValue")),
                                   value=expected))  # fmt: skip
    return out


def write_metrics(
    analysis: Mapping[str, Any], directory: Path, *, bias: bool, timestamp: datetime,
    endpoint: str | None, schedule: str | None,
) -> Path:  # fmt: skip
    """Writes the job's metric file to ``directory``; its path."""
    build = bias_metrics if bias else explainability_metrics
    data = build(analysis, timestamp=timestamp, endpoint=endpoint, schedule=schedule)
    name = BIAS_METRICS_FILE if bias else EXPLAINABILITY_METRICS_FILE
    path = write_metric_file(directory, data, name=name)
    logger.info("Wrote %d CloudWatch metrics to %s", len(data), path)
    return path
