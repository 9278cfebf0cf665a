"""The unit of work: ``async with db.session() as s`` commits once at the use-case boundary.

Database failures are translated there: a connection-level failure becomes
``DatabaseUnavailableError`` (transient, UNAVAILABLE on the wire, nothing written); an
``IntegrityError`` is left for the repository, which knows which constraint means "already exists"
(see ``is_unique_violation``).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from opsuite_common.db.checkpointer import WalCheckpointer
from opsuite_common.db.engine import SQLITE_BEGIN_OPTION, create_engine, sqlite_error_text
from opsuite_common.errors import DatabaseUnavailableError, OpsuiteError
from opsuite_common.logging import get_logger, redact_text

__all__ = [
    "Database",
    "is_foreign_key_violation",
    "is_unique_violation",
    "translate_db_error",
]

log = get_logger("opsuite.db")

# sqlite3.OperationalError also covers programming mistakes ("no such table", syntax errors):
# only these messages mean the database itself cannot be used right now.
_SQLITE_UNAVAILABLE = re.compile(
    r"unable to open database file|database is locked|database table is locked|disk I/O error"
    r"|database or disk is full|readonly database|no such file|not a database"
    r"|database disk image is malformed",
    re.IGNORECASE,
)
# SQLSTATE classes meaning "the server/connection is unusable or the transaction must be retried".
_PG_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57", "40")


def _why(exc: BaseException) -> str:
    """A short, credential-free category for the error message (the full text goes to the log only)."""
    msg = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in msg:
        return "the database is locked by another writer"
    if "unable to open database file" in msg or "no such file" in msg:
        return "the database file cannot be opened"
    if "refused" in msg or "could not connect" in msg or "connection failed" in msg:
        return "the database server refused the connection"
    if "timeout" in msg or "timed out" in msg:
        return "the database did not answer in time"
    return "the connection to the database failed"


def translate_db_error(exc: BaseException) -> OpsuiteError | None:
    """The typed error for a database failure, or None when the caller should handle ``exc`` itself.

    Connection-level failures (refused, lost, pool timeout, SQLite file unopenable or locked past
    the busy timeout, PostgreSQL admin shutdown or serialization failure) become
    ``DatabaseUnavailableError``. Integrity errors and programming errors return None.
    """
    if isinstance(exc, OpsuiteError):
        return exc
    unavailable = False
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        unavailable = True
    elif isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(exc, sa_exc.InterfaceError):
            unavailable = True
        elif isinstance(exc, sa_exc.IntegrityError):
            unavailable = False
        elif (sqlite_text := sqlite_error_text(exc)) is not None:
            unavailable = _SQLITE_UNAVAILABLE.search(sqlite_text) is not None
        else:
            sqlstate = getattr(exc.orig, "sqlstate", None)
            if isinstance(sqlstate, str):
                unavailable = sqlstate.startswith(_PG_UNAVAILABLE_SQLSTATE_PREFIXES)
            else:
                # No SQLSTATE: the failure happened before talking to a server (refused, DNS, timeout).
                unavailable = isinstance(exc, sa_exc.OperationalError)
    elif isinstance(exc, ConnectionError | TimeoutError):
        unavailable = True
    if not unavailable:
        return None
    backend = "sqlite" if sqlite_error_text(exc) is not None else "postgresql"
    log.warning("database unavailable", backend=backend, error=redact_text(str(exc).splitlines()[0]))
    return DatabaseUnavailableError(
        f"{_why(exc)}; nothing was written, try again later",
        metadata={"backend": backend},
    )


def is_unique_violation(exc: BaseException) -> bool:
    """Whether ``exc`` is a unique/primary-key violation (map it to ``ConflictError`` in the repository)."""
    if not isinstance(exc, sa_exc.IntegrityError):
        return False
    if getattr(exc.orig, "sqlstate", None) == "23505":
        return True
    msg = str(exc.orig)
    return "UNIQUE constraint failed" in msg or "PRIMARY KEY must be unique" in msg


def is_foreign_key_violation(exc: BaseException) -> bool:
    """Whether ``exc`` is a foreign-key violation (a referenced row is missing or still referenced)."""
    if not isinstance(exc, sa_exc.IntegrityError):
        return False
    if getattr(exc.orig, "sqlstate", None) == "23503":
        return True
    return "FOREIGN KEY constraint failed" in str(exc.orig)


class Database:
    """An engine plus its session factory; the one place a use case gets a transaction from."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine, expire_on_commit=False, autoflush=True
        )
        #: WAL checkpoints of a SQLite file, on a thread of their own (None for PostgreSQL or memory).
        self.checkpointer: WalCheckpointer | None = None
        name = (engine.url.database or "") if self.is_sqlite else ""
        if name and name != ":memory:" and not name.startswith("file:"):
            self.checkpointer = WalCheckpointer(Path(name).expanduser())
            self.checkpointer.start()
            # A database dropped without dispose() (tests, scripts) must not leave its thread behind.
            weakref.finalize(self, self.checkpointer.stop_event.set)

    @classmethod
    def from_url(cls, url: str | URL, **engine_kwargs: Any) -> Database:
        """Build the engine with ``create_engine(url, **engine_kwargs)`` and wrap it."""
        return cls(create_engine(url, **engine_kwargs))

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite (PostgreSQL otherwise)."""
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def session(self, *, readonly: bool = False) -> AsyncIterator[AsyncSession]:
        """One transaction: commit when the block succeeds, roll back when it raises.

        ``readonly=True`` rolls back at the end and, on SQLite, starts with a deferred BEGIN so that
        readers never wait for the write lock. Connection-level failures are raised as
        ``DatabaseUnavailableError``; any other exception propagates unchanged after the rollback.
        """
        try:
            async with self.sessionmaker() as session:
                if readonly and self.is_sqlite:
                    await session.connection(execution_options={SQLITE_BEGIN_OPTION: "DEFERRED"})
                if readonly:
                    try:
                        yield session
                    finally:
                        await session.rollback()
                else:
                    async with session.begin():
                        yield session
        except Exception as exc:
            translated = translate_db_error(exc)
            if translated is None or translated is exc:
                raise
            raise translated from exc

    async def ping(self) -> None:
        """Run ``SELECT 1``; raise ``DatabaseUnavailableError`` when the database cannot be reached."""
        try:
            async with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn = await conn.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            translated = translate_db_error(exc)
            if translated is None or translated is exc:
                raise
            raise translated from exc

    async def dispose(self) -> None:
        """Close every pooled connection and stop the checkpoint thread (call on shutdown)."""
        if self.checkpointer is not None:
            self.checkpointer.stop_event.set()  # the thread exits at its next wake-up; no join on the loop
        await self.engine.dispose()
