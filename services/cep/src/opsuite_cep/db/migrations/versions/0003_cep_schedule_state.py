"""The stored plan of every SCHEDULE rule (next fire time and the claim of a due run), shared by every cep
scheduler on the database.

Revision ID: 0003_cep_schedule_state
Revises: 0002_cep_event_log
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0003_cep_schedule_state"
down_revision = "0002_cep_event_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create cep_schedule_state."""
    op.create_table(
        "cep_schedule_state",
        sa.Column("rule_id", sa.String(32), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("next_run_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(128), nullable=False, server_default=""),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_table("cep_schedule_state")
