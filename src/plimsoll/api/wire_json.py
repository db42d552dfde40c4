"""JSON of SageMaker's AWS JSON 1.1 protocol: timestamps as epoch seconds, blobs as base64."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from plimsoll.api.shapes import unwrap_type

AMZ_JSON = "application/x-amz-json-1.1"
"""The media type of requests and answers."""


def dumps(value: Any) -> str:
    """``value`` as wire JSON; naive datetimes are taken as UTC."""
    return json.dumps(value, default=_encode)


def decode_timestamps(shape: Any, value: Any) -> Any:
    """``value`` with every member ``shape`` declares a timestamp turned into an aware
    ``datetime`` (from epoch seconds or ISO 8601); other members are left as they are."""
    target = unwrap_type(shape)
    if value is None:
        return None
    if target is datetime:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return value
    if isinstance(target, type) and issubclass(target, BaseModel) and isinstance(value, dict):
        fields = target.model_fields
        return {
            k: decode_timestamps(fields[k].annotation, v) if k in fields else v
            for k, v in value.items()
        }
    if get_origin(target) is list and isinstance(value, list):
        item = get_args(target)[0]
        return [decode_timestamps(item, v) for v in value]
    if get_origin(target) is dict and isinstance(value, dict):
        item = get_args(target)[1]
        return {k: decode_timestamps(item, v) for k, v in value.items()}
    return value


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
