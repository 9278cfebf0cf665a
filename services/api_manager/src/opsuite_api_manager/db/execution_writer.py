"""Insert execution records into a SQLite metadata database in one thread hop per batch.

Why a sync engine next to the async one: aiosqlite runs every DB-API call of a session (cursor,
BEGIN IMMEDIATE, INSERT, close, COMMIT, the pool's reset) as its own round trip to its thread,
about eight per batch. Here the whole transaction runs as one function on a single dedicated
thread: same file, same pragmas as ``opsuite_common.db`` (WAL, busy timeout, foreign keys,
``synchronous=NORMAL``, checkpoints left to the database's background thread), same
``BEGIN IMMEDIATE``, so it queues on the write lock like every other writer. Errors are translated
exactly as ``Database.session`` does (``DatabaseUnavailableError`` for a locked or unopenable
database).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import sqlite3
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from opsuite_common.db import Database
from opsuite_common.db.checkpointer import FALLBACK_AUTOCHECKPOINT_PAGES
from opsuite_common.db.session import translate_db_error

from .models import ExecutionRow

__all__ = ["EXECUTIONS_TABLE", "SqliteExecutionWriter", "complete_record"]

#: The ``am_executions`` table (records are inserted with Core, as plain dicts).
EXECUTIONS_TABLE = cast(Table, ExecutionRow.__table__)
_TABLE = EXECUTIONS_TABLE


class SqliteExecutionWriter:
    """Writes batches of execution records (``am_executions``) to the SQLite file behind ``db`` on one
    dedicated thread."""

    def __init__(self, db: Database, *, busy_timeout_ms: int = 5000) -> None:
        """Build a one-connection sync engine on the same file (no connection is opened yet)."""
        url = db.engine.url.set(drivername="sqlite")
        self._engine: Engine = create_engine(url, poolclass=QueuePool, pool_size=1, max_overflow=0)
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="am-exec-log")
        # The batch is written with the DB-API directly on one held connection: SQLAlchemy's
        # per-transaction work (pool checkout and reset, begin event, statement execution context)
        # cost about as much as the INSERT and COMMIT themselves. Values go through each column
        # type's own bind processor (JSON, UTCDateTime...), so rows are stored exactly as before.
        columns = list(_TABLE.columns)
        self._keys = [c.key for c in columns]
        self._processors = [c.type.bind_processor(self._engine.dialect) for c in columns]
        quote = self._engine.dialect.identifier_preparer.quote
        self._sql = (
            f"INSERT INTO {quote(_TABLE.name)} ({', '.join(quote(c.name) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        # An end is matched by id within its tenant: never another tenant's row, whatever the id.
        match = [_TABLE.c.id, _TABLE.c.tenant]
        keyed = [c for c in columns if all(c is not m for m in match)]
        self._update_keys = [c.key for c in keyed] + [c.key for c in match]
        by_key = dict(zip(self._keys, self._processors, strict=True))
        self._update_processors = [by_key[k] for k in self._update_keys]
        self._update_sql = (
            f"UPDATE {quote(_TABLE.name)} SET {', '.join(f'{quote(c.name)} = ?' for c in keyed)} "
            f"WHERE {' AND '.join(f'{quote(c.name)} = ?' for c in match)}"
        )
        self._held: Any = None  # the pool's proxy of the open connection, None until the first batch

        @event.listens_for(self._engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are started explicitly below
            cur = dbapi_conn.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute(f"PRAGMA wal_autocheckpoint = {FALLBACK_AUTOCHECKPOINT_PAGES}")
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA synchronous = NORMAL")
            finally:
                cur.close()

    @staticmethod
    def supports(db: Database) -> bool:
        """Whether ``db`` is a SQLite file (an in-memory database cannot be opened a second time)."""
        if not db.is_sqlite:
            return False
        name = db.engine.url.database or ""
        return name not in ("", ":memory:") and not name.startswith("file::memory:")

    def _params(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            value if proc is None else proc(value)
            for value, proc in zip((row[k] for k in self._keys), self._processors, strict=True)
        )

    def _update_params(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            value if proc is None else proc(value)
            for value, proc in zip((row[k] for k in self._update_keys), self._update_processors, strict=True)
        )

    def _insert(self, rows: Sequence[dict[str, Any]], updates: Sequence[dict[str, Any]]) -> None:
        params = [self._params(row) for row in rows]
        update_params = [self._update_params(row) for row in updates]
        try:
            if self._held is None:
                self._held = self._engine.raw_connection()
            conn = self._held.dbapi_connection
            # BEGIN IMMEDIATE: queue on the write lock (busy timeout) like every other writer.
            conn.execute("BEGIN IMMEDIATE")
            try:
                if params:
                    conn.executemany(self._sql, params)
                if update_params:
                    updated = conn.executemany(self._update_sql, update_params).rowcount
                    if updated != len(update_params):
                        # An end state whose RUNNING row is missing: never acknowledge it as written
                        # (the ORM path raises StaleDataError for the same case).
                        raise sqlite3.IntegrityError(
                            f"{len(update_params) - updated} execution end update(s) matched no row"
                        )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._drop()  # a fresh connection for the next batch, whatever went wrong with this one
            # Wrapped as SQLAlchemy would have, so translate_db_error classifies it the same way.
            raise DBAPIError.instance(self._sql, None, exc, sqlite3.Error) from exc

    def _drop(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                held.invalidate()

    async def insert(self, rows: Sequence[dict[str, Any]], updates: Sequence[dict[str, Any]] = ()) -> None:
        """Insert ``rows`` and update ``updates`` (by id; complete column values, see ``complete_record``)
        in one committed transaction; raises translated database errors."""
        values, changed = list(rows), list(updates)
        if not values and not changed:
            return
        try:
            await asyncio.wrap_future(self._executor.submit(self._insert, values, changed))
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
        if self._held is not None:
            with contextlib.suppress(Exception):
                self._held.close()
            self._held = None
        self._engine.dispose()


def complete_record(values: dict[str, Any], tenant: str) -> dict[str, Any]:
    """``values`` for ``tenant`` with every column present (one executemany needs the same keys in every
    row); a missing or None column gets its Python-side default, as the ORM would have given it."""
    out = dict(values)
    out["tenant"] = tenant
    for column in _TABLE.columns:
        if out.get(column.key) is None:
            default = column.default
            arg = getattr(default, "arg", None) if default is not None else None
            out[column.key] = arg(None) if callable(arg) else arg
    return out
