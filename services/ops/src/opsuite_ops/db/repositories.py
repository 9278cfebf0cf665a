"""Repositories of ops: :class:`RunRepository` is bound to a session and the caller's tenant.

Every query filters by the tenant, so another tenant's run is NotFoundError and its existence is not
revealed. The use cases in ``app/`` own the session (one transaction per use case) and the page tokens:
``list_runs(limit, after)`` returns up to ``limit + 1`` rows after the keyset ``after``, the extra one
telling that another page follows. :class:`InstanceRuns` (bound to the session only) serves the start-up
clean-up of one instance's runs, whatever their tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy import delete as sa_delete
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.db import utcnow
from opsuite_common.errors import NotFoundError
from opsuite_ops.db.models import RunRow

__all__ = ["InstanceRuns", "RunRepository"]


class RunRepository:
    """Runs of one tenant in ``ops_runs``."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant

    async def add(self, row: RunRow) -> None:
        """Insert a run (its running row, or a finished one)."""
        row.tenant = self.tenant
        self.s.add(row)
        await self.s.flush()

    async def replace(self, row: RunRow) -> None:
        """Overwrite the stored run with ``row`` (same id): a running run's end."""
        row.tenant = self.tenant
        await self.s.merge(row)
        await self.s.flush()

    async def delete(self, id: str) -> None:
        """Remove a run (a running row whose run was refused)."""
        await self.s.execute(sa_delete(RunRow).where(RunRow.tenant == self.tenant, RunRow.id == id))

    async def get(self, id: str) -> RunRow:
        """The run ``id``; NotFoundError otherwise (whoever else owns it)."""
        q = select(RunRow).where(RunRow.tenant == self.tenant, RunRow.id == id)
        row = (await self.s.execute(q)).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"run {id!r} not found; list your runs with ListRuns")
        return row

    async def list_runs(
        self,
        limit: int,
        after: list[Any] | None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str = "",
    ) -> list[RunRow]:
        """Newest first, ordered by (created_at, id) descending, after the keyset ``after`` ([created_at ISO, id])."""
        q = select(RunRow).where(RunRow.tenant == self.tenant)
        if since is not None:
            q = q.where(RunRow.created_at >= since)
        if until is not None:
            q = q.where(RunRow.created_at < until)
        if status:
            q = q.where(RunRow.status == status)
        if after:
            at, last_id = datetime.fromisoformat(str(after[0])), str(after[1])
            q = q.where(or_(RunRow.created_at < at, and_(RunRow.created_at == at, RunRow.id < last_id)))
        q = q.order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(limit + 1)
        return list((await self.s.execute(q)).scalars())


class InstanceRuns:
    """The runs one instance (``owner``) ran, in every tenant: what a crashed process left ``running``."""

    def __init__(self, session: AsyncSession) -> None:
        """Bind to a session."""
        self.s = session

    async def abort_running(self, owner: str, *, reason: str, message: str) -> int:
        """Mark ``aborted`` (with ``reason`` and ``message``) the runs ``owner`` left running; returns how many."""
        result = await self.s.execute(
            update(RunRow)
            .where(RunRow.owner == owner, RunRow.status == "running")
            .values(status="aborted", error_reason=reason, error_message=message, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
