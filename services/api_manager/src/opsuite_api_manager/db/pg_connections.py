"""A few plain psycopg connections in autocommit, for the single statements ExecuteApi sends on every call.

Why not the SQLAlchemy pool: through it each statement of the execute path cost a pre-ping (``;``), a
``BEGIN``, the statement and a ``COMMIT``, four round trips, and about 0.7 ms of CPU in the async engine;
one statement on a psycopg connection in autocommit is one round trip and about 0.08 ms. A statement in
autocommit is its own transaction: a multi-row ``INSERT`` or an ``UPDATE`` with data-modifying ``WITH``
parts commits whole or not at all, and is durable once answered (``synchronous_commit`` as the server has
it), unless the owner sets it otherwise with ``settings=`` (the execution writer's connection for batches of
RUNNING rows only runs with ``synchronous_commit = off``).

Liveness without a ping per use: a connection idle for more than ``ping_after_s`` is pinged before it is
handed out (a server restart or a proxy's idle cut is found there, as the pool's pre-ping finds it); one in
steady use is not. A connection whose statement failed at the connection level (or that is not idle any
more) is closed, not reused, and the next use opens a new one. Errors are raised wrapped as SQLAlchemy
would have (``DBAPIError``), so :func:`opsuite_common.db.translate_db_error` classifies them the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

__all__ = ["PgConnections", "wrap_pg_error"]


def wrap_pg_error(statement: str, exc: BaseException) -> BaseException:
    """``exc`` as SQLAlchemy raises a driver error (``OperationalError``, ``IntegrityError``...), else itself."""
    if isinstance(exc, psycopg.Error):
        return DBAPIError.instance(statement, None, exc, psycopg.Error)
    return exc


class PgConnections:
    """At most ``max_size`` psycopg connections to one PostgreSQL database, each in autocommit."""

    def __init__(
        self,
        url: URL,
        *,
        max_size: int,
        application_name: str,
        connect_timeout_s: float = 5.0,
        wait_timeout_s: float = 10.0,
        ping_after_s: float = 1.0,
        settings: dict[str, str] | None = None,
    ) -> None:
        """Nothing is opened until the first :meth:`connection`; ``settings``: session settings sent with the
        connection's start-up (no round trip of their own)."""
        # As SQLAlchemy's psycopg dialect builds its connect arguments: the URL's parts and its query.
        params: dict[str, Any] = url.translate_connect_args(username="user", database="dbname")
        params.update({k: v[-1] if isinstance(v, tuple) else v for k, v in url.query.items()})
        self._conninfo = make_conninfo("", **params)
        self._kwargs: dict[str, Any] = {
            "autocommit": True,
            "application_name": application_name,
            "connect_timeout": max(1, round(connect_timeout_s)),
        }
        if settings:
            given = conninfo_to_dict(self._conninfo).get("options")  # the URL's own, kept
            ours = " ".join(f"-c {name}={value}" for name, value in settings.items())
            self._kwargs["options"] = f"{given} {ours}" if given else ours
        self._max = max_size
        self._wait_timeout_s = wait_timeout_s
        self._ping_after_s = ping_after_s
        self._idle: list[tuple[psycopg.AsyncConnection[Any], float]] = []  # (connection, idle since); LIFO
        self._size = 0  # open or opening
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection for one or a few statements; back to the idle ones afterwards if still usable."""
        conn = await self._acquire()
        try:
            yield conn
        finally:
            await self._release(conn)

    async def _acquire(self) -> psycopg.AsyncConnection[Any]:
        deadline = time.monotonic() + self._wait_timeout_s
        while True:
            if self._closed:
                raise psycopg.OperationalError("the connections are closed (the service is stopping)")
            while self._idle:
                conn, since = self._idle.pop()
                if conn.closed or conn.broken:
                    await self._discard(conn)
                    continue
                if time.monotonic() - since > self._ping_after_s:
                    try:
                        await conn.execute(";")
                    except psycopg.Error:
                        await self._discard(conn)
                        continue
                    except BaseException:
                        await self._discard(conn)
                        raise
                return conn
            if self._size < self._max:
                self._size += 1
                try:
                    return await psycopg.AsyncConnection.connect(self._conninfo, **self._kwargs)
                except BaseException:
                    self._size -= 1
                    self._wake()
                    raise
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    await waiter
            except BaseException as exc:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken, but leaving (timeout, cancel): the next waiter gets the wake-up
                if isinstance(exc, TimeoutError):
                    raise TimeoutError(
                        f"no PostgreSQL connection became free within {self._wait_timeout_s:g} s"
                    ) from None
                raise

    async def _release(self, conn: psycopg.AsyncConnection[Any]) -> None:
        usable = not (conn.closed or conn.broken) and conn.info.transaction_status == TransactionStatus.IDLE
        if usable and not self._closed:
            self._idle.append((conn, time.monotonic()))
            self._wake()
        else:
            await self._discard(conn)

    async def _discard(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._size -= 1
        self._wake()
        with contextlib.suppress(Exception):
            await conn.close()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def aclose(self) -> None:
        """Close the idle connections; those in use are closed when given back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn, _ in idle:
            await self._discard(conn)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)  # they find the pool closed
