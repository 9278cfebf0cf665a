"""The outbox keeps the trace context of the work that queued each notification, so its delivery (and the
calls the delivery makes to api_manager or ops) joins the trace of the PublishEvents that raised the alert.

Revision ID: 0009_cep_notification_trace
Revises: 0008_cep_explicit_group_by
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_cep_notification_trace"
down_revision = "0008_cep_explicit_group_by"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``cep_notifications.trace_context`` ("" for the notifications already queued: new traces)."""
    with op.batch_alter_table("cep_notifications") as batch:
        batch.add_column(sa.Column("trace_context", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("cep_notifications") as batch:
        batch.drop_column("trace_context")
