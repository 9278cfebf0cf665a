"""The embedded event log and the cursor of committed alert changes, bound to a session and a tenant.

The log is a table in cep's own database: ``seq`` grows with every append (one sequence for every
tenant), a tenant reads its own records in ``seq`` order. Records are trimmed once a checkpoint includes
them. The use case that owns the session is :class:`opsuite_cep.app.eventlog.DatabaseLog`.

The log cursor of an engine unit moves by compare-and-set (:meth:`LogCursorRepository.advance`): one
``INSERT .. ON CONFLICT DO UPDATE .. WHERE`` statement, atomic on SQLite and PostgreSQL alike (on
PostgreSQL a concurrent writer of the same row waits for the first to commit, then sees its value).

On a SQLite file the appends do not go through a session: :class:`SqliteLogWriter` commits them on a
thread and connection of its own, the records waiting at that moment together (docs/architecture/cep.md,
The event log).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import EventLogRow, LogCursorRow
from opsuite_common.db.engine import apply_sqlite_pragmas

__all__ = ["EventLogRepository", "LogCursorRepository", "SqliteLogWriter", "upsert"]


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


#: One record for :class:`SqliteLogWriter`: (tenant, kind, now, body), the caller's loop and its future.
_Queued = tuple[str, str, float, str, asyncio.AbstractEventLoop, "asyncio.Future[int]"]
_STOP: Any = object()


def _settle(done: list[tuple[asyncio.Future[int], int, BaseException | None]]) -> None:
    """On the caller's loop: hand each future its position or the error of its commit."""
    for fut, position, error in done:
        if fut.done():  # the caller was cancelled meanwhile
            continue
        if error is None:
            fut.set_result(position)
        else:
            fut.set_exception(error)


class SqliteLogWriter:
    """Appends to ``cep_event_log`` of a SQLite file from a thread with its own connection (group commit).

    Why not a session per append: SQLite has one writer at a time, and a session's transaction holds the
    write lock across the event loop's round trips to aiosqlite's thread (BEGIN, INSERT, COMMIT, each a hop
    that waits for the loop), about 1 ms of loop CPU per append and several ms of lock under load. A second
    writer meanwhile (another tenant's append) gets ``SQLITE_BUSY`` and SQLite's busy handler sleeps 1, 2,
    5, 10, 15, 20 ... ms before it looks again, so a quiet tenant's one-event call paid for a noisy tenant's
    appends in steps of 1-20 ms (bench/noisy_neighbour; docs/architecture/cep.md, The event log).

    Here an append puts its record on a queue and waits for its future; the thread takes every record
    waiting (first come, first served, at most ``max_records``) and writes them in **one** transaction
    (``BEGIN IMMEDIATE``, one ``INSERT .. RETURNING seq`` each, ``COMMIT``), then settles their futures on
    their loop. The loop's work per append is a queue put and a future; the write lock is held for the
    microseconds of the transaction, in this thread. A record is acknowledged only after its COMMIT
    (the connection's ``synchronous`` is the engine's ``NORMAL``, in WAL mode, as for every other write);
    a failed transaction fails all of its records (nothing of it is written) and their callers may resend.
    A tenant has at most one append in flight (its engine lock), so a commit carries at most one record per
    tenant: the records of other tenants are never queued behind a busy tenant's backlog. A caller cancelled
    while its record waits takes the record back; once the record's transaction has begun it is written.

    The thread starts with the first append and ends after ``idle_s`` without one (or at :meth:`close`,
    after which an append fails with :class:`sqlite3.OperationalError`).
    """

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout_ms: int = 5000,
        max_records: int = 256,
        idle_s: float = 5.0,
        connect: Callable[[Path], sqlite3.Connection] | None = None,
    ) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._max = max_records
        self._idle = idle_s
        self._connect = connect or self._open
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        #: Transactions committed (for tests and diagnostics).
        self.commits = 0

    async def append(self, tenant: str, kind: str, now: float, body: str) -> int:
        """Queue the record and wait for its commit; returns its position (``seq``)."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[int] = loop.create_future()
        with self._lock:  # queued under the lock: close() and the thread's exits see it (nothing strands)
            if self._closed:
                raise sqlite3.OperationalError("the event log writer is closed")
            self._queue.put((tenant, kind, now, body, loop, fut))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"event-log:{self.path.name}", daemon=True)
                self._thread.start()
        return await fut

    async def close(self) -> None:
        """Write what is queued, then stop the thread (it exits once idle anyway); appends from now on fail."""
        with self._lock:
            thread = None if self._closed else self._thread
            self._closed = True
            if thread is not None:  # under the lock: the thread cannot end idle before it reads _STOP
                self._queue.put(_STOP)
        if thread is None:
            return
        await asyncio.get_running_loop().run_in_executor(None, thread.join, 10.0)

    def _open(self, path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        apply_sqlite_pragmas(conn, busy_timeout_ms=self._busy_timeout_ms)  # as the engine's connections
        return conn

    def _next(self) -> Any:
        """The next queued item; None once idle for ``idle_s`` with nothing queued (the thread then ends)."""
        while True:
            try:
                return self._queue.get(timeout=self._idle)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None  # an append from now on starts a new thread
                        return None

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        table: Table = EventLogRow.__table__  # type: ignore[assignment]
        c = table.c
        sql = (
            f"INSERT INTO {table.name} ({c.tenant.name}, {c.kind.name}, {c.now.name}, {c.body.name}) "
            f"VALUES (?, ?, ?, ?) RETURNING {c.seq.name}"
        )
        try:
            while (item := self._next()) is not None and item is not _STOP:
                batch: list[_Queued] = [item]
                stop = False
                while len(batch) < self._max:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is _STOP:
                        stop = True
                        break
                    batch.append(more)
                try:
                    if conn is None:
                        conn = self._connect(self.path)
                    # A caller cancelled while its record waited takes it back (as a cancel before COMMIT
                    # did); once its transaction has begun, the record is written whatever the caller does.
                    batch = [b for b in batch if not b[5].cancelled()]
                    if not batch:
                        if stop:
                            break
                        continue
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        positions = [int(conn.execute(sql, b[:4]).fetchone()[0]) for b in batch]
                        conn.execute("COMMIT")
                    except BaseException:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                        raise
                    self.commits += 1
                    self._hand_back(batch, positions, None)
                except Exception as exc:
                    if conn is not None:  # a fresh connection for the next batch (the file may have moved)
                        with contextlib.suppress(sqlite3.Error):
                            conn.close()
                        conn = None
                    self._hand_back(batch, [0] * len(batch), exc)
                if stop:
                    break
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None
                    # Stopped (or failed): nothing queued may wait for a thread that will not read it.
                    left: list[_Queued] = []
                    while True:
                        try:
                            more = self._queue.get_nowait()
                        except queue.Empty:
                            break
                        if more is not _STOP:
                            left.append(more)
                    if left:
                        error = sqlite3.OperationalError("the event log writer is closed")
                        self._hand_back(left, [0] * len(left), error)
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()

    @staticmethod
    def _hand_back(batch: list[_Queued], positions: list[int], error: BaseException | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[int], int, BaseException | None]]] = {}
        for b, position in zip(batch, positions, strict=True):
            by_loop.setdefault(b[4], []).append((b[5], position, error))
        for loop, done in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, done)
