"""Absent keys: the key list an ABSENCE rule reads from an api_manager API, with its refresh status.

Revision ID: 0006_cep_expected_keys
Revises: 0005_cep_partition_epochs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0006_cep_expected_keys"
down_revision = "0005_cep_partition_epochs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create cep_expected_keys."""
    op.create_table(
        "cep_expected_keys",
        sa.Column("rule_id", sa.String(32), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False, index=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("keys", sa.Text, nullable=False, server_default="[]"),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("truncated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("refreshed_at", UTCDateTime(), nullable=True),
        sa.Column("attempted_at", UTCDateTime(), nullable=True),
        sa.Column("next_refresh_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_table("cep_expected_keys")
