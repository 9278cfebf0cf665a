"""Insert execution records into a SQLite metadata database in one thread hop per batch.

Why a sync engine next to the async one: aiosqlite runs every DB-API call of a session (cursor,
BEGIN IMMEDIATE, INSERT, close, COMMIT, the pool's reset) as its own round trip to its thread,
about eight per batch. Here the whole transaction runs as one function on a single dedicated
thread: same file, same pragmas as ``opsuite_common.db`` (WAL, busy timeout, foreign keys,
``synchronous=NORMAL``), same ``BEGIN IMMEDIATE``, so it queues on the write lock like every other
writer. Errors are translated exactly as ``Database.session`` does (``DatabaseUnavailableError``
for a locked or unopenable database).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from opsuite_common.db import Database
from opsuite_common.db.session import translate_db_error

from .models import ExecutionRow

__all__ = ["SqliteExecutionWriter"]

_TABLE = cast(Table, ExecutionRow.__table__)


class SqliteExecutionWriter:
    """Writes batches of ``ExecutionRow`` to the SQLite file behind ``db`` on one dedicated thread."""

    def __init__(self, db: Database, *, busy_timeout_ms: int = 5000) -> None:
        """Build a one-connection sync engine on the same file (no connection is opened yet)."""
        url = db.engine.url.set(drivername="sqlite")
        self._engine: Engine = create_engine(url, poolclass=QueuePool, pool_size=1, max_overflow=0)
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="am-exec-log")

        @event.listens_for(self._engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are started by "begin" below
            cur = dbapi_conn.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA synchronous = NORMAL")
            finally:
                cur.close()

        @event.listens_for(self._engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @staticmethod
    def supports(db: Database) -> bool:
        """Whether ``db`` is a SQLite file (an in-memory database cannot be opened a second time)."""
        if not db.is_sqlite:
            return False
        name = db.engine.url.database or ""
        return name not in ("", ":memory:") and not name.startswith("file::memory:")

    def _insert(self, rows: Sequence[dict[str, Any]]) -> None:
        with self._engine.begin() as conn:
            conn.execute(_TABLE.insert(), list(rows))

    async def insert(self, rows: Sequence[ExecutionRow]) -> None:
        """Insert ``rows`` in one committed transaction; raises translated database errors."""
        values = [_values(row) for row in rows]
        if not values:
            return
        try:
            await asyncio.wrap_future(self._executor.submit(self._insert, values))
        except Exception as exc:
            translated = translate_db_error(exc)
            if translated is None or translated is exc:
                raise
            raise translated from exc

    async def close(self) -> None:
        """Stop the thread (after the batch in flight) and close the connection."""
        await asyncio.get_running_loop().run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        self._executor.shutdown(wait=True)
        self._engine.dispose()


def _values(row: ExecutionRow) -> dict[str, Any]:
    """Every column's value of an ORM row (one executemany needs the same keys in every row); an
    unset column gets its Python-side default, as the ORM would have given it."""
    out: dict[str, Any] = {}
    for column in _TABLE.columns:
        value = getattr(row, column.key, None)
        default = column.default
        if value is None and default is not None:
            arg = getattr(default, "arg", None)
            value = arg(None) if callable(arg) else arg
        out[column.key] = value
    return out
