"""The embedded event log and the cursor of committed alert changes, bound to a session and a tenant.

The log is a table in cep's own database: ``seq`` grows with every append (one sequence for every
tenant), a tenant reads its own records in ``seq`` order. Records are trimmed once a checkpoint includes
them. The use case that owns the session is :class:`opsuite_cep.app.eventlog.DatabaseLog`.

The log cursor of an engine unit moves by compare-and-set (:meth:`LogCursorRepository.advance`): one
``INSERT .. ON CONFLICT DO UPDATE .. WHERE`` statement, atomic on SQLite and PostgreSQL alike (on
PostgreSQL a concurrent writer of the same row waits for the first to commit, then sees its value).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import EventLogRow, LogCursorRow

__all__ = ["EventLogRepository", "LogCursorRepository", "upsert"]


def upsert(session: AsyncSession, table: Table) -> Any:
    """An ``INSERT`` into ``table`` that takes ``on_conflict_do_update`` (the session's dialect: SQLite or
    PostgreSQL, which spell it alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class EventLogRepository:
    """One tenant's records of the embedded event log."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        self.s, self.tenant = session, tenant

    async def append(self, kind: str, now: float, body: str) -> int:
        """Add a record (flushed, not committed) and return its position."""
        row = EventLogRow(tenant=self.tenant, kind=kind, now=now, body=body)
        self.s.add(row)
        await self.s.flush()
        return int(row.seq)

    async def read(self, after: int, limit: int) -> list[EventLogRow]:
        """Up to ``limit`` records after position ``after``, oldest first."""
        stmt = (
            select(EventLogRow)
            .where(EventLogRow.tenant == self.tenant, EventLogRow.seq > after)
            .order_by(EventLogRow.seq)
            .limit(limit)
        )
        return list((await self.s.execute(stmt)).scalars())

    async def trim(self, through: int) -> int:
        """Delete the records up to and including position ``through``; returns how many went."""
        result = await self.s.execute(
            delete(EventLogRow).where(EventLogRow.tenant == self.tenant, EventLogRow.seq <= through)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    @staticmethod
    async def tenants(session: AsyncSession) -> list[str]:
        """Every tenant with a record in the log."""
        return sorted((await session.execute(select(EventLogRow.tenant).distinct())).scalars())


class LogCursorRepository:
    """The position of the last log record whose alert changes one engine unit of a tenant has committed."""

    def __init__(self, session: AsyncSession, tenant: str, unit: str = "") -> None:
        self.s, self.tenant, self.unit = session, tenant, unit

    async def applied(self) -> int:
        """The position (0 when nothing was committed yet)."""
        row = await self.s.get(LogCursorRow, (self.tenant, self.unit))
        return 0 if row is None else int(row.applied)

    async def advance(self, position: int, *, first: int | None = None) -> bool:
        """Compare-and-set, in the caller's transaction: move the cursor to ``position`` if it is below
        ``first`` (default ``position``), i.e. if nobody committed the records from ``first`` on yet; an
        absent cursor is created. True if it moved; False leaves it as it was (never back)."""
        table: Table = LogCursorRow.__table__  # type: ignore[assignment]
        insert = upsert(self.s, table).values(tenant=self.tenant, unit=self.unit, applied=position)
        stmt = insert.on_conflict_do_update(
            index_elements=[table.c.tenant, table.c.unit],
            set_={"applied": insert.excluded.applied},
            where=table.c.applied < (position if first is None else first),
        ).returning(table.c.applied)
        return (await self.s.execute(stmt)).first() is not None
