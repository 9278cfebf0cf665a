"""Runs record how complete their answer is: the answer status and its reasons.

Revision ID: 0003_ops_answer_status
Revises: 0002_ops_run_owner
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_ops_answer_status"
down_revision = "0002_ops_run_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``ops_runs.answer_status`` ("" for runs stored before it) and ``answer_reasons_json``."""
    with op.batch_alter_table("ops_runs") as batch:
        batch.add_column(sa.Column("answer_status", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("answer_reasons_json", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Drop the answer status columns."""
    with op.batch_alter_table("ops_runs") as batch:
        batch.drop_column("answer_reasons_json")
        batch.drop_column("answer_status")
