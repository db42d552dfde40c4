"""ModelBias and ModelExplainability schedules through the API dispatcher.

A bias execution merges the captured predictions with ground truth, then runs the Clarify
image on the merged records against the baseline ``analysis.json``; an explainability
execution runs the Clarify image on the captured records. The endpoint's records are stored
directly and capture and ground truth written with the formats' own functions.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.compat import ground_truth
from plimsoll.compat.capture_format import object_key, record_line
from plimsoll.errors import ResourceNotFound, ValidationError
from plimsoll.settings import Settings
from tests.integration._monitoring import (
    CSV,
    ROLE,
    execution_job,
    job_inputs,
    store_endpoint,
    wait_execution,
)

CLARIFY = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
HEADERS = ["label", "sex", "score"]


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    built = build_api(settings, scheduler=False)
    yield built
    built.close()


def _write_traffic(
    api: Api, destination: str, truth_uri: str, when: datetime, n: int, *, biased: bool
) -> None:
    """``n`` captured CSV requests ``sex,score`` with the predicted label as response, and
    their ground truth. ``biased``: the model approves sex=0 far less often than sex=1."""
    rng = random.Random(5)
    lines, truth = [], []
    for i in range(n):
        sex = rng.randint(0, 1)
        label = rng.randint(0, 1)
        rate = (0.9 if sex else 0.2) if biased else 0.55
        predicted = int(rng.random() < rate)
        event_id = f"event-{i}"
        lines.append(
            record_line(
                event_id=event_id,
                epoch_seconds=when.timestamp() + i * 0.01,
                rules=CSV,
                request=(f"{sex},{rng.random():.3f}".encode(), "text/csv"),
                response=(str(predicted).encode(), "text/csv"),
            )
        )
        truth.append(ground_truth.to_json_line(ground_truth.build_record(event_id, label)))
    uri = object_key(destination, "churn", "AllTraffic", when.timestamp(), "capture-1")
    api.storage.for_uri(uri).write_bytes(uri, b"\n".join(lines) + b"\n")
    key = ground_truth.object_key(truth_uri, datetime.now(UTC), "labels")
    api.storage.for_uri(key).write_bytes(key, b"".join(truth))


def _write_json(api: Api, uri: str, body: dict[str, Any]) -> str:
    api.storage.for_uri(uri).write_bytes(uri, json.dumps(body).encode())
    return uri


def _baseline(settings: Settings) -> dict[str, Any]:
    """A fair baseline: every post-training metric near its ideal."""
    metrics = [
        {"name": name, "description": name, "value": value}
        for name, value in (("DPPL", 0.01), ("DI", 0.98), ("AD", 0.02), ("RD", 0.01))
    ]
    facet = {"sex": [{"value_or_threshold": "0", "metrics": metrics}]}
    return {
        "version": "1.0",
        "post_training_bias_metrics": {
            "label": "label",
            "label_value_or_threshold": "1",
            "facets": facet,
        },
    }


def _definition(
    settings: Settings, kind: str, config_file: str = "analysis_config.json", **extra: Any
) -> dict[str, Any]:
    config_uri = f"file://{settings.home}/configs/{kind}/{config_file}"
    job_input: dict[str, Any] = {
        "EndpointInput": {
            "EndpointName": "churn",
            "LocalPath": "/opt/ml/processing/input/endpoint",
            "InferenceAttribute": "0",
        }
    }
    if kind == "ModelBias":
        job_input["GroundTruthS3Input"] = {"S3Uri": f"file://{settings.home}/ground-truth"}
    body = {
        "JobDefinitionName": f"{kind.lower()}-def",
        f"{kind}AppSpecification": {"ImageUri": CLARIFY, "ConfigUri": config_uri},
        f"{kind}JobInput": job_input,
        f"{kind}JobOutputConfig": {
            "MonitoringOutputs": [
                {
                    "S3Output": {
                        "S3Uri": f"file://{settings.home}/reports",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "Continuous",
                    }
                }
            ]
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 20,
            }
        },
        "RoleArn": ROLE,
    }
    body.update(extra)
    return body


def _now_schedule(name: str, definition: str, kind: str) -> dict[str, Any]:
    return {
        "MonitoringScheduleName": name,
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {
                "ScheduleExpression": "NOW",
                "DataAnalysisStartTime": "-PT1H",
                "DataAnalysisEndTime": "PT0H",
            },
            "MonitoringJobDefinitionName": definition,
            "MonitoringType": kind,
        },
    }


@pytest.mark.parametrize("kind", ["ModelBias", "ModelExplainability"])
def test_definition_crud_and_validation(api: Api, settings: Settings, kind: str) -> None:
    store_endpoint(api, settings)
    call = api.dispatcher.call
    name = f"{kind.lower()}-def"
    arn = call(f"Create{kind}JobDefinition", _definition(settings, kind))["JobDefinitionArn"]
    prefix = "model-bias" if kind == "ModelBias" else "model-explainability"
    assert arn.endswith(f":{prefix}-job-definition/{name}")
    described = call(f"Describe{kind}JobDefinition", {"JobDefinitionName": name})
    assert described[f"{kind}AppSpecification"]["ConfigUri"].endswith("analysis_config.json")
    listed = call(f"List{kind}JobDefinitions", {})["JobDefinitionSummaries"]
    assert [(s["MonitoringJobDefinitionName"], s["EndpointName"]) for s in listed] == [
        (name, "churn")
    ]
    assert call("ListModelQualityJobDefinitions", {})["JobDefinitionSummaries"] == []
    with pytest.raises(ResourceNotFound):
        call("DescribeModelQualityJobDefinition", {"JobDefinitionName": name})

    batch = _definition(settings, kind, JobDefinitionName="batch")
    batch[f"{kind}JobInput"]["BatchTransformInput"] = {
        "DataCapturedDestinationS3Uri": f"file://{settings.home}/batch",
        "DatasetFormat": {"Csv": {"Header": False}},
        "LocalPath": "/opt/ml/processing/input/batch",
    }
    del batch[f"{kind}JobInput"]["EndpointInput"]
    with pytest.raises(ValidationError, match="BatchTransformInput is not supported"):
        call(f"Create{kind}JobDefinition", batch)
    wrong_type = _now_schedule("s", name, "DataQuality")
    with pytest.raises(ValidationError, match=f"is {kind}"):
        call("CreateMonitoringSchedule", wrong_type)
    call(f"Delete{kind}JobDefinition", {"JobDefinitionName": name})
    assert call(f"List{kind}JobDefinitions", {})["JobDefinitionSummaries"] == []


def test_bias_requires_ground_truth(api: Api, settings: Settings) -> None:
    store_endpoint(api, settings)
    body = _definition(settings, "ModelBias")
    body["ModelBiasJobInput"]["GroundTruthS3Input"] = {}
    with pytest.raises(ValidationError, match="GroundTruthS3Input"):
        api.dispatcher.call("CreateModelBiasJobDefinition", body)


def test_bias_schedule_merges_then_runs_clarify(api: Api, settings: Settings) -> None:
    destination = store_endpoint(api, settings)
    truth_uri = f"file://{settings.home}/ground-truth"
    captured = datetime.now(UTC) - timedelta(minutes=10)
    _write_traffic(api, destination, truth_uri, captured, 400, biased=True)
    config = {
        "label": "label",
        "facet": [{"name_or_index": "sex", "value_or_threshold": [0]}],
        "label_values_or_threshold": [1],
        "headers": HEADERS,
    }
    # a ConfigUri may name its file anything
    _write_json(api, f"file://{settings.home}/configs/ModelBias/bias-config.json", config)
    baseline = _write_json(
        api, f"file://{settings.home}/baseline/analysis.json", _baseline(settings)
    )
    call = api.dispatcher.call
    call(
        "CreateModelBiasJobDefinition",
        _definition(
            settings,
            "ModelBias",
            "bias-config.json",
            ModelBiasBaselineConfig={"ConstraintsResource": {"S3Uri": baseline}},
        ),
    )
    call("CreateMonitoringSchedule", _now_schedule("bias-now", "modelbias-def", "ModelBias"))

    execution = wait_execution(api, "bias-now")
    job = execution_job(api, execution)
    assert job.spec.name.startswith("model-bias-monitoring-"), job.spec.name
    merge = api.processing.describe_processing_job(
        "groundtruth-merge-" + job.spec.name[len("model-bias-monitoring-") :]
    )
    assert merge.status.value == "Completed"
    hour = f"{captured:%Y/%m/%d/%H}"
    reports = f"file://{settings.home}/reports"
    assert job_inputs(job) == {
        "analysis_config": (
            f"file://{settings.home}/configs/ModelBias/bias-config.json",
            "/opt/ml/processing/input/config",
        ),
        "endpoint_input_1": (
            f"{reports}/merge/churn/AllTraffic/{hour}/",
            f"/opt/ml/processing/input_data/churn/AllTraffic/{hour}",
        ),
        "constraints": (baseline, "/opt/ml/processing/baseline/constraints"),
    }
    env = job.spec.environment
    assert env["analysis_type"] == "MODEL_BIAS"
    assert env["dataset_source"] == "/opt/ml/processing/input_data"
    assert env["baseline_constraints"] == "/opt/ml/processing/baseline/constraints/analysis.json"
    assert env["inference_attribute"] == "0"
    assert env["sagemaker_endpoint_name"] == "churn"
    assert env["sagemaker_monitoring_schedule_name"] == "bias-now"
    assert {"start_time", "end_time"} <= set(env)

    assert execution["MonitoringExecutionStatus"] == "CompletedWithViolations", (
        execution,
        job.failure_reason,
    )
    (result,) = job.spec.outputs
    assert result.s3_output is not None
    assert result.s3_output.s3_uri.startswith(f"{reports}/churn/bias-now/")
    out = Path(result.s3_output.s3_uri.removeprefix("file://"))
    analysis = json.loads((out / "analysis.json").read_text())
    post = analysis["post_training_bias_metrics"]["facets"]["sex"][0]["metrics"]
    dppl = next(m["value"] for m in post if m["name"] == "DPPL")
    assert dppl > 0.5  # sex=0 approved at 0.2, sex=1 at 0.9
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    flagged = {v["metric_name"] for v in violations}
    assert "DPPL" in flagged
    assert "DI" not in flagged  # about 0.2 against 0.98: closer to 0, as SageMaker checks it
    assert all(v["constraint_check_type"] == "bias_drift_check" for v in violations)
    rendered = api.monitor_metrics.render()
    assert 'namespace="aws/sagemaker/Endpoints/bias-metrics"' in rendered
    assert 'metric_name="bias_metric_DPPL"' in rendered


def test_bias_baseline_from_a_missing_baselining_job_fails_the_execution(
    api: Api, settings: Settings
) -> None:
    destination = store_endpoint(api, settings)
    truth_uri = f"file://{settings.home}/ground-truth"
    _write_traffic(
        api, destination, truth_uri, datetime.now(UTC) - timedelta(minutes=5), 20, biased=False
    )
    call = api.dispatcher.call
    call(
        "CreateModelBiasJobDefinition",
        _definition(settings, "ModelBias", ModelBiasBaselineConfig={"BaseliningJobName": "nope"}),
    )
    call("CreateMonitoringSchedule", _now_schedule("bias-now", "modelbias-def", "ModelBias"))
    execution = wait_execution(api, "bias-now")
    assert execution["MonitoringExecutionStatus"] == "Failed"
    assert "nope" in execution["FailureReason"]


def test_explainability_schedule_runs_clarify_on_captured_records(
    api: Api, settings: Settings
) -> None:
    destination = store_endpoint(api, settings)
    captured = datetime.now(UTC) - timedelta(minutes=10)
    _write_traffic(api, destination, f"file://{settings.home}/gt", captured, 10, biased=False)
    call = api.dispatcher.call
    call("CreateModelExplainabilityJobDefinition", _definition(settings, "ModelExplainability"))
    call(
        "CreateMonitoringSchedule",
        _now_schedule("no-config", "modelexplainability-def", "ModelExplainability"),
    )
    missing = wait_execution(api, "no-config")
    assert missing["MonitoringExecutionStatus"] == "Failed"
    assert "ProcessingInputs[analysis_config]" in missing["FailureReason"]

    config = {
        "methods": {"shap": {"baseline": [[0, 0.5]], "num_samples": 8, "agg_method": "mean_abs"}},
        "predictor": {"endpoint_name": "no-such-endpoint", "content_type": "text/csv"},
        "headers": ["sex", "score"],
    }
    _write_json(
        api, f"file://{settings.home}/configs/ModelExplainability/analysis_config.json", config
    )
    call(
        "CreateMonitoringSchedule",
        _now_schedule("explain-now", "modelexplainability-def", "ModelExplainability"),
    )
    execution = wait_execution(api, "explain-now")
    job = execution_job(api, execution)
    assert job.spec.name.startswith("model-explainability-monitoring-"), job.spec.name
    hour = f"{captured:%Y/%m/%d/%H}"
    assert job_inputs(job) == {
        "analysis_config": (
            f"file://{settings.home}/configs/ModelExplainability/analysis_config.json",
            "/opt/ml/processing/input/config",
        ),
        "endpoint_input_1": (
            f"{destination}/churn/AllTraffic/{hour}/",
            f"/opt/ml/processing/input_data/churn/AllTraffic/{hour}",
        ),
    }
    assert job.spec.environment["analysis_type"] == "MODEL_EXPLAINABILITY"
    assert "baseline_constraints" not in job.spec.environment
    # the model it names is not reachable: the job, not the control plane, says so
    assert execution["MonitoringExecutionStatus"] == "Failed"
    assert execution["FailureReason"]
