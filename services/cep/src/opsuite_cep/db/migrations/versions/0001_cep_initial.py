"""Initial cep schema: rules, alerts, alert changes, outbox, delivery log, channels, silences, checkpoints.

Revision ID: 0001_cep_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0001_cep_initial"
down_revision = None
branch_labels = None
depends_on = None

_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create every cep_ table."""
    op.create_table(
        "cep_rules",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("etag", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("updated_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("tenant", "name", name="uq_cep_rules_tenant_name"),
    )
    op.create_index("ix_cep_rules_tenant", "cep_rules", ["tenant"])
    op.create_table(
        "cep_alerts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(128), nullable=False),
        sa.Column("rule_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("labels", sa.Text, nullable=False),
        sa.Column("annotations", sa.Text, nullable=False),
        sa.Column("values", sa.Text, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=True),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged", sa.Boolean, nullable=False),
        sa.Column("acknowledged_by", sa.String(256), nullable=False),
        sa.Column("resolved_by", sa.String(256), nullable=False),
        sa.Column("silenced", sa.Boolean, nullable=False),
        sa.Column("investigation_id", sa.String(64), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("cursor", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_cep_alerts_tenant_fp", "cep_alerts", ["tenant", "fingerprint"])
    op.create_index("ix_cep_alerts_tenant_starts", "cep_alerts", ["tenant", "starts_at", "id"])
    op.create_table(
        "cep_sequences",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "cep_alert_changes",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("alert_id", sa.String(32), nullable=False),
        sa.Column("change", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
    )
    op.create_table(
        "cep_notifications",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("alert_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_cep_notifications_due", "cep_notifications", ["status", "next_attempt_at"])
    op.create_index("ix_cep_notifications_alert_id", "cep_notifications", ["alert_id"])
    op.create_table(
        "cep_deliveries",
        sa.Column("id", _BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("notification_id", sa.String(32), nullable=False),
        sa.Column("alert_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_cep_deliveries_notification_id", "cep_deliveries", ["notification_id"])
    op.create_index("ix_cep_deliveries_alert_id", "cep_deliveries", ["alert_id"])
    op.create_index("ix_cep_deliveries_channel_id", "cep_deliveries", ["channel_id"])
    op.create_table(
        "cep_channels",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("etag", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("updated_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("tenant", "name", name="uq_cep_channels_tenant_name"),
    )
    op.create_index("ix_cep_channels_tenant", "cep_channels", ["tenant"])
    op.create_table(
        "cep_silences",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("matchers", sa.Text, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_cep_silences_tenant", "cep_silences", ["tenant"])
    op.create_table(
        "cep_checkpoints",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop every cep_ table."""
    for table in (
        "cep_checkpoints",
        "cep_silences",
        "cep_channels",
        "cep_deliveries",
        "cep_notifications",
        "cep_alert_changes",
        "cep_sequences",
        "cep_alerts",
        "cep_rules",
    ):
        op.drop_table(table)
