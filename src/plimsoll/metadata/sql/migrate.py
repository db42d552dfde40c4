"""Brings a database's schema to the newest Alembic revision shipped inside the package."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Alembic's ``context`` and ``op`` are process-wide proxies: one migration at a time per process.
_ALEMBIC_LOCK = threading.Lock()
# Our own version table, so a database shared with other Alembic users stays unambiguous.
VERSION_TABLE = "plimsoll_alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations (no ``alembic.ini`` needed).

    With ``connection``, ``env.py`` runs the migrations on it (inside its transaction).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of Plimsoll."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it has never been migrated)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Applies every pending migration; a no-op when the database is current.

    Threads of one process take turns (Alembic's proxies are global). Processes may race too
    (a server and a CLI starting together): PostgreSQL serialises them with an advisory lock
    in ``env.py``; on SQLite the loser fails on the existing table and accepts the result.
    """
    head = head_revision()
    if current_revision(engine) == head:
        return
    with _ALEMBIC_LOCK:
        if current_revision(engine) == head:
            return
        logger.info("migrating metadata database %s to %s", _safe(engine), head)
        try:
            with engine.begin() as connection:
                command.upgrade(alembic_config(connection), "head")
        except SQLAlchemyError:
            if current_revision(engine) != head:
                raise
            logger.info("metadata database %s was migrated concurrently", _safe(engine))


def _safe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
