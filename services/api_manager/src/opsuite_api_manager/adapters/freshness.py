"""How one replica keeps its cached API definitions and data sources current when another replica changes them.

The execute path caches the live API it runs (``ApiService.load_target``) and the decrypted data source
(``SqlRunner``) for a couple of seconds, and a write clears this process's caches at once. Another replica
on the same database does not see that clear, so without more it could run the previous version of an API
for up to the cache's TTL after an UpdateApi or RollbackApi answered. How the replicas learn of each
other's writes depends on the database:

- **SQLite** (:class:`SqliteVersionCheck`): every cache hit is checked against the database: the API's id
  and version (or the data source's id) read on a read-only ``sqlite3`` connection, inline on the event loop
  (about 5 µs: a WAL reader never waits for the writer). A stale entry is loaded again.
- **PostgreSQL** (:class:`PgChangeListener`): every cache hit is checked with one indexed read of the API's
  id and version (or the data source's id), as on SQLite but awaited. A NOTIFY alone is not enough: it reaches
  the other replica's listener a moment after the write's reply has left, and a call that starts in that
  moment would still run the old version (seen under load in tests/test_replicas.py). Every write also sends
  ``NOTIFY opsuite_api_manager_changes`` in its own transaction, and each replica LISTENs on a connection of its
  own and clears its caches when one arrives, so most stale entries are gone before a hit has to find them;
  while that connection is down, every call loads the API (a reload, not an error).

Either way, once a write has answered, a call that starts afterwards on any replica runs what was written.
The compiled parts of an API are cached by ``(api_id, version)`` and need no check: versions are assigned
under the API row's lock (``SELECT ... FOR UPDATE``; on SQLite ``BEGIN IMMEDIATE``), so a number never means
two definitions.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_api_manager.db import ApiRow, DataSourceRow
from opsuite_common.db import Database
from opsuite_common.logging import get_logger, redact_text
from opsuite_common.metrics import counter

from .sqlite_pool import sqlite_uri

__all__ = ["CHANNEL", "Freshness", "PgChangeListener", "SqliteVersionCheck", "Trusting", "freshness_for"]

log = get_logger("opsuite.api_manager.freshness")

#: The PostgreSQL notification channel of API and data source writes (payload: the tenant).
CHANNEL = "opsuite_api_manager_changes"

_STALE = counter(
    "opsuite_api_manager_cache_reloads_total",
    "Cached API definitions or data sources found changed by another replica (or not checkable) and loaded again.",
    ("what",),
)


class Freshness(Protocol):
    """Tells the caches whether an entry is still what the database holds, and announces this process's writes."""

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool | Awaitable[bool]:
        """Whether ``tenant``'s live API ``ref_id`` (else ``ref_name``) is still ``api_id`` at ``version``."""
        ...

    def source_current(self, tenant: str, name: str, source_id: str) -> bool | Awaitable[bool]:
        """Whether ``tenant``'s data source ``name`` is still the one with id ``source_id``."""
        ...

    def on_change(self, forget: Callable[[], None]) -> None:
        """Call ``forget`` whenever another replica's write may have made cached entries stale."""
        ...

    async def announce(self, session: AsyncSession, tenant: str) -> None:
        """Tell the other replicas, within the write's transaction ``session``, that ``tenant`` changed."""
        ...

    async def start(self) -> None:
        """Open what the checks need (a connection; a listener)."""
        ...

    async def aclose(self) -> None:
        """Close it."""
        ...


class Trusting:
    """One process on its own database (SQLite in memory): its own writes clear its caches, nothing else can."""

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool | Awaitable[bool]:
        """Always: no other process writes."""
        return True

    def source_current(self, tenant: str, name: str, source_id: str) -> bool | Awaitable[bool]:
        """Always: no other process writes."""
        return True

    def on_change(self, forget: Callable[[], None]) -> None:
        """Nothing to listen to."""

    async def announce(self, session: AsyncSession, tenant: str) -> None:
        """Nobody to tell."""

    async def start(self) -> None:
        """Nothing to open."""

    async def aclose(self) -> None:
        """Nothing to close."""


_API_BY_ID = f"SELECT id, version FROM {ApiRow.__tablename__} WHERE tenant = ? AND id = ? AND deleted_at IS NULL"
_API_BY_NAME = f"SELECT id, version FROM {ApiRow.__tablename__} WHERE tenant = ? AND name = ? AND deleted_at IS NULL"
_SOURCE = f"SELECT id FROM {DataSourceRow.__tablename__} WHERE tenant = ? AND name = ?"


