"""The retention sweep (``OPSUITE_CEP_HISTORY_RETENTION_S``): indexes to find old rows, the wall clock of
each alert change (``at`` is event time), and how far each tenant's change history was deleted.

Changes recorded before this revision get its time as ``recorded_at``: they are kept one retention from now.

Revision ID: 0010_cep_history_retention
Revises: 0009_cep_notification_trace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime, utcnow

revision = "0010_cep_history_retention"
down_revision = "0009_cep_notification_trace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``cep_alert_changes.recorded_at``, ``cep_sequences.purged_through`` and the sweep's indexes."""
    with op.batch_alter_table("cep_alert_changes") as batch:
        batch.add_column(sa.Column("recorded_at", UTCDateTime(), nullable=True))
    changes = sa.table("cep_alert_changes", sa.column("recorded_at", UTCDateTime()))
    op.execute(changes.update().values(recorded_at=utcnow()))
    with op.batch_alter_table("cep_sequences") as batch:
        batch.add_column(sa.Column("purged_through", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index("ix_cep_alerts_state_updated", "cep_alerts", ["state", "updated_at"])
    op.create_index("ix_cep_notifications_status_created", "cep_notifications", ["status", "created_at"])
    op.create_index("ix_cep_deliveries_at", "cep_deliveries", ["at"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_cep_deliveries_at", table_name="cep_deliveries")
    op.drop_index("ix_cep_notifications_status_created", table_name="cep_notifications")
    op.drop_index("ix_cep_alerts_state_updated", table_name="cep_alerts")
    with op.batch_alter_table("cep_sequences") as batch:
        batch.drop_column("purged_through")
    with op.batch_alter_table("cep_alert_changes") as batch:
        batch.drop_column("recorded_at")
