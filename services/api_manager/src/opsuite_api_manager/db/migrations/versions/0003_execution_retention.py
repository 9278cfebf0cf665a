"""The execution log's retention sweep finds old executions by ``started_at`` across tenants.

Revision ID: 0003_am_execution_retention
Revises: 0002_am_execution_owner
"""

from __future__ import annotations

from alembic import op

revision = "0003_am_execution_retention"
down_revision = "0002_am_execution_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index ``am_executions.started_at``."""
    op.create_index("ix_am_executions_started", "am_executions", ["started_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_am_executions_started", table_name="am_executions")
