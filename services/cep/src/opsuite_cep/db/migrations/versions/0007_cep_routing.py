"""Alert routing: a tenant's routing config, and the alerts each group notification carries.

Revision ID: 0007_cep_routing
Revises: 0006_cep_expected_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0007_cep_routing"
down_revision = "0006_cep_expected_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create cep_routing and cep_notification_alerts."""
    op.create_table(
        "cep_routing",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("etag", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("updated_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "cep_notification_alerts",
        sa.Column("notification_id", sa.String(32), primary_key=True),
        sa.Column("alert_id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
    )
    op.create_index("ix_cep_notification_alerts_alert", "cep_notification_alerts", ["tenant", "alert_id"])


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_index("ix_cep_notification_alerts_alert", table_name="cep_notification_alerts")
    op.drop_table("cep_notification_alerts")
    op.drop_table("cep_routing")
