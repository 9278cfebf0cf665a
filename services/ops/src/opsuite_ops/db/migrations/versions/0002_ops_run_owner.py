"""Runs record the instance that ran them, so a restart can abort only its own running runs.

Revision ID: 0002_ops_run_owner
Revises: 0001_ops_runs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_ops_run_owner"
down_revision = "0001_ops_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``ops_runs.owner`` and an index to find one owner's running runs."""
    with op.batch_alter_table("ops_runs") as batch:
        batch.add_column(sa.Column("owner", sa.String(128), nullable=False, server_default=""))
    op.create_index("ix_ops_runs_owner_status", "ops_runs", ["owner", "status"])


def downgrade() -> None:
    """Drop ``ops_runs.owner``."""
    op.drop_index("ix_ops_runs_owner_status", table_name="ops_runs")
    with op.batch_alter_table("ops_runs") as batch:
        batch.drop_column("owner")
