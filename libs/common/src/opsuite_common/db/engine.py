"""Async engine factory: SQLite (aiosqlite, WAL, foreign keys) or PostgreSQL (psycopg 3) from one URL."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import URL, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from opsuite_common.db.checkpointer import FALLBACK_AUTOCHECKPOINT_PAGES
from opsuite_common.logging import get_logger

__all__ = [
    "SQLITE_BEGIN_OPTION",
    "SQLiteConnection",
    "apply_sqlite_pragmas",
    "create_engine",
    "is_sqlite",
    "normalize_url",
    "safe_url",
]

log = get_logger("opsuite.db")

#: Connection execution option choosing how a SQLite transaction starts ("IMMEDIATE" or "DEFERRED").
SQLITE_BEGIN_OPTION = "opsuite_sqlite_begin"

_PG_NAMES = frozenset({"postgresql", "postgres"})


def normalize_url(url: str | URL) -> URL:
    """The async-driver form of a database URL: ``sqlite+aiosqlite`` or ``postgresql+psycopg``.

    Accepts ``sqlite:///path``, ``sqlite+aiosqlite:///path``, ``postgresql://...``,
    ``postgres://...`` and ``postgresql+psycopg://...``; anything else is a ``ValueError``.
    """
    u = make_url(url) if isinstance(url, str) else url
    backend = u.get_backend_name()
    if backend == "sqlite":
        return u.set(drivername="sqlite+aiosqlite")
    if backend in _PG_NAMES:
        return u.set(drivername="postgresql+psycopg")
    raise ValueError(
        f"unsupported database URL scheme {u.drivername!r}: use sqlite:///path/to/file.db or postgresql://user@host/db"
    )


def safe_url(url: str | URL) -> str:
    """The URL as text with its password masked, fit for logs and error messages."""
    u = make_url(url) if isinstance(url, str) else url
    return u.render_as_string(hide_password=True)


def is_sqlite(engine_or_url: AsyncEngine | str | URL) -> bool:
    """Whether an engine or URL points at SQLite."""
    if isinstance(engine_or_url, AsyncEngine):
        return engine_or_url.dialect.name == "sqlite"
    u = make_url(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    return u.get_backend_name() == "sqlite"


def create_engine(
    url: str | URL,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 10.0,
    connect_timeout: float = 5.0,
    sqlite_busy_timeout_ms: int = 5000,
    sqlite_begin: Literal["IMMEDIATE", "DEFERRED"] = "IMMEDIATE",
    application_name: str | None = None,
    echo: bool = False,
) -> AsyncEngine:
    """An ``AsyncEngine`` for a SQLite file or a PostgreSQL server.

    SQLite: the parent directory is created, and every connection gets WAL journaling,
    ``foreign_keys=ON``, ``busy_timeout``, ``synchronous=NORMAL`` and a high ``wal_autocheckpoint``
    (``Database`` checkpoints on a background thread, see ``opsuite_common.db.checkpointer``). Transactions start with
    ``BEGIN IMMEDIATE`` by default so that concurrent writers queue on the busy timeout instead of
    failing on a read-to-write lock upgrade; a connection closed inside a transaction (a task cancelled
    mid-statement) rolls it back first (:class:`SQLiteConnection`). PostgreSQL: ``pool_pre_ping`` and
    bounded pool sizes. No connection is opened here; failures surface (translated) on first use.
    """
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        engine = _create_sqlite(u, busy_timeout_ms=sqlite_busy_timeout_ms, begin=sqlite_begin, echo=echo)
    else:
        connect_args: dict[str, Any] = {"connect_timeout": max(1, round(connect_timeout))}
        if application_name:
            connect_args["application_name"] = application_name
        engine = create_async_engine(
            u,
            echo=echo,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
            # Servers and proxies drop idle connections; recycle before they typically do.
            pool_recycle=1800,
            connect_args=connect_args,
        )
    log.info("database engine created", url=safe_url(u), backend=engine.dialect.name)
    return engine


class SQLiteConnection(sqlite3.Connection):
    """The engine's SQLite connections: :meth:`close` ends an open transaction first.

    ``sqlite3.Connection.close`` leaves a connection with a statement still prepared (a cursor alive
    somewhere) open as a "zombie" (``sqlite3_close_v2``) that keeps its transaction, and so the write
    lock of a ``BEGIN IMMEDIATE``, until that cursor is garbage-collected. A task cancelled while aiosqlite
    runs its statement is exactly that case: SQLAlchemy closes the connection, but the cursor lives on in the
    cancelled task's traceback, and every other writer of the file (this process or another) waits its
    busy timeout and fails with "database is locked" for as long as the task object lives (a stopped
    service's scheduler task: until the process drops the service). Rolling back first releases the lock
    at once; a closed connection's transaction is rolled back anyway.
    """

    def close(self) -> None:
        if self.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.rollback()  # pending statements end with SQLITE_ABORT_ROLLBACK; none is used again
        super().close()


def _create_sqlite(u: URL, *, busy_timeout_ms: int, begin: str, echo: bool) -> AsyncEngine:
    database = u.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    kwargs: dict[str, Any] = {"echo": echo, "connect_args": {"factory": SQLiteConnection}}
    if in_memory:
        # One shared connection, otherwise each checkout would see a different empty database.
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        path = Path(database).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            # Not fatal here: the first connection fails and is translated to DatabaseUnavailableError.
            log.warning("cannot create the SQLite directory", path=str(path.parent), error=str(exc))
    engine = create_async_engine(u, **kwargs)
    _install_sqlite_pragmas(engine, busy_timeout_ms=busy_timeout_ms, begin=begin, wal=not in_memory)
    if not in_memory:
        _install_directory_check(engine, Path(database).expanduser())
    return engine


def _install_directory_check(engine: AsyncEngine, path: Path) -> None:
    @event.listens_for(engine.sync_engine, "do_connect")
    def _check_directory(*_args: Any) -> None:
        # Fail before aiosqlite starts its worker thread (a failed open there can outlive the event
        # loop); retry the mkdir so that a directory mounted after start-up is picked up.
        if path.parent.is_dir():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise sqlite3.OperationalError(f"unable to open database file: {exc.strerror}") from exc


def apply_sqlite_pragmas(dbapi_conn: Any, *, busy_timeout_ms: int, wal: bool = True) -> None:
    """The settings of every SQLite connection of the project, on a DBAPI connection (the engine's, and the
    connections of the threads that write outside it): busy timeout, WAL with background checkpoints
    (``db/checkpointer.py``; ``wal_autocheckpoint`` is the fallback), foreign keys, ``synchronous=NORMAL``."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if wal:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute(f"PRAGMA wal_autocheckpoint = {FALLBACK_AUTOCHECKPOINT_PAGES}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _install_sqlite_pragmas(engine: AsyncEngine, *, busy_timeout_ms: int, begin: str, wal: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the driver so that "begin" below decides how to BEGIN.
        dbapi_conn.isolation_level = None
        apply_sqlite_pragmas(dbapi_conn, busy_timeout_ms=busy_timeout_ms, wal=wal)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = str(conn.get_execution_options().get(SQLITE_BEGIN_OPTION, begin)).upper()
        if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
            mode = begin
        conn.exec_driver_sql(f"BEGIN {mode}")


def sqlite_error_text(exc: BaseException) -> str | None:
    """The sqlite3 error message behind ``exc``, if it came from SQLite."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.Error):
        return str(orig)
    return None
