"""The embedded event log: acknowledged batches and clock readings, the checkpoint's log position, and the
per-tenant cursor of committed alert changes.

Revision ID: 0002_cep_event_log
Revises: 0001_cep_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_cep_event_log"
down_revision = "0001_cep_initial"
branch_labels = None
depends_on = None

_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create cep_event_log and cep_log_cursors; add cep_checkpoints.log_position."""
    op.create_table(
        "cep_event_log",
        sa.Column("seq", _BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("now", sa.Float(precision=53), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sqlite_autoincrement=True,  # a position is never reused, not even once a trim emptied the table
    )
    op.create_index("ix_cep_event_log_tenant_seq", "cep_event_log", ["tenant", "seq"])
    op.create_table(
        "cep_log_cursors",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("applied", sa.BigInteger, nullable=False),
    )
    op.add_column("cep_checkpoints", sa.Column("log_position", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("cep_checkpoints") as batch:
        batch.drop_column("log_position")
    op.drop_table("cep_log_cursors")
    op.drop_index("ix_cep_event_log_tenant_seq", table_name="cep_event_log")
    op.drop_table("cep_event_log")