class SqliteVersionCheck(Trusting):
    """SQLite: each cache hit is checked with one inline read (see the module docstring)."""

    def __init__(self, path: str) -> None:
        """Check against the database file at ``path`` (opened read-only at :meth:`start`)."""
        self._path = path
        self._conn: sqlite3.Connection | None = None

    async def start(self) -> None:
        """Open the read-only connection (the file exists: migrations ran)."""
        conn = sqlite3.connect(sqlite_uri(self._path), uri=True, isolation_level=None)
        # Never wait on the event loop: a read that would (a checkpoint holding the WAL index for an instant)
        # counts as stale, and the entry is loaded the usual way.
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA query_only = ON")
        self._conn = conn

    async def aclose(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _row(self, sql: str, args: tuple[str, ...]) -> tuple[object, ...] | bool | None:
        """The row (None: none), or False when the read failed."""
        if self._conn is None:
            return False
        try:
            row: tuple[object, ...] | None = self._conn.execute(sql, args).fetchone()
        except sqlite3.Error:
            return False
        return row

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool:
        """The API's id and version, read now, are those cached."""
        row = self._row(_API_BY_ID, (tenant, ref_id)) if ref_id else self._row(_API_BY_NAME, (tenant, ref_name))
        current = isinstance(row, tuple) and row[0] == api_id and row[1] == version
        if not current:
            _STALE.labels("api").inc()
        return current

    def source_current(self, tenant: str, name: str, source_id: str) -> bool:
        """The data source's id, read now, is the one cached (a source is never edited, only deleted)."""
        row = self._row(_SOURCE, (tenant, name))
        current = isinstance(row, tuple) and row[0] == source_id
        if not current:
            _STALE.labels("data_source").inc()
        return current


class PgChangeListener(Trusting):
    """PostgreSQL: NOTIFY on every write, LISTEN on one connection per replica (see the module docstring)."""

    def __init__(self, url: str, *, retry_s: float = 1.0, db: Database | None = None) -> None:
        """Listen on the database at ``url`` (a SQLAlchemy URL); reconnect every ``retry_s`` (jittered) when lost.
        ``db``: where a cache hit's version is read (None: hits are trusted while listening, for tests)."""
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._db = db
        self._retry_s = retry_s
        self._forget: list[Callable[[], None]] = []
        self._listening = False
        self._task: asyncio.Task[None] | None = None

    @property
    def listening(self) -> bool:
        """Whether this replica hears the others' writes now (cache hits are trusted only then)."""
        return self._listening

    def on_change(self, forget: Callable[[], None]) -> None:
        """Call ``forget`` on every notification, and when listening starts again after a gap."""
        self._forget.append(forget)

    def _clear(self) -> None:
        for forget in self._forget:
            forget()

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool | Awaitable[bool]:
        """Not current while this replica cannot hear the others; else the id and version read now decide."""
        if not self._listening or self._db is None:
            if not self._listening:
                _STALE.labels("api").inc()
            return self._listening
        by = ("id", ref_id) if ref_id else ("name", ref_name)
        sql = (
            f"SELECT id, version FROM {ApiRow.__tablename__} WHERE tenant = :t AND {by[0]} = :v AND deleted_at IS NULL"
        )
        return self._matches("api", sql, {"t": tenant, "v": by[1]}, (api_id, version))

    def source_current(self, tenant: str, name: str, source_id: str) -> bool | Awaitable[bool]:
        """Not current while this replica cannot hear the others; else the data source's id read now decides."""
        if not self._listening or self._db is None:
            if not self._listening:
                _STALE.labels("data_source").inc()
            return self._listening
        sql = f"SELECT id FROM {DataSourceRow.__tablename__} WHERE tenant = :t AND name = :v"
        return self._matches("data_source", sql, {"t": tenant, "v": name}, (source_id,))

    async def _matches(self, what: str, sql: str, params: dict[str, str], expected: tuple[object, ...]) -> bool:
        assert self._db is not None
        try:
            async with self._db.session(readonly=True) as s:
                row = (await s.execute(text(sql), params)).first()
        except Exception:  # the load that follows reports a database failure properly
            row = None
        current = row is not None and tuple(row) == expected
        if not current:
            _STALE.labels(what).inc()
        return current

    async def announce(self, session: AsyncSession, tenant: str) -> None:
        """``pg_notify`` in the write's transaction: sent when (and only if) it commits."""
        await session.execute(text("SELECT pg_notify(:channel, :tenant)"), {"channel": CHANNEL, "tenant": tenant})

    async def start(self) -> None:
        """Start listening in the background (a database out of reach only means untrusted caches meanwhile)."""
        self._task = asyncio.create_task(self._listen(), name="api-manager-change-listener")

    async def aclose(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._listening = False

    async def _listen(self) -> None:
        import psycopg  # the PostgreSQL driver, needed only here

        warned = False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    # Whatever was written while nobody listened is unknown: forget it all, then trust again.
                    self._clear()
                    self._listening = True
                    if warned:
                        log.info("listening for other replicas' API changes again")
                        warned = False
                    async for _note in conn.notifies():
                        self._clear()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection refused or lost: caches untrusted until it is back
                self._listening = False
                if not warned:
                    log.warning(
                        "cannot listen for other replicas' API changes; every execution loads its API meanwhile",
                        error=f"{type(exc).__name__}: {redact_text((str(exc) or '-').splitlines()[0])}",
                    )
                    warned = True
            self._listening = False
            await asyncio.sleep(self._retry_s * random.uniform(0.5, 1.5))


def freshness_for(db: Database) -> Freshness:
    """The check that fits ``db``: a version check on a SQLite file, LISTEN/NOTIFY on PostgreSQL."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        return PgChangeListener(url.render_as_string(hide_password=False), db=db)
    path = url.database or ""
    if path in ("", ":memory:") or path.startswith("file:"):
        return Trusting()
    return SqliteVersionCheck(path)
