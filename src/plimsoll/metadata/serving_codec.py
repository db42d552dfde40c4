"""Serving records <-> JSON documents: the one conversion every store uses to persist them.

Each ``*_to_document`` gives a JSON-ready dict holding the whole record (timestamps as ISO 8601
with their offset); the matching ``*_from_document`` rebuilds an equal record. Optional tuples
keep the difference between None and empty (``csv_content_types`` None means "no
CaptureContentTypeHeader", which changes how capture encodes bodies).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plimsoll.metadata.serving_entities import (
    ContainerSpec,
    DataCaptureSpec,
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    ModelRecord,
    VariantSpec,
    VariantState,
)

DOCUMENT_VERSION = 1
"""Stamped in every document (key ``v``), so a later layout can read older rows."""


def model_to_document(model: ModelRecord) -> dict[str, Any]:
    """JSON-ready form of ``model``."""
    return {
        "v": DOCUMENT_VERSION,
        "name": model.name,
        "arn": model.arn,
        "container": {
            "image": model.container.image,
            "model_data_url": model.container.model_data_url,
            "environment": dict(model.container.environment),
        },
        "execution_role_arn": model.execution_role_arn,
        "creation_time": model.creation_time.isoformat(),
        "tags": _tags_out(model.tags),
    }


def model_from_document(doc: Mapping[str, Any]) -> ModelRecord:
    """Inverse of :func:`model_to_document`."""
    container = doc["container"]
    return ModelRecord(
        name=doc["name"],
        arn=doc["arn"],
        container=ContainerSpec(
            image=container["image"],
            model_data_url=container.get("model_data_url"),
            environment=dict(container.get("environment") or {}),
        ),
        execution_role_arn=doc.get("execution_role_arn"),
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        tags=_tags_in(doc.get("tags")),
    )


def endpoint_config_to_document(config: EndpointConfigRecord) -> dict[str, Any]:
    """JSON-ready form of ``config``."""
    capture = config.data_capture
    return {
        "v": DOCUMENT_VERSION,
        "name": config.name,
        "arn": config.arn,
        "variants": [dataclasses.asdict(variant) for variant in config.variants],
        "data_capture": _capture_out(capture) if capture is not None else None,
        "creation_time": config.creation_time.isoformat(),
        "kms_key_id": config.kms_key_id,
        "tags": _tags_out(config.tags),
    }


def endpoint_config_from_document(doc: Mapping[str, Any]) -> EndpointConfigRecord:
    """Inverse of :func:`endpoint_config_to_document`."""
    capture = doc.get("data_capture")
    return EndpointConfigRecord(
        name=doc["name"],
        arn=doc["arn"],
        variants=tuple(VariantSpec(**variant) for variant in doc["variants"]),
        data_capture=_capture_in(capture) if capture is not None else None,
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        kms_key_id=doc.get("kms_key_id"),
        tags=_tags_in(doc.get("tags")),
    )


def endpoint_to_document(endpoint: EndpointRecord) -> dict[str, Any]:
    """JSON-ready form of ``endpoint``."""
    return {
        "v": DOCUMENT_VERSION,
        "name": endpoint.name,
        "arn": endpoint.arn,
        "config_name": endpoint.config_name,
        "status": endpoint.status.value,
        "creation_time": endpoint.creation_time.isoformat(),
        "last_modified_time": endpoint.last_modified_time.isoformat(),
        "failure_reason": endpoint.failure_reason,
        "variants": [dataclasses.asdict(variant) for variant in endpoint.variants],
        "tags": _tags_out(endpoint.tags),
    }


def endpoint_from_document(doc: Mapping[str, Any]) -> EndpointRecord:
    """Inverse of :func:`endpoint_to_document`."""
    return EndpointRecord(
        name=doc["name"],
        arn=doc["arn"],
        config_name=doc["config_name"],
        status=EndpointStatus(doc["status"]),
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        last_modified_time=datetime.fromisoformat(doc["last_modified_time"]),
        failure_reason=doc.get("failure_reason"),
        variants=tuple(VariantState(**variant) for variant in doc.get("variants", ())),
        tags=_tags_in(doc.get("tags")),
    )


def _capture_out(capture: DataCaptureSpec) -> dict[str, Any]:
    raw = dataclasses.asdict(capture)
    for key in ("csv_content_types", "json_content_types", "capture_options"):
        raw[key] = list(raw[key]) if raw[key] is not None else None
    return raw


def _capture_in(raw: Mapping[str, Any]) -> DataCaptureSpec:
    data = dict(raw)
    for key in ("csv_content_types", "json_content_types", "capture_options"):
        if data.get(key) is not None:
            data[key] = tuple(data[key])
    return DataCaptureSpec(**data)


def _tags_out(tags: tuple[Mapping[str, str], ...]) -> list[dict[str, str]]:
    return [dict(tag) for tag in tags]


def _tags_in(raw: Any) -> tuple[Mapping[str, str], ...]:
    return tuple(dict(tag) for tag in raw or ())
