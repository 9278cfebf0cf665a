"""An index on ``cep_alert_changes.recorded_at``: the retention sweep finds the tenants with changes older
than the retention directly, oldest first, instead of walking every tenant in rounds.

Revision ID: 0011_cep_changes_recorded_index
Revises: 0010_cep_history_retention
"""

from __future__ import annotations

from alembic import op

revision = "0011_cep_changes_recorded_index"
down_revision = "0010_cep_history_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ix_cep_alert_changes_recorded``."""
    op.create_index("ix_cep_alert_changes_recorded", "cep_alert_changes", ["recorded_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_cep_alert_changes_recorded", table_name="cep_alert_changes")
