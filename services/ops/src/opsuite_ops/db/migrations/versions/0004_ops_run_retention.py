"""The runs' retention sweep finds old runs by ``finished_at`` across tenants.

Revision ID: 0004_ops_run_retention
Revises: 0003_ops_answer_status
"""

from __future__ import annotations

from alembic import op

revision = "0004_ops_run_retention"
down_revision = "0003_ops_answer_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index ``ops_runs.finished_at`` (without it each sweep batch read the whole table)."""
    op.create_index("ix_ops_runs_finished", "ops_runs", ["finished_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_ops_runs_finished", table_name="ops_runs")
