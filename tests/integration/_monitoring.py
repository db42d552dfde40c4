"""Shared setup of the monitoring tests: an endpoint's records, capture files, requests.

The endpoint's records are stored directly and its capture files written with the capture
format's own functions, so control-plane tests need no model server.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from plimsoll.api.wiring import Api
from plimsoll.compat.capture_format import ContentTypeRules, new_event_id, object_key, record_line
from plimsoll.metadata.entities import ProcessingJob
from plimsoll.metadata.serving_entities import (
    DataCaptureSpec,
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    VariantSpec,
)
from plimsoll.settings import Settings

ANALYZER = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
ROLE = "arn:aws:iam::000000000000:role/any"
CSV = ContentTypeRules.from_lists(["text/csv"], ["application/json"])
HOUR = timedelta(hours=1)


def sample_rows(n: int, shift: float = 0.0, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a, b = rng.gauss(5 + shift, 1), rng.gauss(-2, 0.5)
        rows.append([str(int(a > 5)), f"{a:.4f}", f"{b:.4f}", rng.choice(["red", "green"])])
    return rows


def store_endpoint(api: Api, settings: Settings, name: str = "churn") -> str:
    """Stores an InService endpoint with capture on; returns its capture destination."""
    destination = f"file://{settings.home}/capture"
    store = api.endpoints._store  # noqa: SLF001 - test setup of records only
    now = datetime.now(UTC)
    store.create_endpoint_config(
        EndpointConfigRecord(
            name=f"{name}-config",
            arn=f"arn:aws:sagemaker:us-east-1:000000000000:endpoint-config/{name}-config",
            variants=(
                VariantSpec(
                    variant_name="AllTraffic",
                    model_name="m",
                    initial_instance_count=1,
                    instance_type="ml.m5.large",
                    initial_variant_weight=1.0,
                ),
            ),
            data_capture=DataCaptureSpec(
                destination_s3_uri=destination,
                csv_content_types=("text/csv",),
                json_content_types=("application/json",),
            ),
            creation_time=now,
        )
    )
    store.create_endpoint(
        EndpointRecord(
            name=name,
            arn=f"arn:aws:sagemaker:us-east-1:000000000000:endpoint/{name}",
            config_name=f"{name}-config",
            status=EndpointStatus.IN_SERVICE,
            creation_time=now,
            last_modified_time=now,
        )
    )
    return destination


def write_capture(api: Api, destination: str, when: datetime, rows: list[list[str]]) -> None:
    lines = [
        record_line(
            event_id=new_event_id(),
            epoch_seconds=when.timestamp() + i * 0.01,
            rules=CSV,
            request=(",".join(r[1:]).encode(), "text/csv"),
            response=(r[0].encode(), "text/csv"),
        )
        for i, r in enumerate(rows)
    ]
    uri = object_key(destination, "churn", "AllTraffic", when.timestamp(), new_event_id())
    api.storage.for_uri(uri).write_bytes(uri, b"\n".join(lines) + b"\n")


def dq_definition(
    baseline: dict[str, str], settings: Settings, **input_extra: Any
) -> dict[str, Any]:
    return {
        "JobDefinitionName": "dq-def",
        "DataQualityAppSpecification": {"ImageUri": ANALYZER},
        "DataQualityBaselineConfig": {
            "ConstraintsResource": {"S3Uri": baseline["constraints"]},
            "StatisticsResource": {"S3Uri": baseline["statistics"]},
        },
        "DataQualityJobInput": {
            "EndpointInput": {
                "EndpointName": "churn",
                "LocalPath": "/opt/ml/processing/input/endpoint",
                **input_extra,
            }
        },
        "DataQualityJobOutputConfig": {
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


def schedule_request(expression: str, **extra: str) -> dict[str, Any]:
    return {
        "MonitoringScheduleName": "hourly",
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": expression, **extra},
            "MonitoringJobDefinitionName": "dq-def",
            "MonitoringType": "DataQuality",
        },
    }


def wait_execution(api: Api, schedule: str, timeout: float = 120) -> dict[str, Any]:
    """The schedule's latest execution summary once it has ended."""
    deadline = time.monotonic() + timeout
    while True:
        found = api.dispatcher.call(
            "ListMonitoringExecutions", {"MonitoringScheduleName": schedule}
        )["MonitoringExecutionSummaries"]
        if found and found[0]["MonitoringExecutionStatus"] not in ("Pending", "InProgress"):
            summary: dict[str, Any] = found[0]
            return summary
        if time.monotonic() > deadline:
            raise AssertionError(f"execution still running: {found}")
        time.sleep(0.2)


def execution_job(api: Api, summary: dict[str, Any]) -> ProcessingJob:
    """The processing job an execution summary points at."""
    return api.processing.describe_processing_job(summary["ProcessingJobArn"].rsplit("/", 1)[1])


def job_inputs(job: ProcessingJob) -> dict[str, tuple[str, str | None]]:
    """``{input name: (S3 URI, local path)}`` of a job's S3 inputs."""
    return {
        i.input_name: (i.s3_input.s3_uri, i.s3_input.local_path)
        for i in job.spec.inputs
        if i.s3_input is not None
    }
