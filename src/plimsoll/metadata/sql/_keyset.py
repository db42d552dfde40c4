"""Keyset pagination in SQL: sort keys that order as Python does, and "strictly after" filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from plimsoll.metadata._paging import Cursor


def sort_key(column: InstrumentedAttribute[Any], dialect: str) -> ColumnElement[Any]:
    """``column`` as it sorts: text in byte order on every database (as in Python)."""
    if dialect == "postgresql" and isinstance(column.type, String):
        return column.collate("C")
    return column.expression


def sort_keys(
    column: InstrumentedAttribute[Any], name: InstrumentedAttribute[Any], dialect: str
) -> list[ColumnElement[Any]]:
    """The ORDER BY keys of a list sorted by ``column``: ties broken by ``name``."""
    if column is name:
        return [sort_key(name, dialect)]
    return [sort_key(column, dialect), sort_key(name, dialect)]


def after(
    keys: list[ColumnElement[Any]], cursor: Cursor, *, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly past ``cursor`` in the sort direction: ``keys`` are (sort column, name)
    or just (name,)."""
    if len(keys) == 1:
        return keys[0] < cursor.name if descending else keys[0] > cursor.name
    column, name = keys
    if descending:
        return or_(column < cursor.value, and_(column == cursor.value, name < cursor.name))
    return or_(column > cursor.value, and_(column == cursor.value, name > cursor.name))
