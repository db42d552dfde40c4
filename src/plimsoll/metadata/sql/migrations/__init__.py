"""Alembic migrations of the metadata schema (a package so that it ships in the wheel)."""

from __future__ import annotations

__all__: list[str] = []
