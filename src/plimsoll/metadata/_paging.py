"""ListProcessingJobs sorting and NextToken cursors, shared by every metadata store.

A token is the URL-safe base64 of a small JSON cursor: the sort it belongs to and the sort key
(value, name) of the last job on the page. The next page starts strictly after that key, so
pages neither overlap nor skip even when jobs are created between calls.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from plimsoll.errors import ValidationError
from plimsoll.metadata.entities import JobQuery, ProcessingJob

SORT_FIELDS: dict[str, str] = {"Name": "name", "CreationTime": "creation_time", "Status": "status"}
SORT_ORDERS = ("Ascending", "Descending")

SortValue = str | datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Cursor:
    """Where the previous page ended: the last job's sort value and name."""

    value: SortValue
    name: str


def sort_field(query: JobQuery) -> str:
    """The snake_case attribute ``query`` sorts by. Raises ``ValidationError`` if unknown."""
    if query.sort_order not in SORT_ORDERS:
        raise ValidationError(
            f"Value '{query.sort_order}' at 'sortOrder' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(SORT_ORDERS)}]"
        )
    try:
        return SORT_FIELDS[query.sort_by]
    except KeyError:
        raise ValidationError(
            f"Value '{query.sort_by}' at 'sortBy' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(SORT_FIELDS)}]"
        ) from None


def page_size(query: JobQuery) -> int:
    """``max_results``, checked. Raises ``ValidationError`` when below 1."""
    if query.max_results < 1:
        raise ValidationError(
            f"Value '{query.max_results}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    return query.max_results


def sort_value(job: ProcessingJob, field: str) -> SortValue:
    """The value of ``field`` (from :data:`SORT_FIELDS`) on ``job``."""
    if field == "name":
        return job.name
    if field == "status":
        return str(job.status.value)
    return job.creation_time


def encode_token(query: JobQuery, last: ProcessingJob) -> str:
    """The NextToken that continues ``query`` after ``last``."""
    value = sort_value(last, sort_field(query))
    raw = {
        "s": query.sort_by,
        "o": query.sort_order,
        "t": isinstance(value, datetime),
        "v": value.isoformat() if isinstance(value, datetime) else value,
        "n": last.name,
    }
    data = json.dumps(raw, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_token(query: JobQuery) -> Cursor | None:
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
