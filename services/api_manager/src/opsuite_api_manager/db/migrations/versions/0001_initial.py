"""Initial api_manager schema: data sources, APIs, API versions, executions.

Revision ID: 0001_am_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0001_am_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every am_ table."""
    op.create_table(
        "am_data_sources",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("url_encrypted", sa.Text, nullable=False),
        sa.Column("url_masked", sa.Text, nullable=False),
        sa.Column("dialect", sa.String(32), nullable=False),
        sa.Column("pool_size", sa.Integer, nullable=False),
        sa.Column("connect_timeout_s", sa.Float, nullable=False),
        sa.Column("statement_timeout_s", sa.Float, nullable=False),
        sa.Column("etag", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("tenant", "name", name="uq_am_data_sources_tenant_name"),
    )
    op.create_index("ix_am_data_sources_tenant", "am_data_sources", ["tenant"])
    op.create_table(
        "am_apis",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tags_text", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("expose_as_tool", sa.Boolean, nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("etag", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("updated_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        "uq_am_apis_tenant_name_live",
        "am_apis",
        ["tenant", "name"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "am_api_versions",
        sa.Column("api_id", sa.String(36), sa.ForeignKey("am_apis.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("change", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "am_executions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("api_id", sa.String(36), nullable=False),
        sa.Column("api_name", sa.String(128), nullable=False),
        sa.Column("api_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("caller", sa.String(256), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_reason", sa.String(64), nullable=False),
        sa.Column("error_message", sa.Text, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Float, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("request_id", sa.String(128), nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.String(36), nullable=True),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("logs", sa.JSON, nullable=False),
    )
    op.create_index("ix_am_executions_tenant_started", "am_executions", ["tenant", "started_at", "id"])
    op.create_index("ix_am_executions_tenant_api_started", "am_executions", ["tenant", "api_id", "started_at", "id"])


def downgrade() -> None:
    """Drop every am_ table."""
    op.drop_table("am_executions")
    op.drop_table("am_api_versions")
    op.drop_index("uq_am_apis_tenant_name_live", table_name="am_apis")
    op.drop_table("am_apis")
    op.drop_table("am_data_sources")
