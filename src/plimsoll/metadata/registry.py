"""Opens the metadata store named by a URL: ``memory://``, ``sqlite:///...``, ``postgresql...``."""

from __future__ import annotations

import logging

from plimsoll.errors import ConfigError
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.memory import MemoryMetadataStore

logger = logging.getLogger(__name__)

SQL_BACKENDS = ("sqlite", "postgresql")


def open_store(database_url: str) -> MetadataStore:
    """The store for ``database_url``, with its schema migrated to the newest revision.

    ``memory://`` gives a fresh in-process store. SQLite and PostgreSQL URLs (for example
    ``sqlite:////home/me/.plimsoll/plimsoll.db`` or ``postgresql+psycopg://user@host/db``)
    give a :class:`~plimsoll.metadata.sql.SqlMetadataStore`; the SQLite file's folder is
    created when missing.

    Raises:
        ConfigError: the URL is malformed, names another database, or the database cannot be
            reached or migrated.
    """
    if database_url in ("memory://", "memory:", "memory"):
        return MemoryMetadataStore()
    # SQLAlchemy and Alembic are imported only when a SQL store is asked for.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from plimsoll.metadata.sql import SqlMetadataStore, make_engine, upgrade_to_head

    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise ConfigError(f"database URL {database_url!r} is not a SQLAlchemy URL") from exc
    safe = url.render_as_string(hide_password=True)
    if url.get_backend_name() not in SQL_BACKENDS:
        raise ConfigError(
            f"database URL {safe!r}: unsupported database {url.get_backend_name()!r} "
            "(use memory://, sqlite:///PATH or postgresql+psycopg://...)"
        )
    try:
        engine = make_engine(url)
    except (ImportError, SQLAlchemyError, OSError) as exc:
        raise ConfigError(f"cannot use database {safe!r}: {exc}") from exc
    try:
        upgrade_to_head(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(f"cannot open or migrate database {safe!r}: {exc}") from exc
    logger.debug("metadata store at %s", safe)
    return SqlMetadataStore(engine)
