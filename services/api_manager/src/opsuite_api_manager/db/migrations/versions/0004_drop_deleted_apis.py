"""DeleteApi deletes an API and its versions; the rows earlier soft deletes left are removed.

Revision ID: 0004_am_drop_deleted_apis
Revises: 0003_am_execution_retention
"""

from __future__ import annotations

from alembic import op

revision = "0004_am_drop_deleted_apis"
down_revision = "0003_am_execution_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Delete the soft-deleted APIs (``deleted_at`` set) and their versions: nothing read them."""
    op.execute("DELETE FROM am_api_versions WHERE api_id IN (SELECT id FROM am_apis WHERE deleted_at IS NOT NULL)")
    op.execute("DELETE FROM am_apis WHERE deleted_at IS NOT NULL")


def downgrade() -> None:
    """Nothing to restore (the deleted rows were unreachable)."""
