"""The serving half of the SQL metadata store: models, endpoint configs and endpoints.

Each record is one JSON document (``plimsoll.metadata.serving_codec``) in a row whose other
columns (name, arn, status, timestamps) are copies kept for filtering and keyset pagination.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, Engine, delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from plimsoll.errors import ResourceNotFound
from plimsoll.metadata._messages import serving_in_use_message, serving_not_found_message
from plimsoll.metadata._paging import (
    NAME_AND_TIME_SORT_FIELDS,
    SORT_FIELDS,
    decode_token,
    encode_token,
    page_size,
    sort_field,
)
from plimsoll.metadata.serving_base import ServingStore
from plimsoll.metadata.serving_codec import (
    endpoint_config_from_document,
    endpoint_config_to_document,
    endpoint_from_document,
    endpoint_to_document,
    model_from_document,
    model_to_document,
)
from plimsoll.metadata.serving_entities import (
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    ModelRecord,
    ResourceQuery,
)
from plimsoll.metadata.sql._keyset import after, sort_keys
from plimsoll.metadata.sql.models import EndpointConfigRow, EndpointRow, ModelRow, ServingRow

R = TypeVar("R", ModelRecord, EndpointConfigRecord, EndpointRecord)


@dataclass(frozen=True, slots=True)
class _Kind(Generic[R]):
    """How one kind of serving record maps to its table."""

    noun: str  # SageMaker's word in messages
    row: type[ServingRow]
    to_document: Callable[[R], dict[str, Any]]
    from_document: Callable[[Mapping[str, Any]], R]
    sort_fields: Mapping[str, str]

    def to_row(self, record: R) -> ServingRow:
        values: dict[str, Any] = {
            "name": record.name,
            "arn": record.arn,
            "creation_time": record.creation_time,
            "last_modified_time": getattr(record, "last_modified_time", record.creation_time),
            "document": _dumps(self.to_document(record)),
        }
        if isinstance(record, EndpointRecord):
            values["status"] = record.status.value
        return self.row(**values)

    def from_row(self, row: ServingRow) -> R:
        return self.from_document(json.loads(row.document))


_MODELS: _Kind[ModelRecord] = _Kind(
    "model", ModelRow, model_to_document, model_from_document, NAME_AND_TIME_SORT_FIELDS
)
_CONFIGS: _Kind[EndpointConfigRecord] = _Kind(
    "endpoint configuration",
    EndpointConfigRow,
    endpoint_config_to_document,
    endpoint_config_from_document,
    NAME_AND_TIME_SORT_FIELDS,
)
_ENDPOINTS: _Kind[EndpointRecord] = _Kind(
    "endpoint", EndpointRow, endpoint_to_document, endpoint_from_document, SORT_FIELDS
)


class SqlServingMixin(ServingStore):
    """Implements :class:`ServingStore` on the SQL store's engine and transactions."""

    _engine: Engine

    @abc.abstractmethod
    def _session(self, *, in_use: str = "") -> AbstractContextManager[Session]:
        """A transaction that turns an integrity error into ``ResourceInUse(in_use)``."""

    def create_model(self, model: ModelRecord) -> None:
        self._create(_MODELS, model)

    def get_model(self, name: str) -> ModelRecord:
        return self._get(_MODELS, name)

    def delete_model(self, name: str) -> None:
        self._delete(_MODELS, name)

    def list_models(self, query: ResourceQuery) -> tuple[list[ModelRecord], str | None]:
        return self._list(_MODELS, query)

    def create_endpoint_config(self, config: EndpointConfigRecord) -> None:
        self._create(_CONFIGS, config)

    def get_endpoint_config(self, name: str) -> EndpointConfigRecord:
        return self._get(_CONFIGS, name)

    def delete_endpoint_config(self, name: str) -> None:
        self._delete(_CONFIGS, name)

    def list_endpoint_configs(
        self, query: ResourceQuery
    ) -> tuple[list[EndpointConfigRecord], str | None]:
        return self._list(_CONFIGS, query)

    def create_endpoint(self, endpoint: EndpointRecord) -> None:
        self._create(_ENDPOINTS, endpoint)

    def get_endpoint(self, name: str) -> EndpointRecord:
        return self._get(_ENDPOINTS, name)

    def delete_endpoint(self, name: str) -> None:
        self._delete(_ENDPOINTS, name)

    def list_endpoints(self, query: ResourceQuery) -> tuple[list[EndpointRecord], str | None]:
        extra = [EndpointRow.status == query.status_equals] if query.status_equals else []
        return self._list(_ENDPOINTS, query, extra)

    def save_endpoint(
        self, endpoint: EndpointRecord, *, expected_status: tuple[EndpointStatus, ...] | None = None
    ) -> EndpointRecord | None:
        row = _ENDPOINTS.to_row(endpoint)
        values = {
            "arn": row.arn,
            "status": endpoint.status.value,
            "creation_time": row.creation_time,
            "last_modified_time": row.last_modified_time,
            "document": row.document,
        }
        statement = update(EndpointRow).where(EndpointRow.name == endpoint.name).values(**values)
        if expected_status is not None:
            statuses = [status.value for status in expected_status]
            statement = statement.where(EndpointRow.status.in_(statuses))
        statement = statement.execution_options(synchronize_session=False)
        with self._session() as session:
            result = cast(CursorResult[Any], session.execute(statement))
            if result.rowcount:
                return endpoint
            if session.get(EndpointRow, endpoint.name) is None:
                raise ResourceNotFound(serving_not_found_message("endpoint", endpoint.name))
            return None

    # -- shared by the three kinds -------------------------------------------------------------

    def _create(self, kind: _Kind[R], record: R) -> None:
        with self._session(in_use=serving_in_use_message(kind.noun, record.arn)) as session:
            session.add(kind.to_row(record))

    def _get(self, kind: _Kind[R], name: str) -> R:
        with self._session() as session:
            row = session.get(kind.row, name)
            if row is None:
                raise ResourceNotFound(serving_not_found_message(kind.noun, name))
            return kind.from_row(row)

    def _delete(self, kind: _Kind[R], name: str) -> None:
        statement = delete(kind.row).where(kind.row.name == name)
        with self._session() as session:
            result = cast(CursorResult[Any], session.execute(statement))
            if not result.rowcount:
                raise ResourceNotFound(serving_not_found_message(kind.noun, name))

    def _list(
        self,
        kind: _Kind[R],
        query: ResourceQuery,
        extra: list[ColumnElement[bool]] | None = None,
    ) -> tuple[list[R], str | None]:
        field = sort_field(query, kind.sort_fields)
        limit = page_size(query)
        cursor = decode_token(query)
        descending = query.sort_order == "Descending"
        table = kind.row
        column = cast(InstrumentedAttribute[Any], getattr(table, field))
        keys = sort_keys(column, table.name, self._engine.dialect.name)
        statement = select(table).where(*_filters(table, query), *(extra or []))
        if cursor is not None:
            statement = statement.where(after(keys, cursor, descending=descending))
        order = [key.desc() if descending else key.asc() for key in keys]
        statement = statement.order_by(*order).limit(limit + 1)
        with self._session() as session:
            records = [kind.from_row(row) for row in session.scalars(statement)]
        page = records[:limit]
        token = encode_token(query, page[-1], kind.sort_fields) if len(records) > limit else None
        return page, token


def _filters(table: type[ServingRow], query: ResourceQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.name_contains:
        needle = query.name_contains.lower()
        conditions.append(func.lower(table.name).contains(needle, autoescape=True))
    if query.creation_time_after is not None:
        conditions.append(table.creation_time > query.creation_time_after)
    if query.creation_time_before is not None:
        conditions.append(table.creation_time < query.creation_time_before)
    return conditions


def _dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True)
