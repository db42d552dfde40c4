"""Reference-venv program: ``_model_quality_requests.py OUT_JSON`` (sagemaker 2.199.0).

Runs every case of ``CASES`` with the real ``ModelQualityMonitor`` on a stub session (a client
that records the Model Monitor calls; nothing reaches AWS) and writes
``{case: [[operation, request], ...]}``. The same ``build`` runs Plimsoll's class in
tests/reference/test_model_quality_sdk_requests.py, so both sides see the same inputs.
"""

from __future__ import annotations

import copy
import json
import sys
from types import ModuleType, SimpleNamespace
from typing import Any

REGION = "us-east-1"
BUCKET = "bucket"
ROLE = "arn:aws:iam::000000000000:role/SageMakerRole"
CASES = ("create_minimal", "create_everything", "update_definition", "update_cron_only")


class StubClient:
    """Records create/update/delete calls; describes answer from what was created."""

    def __init__(self) -> None:
        self.calls: list[list[Any]] = []
        self.definitions: dict[str, dict[str, Any]] = {}
        self._client_config = SimpleNamespace(user_agent="")

    def create_model_quality_job_definition(self, **request: Any) -> dict[str, Any]:
        self.calls.append(["CreateModelQualityJobDefinition", copy.deepcopy(request)])
        self.definitions[request["JobDefinitionName"]] = copy.deepcopy(request)
        return {"JobDefinitionArn": "arn:aws:sagemaker:::x"}

    def describe_model_quality_job_definition(self, **request: Any) -> dict[str, Any]:
        found = copy.deepcopy(self.definitions[request["JobDefinitionName"]])
        found.pop("Tags", None)
        return {**found, "JobDefinitionArn": "arn:aws:sagemaker:::x", "CreationTime": 0}

    def delete_model_quality_job_definition(self, **request: Any) -> dict[str, Any]:
        self.calls.append(["DeleteModelQualityJobDefinition", request])
        return {}

    def create_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        self.calls.append(["CreateMonitoringSchedule", copy.deepcopy(request)])
        return {"MonitoringScheduleArn": "arn:aws:sagemaker:::s"}

    def update_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        self.calls.append(["UpdateMonitoringSchedule", copy.deepcopy(request)])
        return {"MonitoringScheduleArn": "arn:aws:sagemaker:::s"}

    def describe_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        return {
            "MonitoringScheduleName": request["MonitoringScheduleName"],
            "MonitoringScheduleArn": "arn:aws:sagemaker:::s",
            "MonitoringScheduleStatus": "Scheduled",
            "MonitoringScheduleConfig": {
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                "MonitoringType": "ModelQuality",
            },
        }


def build(mm: ModuleType, session: Any, name: str) -> None:
    """Runs case ``name`` with ``mm``: ``sagemaker.model_monitor`` or ``plimsoll.model_monitor``."""
    if name == "create_everything":
        monitor = mm.ModelQualityMonitor(
            role=ROLE,
            instance_count=2,
            instance_type="ml.m5.large",
            volume_size_in_gb=20,
            volume_kms_key="vkey",
            output_kms_key="okey",
            max_runtime_in_seconds=1800,
            env={"K": "V"},
            tags=[{"Key": "team", "Value": "ml"}],
            sagemaker_session=session,
        )
        monitor.create_monitoring_schedule(
            endpoint_input=mm.EndpointInput(
                endpoint_name="ep",
                destination="/opt/ml/processing/input/endpoint",
                start_time_offset="-PT2H",
                end_time_offset="-PT1H",
                inference_attribute="0",
                probability_attribute="1",
                probability_threshold_attribute=0.5,
            ),
            ground_truth_input="s3://bucket/ground-truth",
            problem_type="BinaryClassification",
            output_s3_uri="s3://bucket/reports",
            constraints=mm.Constraints({}, "s3://bucket/baseline/constraints.json"),
            monitor_schedule_name="mq-everything",
            schedule_cron_expression="NOW",
            enable_cloudwatch_metrics=False,
            data_analysis_start_time="-PT1H",
            data_analysis_end_time="PT0H",
        )
        return
    monitor = mm.ModelQualityMonitor(role=ROLE, sagemaker_session=session)
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        ground_truth_input="s3://bucket/ground-truth",
        problem_type="Regression",
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="mq-minimal",
        schedule_cron_expression="cron(0 * ? * * *)",
    )
    if name == "update_definition":
        monitor.update_monitoring_schedule(
            ground_truth_input="s3://bucket/ground-truth-2",
            problem_type="MulticlassClassification",
            max_runtime_in_seconds=900,
            env={"A": "B"},
        )
    elif name == "update_cron_only":
        monitor.update_monitoring_schedule(schedule_cron_expression="cron(0 0 ? * * *)")


def normalized(calls: list[list[Any]]) -> list[list[Any]]:
    """Generated job-definition names (base name + timestamp) become their base name."""
    text = json.dumps(calls)
    out: list[list[Any]] = json.loads(text)
    for _, request in out:
        for key in ("JobDefinitionName",):
            if key in request:
                request[key] = request[key].rsplit("-", 7)[0]
        config = request.get("MonitoringScheduleConfig") or {}
        if "MonitoringJobDefinitionName" in config:
            config["MonitoringJobDefinitionName"] = config["MonitoringJobDefinitionName"].rsplit(
                "-", 7
            )[0]
    return out


def main() -> None:
    import boto3
    from sagemaker import model_monitor
    from sagemaker.session import Session

    out: dict[str, Any] = {}
    for name in CASES:
        client = StubClient()
        boto = boto3.Session(region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
        session = Session(boto_session=boto, sagemaker_client=client, default_bucket=BUCKET)
        build(model_monitor, session, name)
        out[name] = normalized(client.calls)
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
