"""Model Monitor handlers: monitoring schedules and executions, plus the job-definition
operations of every monitoring type (:mod:`plimsoll.api.handlers.job_definitions`).

Nested request structures (a job definition's body, ``MonitoringScheduleConfig``) are
validated by their generated shapes here and handed to the service in wire form (JSON-ready
dicts); Describe responses are those dicts validated back into the response shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from plimsoll.api.handlers.job_definitions import definition_routes, definition_shapes
from plimsoll.api.handlers.processing import Handler
from plimsoll.api.shapes import (
    CreateMonitoringScheduleRequest,
    CreateMonitoringScheduleResponse,
    DeleteMonitoringScheduleRequest,
    DescribeMonitoringScheduleRequest,
    DescribeMonitoringScheduleResponse,
    ListMonitoringExecutionsRequest,
    ListMonitoringExecutionsResponse,
    ListMonitoringSchedulesRequest,
    ListMonitoringSchedulesResponse,
    MonitoringExecutionSummary,
    MonitoringScheduleConfig,
    MonitoringScheduleSummary,
    RunMonitoringScheduleRequest,
    RunMonitoringScheduleResponse,
    StartMonitoringScheduleRequest,
    StopMonitoringScheduleRequest,
    UpdateMonitoringScheduleRequest,
    UpdateMonitoringScheduleResponse,
)
from plimsoll.api.validation import parse_request
from plimsoll.metadata.monitoring_entities import (
    ExecutionQuery,
    ExecutionRecord,
    MonitoringType,
    ScheduleQuery,
    ScheduleRecord,
)
from plimsoll.services.monitoring import MonitoringService

__all__ = ["routes"]


def routes(service: MonitoringService) -> dict[str, Handler]:
    """The monitoring operations, bound to ``service``."""
    handlers: dict[str, Any] = {
        "CreateMonitoringSchedule": create_monitoring_schedule,
        "DescribeMonitoringSchedule": describe_monitoring_schedule,
        "UpdateMonitoringSchedule": update_monitoring_schedule,
        "StartMonitoringSchedule": start_monitoring_schedule,
        "StopMonitoringSchedule": stop_monitoring_schedule,
        "DeleteMonitoringSchedule": delete_monitoring_schedule,
        "ListMonitoringSchedules": list_monitoring_schedules,
        "ListMonitoringExecutions": list_monitoring_executions,
        "RunMonitoringSchedule": run_monitoring_schedule,  # Plimsoll extension
    }
    bound: dict[str, Handler] = {n: partial(h, service) for n, h in handlers.items()}
    for kind in MonitoringType:
        bound.update(definition_routes(service, kind, definition_shapes(kind)))
    return bound


def _wire(shape: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = shape.model_dump(mode="json", exclude_none=True)
    return dumped


def _tags(tags: list[Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple((tag.Key, tag.Value) for tag in tags or ())


# -- schedules ------------------------------------------------------------------------------


def create_monitoring_schedule(
    service: MonitoringService, params: Mapping[str, Any]
) -> CreateMonitoringScheduleResponse:
    request = parse_request(CreateMonitoringScheduleRequest, params)
    schedule = service.create_schedule(
        name=request.MonitoringScheduleName,
        config=_wire(request.MonitoringScheduleConfig),
        tags=_tags(request.Tags),
    )
    return CreateMonitoringScheduleResponse(MonitoringScheduleArn=schedule.arn)


def to_execution_summary(execution: ExecutionRecord) -> MonitoringExecutionSummary:
    return MonitoringExecutionSummary(
        MonitoringScheduleName=execution.schedule_name,
        ScheduledTime=execution.scheduled_time,
        CreationTime=execution.creation_time,
        LastModifiedTime=execution.last_modified_time,
        MonitoringExecutionStatus=execution.status.value,
        ProcessingJobArn=execution.processing_job_arn,
        EndpointName=execution.endpoint_name,
        FailureReason=execution.failure_reason,
        MonitoringJobDefinitionName=execution.job_definition_name,
        MonitoringType=execution.monitoring_type.value,
    )


def describe_monitoring_schedule(
    service: MonitoringService, params: Mapping[str, Any]
) -> DescribeMonitoringScheduleResponse:
    request = parse_request(DescribeMonitoringScheduleRequest, params)
    schedule, latest = service.describe_schedule(request.MonitoringScheduleName)
    return DescribeMonitoringScheduleResponse(
        MonitoringScheduleArn=schedule.arn,
        MonitoringScheduleName=schedule.name,
        MonitoringScheduleStatus=schedule.status.value,
        MonitoringType=schedule.monitoring_type.value,
        FailureReason=schedule.failure_reason,
        CreationTime=schedule.creation_time,
        LastModifiedTime=schedule.last_modified_time,
        MonitoringScheduleConfig=MonitoringScheduleConfig.model_validate(schedule.config),
        EndpointName=schedule.endpoint_name,
        LastMonitoringExecutionSummary=None if latest is None else to_execution_summary(latest),
    )


def update_monitoring_schedule(
    service: MonitoringService, params: Mapping[str, Any]
) -> UpdateMonitoringScheduleResponse:
    request = parse_request(UpdateMonitoringScheduleRequest, params)
    schedule = service.update_schedule(
        request.MonitoringScheduleName, _wire(request.MonitoringScheduleConfig)
    )
    return UpdateMonitoringScheduleResponse(MonitoringScheduleArn=schedule.arn)


def start_monitoring_schedule(service: MonitoringService, params: Mapping[str, Any]) -> None:
    service.start_schedule(
        parse_request(StartMonitoringScheduleRequest, params).MonitoringScheduleName
    )


def stop_monitoring_schedule(service: MonitoringService, params: Mapping[str, Any]) -> None:
    service.stop_schedule(
        parse_request(StopMonitoringScheduleRequest, params).MonitoringScheduleName
    )


def delete_monitoring_schedule(service: MonitoringService, params: Mapping[str, Any]) -> None:
    service.delete_schedule(
        parse_request(DeleteMonitoringScheduleRequest, params).MonitoringScheduleName
    )


def to_schedule_summary(schedule: ScheduleRecord) -> MonitoringScheduleSummary:
    return MonitoringScheduleSummary(
        MonitoringScheduleName=schedule.name,
        MonitoringScheduleArn=schedule.arn,
        CreationTime=schedule.creation_time,
        LastModifiedTime=schedule.last_modified_time,
        MonitoringScheduleStatus=schedule.status.value,
        EndpointName=schedule.endpoint_name,
        MonitoringJobDefinitionName=schedule.config.get("MonitoringJobDefinitionName"),
        MonitoringType=schedule.monitoring_type.value,
    )


def list_monitoring_schedules(
    service: MonitoringService, params: Mapping[str, Any]
) -> ListMonitoringSchedulesResponse:
    request = parse_request(ListMonitoringSchedulesRequest, params)
    query = ScheduleQuery(
        name_contains=request.NameContains,
        endpoint_name=request.EndpointName,
        status_equals=request.StatusEquals,
        monitoring_type_equals=request.MonitoringTypeEquals,
        monitoring_job_definition_name=request.MonitoringJobDefinitionName,
        creation_time_after=request.CreationTimeAfter,
        creation_time_before=request.CreationTimeBefore,
        last_modified_time_after=request.LastModifiedTimeAfter,
        last_modified_time_before=request.LastModifiedTimeBefore,
        sort_by=request.SortBy or "CreationTime",
        sort_order=request.SortOrder or "Descending",
        max_results=request.MaxResults or 10,
        next_token=request.NextToken,
    )
    schedules, token = service.list_schedules(query)
    return ListMonitoringSchedulesResponse(
        MonitoringScheduleSummaries=[to_schedule_summary(s) for s in schedules], NextToken=token
    )


def list_monitoring_executions(
    service: MonitoringService, params: Mapping[str, Any]
) -> ListMonitoringExecutionsResponse:
    request = parse_request(ListMonitoringExecutionsRequest, params)
    query = ExecutionQuery(
        schedule_name=request.MonitoringScheduleName,
        endpoint_name=request.EndpointName,
        status_equals=request.StatusEquals,
        monitoring_type_equals=request.MonitoringTypeEquals,
        monitoring_job_definition_name=request.MonitoringJobDefinitionName,
        scheduled_time_after=request.ScheduledTimeAfter,
        scheduled_time_before=request.ScheduledTimeBefore,
        creation_time_after=request.CreationTimeAfter,
        creation_time_before=request.CreationTimeBefore,
        last_modified_time_after=request.LastModifiedTimeAfter,
        last_modified_time_before=request.LastModifiedTimeBefore,
        sort_by=request.SortBy or "CreationTime",
        sort_order=request.SortOrder or "Descending",
        max_results=request.MaxResults or 10,
        next_token=request.NextToken,
    )
    executions, token = service.list_executions(query)
    return ListMonitoringExecutionsResponse(
        MonitoringExecutionSummaries=[to_execution_summary(e) for e in executions],
        NextToken=token,
    )


def run_monitoring_schedule(
    service: MonitoringService, params: Mapping[str, Any]
) -> RunMonitoringScheduleResponse:
    """Plimsoll extension: one execution now (``plimsoll monitor run``)."""
    request = parse_request(RunMonitoringScheduleRequest, params)
    execution = service.run_now(request.MonitoringScheduleName)
    return RunMonitoringScheduleResponse(MonitoringExecutionSummary=to_execution_summary(execution))
