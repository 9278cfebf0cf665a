"""ops runs

Revision ID: 0001_ops_runs
Revises:
Create Date: 2024-05-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0001_ops_runs"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("blocks_json", sa.Text(), nullable=False),
        sa.Column("references_json", sa.Text(), nullable=False),
        sa.Column("gaps_json", sa.Text(), nullable=False),
        sa.Column("trace_json", sa.Text(), nullable=False),
        sa.Column("planner", sa.String(32), nullable=False),
        sa.Column("error_reason", sa.String(64), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=False),
    )
    op.create_index("ix_ops_runs_tenant_created", "ops_runs", ["tenant", "created_at", "id"])
    op.create_index("ix_ops_runs_tenant_status_created", "ops_runs", ["tenant", "status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_ops_runs_tenant_status_created", table_name="ops_runs")
    op.drop_index("ix_ops_runs_tenant_created", table_name="ops_runs")
    op.drop_table("ops_runs")
