"""DefaultModelMonitor schedules end to end, embedded: baseline, NOW schedule, violations.

An iris endpoint with Data Capture, a baseline suggested from iris rows, a one-time (NOW)
data-quality schedule over the last hour of capture, then the schedule's life cycle.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from sklearn.datasets import load_iris

from plimsoll.deserializers import CSVDeserializer
from plimsoll.model import Model
from plimsoll.model_monitor import (
    ConstraintViolations,
    CronExpressionGenerator,
    DataCaptureConfig,
    DatasetFormat,
    DefaultModelMonitor,
    ModelMonitor,
    MonitoringExecution,
    MonitoringOutput,
)
from plimsoll.predictor import Predictor
from plimsoll.serializers import CSVSerializer
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.integration._models import iris_model, model_tar

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
INFERENCE = """\
import os

import joblib


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))
"""


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with Session(settings=replace(settings, capture_roll_seconds=0.2)) as embedded:
        yield embedded


def _baseline_csv(path: Path) -> Path:
    """Iris rows with the model's prediction first (capture puts the output first)."""
    x, _ = load_iris(return_X_y=True)
    predictions = iris_model().predict(x)
    lines = ["prediction,sepal_length,sepal_width,petal_length,petal_width"]
    lines += [f"{p},{','.join(str(v) for v in row)}" for p, row in zip(predictions, x, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _deploy(session: Session, tmp_path: Path, capture_dir: Path) -> Predictor:
    script = tmp_path / "inference.py"
    script.write_text(INFERENCE)
    model = Model(
        image_uri=IMAGE,
        model_data=str(model_tar(tmp_path / "artifact")),
        role="SageMakerRole",
        entry_point=str(script),
        sagemaker_session=session,
    )
    return model.deploy(
        initial_instance_count=1,
        instance_type="ml.m5.large",
        serializer=CSVSerializer(),
        deserializer=CSVDeserializer(),
        data_capture_config=DataCaptureConfig(
            enable_capture=True,
            sampling_percentage=100,
            destination_s3_uri=str(capture_dir),
            sagemaker_session=session,
        ),
    )


def _wait_for_capture(folder: Path, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = sum(len(f.read_text().splitlines()) for f in folder.rglob("*.jsonl"))
        if lines >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} captured records under {folder}")


def _wait_for_execution(monitor: DefaultModelMonitor, timeout: float = 120) -> MonitoringExecution:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        executions = monitor.list_executions()
        if executions:
            return executions[-1]
        time.sleep(0.2)
    raise AssertionError("the NOW schedule started no execution")


def test_now_schedule_reports_violations_and_goes_through_its_life_cycle(
    session: Session, tmp_path: Path
) -> None:
    capture_dir = tmp_path / "capture"
    predictor = _deploy(session, tmp_path, capture_dir)
    # Sepal lengths far beyond iris's (4.3..7.9): the baseline's distribution check fires.
    rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] + [
        [40.0 + i, 3.0, 5.0, 2.0] for i in range(8)
    ]
    for row in rows:
        predictor.predict(row)
    _wait_for_capture(capture_dir / predictor.endpoint_name, len(rows))

    monitor = DefaultModelMonitor(role="SageMakerRole", sagemaker_session=session)
    monitor.suggest_baseline(
        baseline_dataset=str(_baseline_csv(tmp_path / "baseline.csv")),
        dataset_format=DatasetFormat.csv(header=True),
        output_s3_uri=f"s3://{session.default_bucket()}/iris/baseline",
        logs=False,
    )
    monitor.create_monitoring_schedule(
        endpoint_input=predictor.endpoint_name,
        statistics=monitor.baseline_statistics(),
        constraints=monitor.suggested_constraints(),
        schedule_cron_expression=CronExpressionGenerator.now(),
        data_analysis_start_time="-PT1H",
        data_analysis_end_time="PT0H",
    )
    assert monitor.monitoring_schedule_name is not None
    assert monitor.job_definition_name is not None
    definition = session.sagemaker_client.describe_data_quality_job_definition(
        JobDefinitionName=monitor.job_definition_name
    )
    assert definition["DataQualityAppSpecification"]["Environment"] == {
        "publish_cloudwatch_metrics": "Enabled"
    }
    assert definition["DataQualityBaselineConfig"]["BaseliningJobName"] == (
        monitor.latest_baselining_job_name
    )
    assert definition["DataQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"][
        "S3Uri"
    ] == (
        f"s3://{session.default_bucket()}/model-monitor/monitoring/"
        f"{monitor.monitoring_schedule_name}/results"
    )

    execution = _wait_for_execution(monitor)
    execution.wait(logs=False)
    violations = monitor.list_executions()[-1].constraint_violations()
    assert isinstance(violations, ConstraintViolations)
    checks = {
        (v["feature_name"], v["constraint_check_type"]) for v in violations.body_dict["violations"]
    }
    assert ("sepal_length", "baseline_drift_check") in checks, violations.body_dict
    latest = monitor.latest_monitoring_constraint_violations()
    assert latest is not None and latest.body_dict == violations.body_dict
    assert monitor.latest_monitoring_statistics() is not None

    desc = monitor.describe_schedule()
    assert desc["MonitoringScheduleName"] == monitor.monitoring_schedule_name
    assert desc["MonitoringScheduleConfig"]["MonitoringType"] == "DataQuality"
    assert desc["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == (
        monitor.job_definition_name
    )
    attached = DefaultModelMonitor.attach(monitor.monitoring_schedule_name, session)
    assert attached.job_definition_name == monitor.job_definition_name
    assert attached.instance_type == "ml.m5.xlarge"

    first_definition = monitor.job_definition_name
    monitor.update_monitoring_schedule(schedule_cron_expression=CronExpressionGenerator.hourly())
    schedule = monitor.describe_schedule()["MonitoringScheduleConfig"]
    assert schedule["ScheduleConfig"]["ScheduleExpression"] == "cron(0 * ? * * *)"
    assert schedule["MonitoringJobDefinitionName"] == first_definition
    monitor.update_monitoring_schedule(instance_type="ml.c5.xlarge")
    assert monitor.job_definition_name != first_definition  # a new definition; the old stays
    schedule = monitor.describe_schedule()["MonitoringScheduleConfig"]
    assert schedule["MonitoringJobDefinitionName"] == monitor.job_definition_name
    assert schedule["ScheduleConfig"]["ScheduleExpression"] == "cron(0 * ? * * *)"
    updated = session.sagemaker_client.describe_data_quality_job_definition(
        JobDefinitionName=monitor.job_definition_name
    )
    assert updated["JobResources"]["ClusterConfig"]["InstanceType"] == "ml.c5.xlarge"
    assert updated["DataQualityJobInput"] == definition["DataQualityJobInput"]
    assert monitor.instance_type == "ml.c5.xlarge"

    monitor.stop_monitoring_schedule()
    assert monitor.describe_schedule()["MonitoringScheduleStatus"] == "Stopped"
    monitor.start_monitoring_schedule()
    assert monitor.describe_schedule()["MonitoringScheduleStatus"] != "Stopped"

    definition_name = monitor.job_definition_name
    monitor.delete_monitoring_schedule()
    assert monitor.monitoring_schedule_name is None and monitor.job_definition_name is None
    with pytest.raises(ClientError) as caught:
        session.sagemaker_client.describe_data_quality_job_definition(
            JobDefinitionName=definition_name
        )
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    predictor.delete_endpoint()


def test_a_failed_schedule_deletes_its_new_job_definition(session: Session) -> None:
    monitor = DefaultModelMonitor(role="SageMakerRole", sagemaker_session=session)
    with pytest.raises(ClientError):
        # No such endpoint: the service refuses the schedule after the definition exists.
        monitor.create_monitoring_schedule(
            endpoint_input="no-such-endpoint",
            schedule_cron_expression=CronExpressionGenerator.hourly(),
        )
    assert monitor.monitoring_schedule_name is None and monitor.job_definition_name is None
    listed = session.sagemaker_client.list_data_quality_job_definitions()
    assert listed["JobDefinitionSummaries"] == []


def test_byoc_monitor_uses_the_inline_schedule_form(session: Session, tmp_path: Path) -> None:
    predictor = _deploy(session, tmp_path, tmp_path / "capture")
    analyzer = DefaultModelMonitor(sagemaker_session=session).image_uri
    monitor = ModelMonitor(role="SageMakerRole", image_uri=analyzer, sagemaker_session=session)
    monitor.create_monitoring_schedule(
        endpoint_input=predictor.endpoint_name,
        output=MonitoringOutput(source="/opt/ml/processing/output"),
        schedule_cron_expression=CronExpressionGenerator.hourly(),
    )
    name = monitor.monitoring_schedule_name
    assert name is not None and monitor.job_definition_name is None
    definition = monitor.describe_schedule()["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    assert definition["MonitoringAppSpecification"] == {"ImageUri": analyzer}
    assert definition["MonitoringOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"] == (
        f"s3://{session.default_bucket()}/{name}/output"
    )
    monitor.update_monitoring_schedule(instance_type="ml.c5.xlarge")
    attached = ModelMonitor.attach(name, session)
    assert (attached.image_uri, attached.instance_type) == (analyzer, "ml.c5.xlarge")
    assert attached.list_executions() == []
    assert attached.latest_monitoring_constraint_violations() is None
    with pytest.raises(ValueError, match="No execution jobs were kicked off"):
        attached.get_latest_execution_logs()
    inline_default = DefaultModelMonitor.attach(name, session)  # inline form: no type check
    assert inline_default.job_definition_name is None
    attached.delete_monitoring_schedule()
    with pytest.raises(ClientError) as caught:
        monitor.describe_schedule()
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    predictor.delete_endpoint()
