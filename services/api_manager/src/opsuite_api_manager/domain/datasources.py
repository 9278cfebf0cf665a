"""Data sources (separate databases that SQL APIs query) and the per-source SQLAlchemy engine cache.

A data source URL is what the operator stored (``sqlite:///reports.db``, ``postgresql://u:p@h/db``).
``engine_url`` turns it into an async driver URL with the engine's read-only layer built in:

- SQLite opens ``file:<path>?mode=ro`` (a missing file is an error, never a fresh empty database) and every
  connection runs ``PRAGMA query_only=ON``;
- PostgreSQL connects with ``default_transaction_read_only=on`` and a ``connect_timeout``; the engine
  additionally opens each transaction with ``SET TRANSACTION READ ONLY``.

Engines are cached per data source, keyed by ``(id, sha256(url))``: editing a data source's URL gives
a new engine and disposes the old one, and the plaintext URL is never a dictionary key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from opsuite_common.errors import ValidationError

from .sql_guard import SqlDialect, dialect_for_url
from .sqlite_pool import SqlitePool

__all__ = [
    "DataSource",
    "EngineCache",
    "create_engine_for",
    "engine_url",
    "missing_sqlite_file",
    "scrub",
    "sqlite_path",
]

_ASYNC_DRIVERS = {
    SqlDialect.SQLITE: "sqlite+aiosqlite",
    SqlDialect.POSTGRES: "postgresql+psycopg",
    SqlDialect.MYSQL: "mysql+aiomysql",
}


@dataclass(frozen=True, slots=True)
class DataSource:
    """A database that SQL APIs read from; ``url`` holds decrypted credentials and is never repr'd."""

    id: str
    name: str
    url: str = field(repr=False)
    pool_size: int = 5
    max_overflow: int = 5
    pool_timeout: float = 10.0
    pool_recycle: float = 1800.0
    connect_timeout: float = 5.0

    @property
    def dialect(self) -> SqlDialect:
        """The SQL dialect of this data source."""
        return dialect_for_url(self.url)

    @property
    def cache_key(self) -> tuple[str, str]:
        """``(id, sha256(url))``: identifies one engine configuration without holding the secret."""
        return self.id, hashlib.sha256(self.url.encode()).hexdigest()


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise ValidationError.for_field("url", "is not a valid database URL (e.g. postgresql://user@host/db)") from None


def engine_url(url: str) -> tuple[URL, dict[str, Any]]:
    """The async driver URL and ``connect_args`` for a stored data source URL."""
    parsed = _parse(url)
    dialect = dialect_for_url(url)
    parsed = parsed.set(drivername=_ASYNC_DRIVERS[dialect])
    connect_args: dict[str, Any] = {}
    if dialect is SqlDialect.SQLITE:
        path = parsed.database or ""
        if path in ("", ":memory:") or path.startswith("file:"):
            raise ValidationError.for_field("url", "SQLite data sources must name a database file: sqlite:///path.db")
        parsed = parsed.set(database=f"file:{path}", query={"mode": "ro", "uri": "true"})
        connect_args["timeout"] = 5.0  # busy timeout while a writer holds the lock
    return parsed, connect_args


def sqlite_path(url: str) -> str:
    """The database file path of a SQLite data source URL (validated like ``engine_url``)."""
    path = _parse(url).database or ""
    if path in ("", ":memory:") or path.startswith("file:"):
        raise ValidationError.for_field("url", "SQLite data sources must name a database file: sqlite:///path.db")
    return path


def missing_sqlite_file(url: str) -> bool:
    """Whether ``url`` is a SQLite data source whose file does not exist (checked before connecting,
    which also spares aiosqlite's failed-connect path)."""
    if dialect_for_url(url) is not SqlDialect.SQLITE:
        return False
    path = _parse(url).database or ""
    return not os.path.isfile(path)


