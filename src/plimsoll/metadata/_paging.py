"""List* sorting and NextToken cursors, shared by every metadata store and record kind.

A token is the URL-safe base64 of a small JSON cursor: the sort it belongs to and the sort key
(value, name) of the last record on the page. The next page starts strictly after that key, so
pages neither overlap nor skip even when records are created between calls.

The functions take any query with ``sort_by``/``sort_order``/``max_results``/``next_token``
(:class:`PageQuery`: ``JobQuery``, ``ResourceQuery``) and any record with ``name`` and
``creation_time`` (and ``status`` when sorting by it); ``fields`` names the sorts a list allows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol, TypeVar

from plimsoll.errors import ValidationError

SORT_FIELDS: Mapping[str, str] = {
    "Name": "name",
    "CreationTime": "creation_time",
    "Status": "status",
}
"""Wire SortBy -> record attribute, for lists sortable by status (jobs, endpoints)."""

NAME_AND_TIME_SORT_FIELDS: Mapping[str, str] = {"Name": "name", "CreationTime": "creation_time"}
"""Wire SortBy -> record attribute, for lists of records without a status (models, configs)."""

SORT_ORDERS = ("Ascending", "Descending")

SortValue = str | datetime


class PageQuery(Protocol):
    """The sorting and paging part of a List* query."""

    @property
    def sort_by(self) -> str: ...

    @property
    def sort_order(self) -> str: ...

    @property
    def max_results(self) -> int: ...

    @property
    def next_token(self) -> str | None: ...


class Listed(Protocol):
    """A record that can be listed: named and timestamped."""

    @property
    def name(self) -> str: ...

    @property
    def creation_time(self) -> datetime: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Cursor:
    """Where the previous page ended: the last job's sort value and name."""

    value: SortValue
    name: str


def sort_field(query: PageQuery, fields: Mapping[str, str] = SORT_FIELDS) -> str:
    """The snake_case attribute ``query`` sorts by. Raises ``ValidationError`` if unknown."""
    if query.sort_order not in SORT_ORDERS:
        raise ValidationError(
            f"Value '{query.sort_order}' at 'sortOrder' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(SORT_ORDERS)}]"
        )
    try:
        return fields[query.sort_by]
    except KeyError:
        raise ValidationError(
            f"Value '{query.sort_by}' at 'sortBy' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(fields)}]"
        ) from None


R = TypeVar("R", bound=Listed)


def paginate(
    records: Iterable[R], query: PageQuery, fields: Mapping[str, str] = SORT_FIELDS
) -> tuple[list[R], str | None]:
    """One page of ``records`` (already filtered) in ``query``'s order, and the next token.

    The in-memory twin of the SQL stores' keyset queries: sorted by (sort value, name), the
    page starts strictly after the cursor in ``query.next_token``.

    Raises:
        ValidationError: unknown sort, bad page size or bad token.
    """
    field = sort_field(query, fields)
    limit = page_size(query)
    cursor = decode_token(query)
    descending = query.sort_order == "Descending"

    def key(record: R) -> tuple[SortValue, str]:
        return (sort_value(record, field), record.name)

    ordered = sorted(records, key=key, reverse=descending)
    if cursor is not None:
        after = (cursor.value, cursor.name)
        ordered = [r for r in ordered if (key(r) < after if descending else key(r) > after)]
    page = ordered[:limit]
    return page, (encode_token(query, page[-1], fields) if len(ordered) > limit else None)


def page_size(query: PageQuery) -> int:
    """``max_results``, checked. Raises ``ValidationError`` when below 1."""
    if query.max_results < 1:
        raise ValidationError(
            f"Value '{query.max_results}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    return query.max_results


def sort_value(record: Listed, field: str) -> SortValue:
    """The value of ``field`` (from :data:`SORT_FIELDS`) on ``record``."""
    if field == "name":
        return record.name
    if field == "status":
        status = getattr(record, "status")  # noqa: B009 - only records with a status get here
        return str(status.value) if isinstance(status, Enum) else str(status)
    return record.creation_time


def encode_token(query: PageQuery, last: Listed, fields: Mapping[str, str] = SORT_FIELDS) -> str:
    """The NextToken that continues ``query`` after ``last``."""
    value = sort_value(last, sort_field(query, fields))
    raw = {
        "s": query.sort_by,
        "o": query.sort_order,
        "t": isinstance(value, datetime),
        "v": value.isoformat() if isinstance(value, datetime) else value,
        "n": last.name,
    }
    data = json.dumps(raw, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_token(query: PageQuery) -> Cursor | None:
    """The cursor in ``query.next_token`` (None without one).

    Raises:
        ValidationError: the token is malformed or was issued for another sort.
    """
    token = query.next_token
    if token is None:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if raw["s"] != query.sort_by or raw["o"] != query.sort_order:
            raise ValueError("token was issued for another sort order")
        value: SortValue = datetime.fromisoformat(raw["v"]) if raw["t"] else str(raw["v"])
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("naive timestamp")
        return Cursor(value=value, name=str(raw["n"]))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ValidationError(f"Invalid NextToken '{token}': {exc}") from exc
