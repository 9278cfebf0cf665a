"""How one replica keeps its cached API definitions and data sources current when another replica changes them.

The execute path caches the live API it runs (``ApiService.load_target``) and the decrypted data source
(``SqlRunner``) for a couple of seconds, and a write clears this process's caches at once. Another replica
on the same database does not see that clear, so without more it could run the previous version of an API
for up to the cache's TTL after an UpdateApi or RollbackApi answered. So every cache hit is checked against
the database: one indexed read of the API's id and version (or the data source's id), and a stale entry is
loaded again.

- **SQLite** (:class:`SqliteVersionCheck`): the read runs on a read-only ``sqlite3`` connection, inline on
  the event loop (about 5 µs: a WAL reader never waits for the writer).
- **PostgreSQL** (:class:`PgVersionCheck`): the read is awaited, one statement in autocommit (no BEGIN or
  ROLLBACK round trips). A database out of reach makes every hit stale: the load that follows reports the
  failure as any load does.

Either way, once a write has answered, a call that starts afterwards on any replica runs what was written.
(A PostgreSQL ``LISTEN/NOTIFY`` cannot give that: the notification reaches the other replica a moment after
the write's reply has left, and a call starting in that moment would still run the old version. With the
read on every hit, a listener would only add a connection per replica and clear every tenant's caches on any
tenant's write.) The compiled parts of an API are cached by ``(api_id, version)`` and need no check:
versions are assigned under the API row's lock (``SELECT ... FOR UPDATE``; on SQLite ``BEGIN IMMEDIATE``),
so a number never means two definitions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Iterable, Mapping
from typing import Protocol

from sqlalchemy import TextClause, text

from opsuite_api_manager.db import ApiRow, DataSourceRow
from opsuite_common.db import Database
from opsuite_common.metrics import counter

from .sqlite_pool import sqlite_uri

__all__ = ["Freshness", "PgVersionCheck", "SqliteVersionCheck", "Trusting", "freshness_for"]

_STALE = counter(
    "opsuite_api_manager_cache_reloads_total",
    "Cached API definitions or data sources found changed by another replica (or not checkable) and loaded again.",
    ("what",),
)


class Freshness(Protocol):
    """Tells the caches whether an entry is still what the database holds."""

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool | Awaitable[bool]:
        """Whether ``tenant``'s live API ``ref_id`` (else ``ref_name``) is still ``api_id`` at ``version``."""
        ...

    def source_current(self, tenant: str, name: str, source_id: str) -> bool | Awaitable[bool]:
        """Whether ``tenant``'s data source ``name`` is still the one with id ``source_id``."""
        ...

    async def start(self) -> None:
        """Open what the checks need."""
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

    async def start(self) -> None:
        """Nothing to open."""

    async def aclose(self) -> None:
        """Nothing to close."""


# Named parameters: sqlite3 and SQLAlchemy's text() both bind ``:t`` and ``:v``.
_API_BY_ID = f"SELECT id, version FROM {ApiRow.__tablename__} WHERE tenant = :t AND id = :v AND deleted_at IS NULL"
_API_BY_NAME = f"SELECT id, version FROM {ApiRow.__tablename__} WHERE tenant = :t AND name = :v AND deleted_at IS NULL"
_SOURCE = f"SELECT id FROM {DataSourceRow.__tablename__} WHERE tenant = :t AND name = :v"


def _api_query(tenant: str, ref_id: str, ref_name: str) -> tuple[str, dict[str, str]]:
    return (_API_BY_ID, {"t": tenant, "v": ref_id}) if ref_id else (_API_BY_NAME, {"t": tenant, "v": ref_name})


def _current(what: str, row: Iterable[object] | None, expected: tuple[object, ...]) -> bool:
    """Whether the row read (None: none, or the read failed) is ``expected``; a stale entry is counted."""
    current = row is not None and tuple(row) == expected
    if not current:
        _STALE.labels(what).inc()
    return current


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

    def _row(self, sql: str, params: Mapping[str, str]) -> tuple[object, ...] | None:
        """The row, or None (no row, or the read failed)."""
        if self._conn is None:
            return None
        try:
            row: tuple[object, ...] | None = self._conn.execute(sql, params).fetchone()
        except sqlite3.Error:
            return None
        return row

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool:
        """The API's id and version, read now, are those cached."""
        return _current("api", self._row(*_api_query(tenant, ref_id, ref_name)), (api_id, version))

    def source_current(self, tenant: str, name: str, source_id: str) -> bool:
        """The data source's id, read now, is the one cached (a source is never edited, only deleted)."""
        return _current("data_source", self._row(_SOURCE, {"t": tenant, "v": name}), (source_id,))


_PG_QUERIES: dict[str, TextClause] = {sql: text(sql) for sql in (_API_BY_ID, _API_BY_NAME, _SOURCE)}


class PgVersionCheck(Trusting):
    """PostgreSQL: each cache hit is checked with one awaited read (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        """Read from ``db``'s pool, each check one statement in autocommit."""
        self._engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> Awaitable[bool]:
        """The API's id and version, read now, are those cached."""
        sql, params = _api_query(tenant, ref_id, ref_name)
        return self._matches("api", sql, params, (api_id, version))

    def source_current(self, tenant: str, name: str, source_id: str) -> Awaitable[bool]:
        """The data source's id, read now, is the one cached (a source is never edited, only deleted)."""
        return self._matches("data_source", _SOURCE, {"t": tenant, "v": name}, (source_id,))

    async def _matches(self, what: str, sql: str, params: dict[str, str], expected: tuple[object, ...]) -> bool:
        try:
            async with self._engine.connect() as conn:
                row = (await conn.execute(_PG_QUERIES[sql], params)).first()
        except Exception:  # the load that follows reports a database failure properly
            row = None
        return _current(what, row, expected)


def freshness_for(db: Database) -> Freshness:
    """The check that fits ``db``: an inline read on a SQLite file, an awaited one on PostgreSQL, none in memory."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        return PgVersionCheck(db)
    path = url.database or ""
    if path in ("", ":memory:") or path.startswith("file:"):
        return Trusting()
    return SqliteVersionCheck(path)
