"""Executions record the instance that ran them, so a restart can abort only its own RUNNING runs.

Revision ID: 0002_am_execution_owner
Revises: 0001_am_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_am_execution_owner"
down_revision = "0001_am_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``am_executions.owner`` and an index to find one owner's RUNNING records."""
    with op.batch_alter_table("am_executions") as batch:
        batch.add_column(sa.Column("owner", sa.String(128), nullable=False, server_default=""))
    op.create_index("ix_am_executions_owner_status", "am_executions", ["owner", "status"])


def downgrade() -> None:
    """Drop ``am_executions.owner``."""
    op.drop_index("ix_am_executions_owner_status", table_name="am_executions")
    with op.batch_alter_table("am_executions") as batch:
        batch.drop_column("owner")
