"""Model Monitor tables: job definitions, schedules and executions (one JSON document each).

Revision ID: 0003
Revises: 0002
Create Date: 2025-03-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFINITIONS = "monitoring_job_definitions"
SCHEDULES = "monitoring_schedules"
EXECUTIONS = "monitoring_executions"

# table -> indexed columns, in creation order.
INDEXES = {
    DEFINITIONS: ("creation_time", "endpoint_name"),
    SCHEDULES: ("creation_time", "endpoint_name", "job_definition_name", "status"),
    EXECUTIONS: ("creation_time", "endpoint_name", "schedule_name", "scheduled_time", "status"),
}


def _time(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        DEFINITIONS,
        _text("name", 63),
        _text("arn", 256),
        _text("monitoring_type", 32),
        _text("endpoint_name", 63, nullable=True),
        _time("creation_time"),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f(f"pk_{DEFINITIONS}")),
    )
    op.create_table(
        SCHEDULES,
        _text("name", 63),
        _text("arn", 256),
        _text("status", 32),
        _text("monitoring_type", 32),
        _text("endpoint_name", 63, nullable=True),
        _text("job_definition_name", 63, nullable=True),
        _time("creation_time"),
        _time("last_modified_time"),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f(f"pk_{SCHEDULES}")),
    )
    op.create_table(
        EXECUTIONS,
        _text("execution_id", 128),
        _text("schedule_name", 63),
        _text("status", 32),
        _text("monitoring_type", 32),
        _text("endpoint_name", 63, nullable=True),
        _text("job_definition_name", 63, nullable=True),
        _time("scheduled_time"),
        _time("creation_time"),
        _time("last_modified_time"),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("execution_id", name=op.f(f"pk_{EXECUTIONS}")),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    for table in reversed(list(INDEXES)):
        for column in reversed(INDEXES[table]):
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
