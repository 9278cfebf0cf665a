"""A small pool of synchronous, read-only SQLite connections: one thread hop per query.

Why not the async engine (aiosqlite) for SQLite data sources: aiosqlite runs every DB-API call
(cursor, execute, fetch, close, rollback, set_progress_handler, the pre-ping) as its own round trip
to its thread, about twenty per point query, and those hops, not SQLite, were the cost. Here the
whole read (connect if needed, set the deadline, execute, fetch, describe, close) is one function
run on a dedicated executor sized to the pool, so a query costs one hop.

The read-only layer is set once per connection and holds on its own: the file is opened
``mode=ro`` (a missing file is an error, never a fresh database) and ``PRAGMA query_only=ON`` is
set at connect. The statement deadline is a progress handler, installed once, that reads the
connection's ``deadline_at`` attribute (set in the worker before each statement): past it the
statement is interrupted (``sqlite3.OperationalError: interrupted``) and ``hit`` is set.

A connection is owned by one lease at a time. If the awaiting task is cancelled while its hop is
still running, the connection and its slot are handed back only when the hop has finished.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import quote

__all__ = ["PoolExhaustedError", "SqliteConnectError", "SqliteConnection", "SqliteLease", "SqlitePool", "sqlite_uri"]

T = TypeVar("T")


class PoolExhaustedError(Exception):
    """No connection became free within the pool timeout."""


class SqliteConnectError(Exception):
    """The database file could not be opened (the message is the driver's, without the path)."""


def _regexp(pattern: str | None, value: Any) -> bool | None:
    # Same REGEXP function SQLAlchemy's SQLite dialect registers, so statements behave as before.
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


class SqliteConnection:
    """A pooled read-only ``sqlite3`` connection with its statement deadline."""

    __slots__ = ("born", "deadline_at", "hit", "raw")

    def __init__(self, raw: sqlite3.Connection) -> None:
        """Wrap ``raw`` and install the deadline progress handler (once, for the connection's life)."""
        self.raw = raw
        self.deadline_at = math.inf
        self.hit = False
        self.born = time.monotonic()
        raw.set_progress_handler(self._progress, 1000)

    def _progress(self) -> int:
        if time.monotonic() > self.deadline_at:
            self.hit = True
            return 1  # non-zero aborts the running statement
        return 0

    def arm(self, seconds: float) -> None:
        """Give the next statement(s) ``seconds`` from now."""
        self.hit = False
        self.deadline_at = time.monotonic() + seconds


def sqlite_uri(path: str) -> str:
    """The read-only URI for a database file path (percent-encoded, so '?' or '#' in a name is literal)."""
    return f"file:{quote(path)}?mode=ro"


class SqlitePool:
    """Up to ``size`` read-only connections to one SQLite file, each used by one lease at a time."""

    def __init__(
        self, path: str, *, size: int, timeout_s: float, recycle_s: float, busy_timeout_s: float = 5.0
    ) -> None:
        """No connection is opened here; the first lease opens one inside its hop."""
        self.path = path
        self._uri = sqlite_uri(path)
        self._size = max(1, size)
        self._timeout_s = timeout_s
        self._recycle_s = recycle_s
        self._busy_timeout_s = busy_timeout_s
        self._idle: list[SqliteConnection] = []
        self._slots = asyncio.Semaphore(self._size)
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=self._size, thread_name_prefix="sqlite-ds")
        self._closed = False

    def connect(self) -> SqliteConnection:
        """Open a connection (called in a worker thread)."""
        try:
            raw = sqlite3.connect(
                self._uri, uri=True, timeout=self._busy_timeout_s, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise SqliteConnectError(str(exc)) from None
        try:
            raw.execute("PRAGMA query_only = ON")
            raw.create_function("regexp", 2, _regexp, deterministic=True)
            return SqliteConnection(raw)
        except BaseException:
            raw.close()
            raise

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[SqliteLease]:
        """Hold one connection slot; ``PoolExhaustedError`` if none frees up within the pool timeout."""
        if self._closed:
            raise PoolExhaustedError("the pool is closed")
        if self._slots.locked():
            try:
                async with asyncio.timeout(self._timeout_s):
                    await self._slots.acquire()
            except TimeoutError:
                raise PoolExhaustedError("no free connection") from None
        else:
            await self._slots.acquire()  # a free slot: taken at once, no timer needed
        conn = self._idle.pop() if self._idle else None
        if conn is not None and time.monotonic() - conn.born > self._recycle_s:
            conn.raw.close()
            conn = None
        lease = SqliteLease(self, conn)
        try:
            yield lease
        finally:
            lease.release()

    def _give_back(self, conn: SqliteConnection | None, reuse: bool) -> None:
        """Return a connection (or drop it) and free its slot; runs on the event loop thread."""
        if conn is not None:
            if reuse and not self._closed:
                self._idle.append(conn)
            else:
                conn.raw.close()
        self._slots.release()

    async def aclose(self) -> None:
        """Close idle connections and stop the executor; leased ones close when handed back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.raw.close()
        self._executor.shutdown(wait=False, cancel_futures=True)


class SqliteLease:
    """One connection slot of a :class:`SqlitePool`; ``call`` runs a function on it in one hop."""

    def __init__(self, pool: SqlitePool, conn: SqliteConnection | None) -> None:
        """Hold ``conn`` (None: opened by the first ``call``)."""
        self._pool = pool
        self._conn = conn
        self._running: concurrent.futures.Future[Any] | None = None
        self._released = False
        #: Set when the connection may hold an open statement: it is dropped, not reused.
        self.dirty = False

    @property
    def hit(self) -> bool:
        """Whether the last statement was stopped by its deadline."""
        return self._conn is not None and self._conn.hit

    async def call(self, fn: Callable[[SqliteConnection], T], seconds: float) -> T:
        """Run ``fn(connection)`` in the pool's thread with a ``seconds`` statement deadline."""
        pool = self._pool

        def job() -> T:
            # Checked on every call (a stat, in the thread): a deleted file stops the source even
            # though an open connection could still read the unlinked inode.
            if not os.path.isfile(pool.path):
                raise SqliteConnectError("its SQLite database file does not exist")
            if self._conn is None:
                self._conn = pool.connect()
            conn = self._conn
            conn.arm(seconds)
            try:
                return fn(conn)
            finally:
                conn.deadline_at = math.inf
                if conn.raw.in_transaction:  # never left open: the next lease starts clean
                    conn.raw.rollback()

        try:
            cf = pool._executor.submit(job)
        except RuntimeError:  # executor shut down: the data source was removed or changed
            raise PoolExhaustedError("the pool is closed") from None
        self._running = cf
        try:
            return await asyncio.wrap_future(cf)
        finally:
            if cf.done():
                self._running = None

    def release(self) -> None:
        """Hand the connection back now, or when its running hop ends (the awaiting task was cancelled)."""
        if self._released:
            return
        self._released = True
        running = self._running
        if running is None or running.done():
            self._pool._give_back(self._conn, reuse=not self.dirty)
            return
        loop = asyncio.get_running_loop()

        def later(_f: concurrent.futures.Future[Any]) -> None:
            with contextlib.suppress(RuntimeError):  # loop closed: nothing left to hand back to
                loop.call_soon_threadsafe(self._pool._give_back, self._conn, not self.dirty)

        running.add_done_callback(later)
