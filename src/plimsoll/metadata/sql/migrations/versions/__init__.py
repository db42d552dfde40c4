"""Alembic revision scripts, one per schema change, applied in order."""

from __future__ import annotations

__all__: list[str] = []
