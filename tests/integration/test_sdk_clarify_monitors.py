"""ModelBiasMonitor and ModelExplainabilityMonitor end to end, embedded: a real endpoint with
Data Capture, a Clarify baseline, schedules, executions, attach and delete.

The endpoint's model approves ``sex=1`` far more readily than ``sex=0``; the baseline (its
predicted labels in a file of their own, so no model is called) is fair. A one-time (NOW)
bias schedule merges the captured predictions with uploaded ground truth and finds the drift.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from plimsoll import clarify
from plimsoll.deserializers import CSVDeserializer
from plimsoll.model import Model
from plimsoll.model_monitor import (
    BiasAnalysisConfig,
    Constraints,
    CronExpressionGenerator,
    DataCaptureConfig,
    EndpointInput,
    ExplainabilityAnalysisConfig,
    ModelBiasMonitor,
    ModelExplainabilityMonitor,
)
from plimsoll.model_monitor.clarify_model_monitoring import (
    ClarifyBaseliningJob,
    ClarifyMonitoringExecution,
)
from plimsoll.model_monitor.ground_truth import upload_ground_truth
from plimsoll.predictor import Predictor
from plimsoll.s3 import S3Downloader, S3Uploader
from plimsoll.serializers import CSVSerializer
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.integration._models import model_tar

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
CLARIFY = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
# Approves sex=1 above a score of 0.2, sex=0 only above 0.8.
INFERENCE = """\
import numpy as np


def model_fn(model_dir):
    return "biased"


def predict_fn(data, model):
    rows = np.asarray(data, dtype=float).reshape(-1, 2)
    return (rows[:, 1] > np.where(rows[:, 0] == 1, 0.2, 0.8)).astype(int)
"""
HEADERS = ["label", "sex", "score"]
ENDPOINT_DIR = "/opt/ml/processing/input/endpoint"


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with Session(settings=replace(settings, capture_roll_seconds=0.2)) as embedded:
        yield embedded


def _deploy(session: Session, tmp_path: Path) -> Predictor:
    script = tmp_path / "inference.py"
    script.write_text(INFERENCE)
    model = Model(
        image_uri=IMAGE,
        model_data=str(model_tar(tmp_path / "artifact")),
        role="SageMakerRole",
        entry_point=str(script),
        sagemaker_session=session,
    )
    predictor: Predictor = model.deploy(
        initial_instance_count=1,
        instance_type="ml.m5.large",
        serializer=CSVSerializer(),
        deserializer=CSVDeserializer(),
        data_capture_config=DataCaptureConfig(
            enable_capture=True,
            sampling_percentage=100,
            destination_s3_uri=f"s3://{session.default_bucket()}/capture",
            sagemaker_session=session,
        ),
    )
    return predictor


def _baseline_data(session: Session, bucket: str) -> clarify.DataConfig:
    """A fair dataset: predictions right 80 % of the time whatever the sex."""
    rng = random.Random(3)
    rows = []
    for _ in range(300):
        label = rng.randint(0, 1)
        predicted = label if rng.random() < 0.8 else 1 - label
        rows.append(f"{label},{rng.randint(0, 1)},{rng.random():.3f},{predicted}")
    data = f"s3://{bucket}/bias/data/train.csv"
    S3Uploader.upload_string_as_file_body("\n".join(rows) + "\n", data, sagemaker_session=session)
    return clarify.DataConfig(
        s3_data_input_path=data,
        s3_output_path=f"s3://{bucket}/bias/baseline",
        label="label",
        headers=[*HEADERS, "predicted"],
        dataset_type="text/csv",
        predicted_label="predicted",
    )


def _send_traffic(predictor: Predictor, session: Session, truth_uri: str, n: int) -> None:
    """``n`` requests ``sex,score`` with inference ids, then their (unbiased) ground truth."""
    rng = random.Random(5)
    truth = []
    for i in range(n):
        row = [rng.randint(0, 1), round(rng.random(), 3)]
        predictor.predict(row, inference_id=f"request-{i}")
        truth.append((f"request-{i}", rng.randint(0, 1)))
    upload_ground_truth(truth, truth_uri, sagemaker_session=session)
    # Capture stamps inferenceTime in whole seconds and a window's end is exclusive: let the
    # clock leave the second of the last request, so a NOW window made now includes it.
    sent = datetime.now(UTC).replace(microsecond=0)
    while datetime.now(UTC).replace(microsecond=0) <= sent:
        time.sleep(0.05)


def _wait_for_capture(session: Session, uri: str, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = S3Downloader.list(uri, sagemaker_session=session)
        lines = sum(
            len(S3Downloader.read_file(f, sagemaker_session=session).splitlines()) for f in files
        )
        if lines >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} captured records under {uri}")


def _wait_for_execution(session: Session, schedule: str, timeout: float = 180) -> dict[str, str]:
    """The schedule's latest execution summary once it has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        summaries = session.sagemaker_client.list_monitoring_executions(
            MonitoringScheduleName=schedule
        )["MonitoringExecutionSummaries"]
        if summaries and summaries[0]["MonitoringExecutionStatus"] not in ("Pending", "InProgress"):
            found: dict[str, str] = summaries[0]
            return found
        time.sleep(0.2)
    raise AssertionError(f"the NOW schedule {schedule}'s execution did not end")


