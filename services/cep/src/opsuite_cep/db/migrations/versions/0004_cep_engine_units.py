"""Engine units: a tenant's checkpoint and log cursor are kept per engine unit (``""`` for the one engine
of a tenant; ``p<partition>.<scope>`` when replicas share the partitions of the event stream).

Revision ID: 0004_cep_engine_units
Revises: 0003_cep_schedule_state
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from opsuite_common.db import UTCDateTime

revision = "0004_cep_engine_units"
down_revision = "0003_cep_schedule_state"
branch_labels = None
depends_on = None


def _checkpoints(name: str, with_unit: bool) -> None:
    cols: list[sa.Column[Any]] = [
        sa.Column("tenant", sa.String(128), primary_key=True),
        *([sa.Column("unit", sa.String(32), primary_key=True)] if with_unit else []),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("log_position", sa.BigInteger, nullable=False, server_default="0"),
    ]
    op.create_table(name, *cols)


def _cursors(name: str, with_unit: bool) -> None:
    cols: list[sa.Column[Any]] = [
        sa.Column("tenant", sa.String(128), primary_key=True),
        *([sa.Column("unit", sa.String(32), primary_key=True)] if with_unit else []),
        sa.Column("applied", sa.BigInteger, nullable=False),
    ]
    op.create_table(name, *cols)


def upgrade() -> None:
    """Rebuild cep_checkpoints and cep_log_cursors with ``unit`` in their primary key (rows kept, unit "")."""
    _checkpoints("cep_checkpoints_units", True)
    op.execute(
        "INSERT INTO cep_checkpoints_units (tenant, unit, snapshot, updated_at, log_position) "
        "SELECT tenant, '', snapshot, updated_at, log_position FROM cep_checkpoints"
    )
    op.drop_table("cep_checkpoints")
    op.rename_table("cep_checkpoints_units", "cep_checkpoints")
    _cursors("cep_log_cursors_units", True)
    op.execute("INSERT INTO cep_log_cursors_units (tenant, unit, applied) SELECT tenant, '', applied FROM cep_log_cursors")
    op.drop_table("cep_log_cursors")
    op.rename_table("cep_log_cursors_units", "cep_log_cursors")


def downgrade() -> None:
    """Back to one row per tenant (the units of replicas are dropped)."""
    _checkpoints("cep_checkpoints_tenant", False)
    op.execute(
        "INSERT INTO cep_checkpoints_tenant (tenant, snapshot, updated_at, log_position) "
        "SELECT tenant, snapshot, updated_at, log_position FROM cep_checkpoints WHERE unit = ''"
    )
    op.drop_table("cep_checkpoints")
    op.rename_table("cep_checkpoints_tenant", "cep_checkpoints")
    _cursors("cep_log_cursors_tenant", False)
    op.execute("INSERT INTO cep_log_cursors_tenant (tenant, applied) SELECT tenant, applied FROM cep_log_cursors WHERE unit = ''")
    op.drop_table("cep_log_cursors")
    op.rename_table("cep_log_cursors_tenant", "cep_log_cursors")
