"""Model Monitor records <-> JSON documents: the one conversion every store uses to persist them.

Each ``*_to_document`` gives a JSON-ready dict holding the whole record (timestamps as ISO 8601
with their offset, a ``v`` version key); the matching ``*_from_document`` rebuilds an equal
record. The wire-form parts (a definition's ``body``, a schedule's ``config``) must already be
JSON: dicts with string keys, lists, strings, finite numbers, booleans and None. Anything else
(a datetime, a set, NaN) is refused here with a ``ValidationError`` naming where it sits, so
every store refuses the same records instead of one silently stringifying them. Tuples are
accepted and come back as lists, as any JSON round trip would return them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plimsoll.errors import ValidationError
from plimsoll.metadata.monitoring_entities import (
    ExecutionRecord,
    ExecutionStatus,
    JobDefinitionRecord,
    MonitoringType,
    ScheduleRecord,
    ScheduleStatus,
)

DOCUMENT_VERSION = 1
"""Stamped in every document (key ``v``), so a later layout can read older rows."""


def job_definition_to_document(definition: JobDefinitionRecord) -> dict[str, Any]:
    """JSON-ready form of ``definition``. Raises ``ValidationError`` for a non-JSON body."""
    return {
        "v": DOCUMENT_VERSION,
        "name": definition.name,
        "arn": definition.arn,
        "monitoring_type": definition.monitoring_type.value,
        "body": json_document(definition.body, f'job definition "{definition.name}" body'),
        "endpoint_name": definition.endpoint_name,
        "creation_time": definition.creation_time.isoformat(),
        "tags": _tags_out(definition.tags),
    }


def job_definition_from_document(doc: Mapping[str, Any]) -> JobDefinitionRecord:
    """Inverse of :func:`job_definition_to_document`."""
    return JobDefinitionRecord(
        name=doc["name"],
        arn=doc["arn"],
        monitoring_type=MonitoringType(doc["monitoring_type"]),
        body=doc["body"],
        endpoint_name=doc.get("endpoint_name"),
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        tags=_tags_in(doc.get("tags")),
    )


def schedule_to_document(schedule: ScheduleRecord) -> dict[str, Any]:
    """JSON-ready form of ``schedule``. Raises ``ValidationError`` for a non-JSON config."""
    return {
        "v": DOCUMENT_VERSION,
        "name": schedule.name,
        "arn": schedule.arn,
        "status": schedule.status.value,
        "monitoring_type": schedule.monitoring_type.value,
        "config": json_document(schedule.config, f'monitoring schedule "{schedule.name}" config'),
        "endpoint_name": schedule.endpoint_name,
        "creation_time": schedule.creation_time.isoformat(),
        "last_modified_time": schedule.last_modified_time.isoformat(),
        "failure_reason": schedule.failure_reason,
        "last_scheduled_time": _time_out(schedule.last_scheduled_time),
        "tags": _tags_out(schedule.tags),
    }


def schedule_from_document(doc: Mapping[str, Any]) -> ScheduleRecord:
    """Inverse of :func:`schedule_to_document`."""
    return ScheduleRecord(
        name=doc["name"],
        arn=doc["arn"],
        status=ScheduleStatus(doc["status"]),
        monitoring_type=MonitoringType(doc["monitoring_type"]),
        config=doc["config"],
        endpoint_name=doc.get("endpoint_name"),
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        last_modified_time=datetime.fromisoformat(doc["last_modified_time"]),
        failure_reason=doc.get("failure_reason"),
        last_scheduled_time=_time_in(doc.get("last_scheduled_time")),
        tags=_tags_in(doc.get("tags")),
    )


def execution_to_document(execution: ExecutionRecord) -> dict[str, Any]:
    """JSON-ready form of ``execution``."""
    return {
        "v": DOCUMENT_VERSION,
        "execution_id": execution.execution_id,
        "schedule_name": execution.schedule_name,
        "scheduled_time": execution.scheduled_time.isoformat(),
        "creation_time": execution.creation_time.isoformat(),
        "last_modified_time": execution.last_modified_time.isoformat(),
        "status": execution.status.value,
        "monitoring_type": execution.monitoring_type.value,
        "endpoint_name": execution.endpoint_name,
        "job_definition_name": execution.job_definition_name,
        "processing_job_name": execution.processing_job_name,
        "processing_job_arn": execution.processing_job_arn,
        "failure_reason": execution.failure_reason,
    }


def execution_from_document(doc: Mapping[str, Any]) -> ExecutionRecord:
    """Inverse of :func:`execution_to_document`."""
    return ExecutionRecord(
        execution_id=doc["execution_id"],
        schedule_name=doc["schedule_name"],
        scheduled_time=datetime.fromisoformat(doc["scheduled_time"]),
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        last_modified_time=datetime.fromisoformat(doc["last_modified_time"]),
        status=ExecutionStatus(doc["status"]),
        monitoring_type=MonitoringType(doc["monitoring_type"]),
        endpoint_name=doc.get("endpoint_name"),
        job_definition_name=doc.get("job_definition_name"),
        processing_job_name=doc.get("processing_job_name"),
        processing_job_arn=doc.get("processing_job_arn"),
        failure_reason=doc.get("failure_reason"),
    )


def json_document(value: Mapping[str, Any], what: str) -> dict[str, Any]:
    """A detached, plain-JSON copy of ``value`` (tuples become lists).

    Raises:
        ValidationError: a key is not a string or a value is not JSON; the message names
            ``what`` and the path to the value.
    """
    copied = _plain(value, what, "$")
    if not isinstance(copied, dict):
        raise ValidationError(f"{what} must be a JSON object, not {type(value).__name__}")
    return copied


def _plain(value: Any, what: str, path: str) -> Any:
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"{what} holds {value!r} at {path}, which JSON cannot carry")
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(f"{what} has a non-string key {key!r} at {path}")
            out[key] = _plain(item, what, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, what, f"{path}[{i}]") for i, item in enumerate(value)]
    raise ValidationError(
        f"{what} holds a {type(value).__name__} at {path}; only JSON values "
        "(objects, arrays, strings, numbers, booleans, null) can be stored"
    )


def _time_out(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time_in(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw is not None else None


def _tags_out(tags: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[key, value] for key, value in tags]


def _tags_in(raw: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(key), str(value)) for key, value in raw or ())


def schedule_definition_name(schedule: ScheduleRecord) -> str | None:
    """The ``MonitoringJobDefinitionName`` a schedule's config names (None with an inline
    ``MonitoringJobDefinition``): the copied field behind filters and the delete guard."""
    name = schedule.config.get("MonitoringJobDefinitionName")
    return name if isinstance(name, str) else None
