"""Run persistence: save a run (running, then replaced by its end), read one back, list a tenant's runs (keyset pages).

Every query is scoped by tenant; another tenant's run is NotFoundError, so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy import delete as sa_delete

from opsuite_common.db import Database, run_migrations
from opsuite_common.errors import NotFoundError
from opsuite_common.paging import Page, decode_page_token, encode_page_token
from opsuite_ops.db.models import RunRow

__all__ = ["MIGRATIONS_DIR", "VERSION_TABLE", "RunFilter", "RunRepository", "migrate"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_ops"


async def migrate(db: Database) -> None:
    """Bring the ops schema to the latest revision (idempotent)."""
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)


@dataclass(frozen=True, slots=True)
class RunFilter:
    """ListRuns filters: creation time window and status ('' = any)."""

    since: datetime | None = None
    until: datetime | None = None
    status: str = ""

    def scope(self, tenant: str) -> list[str]:
        """What a page token is bound to."""
        return [
            tenant,
            self.since.isoformat() if self.since else "",
            self.until.isoformat() if self.until else "",
            self.status,
        ]


class RunRepository:
    """Runs in ``ops_runs``; one session per use case."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, row: RunRow) -> None:
        """Insert a finished run."""
        async with self.db.session() as s:
            s.add(row)

    async def replace(self, row: RunRow) -> None:
        """Overwrite the stored run with ``row`` (same id): a running run's end."""
        async with self.db.session() as s:
            await s.merge(row)

    async def delete(self, run_id: str) -> None:
        """Remove a run (a running row whose run was refused)."""
        async with self.db.session() as s:
            await s.execute(sa_delete(RunRow).where(RunRow.id == run_id))

    async def get(self, tenant: str, run_id: str) -> RunRow:
        """The run ``run_id`` of ``tenant``; NotFoundError otherwise (whoever else owns it)."""
        async with self.db.session(readonly=True) as s:
            row = (
                await s.execute(select(RunRow).where(RunRow.tenant == tenant, RunRow.id == run_id))
            ).scalar_one_or_none()
            s.expunge_all()  # the read-only session rolls back, which would expire loaded rows
        if row is None:
            raise NotFoundError(f"run {run_id!r} not found; list your runs with ListRuns")
        return row

    async def list_runs(self, tenant: str, flt: RunFilter, *, size: int, page_token: str) -> Page:
        """One page of ``tenant``'s runs, newest first."""
        scope = flt.scope(tenant)
        after = decode_page_token(page_token, scope)
        q = select(RunRow).where(RunRow.tenant == tenant)
        if flt.since is not None:
            q = q.where(RunRow.created_at >= flt.since)
        if flt.until is not None:
            q = q.where(RunRow.created_at < flt.until)
        if flt.status:
            q = q.where(RunRow.status == flt.status)
        if after is not None:
            at, last_id = datetime.fromisoformat(str(after[0])), str(after[1])
            q = q.where(or_(RunRow.created_at < at, and_(RunRow.created_at == at, RunRow.id < last_id)))
        q = q.order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(size + 1)
        async with self.db.session(readonly=True) as s:
            rows = list((await s.execute(q)).scalars())
            s.expunge_all()

        def after_row(row: RunRow) -> str:
            return encode_page_token([row.created_at.isoformat(), row.id], scope)

        token = ""
        if len(rows) > size:
            rows = rows[:size]
            token = after_row(rows[-1])
        return Page(rows, token, after_row)
