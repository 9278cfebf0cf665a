"""Retention of the execution log: what the background sweep (``opsuite_common.db.retention``) deletes.

An execution's steps and log lines are JSON columns of its own ``am_executions`` row, and a workflow's nested
calls are executions of their own (``parent_id``), each ending before its parent; so one row is all there is
to delete. An execution ended at ``started_at + duration_ms``; RUNNING rows are never deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.db import Purge, UTCDateTime, delete_batch_where

from .models import ApiRow, ApiVersionRow, ExecutionRow

__all__ = ["deleted_api_purge", "execution_purge"]


def _ended_before(cutoff: datetime, sqlite: bool) -> ColumnElement[bool]:
    if sqlite:  # timestamps are UTC text there: compare Julian days
        ended = func.julianday(ExecutionRow.started_at) + ExecutionRow.duration_ms / 86_400_000.0
        return ended < func.julianday(literal(cutoff, UTCDateTime()))
    ended_pg = ExecutionRow.started_at + literal_column("interval '1 millisecond'") * ExecutionRow.duration_ms
    return ended_pg < literal(cutoff, UTCDateTime())


def execution_purge(retention_s: float) -> Purge:
    """Executions that ended more than ``retention_s`` ago (0: none)."""

    async def delete(session: AsyncSession, cutoff: datetime, limit: int) -> int:
        sqlite = session.get_bind().dialect.name == "sqlite"
        where = [
            ExecutionRow.started_at < cutoff,  # ix_am_executions_started narrows the scan to old rows
            ExecutionRow.status != "RUNNING",
            _ended_before(cutoff, sqlite),
        ]
        return await delete_batch_where(session, ExecutionRow, where, limit)

    return Purge("am_executions", retention_s, delete)


def deleted_api_purge(retention_s: float) -> Purge:
    """APIs soft-deleted (``deleted_at``) more than ``retention_s`` ago, with their versions. DeleteApi deletes
    both at once since migration 0004; a replica still on the older code leaves such rows during a rolling
    upgrade, and nothing reads them."""

    async def delete_batch(session: AsyncSession, cutoff: datetime, limit: int) -> int:
        ids = list((await session.execute(select(ApiRow.id).where(ApiRow.deleted_at < cutoff).limit(limit))).scalars())
        if not ids:
            return 0
        await session.execute(delete(ApiVersionRow).where(ApiVersionRow.api_id.in_(ids)))
        result = await session.execute(delete(ApiRow).where(ApiRow.id.in_(ids), ApiRow.deleted_at < cutoff))
        return max(0, cast(CursorResult[Any], result).rowcount or 0)  # a concurrent sweep's rows are not counted

    return Purge("am_apis (deleted)", retention_s, delete_batch)
