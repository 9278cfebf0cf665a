"""How one replica keeps its cached API definitions and data sources current when another replica changes them.

The execute path caches the live API it runs (``ApiService.load_target``) and the decrypted data source
(``SqlRunner``) for a couple of seconds, and a write clears this process's caches at once. Another replica
on the same database does not see that clear, so without more it could run the previous version of an API
for up to the cache's TTL after an UpdateApi or RollbackApi answered. So every cache hit is checked against
the database: one indexed read of the API's id and version (or the data source's id), and a stale entry is
loaded again.

- **SQLite** (:class:`SqliteVersionCheck`): the read runs on a read-only ``sqlite3`` connection, inline on
  the event loop (about 5 µs: a WAL reader never waits for the writer).
- **PostgreSQL** (:class:`PgVersionCheck`): the read is awaited, one statement in autocommit on a plain
  psycopg connection (``db.pg_connections``: no pre-ping, BEGIN or ROLLBACK round trips). For a SQL API
  the same statement reads its data source's id too, and the run that follows checks its cached data
  source against that read instead of reading again: one round trip per call for both. A database out of
  reach makes every hit stale: the load that follows reports the failure as any load does.

Either way, once a write has answered, a call that starts afterwards on any replica runs what was written.
(A PostgreSQL ``LISTEN/NOTIFY`` cannot give that: the notification reaches the other replica a moment after
the write's reply has left, and a call starting in that moment would still run the old version. With the
read on every hit, a listener would only add a connection per replica and clear every tenant's caches on any
tenant's write.) The compiled parts of an API are cached by ``(api_id, version)`` and need no check:
versions are assigned under the API row's lock (``SELECT ... FOR UPDATE``; on SQLite ``BEGIN IMMEDIATE``),
so a number never means two definitions.
"""

from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, Protocol

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

    def source_current(
        self, tenant: str, name: str, source_id: str, *, api: tuple[str, int] | None = None
    ) -> bool | Awaitable[bool]:
        """Whether ``tenant``'s data source ``name`` is still the one with id ``source_id``; ``api``: the
        ``(api_id, version)`` of the run asking (its API's check may have read the source already)."""
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

    def source_current(
        self, tenant: str, name: str, source_id: str, *, api: tuple[str, int] | None = None
    ) -> bool | Awaitable[bool]:
        """Always: no other process writes."""
        return True

    async def start(self) -> None:
        """Nothing to open."""

    async def aclose(self) -> None:
        """Nothing to close."""


# SQLite (sqlite3 binds ``:t`` and ``:v``).
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

    def source_current(self, tenant: str, name: str, source_id: str, *, api: tuple[str, int] | None = None) -> bool:
        """The data source's id, read now, is the one cached (a source is never edited, only deleted)."""
        return _current("data_source", self._row(_SOURCE, {"t": tenant, "v": name}), (source_id,))


# PostgreSQL: psycopg's named placeholders. The API's row also gives a SQL API's data source id (its name is
# in the stored definition), so one round trip checks both.
_PG_SOURCE = f"""
    LEFT JOIN LATERAL (
        SELECT CASE WHEN a.kind = 'SQL' THEN a.definition -> 'spec' ->> 'data_source' END AS name
    ) AS s ON TRUE
    LEFT JOIN {DataSourceRow.__tablename__} AS d ON d.tenant = a.tenant AND d.name = s.name"""
_PG_API = f"SELECT a.id, a.version, s.name, d.id FROM {ApiRow.__tablename__} AS a {_PG_SOURCE}"
_PG_API_BY_ID = f"{_PG_API} WHERE a.tenant = %(t)s AND a.id = %(v)s AND a.deleted_at IS NULL"
_PG_API_BY_NAME = f"{_PG_API} WHERE a.tenant = %(t)s AND a.name = %(v)s AND a.deleted_at IS NULL"
_PG_SOURCE_ONLY = f"SELECT id FROM {DataSourceRow.__tablename__} WHERE tenant = %(t)s AND name = %(v)s"

#: What the last API check of this call read of its data source: (check, tenant, api_id, version, source name,
#: source id or None). Task-local (a call's context), used once, by the run of that API version only.
_SOURCE_READ: contextvars.ContextVar[tuple[Any, str, str, int, str, str | None] | None] = contextvars.ContextVar(
    "opsuite_api_manager_source_read", default=None
)


def forget_source_reads() -> None:
    """A new call starts (in this context): no earlier check's read of a data source stands in for its own."""
    _SOURCE_READ.set(None)


class PgVersionCheck(Trusting):
    """PostgreSQL: each cache hit is checked with one awaited read (see the module docstring)."""

    def __init__(self, db: Database, *, max_connections: int = 2) -> None:
        """Read from ``db`` on connections of the check's own, each check one statement in autocommit."""
        # Imported here: psycopg (and libpq) is loaded only by a service whose store is PostgreSQL.
        from opsuite_api_manager.db.pg_connections import PgConnections

        self._connections = PgConnections(db.engine.url, max_size=max_connections, application_name="api_manager")

    async def aclose(self) -> None:
        """Close the connections."""
        await self._connections.aclose()

    def api_current(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> Awaitable[bool]:
        """The API's id and version, read now, are those cached (a SQL API's data source id is read too)."""
        return self._api(tenant, ref_id, ref_name, api_id, version)

    def source_current(
        self, tenant: str, name: str, source_id: str, *, api: tuple[str, int] | None = None
    ) -> bool | Awaitable[bool]:
        """The data source's id is the one cached (a source is never edited, only deleted): as read by the
        check of ``api`` in this call, else read now."""
        read = _SOURCE_READ.get()
        if read is not None and api is not None and read[0] is self and read[1:5] == (tenant, *api, name):
            _SOURCE_READ.set(None)
            return _current("data_source", None if read[5] is None else (read[5],), (source_id,))
        return self._source(tenant, name, source_id)

    async def _api(self, tenant: str, ref_id: str, ref_name: str, api_id: str, version: int) -> bool:
        _SOURCE_READ.set(None)
        sql, ref = (_PG_API_BY_ID, ref_id) if ref_id else (_PG_API_BY_NAME, ref_name)
        row = await self._row(sql, {"t": tenant, "v": ref})
        current = _current("api", None if row is None else row[:2], (api_id, version))
        if current and row is not None and row[2] is not None:
            _SOURCE_READ.set((self, tenant, api_id, version, str(row[2]), None if row[3] is None else str(row[3])))
        return current

    async def _source(self, tenant: str, name: str, source_id: str) -> bool:
        return _current("data_source", await self._row(_PG_SOURCE_ONLY, {"t": tenant, "v": name}), (source_id,))

    async def _row(self, sql: str, params: dict[str, str]) -> tuple[Any, ...] | None:
        """The row, or None (no row, or the read failed: the load that follows reports a database failure)."""
        try:
            async with self._connections.connection() as conn:
                cursor = await conn.execute(sql, params)
                row = await cursor.fetchone()
        except Exception:
            return None
        return None if row is None else tuple(row)


def freshness_for(db: Database) -> Freshness:
    """The check that fits ``db``: an inline read on a SQLite file, an awaited one on PostgreSQL, none in memory."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        return PgVersionCheck(db)
    path = url.database or ""
    if path in ("", ":memory:") or path.startswith("file:"):
        return Trusting()
    return SqliteVersionCheck(path)
