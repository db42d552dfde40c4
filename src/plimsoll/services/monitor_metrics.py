"""Model Monitor metrics on ``/metrics``: what SageMaker would publish to CloudWatch.

After each execution the CloudWatch metric files its container wrote (kept by the processing
service) are read back and exposed as Prometheus gauges. CloudWatch metric names such as
``feature_baseline_drift_Day Mins`` contain characters Prometheus names cannot hold, so the
CloudWatch name, namespace and dimensions travel as labels of one metric family::

    sagemaker_monitoring_metric{namespace="aws/sagemaker/Endpoints/data-metrics",
        metric_name="feature_baseline_drift_Day Mins",Endpoint="churn",
        MonitoringSchedule="hourly"} 0.31

A statistic set (``feature_data_<f>``) becomes ``statistic`` labels ``Average``,
``SampleCount``, ``Sum``, ``Minimum`` and ``Maximum``. Only the latest execution's value of
each series is kept, as a CloudWatch dashboard shows it. Executions are counted per schedule
and status in ``plimsoll_monitoring_executions_total``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from plimsoll.compat.monitor_metrics import MetricDatum
from plimsoll.metadata.monitoring_entities import ExecutionRecord, MonitoringType

__all__ = ["DATA_METRICS_NAMESPACE", "MonitorMetrics"]

DATA_METRICS_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
BATCH_DATA_METRICS_NAMESPACE = "aws/sagemaker/ModelMonitoring/data-metrics"
# (endpoint, batch transform) namespace of each monitoring type (spec model_monitor.md §4.6)
_NAMESPACES = {
    MonitoringType.DATA_QUALITY: (DATA_METRICS_NAMESPACE, BATCH_DATA_METRICS_NAMESPACE),
    MonitoringType.MODEL_QUALITY: (
        "aws/sagemaker/Endpoints/model-metrics",
        "aws/sagemaker/ModelMonitoring/model-metrics",
    ),
    MonitoringType.MODEL_BIAS: (
        "aws/sagemaker/Endpoints/bias-metrics",
        "aws/sagemaker/ModelMonitoring/bias-metrics",
    ),
    MonitoringType.MODEL_EXPLAINABILITY: (
        "aws/sagemaker/Endpoints/explainability-metrics",
        "aws/sagemaker/ModelMonitoring/explainability-metrics",
    ),
}

_Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _label_text(labels: _Labels) -> str:
    return ",".join(f'{k}="{_escape(v)}"' for k, v in labels)


def _float(value: float) -> str:
    return repr(float(value))


class MonitorMetrics:
    """Thread-safe registry of the latest monitoring metric values and execution counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gauges: dict[_Labels, float] = {}
        self._executions: dict[tuple[str, str], int] = {}

    def record_execution(self, execution: ExecutionRecord, data: Iterable[MetricDatum]) -> None:
        """Counts the finished execution and keeps the latest value of each of its series."""
        endpoint, batch = _NAMESPACES[execution.monitoring_type]
        namespace = endpoint if execution.endpoint_name else batch
        with self._lock:
            key = (execution.schedule_name, execution.status.value)
            self._executions[key] = self._executions.get(key, 0) + 1
            for datum in data:
                base = (("namespace", namespace), ("metric_name", datum.name), *datum.dimensions)
                if datum.value is not None:
                    self._gauges[base] = datum.value
                stats = datum.statistic_values
                if stats is not None:
                    values = {
                        "SampleCount": stats.sample_count,
                        "Sum": stats.sum,
                        "Minimum": stats.minimum,
                        "Maximum": stats.maximum,
                    }
                    if stats.sample_count:
                        values["Average"] = stats.sum / stats.sample_count
                    for statistic, number in values.items():
                        self._gauges[(*base, ("statistic", statistic))] = number

    def render(self) -> str:
        """The Prometheus text exposition of both families (empty families are omitted)."""
        with self._lock:
            gauges = sorted(self._gauges.items())
            executions = sorted(self._executions.items())
        lines: list[str] = []
        if executions:
            lines += [
                "# HELP plimsoll_monitoring_executions_total Finished monitoring executions.",
                "# TYPE plimsoll_monitoring_executions_total counter",
            ]
            lines += [
                f'plimsoll_monitoring_executions_total{{schedule="{_escape(schedule)}",'
                f'status="{status}"}} {count}'
                for (schedule, status), count in executions
            ]
        if gauges:
            lines += [
                "# HELP sagemaker_monitoring_metric Latest value of each CloudWatch metric "
                "a monitoring execution published.",
                "# TYPE sagemaker_monitoring_metric gauge",
            ]
            lines += [
                f"sagemaker_monitoring_metric{{{_label_text(labels)}}} {_float(value)}"
                for labels, value in gauges
            ]
        return "\n".join(lines) + ("\n" if lines else "")
