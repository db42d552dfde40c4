"""Model Monitor records for the conformance suite: factories with every field set, and the
paging helpers that read names (execution ids) back from List* pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from plimsoll.metadata.monitoring_entities import (
    ExecutionRecord,
    ExecutionStatus,
    JobDefinitionRecord,
    MonitoringType,
    ScheduleRecord,
    ScheduleStatus,
)

T0 = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
PLUS2 = timezone(timedelta(hours=2))
PREFIX = "arn:aws:sagemaker:us-east-1:000000000000"
DQ = MonitoringType.DATA_QUALITY


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


def make_definition(
    name: str,
    *,
    monitoring_type: MonitoringType = DQ,
    endpoint: str | None = "ep-1",
    created: datetime = T0,
) -> JobDefinitionRecord:
    endpoint_input: dict[str, Any] = {"EndpointName": endpoint, "LocalPath": "/opt/ml/processing"}
    return JobDefinitionRecord(
        name=name,
        arn=f"{PREFIX}:data-quality-job-definition/{name.lower()}",
        monitoring_type=monitoring_type,
        body={
            "DataQualityJobInput": {"EndpointInput": endpoint_input},
            "DataQualityAppSpecification": {
                "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor",
                "Environment": {"publish_cloudwatch_metrics": "Disabled", "EMPTY": "", "U": "ü"},
                "ContainerArguments": [],
            },
            "JobResources": {"ClusterConfig": {"InstanceCount": 1, "VolumeSizeInGB": 20}},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            "NetworkConfig": None,
            "Ratio": 0.25,
            "Flags": [True, False, None, {"Nested": [1, "two", 3.5]}],
        },
        endpoint_name=endpoint,
        creation_time=created,
        tags=(("team", "ml"), ("empty", "")),
    )


def make_schedule(
    name: str,
    *,
    status: ScheduleStatus = ScheduleStatus.SCHEDULED,
    endpoint: str | None = "ep-1",
    definition: str | None = "def-1",
    monitoring_type: MonitoringType = DQ,
    created: datetime = T0,
    modified: datetime | None = None,
) -> ScheduleRecord:
    config: dict[str, Any] = {
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        "MonitoringType": monitoring_type.value,
    }
    if definition is not None:
        config["MonitoringJobDefinitionName"] = definition
    else:
        config["MonitoringJobDefinition"] = {"RoleArn": "arn:aws:iam::1:role/r", "Inputs": []}
    return ScheduleRecord(
        name=name,
        arn=f"{PREFIX}:monitoring-schedule/{name.lower()}",
        status=status,
        monitoring_type=monitoring_type,
        config=config,
        endpoint_name=endpoint,
        creation_time=created,
        last_modified_time=modified or created,
    )


def make_execution(
    execution_id: str,
    *,
    schedule: str = "sched",
    status: ExecutionStatus = ExecutionStatus.PENDING,
    scheduled: datetime = T0,
    created: datetime = T0,
    modified: datetime | None = None,
    endpoint: str | None = "ep-1",
    definition: str | None = "def-1",
    monitoring_type: MonitoringType = DQ,
) -> ExecutionRecord:
    return ExecutionRecord(
        execution_id=execution_id,
        schedule_name=schedule,
        scheduled_time=scheduled,
        creation_time=created,
        last_modified_time=modified or created,
        status=status,
        monitoring_type=monitoring_type,
        endpoint_name=endpoint,
        job_definition_name=definition,
    )


def page_names(page: list[Any]) -> list[str]:
    return [getattr(r, "execution_id", None) or r.name for r in page]


def all_pages(lister: Callable[[Any], tuple[list[Any], str | None]], query: Any) -> list[list[str]]:
    """Every page of ``query`` as lists of names (execution ids), following the tokens."""
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        page, token = lister(dataclasses.replace(query, next_token=token))
        pages.append(page_names(page))
        if token is None:
            return pages
        assert len(pages) < 100, "pagination does not end"
