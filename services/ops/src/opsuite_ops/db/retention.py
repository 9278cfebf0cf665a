"""Retention of runs: what the background sweep (``opsuite_common.db.retention``) deletes.

A run's steps, tool calls and trace are columns of its own ``ops_runs`` row (JSON text), so one row is all
there is to delete. Runs still ``running`` are never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.db import Purge, delete_batch_where

from .models import RunRow

__all__ = ["run_purge"]


def run_purge(retention_s: float) -> Purge:
    """Runs that finished more than ``retention_s`` ago (0: none)."""

    async def delete(session: AsyncSession, cutoff: datetime, limit: int) -> int:
        where = [RunRow.finished_at < cutoff, RunRow.status != "running"]
        return await delete_batch_where(session, RunRow, where, limit)

    return Purge("ops_runs", retention_s, delete)