def scrub(message: str, url: str) -> str:
    """Remove a URL's password, user and host from a driver message before it leaves the engine."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return message
    out = message.replace(url, "<data source url>")
    for secret, mask in ((parsed.password, "***"), (parsed.host, "<host>"), (parsed.username, "<user>")):
        if secret and len(str(secret)) >= 2:
            out = out.replace(str(secret), mask)
    return out


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only = ON")
    finally:
        cursor.close()


def create_engine_for(source: DataSource, *, pooled: bool = True) -> AsyncEngine:
    """A new async engine for ``source`` with pool settings, ``pool_pre_ping`` and read-only connects."""
    url, connect_args = engine_url(source.url)
    dialect = source.dialect
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if pooled:
        kwargs.update(
            pool_size=source.pool_size,
            max_overflow=source.max_overflow,
            pool_timeout=source.pool_timeout,
            pool_recycle=source.pool_recycle,
        )
    else:
        from sqlalchemy.pool import NullPool

        kwargs["poolclass"] = NullPool
    if dialect is SqlDialect.POSTGRES:
        connect_args["connect_timeout"] = max(1, round(source.connect_timeout))
        connect_args["options"] = "-c default_transaction_read_only=on"
    elif dialect is SqlDialect.MYSQL:
        connect_args["connect_timeout"] = max(1, round(source.connect_timeout))
    try:
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    except ModuleNotFoundError as exc:
        raise ValidationError.for_field(
            "url", f"the database driver '{url.drivername}' is not installed on this server ({exc.name})"
        ) from None
    if dialect is SqlDialect.SQLITE:
        event.listen(engine.sync_engine, "connect", _sqlite_query_only)
    return engine


class EngineCache:
    """One pooled engine per data source configuration (plus, for SQLite, a sync read pool); dispose() on
    shutdown."""

    def __init__(self) -> None:
        """Start empty."""
        self._engines: dict[str, tuple[str, AsyncEngine]] = {}
        self._sqlite: dict[str, tuple[str, SqlitePool]] = {}

    async def get(self, source: DataSource) -> AsyncEngine:
        """The cached engine for ``source``, replacing (and disposing) one built from an older URL."""
        source_id, url_hash = source.cache_key
        cached = self._engines.get(source_id)
        if cached is not None and cached[0] == url_hash:
            return cached[1]
        engine = create_engine_for(source)
        self._engines[source_id] = (url_hash, engine)
        if cached is not None:
            await cached[1].dispose()
        return engine

    async def sqlite_pool(self, source: DataSource) -> SqlitePool:
        """The read pool of a SQLite ``source`` (see ``sqlite_pool``), replaced when its URL changes."""
        source_id, url_hash = source.cache_key
        cached = self._sqlite.get(source_id)
        if cached is not None and cached[0] == url_hash:
            return cached[1]
        pool = SqlitePool(
            sqlite_path(source.url),
            size=source.pool_size + source.max_overflow,
            timeout_s=source.pool_timeout,
            recycle_s=source.pool_recycle,
        )
        self._sqlite[source_id] = (url_hash, pool)
        if cached is not None:
            await cached[1].aclose()
        return pool

    async def evict(self, source_id: str) -> None:
        """Dispose the engine of a deleted data source."""
        cached = self._engines.pop(source_id, None)
        if cached is not None:
            await cached[1].dispose()
        pool = self._sqlite.pop(source_id, None)
        if pool is not None:
            await pool[1].aclose()

    async def dispose(self) -> None:
        """Dispose every engine (service shutdown)."""
        engines = [engine for _, engine in self._engines.values()]
        pools = [pool for _, pool in self._sqlite.values()]
        self._engines.clear()
        self._sqlite.clear()
        for engine in engines:
            await engine.dispose()
        for pool in pools:
            await pool.aclose()

    def __len__(self) -> int:
        """How many data sources have a cached engine or pool."""
        return len(self._engines.keys() | self._sqlite.keys())
