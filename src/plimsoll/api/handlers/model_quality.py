"""Model-quality job definitions: ``Create/Describe/Delete/ListModelQualityJobDefinition(s)``.

Stored like data-quality ones (one job-definition record, typed ``ModelQuality``); schedules
name them with ``MonitoringType=ModelQuality`` (see :mod:`plimsoll.api.handlers.monitoring`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from plimsoll.api.handlers.processing import Handler
from plimsoll.api.shapes import (
    CreateModelQualityJobDefinitionRequest,
    CreateModelQualityJobDefinitionResponse,
    DeleteModelQualityJobDefinitionRequest,
    DescribeModelQualityJobDefinitionRequest,
    DescribeModelQualityJobDefinitionResponse,
    ListModelQualityJobDefinitionsRequest,
    ListModelQualityJobDefinitionsResponse,
    MonitoringJobDefinitionSummary,
)
from plimsoll.api.validation import parse_request
from plimsoll.metadata.monitoring_entities import MonitoringType, ScheduleQuery
from plimsoll.services.monitoring import MonitoringService

__all__ = ["routes"]

MODEL_QUALITY = MonitoringType.MODEL_QUALITY


def routes(service: MonitoringService) -> dict[str, Handler]:
    """The model-quality job-definition operations, bound to ``service``."""
    handlers: dict[str, Any] = {
        "CreateModelQualityJobDefinition": create_model_quality_job_definition,
        "DescribeModelQualityJobDefinition": describe_model_quality_job_definition,
        "DeleteModelQualityJobDefinition": delete_model_quality_job_definition,
        "ListModelQualityJobDefinitions": list_model_quality_job_definitions,
    }
    return {name: partial(handler, service) for name, handler in handlers.items()}


def create_model_quality_job_definition(
    service: MonitoringService, params: Mapping[str, Any]
) -> CreateModelQualityJobDefinitionResponse:
    request = parse_request(CreateModelQualityJobDefinitionRequest, params)
    body: dict[str, Any] = request.model_dump(mode="json", exclude_none=True)
    body.pop("JobDefinitionName", None)
    body.pop("Tags", None)
    record = service.create_job_definition(
        name=request.JobDefinitionName,
        monitoring_type=MODEL_QUALITY,
        body=body,
        tags=tuple((tag.Key, tag.Value) for tag in request.Tags or ()),
    )
    return CreateModelQualityJobDefinitionResponse(JobDefinitionArn=record.arn)


def describe_model_quality_job_definition(
    service: MonitoringService, params: Mapping[str, Any]
) -> DescribeModelQualityJobDefinitionResponse:
    request = parse_request(DescribeModelQualityJobDefinitionRequest, params)
    record = service.describe_job_definition(request.JobDefinitionName, MODEL_QUALITY)
    return DescribeModelQualityJobDefinitionResponse.model_validate(
        {
            **record.body,
            "JobDefinitionArn": record.arn,
            "JobDefinitionName": record.name,
            "CreationTime": record.creation_time,
        }
    )


def delete_model_quality_job_definition(
    service: MonitoringService, params: Mapping[str, Any]
) -> None:
    request = parse_request(DeleteModelQualityJobDefinitionRequest, params)
    service.delete_job_definition(request.JobDefinitionName, MODEL_QUALITY)


def list_model_quality_job_definitions(
    service: MonitoringService, params: Mapping[str, Any]
) -> ListModelQualityJobDefinitionsResponse:
    request = parse_request(ListModelQualityJobDefinitionsRequest, params)
    query = ScheduleQuery(
        name_contains=request.NameContains,
        endpoint_name=request.EndpointName,
        creation_time_after=request.CreationTimeAfter,
        creation_time_before=request.CreationTimeBefore,
        sort_by=request.SortBy or "CreationTime",
        sort_order=request.SortOrder or "Descending",
        max_results=request.MaxResults or 10,
        next_token=request.NextToken,
    )
    records, token = service.list_job_definitions(MODEL_QUALITY, query)
    return ListModelQualityJobDefinitionsResponse(
        JobDefinitionSummaries=[
            MonitoringJobDefinitionSummary(
                MonitoringJobDefinitionName=r.name,
                MonitoringJobDefinitionArn=r.arn,
                CreationTime=r.creation_time,
                EndpointName=r.endpoint_name or "",
            )
            for r in records
        ],
        NextToken=token,
    )
