"""Monitoring job definitions: ``Create/Describe/Delete/List<Type>JobDefinition(s)``.

Every monitoring type (``DataQuality``, ``ModelQuality``, ``ModelBias``,
``ModelExplainability``) has the same four operations
over one job-definition record typed by its ``MonitoringType``; only the wire shapes differ.
:func:`definition_routes` binds the four for one type, named as SageMaker names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from plimsoll.api import shapes as wire
from plimsoll.api.handlers.processing import Handler
from plimsoll.api.shapes import MonitoringJobDefinitionSummary, WireShape
from plimsoll.api.validation import parse_request
from plimsoll.metadata.monitoring_entities import MonitoringType, ScheduleQuery
from plimsoll.services.monitoring import MonitoringService

__all__ = ["DefinitionShapes", "definition_routes", "definition_shapes"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DefinitionShapes:
    """The wire shapes of one monitoring type's job-definition operations."""

    create: type[WireShape]
    create_response: type[WireShape]
    describe: type[WireShape]
    describe_response: type[WireShape]
    delete: type[WireShape]
    list: type[WireShape]
    list_response: type[WireShape]


def definition_shapes(kind: MonitoringType) -> DefinitionShapes:
    """The generated wire shapes of ``kind``'s operations, found by SageMaker's naming."""
    family = kind.value

    def shape(name: str) -> type[WireShape]:
        found: type[WireShape] = getattr(wire, name)
        return found

    return DefinitionShapes(
        create=shape(f"Create{family}JobDefinitionRequest"),
        create_response=shape(f"Create{family}JobDefinitionResponse"),
        describe=shape(f"Describe{family}JobDefinitionRequest"),
        describe_response=shape(f"Describe{family}JobDefinitionResponse"),
        delete=shape(f"Delete{family}JobDefinitionRequest"),
        list=shape(f"List{family}JobDefinitionsRequest"),
        list_response=shape(f"List{family}JobDefinitionsResponse"),
    )


def definition_routes(
    service: MonitoringService, kind: MonitoringType, shapes: DefinitionShapes
) -> dict[str, Handler]:
    """The four job-definition operations of ``kind`` (e.g. ``CreateDataQualityJobDefinition``)."""
    family = kind.value
    handlers: dict[str, Any] = {
        f"Create{family}JobDefinition": _create,
        f"Describe{family}JobDefinition": _describe,
        f"Delete{family}JobDefinition": _delete,
        f"List{family}JobDefinitions": _list,
    }
    return {name: partial(h, service, kind, shapes) for name, h in handlers.items()}


def _create(
    service: MonitoringService, kind: MonitoringType, shapes: DefinitionShapes,
    params: Mapping[str, Any],
) -> WireShape:  # fmt: skip
    request: Any = parse_request(shapes.create, params)
    body: dict[str, Any] = request.model_dump(mode="json", exclude_none=True)
    body.pop("JobDefinitionName", None)
    body.pop("Tags", None)
    record = service.create_job_definition(
        name=request.JobDefinitionName,
        monitoring_type=kind,
        body=body,
        tags=tuple((tag.Key, tag.Value) for tag in request.Tags or ()),
    )
    return shapes.create_response.model_validate({"JobDefinitionArn": record.arn})


def _describe(
    service: MonitoringService, kind: MonitoringType, shapes: DefinitionShapes,
    params: Mapping[str, Any],
) -> WireShape:  # fmt: skip
    request: Any = parse_request(shapes.describe, params)
    record = service.describe_job_definition(request.JobDefinitionName, kind)
    return shapes.describe_response.model_validate(
        {
            **record.body,
            "JobDefinitionArn": record.arn,
            "JobDefinitionName": record.name,
            "CreationTime": record.creation_time,
        }
    )


def _delete(
    service: MonitoringService, kind: MonitoringType, shapes: DefinitionShapes,
    params: Mapping[str, Any],
) -> None:  # fmt: skip
    request: Any = parse_request(shapes.delete, params)
    service.delete_job_definition(request.JobDefinitionName, kind)


def _list(
    service: MonitoringService, kind: MonitoringType, shapes: DefinitionShapes,
    params: Mapping[str, Any],
) -> WireShape:  # fmt: skip
    request: Any = parse_request(shapes.list, params)
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
    records, token = service.list_job_definitions(kind, query)
    summaries = [
        MonitoringJobDefinitionSummary(
            MonitoringJobDefinitionName=r.name,
            MonitoringJobDefinitionArn=r.arn,
            CreationTime=r.creation_time,
            EndpointName=r.endpoint_name or "",
        )
        for r in records
    ]
    return shapes.list_response.model_validate(
        {"JobDefinitionSummaries": summaries, "NextToken": token}
    )
