"""Serving tables: models, endpoint configs and endpoints (one JSON document per record).

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("models", "endpoint_configs", "endpoints")


def _columns(table: str) -> list[sa.Column[Any]]:
    status: list[sa.Column[Any]] = [sa.Column("status", sa.String(length=32), nullable=False)]
    return [
        *(status if table == "endpoints" else []),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("arn", sa.String(length=256), nullable=False),
        sa.Column("creation_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_modified_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    for table in TABLES:
        op.create_table(
            table, *_columns(table), sa.PrimaryKeyConstraint("name", name=op.f(f"pk_{table}"))
        )
        op.create_index(op.f(f"ix_{table}_creation_time"), table, ["creation_time"])
    op.create_index(op.f("ix_endpoints_status"), "endpoints", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_endpoints_status"), table_name="endpoints")
    for table in reversed(TABLES):
        op.drop_index(op.f(f"ix_{table}_creation_time"), table_name=table)
        op.drop_table(table)
