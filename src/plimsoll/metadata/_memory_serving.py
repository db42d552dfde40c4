"""The serving half of the in-memory metadata store: models, endpoint configs, endpoints."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from plimsoll.errors import ResourceInUse, ResourceNotFound
from plimsoll.metadata._messages import serving_in_use_message, serving_not_found_message
from plimsoll.metadata._paging import NAME_AND_TIME_SORT_FIELDS, SORT_FIELDS, paginate
from plimsoll.metadata.serving_base import ServingStore
from plimsoll.metadata.serving_entities import (
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    ModelRecord,
    ResourceQuery,
)

MODEL = "model"
ENDPOINT_CONFIG = "endpoint configuration"
ENDPOINT = "endpoint"


class _Record(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def arn(self) -> str: ...

    @property
    def creation_time(self) -> datetime: ...


R = TypeVar("R", bound=_Record)


class _Table(Generic[R]):
    """One kind of record by name; callers hold the store's lock."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rows: dict[str, R] = {}

    def add(self, record: R) -> None:
        if record.name in self.rows:
            raise ResourceInUse(serving_in_use_message(self.kind, self.rows[record.name].arn))
        self.rows[record.name] = record

    def get(self, name: str) -> R:
        try:
            return self.rows[name]
        except KeyError:
            raise ResourceNotFound(serving_not_found_message(self.kind, name)) from None

    def remove(self, name: str) -> None:
        self.get(name)
        del self.rows[name]


class MemoryServingStore(ServingStore):
    """Serving records in dicts behind one lock; mixed into ``MemoryMetadataStore``."""

    def __init__(self) -> None:
        self._serving_lock = threading.Lock()
        self._models = _Table[ModelRecord](MODEL)
        self._configs = _Table[EndpointConfigRecord](ENDPOINT_CONFIG)
        self._endpoints = _Table[EndpointRecord](ENDPOINT)

    def create_model(self, model: ModelRecord) -> None:
        with self._serving_lock:
            self._models.add(model)

    def get_model(self, name: str) -> ModelRecord:
        with self._serving_lock:
            return self._models.get(name)

    def delete_model(self, name: str) -> None:
        with self._serving_lock:
            self._models.remove(name)

    def list_models(self, query: ResourceQuery) -> tuple[list[ModelRecord], str | None]:
        with self._serving_lock:
            models = list(self._models.rows.values())
        return paginate(_matching(models, query), query, NAME_AND_TIME_SORT_FIELDS)

    def create_endpoint_config(self, config: EndpointConfigRecord) -> None:
        with self._serving_lock:
            self._configs.add(config)

    def get_endpoint_config(self, name: str) -> EndpointConfigRecord:
        with self._serving_lock:
            return self._configs.get(name)

    def delete_endpoint_config(self, name: str) -> None:
        with self._serving_lock:
            self._configs.remove(name)

    def list_endpoint_configs(
        self, query: ResourceQuery
    ) -> tuple[list[EndpointConfigRecord], str | None]:
        with self._serving_lock:
            configs = list(self._configs.rows.values())
        return paginate(_matching(configs, query), query, NAME_AND_TIME_SORT_FIELDS)

    def create_endpoint(self, endpoint: EndpointRecord) -> None:
        with self._serving_lock:
            self._endpoints.add(endpoint)

    def get_endpoint(self, name: str) -> EndpointRecord:
        with self._serving_lock:
            return self._endpoints.get(name)

    def delete_endpoint(self, name: str) -> None:
        with self._serving_lock:
            self._endpoints.remove(name)

    def list_endpoints(self, query: ResourceQuery) -> tuple[list[EndpointRecord], str | None]:
        with self._serving_lock:
            endpoints = list(self._endpoints.rows.values())
        if query.status_equals is not None:
            endpoints = [e for e in endpoints if e.status.value == query.status_equals]
        return paginate(_matching(endpoints, query), query, SORT_FIELDS)

    def save_endpoint(
        self, endpoint: EndpointRecord, *, expected_status: tuple[EndpointStatus, ...] | None = None
    ) -> EndpointRecord | None:
        with self._serving_lock:
            current = self._endpoints.get(endpoint.name)
            if expected_status is not None and current.status not in expected_status:
                return None
            self._endpoints.rows[endpoint.name] = endpoint
            return endpoint


def _matching(records: Iterable[R], query: ResourceQuery) -> list[R]:
    """``records`` passing the name and creation-time filters of ``query``."""
    needle = query.name_contains.lower() if query.name_contains else None
    after, before = query.creation_time_after, query.creation_time_before
    return [
        r
        for r in records
        if (needle is None or needle in r.name.lower())
        and (after is None or r.creation_time > after)
        and (before is None or r.creation_time < before)
    ]
