"""Monitoring metrics as Prometheus text: CloudWatch names and dimensions become labels."""

from __future__ import annotations

from datetime import UTC, datetime

from plimsoll.compat.monitor_metrics import MetricDatum, StatisticValues
from plimsoll.metadata.monitoring_entities import ExecutionRecord, ExecutionStatus, MonitoringType
from plimsoll.services.monitor_metrics import MonitorMetrics

T = datetime(2024, 5, 6, 7, tzinfo=UTC)
DIMS = (("Endpoint", "churn"), ("MonitoringSchedule", 'hour"ly'))


def _execution(
    status: ExecutionStatus,
    endpoint: str | None = "churn",
    kind: MonitoringType = MonitoringType.DATA_QUALITY,
) -> ExecutionRecord:
    return ExecutionRecord(
        execution_id=f"s-{status}",
        schedule_name="hourly",
        scheduled_time=T,
        creation_time=T,
        last_modified_time=T,
        status=status,
        monitoring_type=kind,
        endpoint_name=endpoint,
    )


def test_latest_values_and_execution_counts() -> None:
    metrics = MonitorMetrics()
    assert metrics.render() == ""
    drift = MetricDatum(
        name="feature_baseline_drift_Day Mins", timestamp=T, dimensions=DIMS, value=0.5
    )
    data = MetricDatum(
        name="feature_data_Day Mins",
        timestamp=T,
        dimensions=DIMS,
        statistic_values=StatisticValues(sample_count=4, sum=10, minimum=1, maximum=4),
    )
    metrics.record_execution(_execution(ExecutionStatus.COMPLETED), [drift, data])
    newer = MetricDatum(name=drift.name, timestamp=T, dimensions=DIMS, value=0.25)
    metrics.record_execution(_execution(ExecutionStatus.COMPLETED), [newer])
    metrics.record_execution(_execution(ExecutionStatus.FAILED), [])
    text = metrics.render()
    labels = (
        'namespace="aws/sagemaker/Endpoints/data-metrics",'
        'metric_name="feature_baseline_drift_Day Mins",Endpoint="churn",'
        'MonitoringSchedule="hour\\"ly"'
    )
    assert f"sagemaker_monitoring_metric{{{labels}}} 0.25\n" in text
    assert 'statistic="Average"} 2.5' in text
    assert 'statistic="SampleCount"} 4.0' in text
    assert 'plimsoll_monitoring_executions_total{schedule="hourly",status="Completed"} 2' in text
    assert 'plimsoll_monitoring_executions_total{schedule="hourly",status="Failed"} 1' in text
    assert text.count("# TYPE") == 2


def test_batch_executions_use_the_monitoring_namespace() -> None:
    metrics = MonitorMetrics()
    datum = MetricDatum(name="feature_non_null_a", timestamp=T, dimensions=(), value=1.0)
    metrics.record_execution(_execution(ExecutionStatus.COMPLETED, endpoint=None), [datum])
    assert 'namespace="aws/sagemaker/ModelMonitoring/data-metrics"' in metrics.render()


def test_model_quality_metrics_go_to_the_model_metrics_namespace() -> None:
    metrics = MonitorMetrics()
    auc = MetricDatum(name="auc", timestamp=T, dimensions=DIMS, value=0.93)
    quality = MonitoringType.MODEL_QUALITY
    metrics.record_execution(_execution(ExecutionStatus.COMPLETED, kind=quality), [auc])
    metrics.record_execution(_execution(ExecutionStatus.COMPLETED, None, quality), [auc])
    text = metrics.render()
    assert 'namespace="aws/sagemaker/Endpoints/model-metrics",metric_name="auc"' in text
    assert 'namespace="aws/sagemaker/ModelMonitoring/model-metrics",metric_name="auc"' in text
    assert "data-metrics" not in text
