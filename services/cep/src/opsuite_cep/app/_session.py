"""What the use cases share around a session: read-only sessions whose rows outlive them, etag checks and the
stamp of an update."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.db import Database, new_etag, utcnow
from opsuite_common.errors import StaleEtagError

__all__ = ["check_etag", "read", "touch"]


@asynccontextmanager
async def read(db: Database) -> AsyncIterator[AsyncSession]:
    """A read-only session whose rows stay usable afterwards (detached before the rollback expires them)."""
    async with db.session(readonly=True) as s:
        try:
            yield s
        finally:
            s.expunge_all()


def check_etag(row: Any, etag: str) -> None:
    """Raise StaleEtagError when ``etag`` is given and differs from the row's."""
    if etag and etag != row.etag:
        raise StaleEtagError(metadata={"current_etag": row.etag})


def touch(row: Any, subject: str) -> None:
    """Stamp an update: new etag, time and author."""
    row.etag, row.updated_at, row.updated_by = new_etag(), utcnow(), subject
