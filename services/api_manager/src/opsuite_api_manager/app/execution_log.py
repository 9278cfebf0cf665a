"""The execution log writer: group commit, so the log keeps up with concurrent executions.

Every execution must be recorded before its caller gets an answer, and a failure to record it is an
error for that caller. Writing one transaction per execution serialises every call on the database's
write lock (SQLite allows one writer), which capped ExecuteApi at a few hundred calls per second no
matter the concurrency. Here one writer task commits whatever records are waiting in one transaction;
each caller awaits the future of its own record. If a batch fails, its records are retried one by
one, so a single bad record fails only its own caller. On a SQLite file the batch is written by
``SqliteExecutionWriter`` in one thread hop (aiosqlite needs about eight per transaction).

A record is written twice: inserted RUNNING when its run starts (``write``), then updated with how it
ended (``write(..., update=True)``); both go through the same group commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, bindparam, insert, update
from sqlalchemy.orm.exc import StaleDataError

from opsuite_api_manager.db.execution_writer import EXECUTIONS_TABLE, SqliteExecutionWriter, complete_record
from opsuite_common.db import Database

if TYPE_CHECKING:
    from opsuite_api_manager.db.pg_execution_writer import PgExecutionWriter

__all__ = ["ExecutionLog"]

_UPDATE = update(EXECUTIONS_TABLE).where(
    EXECUTIONS_TABLE.c.id == bindparam("b_id"), EXECUTIONS_TABLE.c.tenant == bindparam("b_tenant")
)


class ExecutionLog:
    """Group-committing writer of execution records (one per server)."""

    def __init__(self, db: Database, *, max_batch: int = 256) -> None:
        self._db = db
        self._sqlite = SqliteExecutionWriter(db) if SqliteExecutionWriter.supports(db) else None
        self._pg: PgExecutionWriter | None = None
        if db.engine.dialect.name == "postgresql":
            # Imported here: psycopg (and libpq) is loaded only by a service whose store is PostgreSQL.
            from opsuite_api_manager.db.pg_execution_writer import PgExecutionWriter

            self._pg = PgExecutionWriter(db)
        self._max_batch = max_batch
        self._queue: list[_Item] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether ``close`` has been called (no record is accepted any more)."""
        return self._closed

    async def write(self, tenant: str, row: dict[str, Any], *, update: bool = False) -> None:
        """Record ``row`` (column values of ``am_executions``) for ``tenant``; returns once it is committed,
        raises if it could not be. ``update``: the record exists (inserted RUNNING); replace its values."""
        if self._closed:
            raise RuntimeError("the execution log is closed")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((tenant, row, future, update))
        self._wake.set()
        if self._task is None:
            # A context of its own: the writer outlives the call that starts it and must not keep that
            # call's log bindings or secret scope alive (records arrive already scrubbed).
            self._task = asyncio.create_task(self._run(), name="execution-log-writer", context=contextvars.Context())
        # Shielded: a cancelled caller must not lose (or half-write) its record; the writer finishes it.
        await asyncio.shield(future)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
                await self._commit(batch)
            if self._closed:
                return

    async def _commit(self, batch: list[_Item]) -> None:
        try:
            missing = await self._insert(batch)
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][2], exc)
                return
            for item in batch:  # isolate the record that broke the batch
                try:
                    one_missing = await self._insert([item])
                except Exception as one_exc:
                    _settle(item[2], one_exc)
                else:  # written on its own (or found missing): its caller must not wait forever
                    _settle(item[2], _missing_error() if one_missing else None)
            return
        for _, row, future, is_update in batch:
            _settle(future, _missing_error() if is_update and row.get("id") in missing else None)

    async def _insert(self, batch: list[_Item]) -> set[str]:
        """Write the batch; the ids of end updates that matched no row (PostgreSQL: the rest is written)."""
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for tenant, row, future, is_update in batch:
            if not future.done():
                (updates if is_update else inserts).append(complete_record(row, tenant))
        if not inserts and not updates:
            return set()
        if self._sqlite is not None:
            await self._sqlite.insert(inserts, updates)
            return set()
        if self._pg is not None:
            return await self._pg.write(inserts, updates)
        async with self._db.session() as s:  # a database in memory (one process, tests)
            if inserts:
                await s.execute(insert(EXECUTIONS_TABLE), inserts)
            if updates:
                # One executemany, each end matched by id within its tenant; all or nothing, as on a file.
                matched = [{**row, "b_id": row["id"], "b_tenant": row["tenant"]} for row in updates]
                result = cast(CursorResult[Any], await s.execute(_UPDATE, matched))
                if result.rowcount != len(matched):
                    raise _missing_error()
        return set()

    async def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        self._closed = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._sqlite is not None:
            await self._sqlite.close()
        if self._pg is not None:
            await self._pg.close()


def _missing_error() -> Exception:
    """An end whose RUNNING row is missing: never acknowledged as written."""
    return StaleDataError("the execution end update matched no row")


_Item = tuple[str, dict[str, Any], asyncio.Future[None], bool]


def _settle(future: asyncio.Future[None], exc: BaseException | None) -> None:
    if future.done():
        return
    if exc is None:
        future.set_result(None)
    else:
        future.set_exception(exc)
