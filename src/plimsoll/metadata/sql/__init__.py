"""SQL metadata store: SQLAlchemy models, the store, engines and Alembic migrations."""

from __future__ import annotations

from plimsoll.metadata.sql.engine import make_engine
from plimsoll.metadata.sql.migrate import upgrade_to_head
from plimsoll.metadata.sql.store import SqlMetadataStore

__all__ = ["SqlMetadataStore", "make_engine", "upgrade_to_head"]
