"""Fencing of partition owners: the epoch of every partition of the event stream, raised by each owner
that starts running it; checkpoints of the partition are written only under the current epoch.

Revision ID: 0005_cep_partition_epochs
Revises: 0004_cep_engine_units
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0005_cep_partition_epochs"
down_revision = "0004_cep_engine_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create cep_partition_epochs."""
    op.create_table(
        "cep_partition_epochs",
        sa.Column("partition", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("epoch", sa.BigInteger, nullable=False),
        sa.Column("owner", sa.String(256), nullable=False, server_default=""),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_table("cep_partition_epochs")