def test_bias_baseline_schedule_execution_attach_and_delete(
    session: Session, tmp_path: Path
) -> None:
    bucket = session.default_bucket()
    predictor = _deploy(session, tmp_path)
    monitor = ModelBiasMonitor(role="SageMakerRole", sagemaker_session=session)
    bias = clarify.BiasConfig(
        label_values_or_threshold=[1], facet_name="sex", facet_values_or_threshold=[0]
    )
    data = _baseline_data(session, bucket)
    job = monitor.suggest_baseline(
        data_config=data, bias_config=bias, model_config=None, wait=True, job_name="bias-baseline"
    )
    assert job.describe()["ProcessingJobStatus"] == "Completed"
    assert isinstance(monitor.latest_baselining_job, ClarifyBaseliningJob)
    constraints = monitor.latest_baselining_job.suggested_constraints()
    analysis = json.loads(
        S3Downloader.read_file(f"{data.s3_output_path}/analysis.json", sagemaker_session=session)
    )
    assert isinstance(constraints, Constraints) and constraints.body_dict == analysis
    post = analysis["post_training_bias_metrics"]["facets"]["sex"][0]["metrics"]
    baseline_dppl = next(m["value"] for m in post if m["name"] == "DPPL")
    assert abs(baseline_dppl) < 0.2  # the baseline is fair
    with pytest.raises(NotImplementedError, match="doesn't support statistics"):
        monitor.latest_baselining_job.baseline_statistics()

    truth_uri = f"s3://{bucket}/ground-truth"
    _send_traffic(predictor, session, truth_uri, 120)
    _wait_for_capture(session, f"s3://{bucket}/capture/{predictor.endpoint_name}", 120)
    # The baseline's headers name its predicted-label column, which captured records do not
    # have (the endpoint's output is the prediction): the schedule gets the monitor's config.
    analysis_config = BiasAnalysisConfig(bias, headers=HEADERS, label="label")
    monitor.create_monitoring_schedule(
        analysis_config=analysis_config,
        endpoint_input=EndpointInput(
            endpoint_name=predictor.endpoint_name,
            destination=ENDPOINT_DIR,
            inference_attribute="0",
        ),
        ground_truth_input=truth_uri,
        output_s3_uri=f"s3://{bucket}/bias/reports",
        schedule_cron_expression=CronExpressionGenerator.now(),
        data_analysis_start_time="-PT1H",
        data_analysis_end_time="PT0H",
    )
    name, definition_name = monitor.monitoring_schedule_name, monitor.job_definition_name
    assert name is not None and definition_name is not None
    assert definition_name.startswith("model-bias-job-definition-")
    definition = session.sagemaker_client.describe_model_bias_job_definition(
        JobDefinitionName=definition_name
    )
    app = definition["ModelBiasAppSpecification"]
    assert app["ImageUri"] == CLARIFY
    assert app["ConfigUri"].startswith(f"s3://{bucket}/bias/reports/{definition_name}/")
    assert json.loads(S3Downloader.read_file(app["ConfigUri"], sagemaker_session=session)) == (
        analysis_config._to_dict()
    )
    assert definition["ModelBiasBaselineConfig"] == {"BaseliningJobName": "bias-baseline"}
    assert definition["ModelBiasJobInput"]["GroundTruthS3Input"] == {"S3Uri": truth_uri}
    desc = monitor.describe_schedule()
    assert desc["MonitoringScheduleConfig"]["MonitoringType"] == "ModelBias"
    assert desc["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == definition_name

    status = _wait_for_execution(session, name)
    assert status["MonitoringExecutionStatus"] == "CompletedWithViolations", status.get(
        "FailureReason"
    )
    executions = monitor.list_executions()
    assert len(executions) == 1 and isinstance(executions[0], ClarifyMonitoringExecution)
    violations = executions[0].constraint_violations().body_dict["violations"]
    assert "DPPL" in {v["metric_name"] for v in violations}
    assert {v["constraint_check_type"] for v in violations} == {"bias_drift_check"}
    latest = monitor.latest_monitoring_constraint_violations()
    assert latest is not None and latest.body_dict["violations"] == violations
    with pytest.raises(NotImplementedError, match="ClarifyMonitoringExecution doesn't support"):
        executions[0].statistics()
    with pytest.raises(NotImplementedError, match="ModelBiasMonitor doesn't support statistics"):
        monitor.latest_monitoring_statistics()

    attached = ModelBiasMonitor.attach(name, sagemaker_session=session)
    assert (attached.job_definition_name, attached.image_uri) == (definition_name, CLARIFY)
    assert [e.job_name for e in attached.list_executions()] == [executions[0].job_name]
    with pytest.raises(TypeError, match="can only attach to ModelExplainability schedule"):
        ModelExplainabilityMonitor.attach(name, sagemaker_session=session)

    attached.update_monitoring_schedule(schedule_cron_expression=CronExpressionGenerator.daily())
    schedule = attached.describe_schedule()["MonitoringScheduleConfig"]
    assert schedule["ScheduleConfig"]["ScheduleExpression"] == "cron(0 0 ? * * *)"
    attached.update_monitoring_schedule(max_runtime_in_seconds=600)
    assert attached.job_definition_name != definition_name  # a new definition; the old stays
    updated = session.sagemaker_client.describe_model_bias_job_definition(
        JobDefinitionName=attached.job_definition_name
    )
    assert updated["StoppingCondition"] == {"MaxRuntimeInSeconds": 600}
    assert updated["ModelBiasAppSpecification"]["ConfigUri"] == app["ConfigUri"]

    new_definition = attached.job_definition_name
    attached.delete_monitoring_schedule()
    assert attached.monitoring_schedule_name is None and attached.job_definition_name is None
    client = session.sagemaker_client
    with pytest.raises(ClientError) as caught:
        client.describe_monitoring_schedule(MonitoringScheduleName=name)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as caught:
        client.describe_model_bias_job_definition(JobDefinitionName=new_definition)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    predictor.delete_endpoint()


def test_explainability_schedule_life_cycle(session: Session, tmp_path: Path) -> None:
    bucket = session.default_bucket()
    predictor = _deploy(session, tmp_path)
    monitor = ModelExplainabilityMonitor(
        role="SageMakerRole", sagemaker_session=session, env={"K": "V"}
    )
    with pytest.raises(ValueError, match="analysis_config is mandatory"):
        monitor.create_monitoring_schedule(endpoint_input=predictor.endpoint_name)
    config = ExplainabilityAnalysisConfig(
        clarify.SHAPConfig(baseline=[[1, 0.5]], num_samples=8, agg_method="mean_abs"),
        clarify.ModelConfig(
            model_name="biased",
            instance_count=1,
            instance_type="ml.m5.xlarge",
            content_type="text/csv",
            accept_type="text/csv",
        ),
        headers=["sex", "score"],
    )
    monitor.create_monitoring_schedule(
        endpoint_input=predictor.endpoint_name,
        analysis_config=config,
        output_s3_uri=f"s3://{bucket}/shap/reports",
        schedule_cron_expression=CronExpressionGenerator.hourly(),
    )
    name, definition_name = monitor.monitoring_schedule_name, monitor.job_definition_name
    assert name is not None and definition_name is not None
    definition = session.sagemaker_client.describe_model_explainability_job_definition(
        JobDefinitionName=definition_name
    )
    app = definition["ModelExplainabilityAppSpecification"]
    assert app["Environment"] == {"K": "V", "publish_cloudwatch_metrics": "Enabled"}
    stored = S3Downloader.read_file(app["ConfigUri"], sagemaker_session=session)
    assert json.loads(stored) == config._to_dict()
    assert definition["ModelExplainabilityJobInput"]["EndpointInput"]["EndpointName"] == (
        predictor.endpoint_name
    )
    assert "ModelExplainabilityBaselineConfig" not in definition

    attached = ModelExplainabilityMonitor.attach(name, sagemaker_session=session)
    assert attached.env == {"K": "V", "publish_cloudwatch_metrics": "Enabled"}
    assert attached.list_executions() == []
    with pytest.raises(TypeError, match="can only attach to ModelBias schedule"):
        ModelBiasMonitor.attach(name, sagemaker_session=session)
    with pytest.raises(ValueError, match="Nothing to update"):
        attached.update_monitoring_schedule()

    attached.delete_monitoring_schedule()
    with pytest.raises(ClientError) as caught:
        session.sagemaker_client.describe_model_explainability_job_definition(
            JobDefinitionName=definition_name
        )
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    predictor.delete_endpoint()


def test_explainability_execution_explains_the_captured_requests(
    session: Session, tmp_path: Path
) -> None:
    """A cron schedule run now: the Clarify image explains the captured requests with the
    endpoint's model (a shadow endpoint of it) and checks the ranking against the baseline."""
    bucket = session.default_bucket()
    predictor = _deploy(session, tmp_path)
    client = session.sagemaker_client
    config_name = client.describe_endpoint(EndpointName=predictor.endpoint_name)[
        "EndpointConfigName"
    ]
    model_name = client.describe_endpoint_config(EndpointConfigName=config_name)[
        "ProductionVariants"
    ][0]["ModelName"]
    rng = random.Random(9)
    for _ in range(20):
        predictor.predict([rng.randint(0, 1), round(rng.random(), 3)])
    _wait_for_capture(session, f"s3://{bucket}/capture/{predictor.endpoint_name}", 20)
    # Against the SHAP baseline row (sex=1, score=0.5, approved) sex matters most: sex=0 moves
    # the threshold from 0.2 to 0.8. A baseline that ranked the score first has drifted.
    baseline = f"s3://{bucket}/shap/baseline/analysis.json"
    shap = {"global_shap_values": {"sex": 0.01, "score": 0.9}, "expected_value": 0.5}
    body = {"version": "1.0", "explanations": {"kernel_shap": {"label0": shap}}}
    S3Uploader.upload_string_as_file_body(json.dumps(body), baseline, sagemaker_session=session)
    monitor = ModelExplainabilityMonitor(role="SageMakerRole", sagemaker_session=session)
    monitor.create_monitoring_schedule(
        endpoint_input=predictor.endpoint_name,
        analysis_config=ExplainabilityAnalysisConfig(
            clarify.SHAPConfig(baseline=[[1, 0.5]], num_samples=16, agg_method="mean_abs"),
            clarify.ModelConfig(
                model_name=model_name,
                instance_count=1,
                instance_type="ml.m5.xlarge",
                content_type="text/csv",
                accept_type="text/csv",
            ),
            headers=["sex", "score"],
        ),
        output_s3_uri=f"s3://{bucket}/shap/reports",
        constraints=baseline,
        schedule_cron_expression=CronExpressionGenerator.hourly(),
    )
    name = monitor.monitoring_schedule_name
    assert name is not None
    client.run_monitoring_schedule(MonitoringScheduleName=name)
    execution = _wait_for_execution(session, name)
    (latest,) = monitor.list_executions()
    assert execution["MonitoringExecutionStatus"] == "CompletedWithViolations", execution
    assert isinstance(latest, ClarifyMonitoringExecution)
    out = latest.output.destination
    analysis = json.loads(S3Downloader.read_file(f"{out}/analysis.json", sagemaker_session=session))
    values = analysis["explanations"]["kernel_shap"]["label0"]["global_shap_values"]
    assert set(values) == {"sex", "score"} and values["sex"] > values["score"]
    violations = latest.constraint_violations().body_dict["violations"]
    assert [(v["metric_name"], v["constraint_check_type"]) for v in violations] == [
        ("shap", "feature_attribution_drift_check")
    ]
    monitor.delete_monitoring_schedule()
    predictor.delete_endpoint()
