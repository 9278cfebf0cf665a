"""Data sources (separate databases that SQL APIs query) and the per-source SQLAlchemy engine cache.

A data source URL is what the operator stored (``sqlite:///reports.db``, ``postgresql://u:p@h/db``).
``engine_url`` turns it into an async driver URL with the engine's read-only layer built in:

- SQLite opens ``file:<path>?mode=ro`` (a missing file is an error, never a fresh empty database) and every
  connection runs ``PRAGMA query_only=ON``;
- PostgreSQL connects with ``default_transaction_read_only=on`` and a ``connect_timeout``; the engine
  additionally opens each transaction with ``SET TRANSACTION READ ONLY``.

Engines are cached per data source, keyed by ``(id, sha256(url))``: editing a data source's URL gives
a new engine and disposes the old one, and the plaintext URL is never a dictionary key.

With a :class:`~.source_policy.DataSourcePolicy` (the server always passes one), every engine and pool
opens only what the policy admits: a SQLite source opens the judged, resolved file, and a network source
connects through an ``async_creator`` that resolves the host once per new connection, judges every
address and connects to a judged one (psycopg ``hostaddr``, keeping ``host`` for TLS; aiomysql the IP).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from opsuite_api_manager.domain.source_policy import DataSourcePolicy
from opsuite_api_manager.domain.sql_guard import SqlDialect, dialect_for_url
from opsuite_common.errors import ValidationError

from .sqlite_pool import SqlitePool

__all__ = [
    "STORED_URL_FIELD",
    "DataSource",
    "EngineCache",
    "create_engine_for",
    "engine_url",
    "is_file",
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
    """A database that SQL APIs read from; ``url`` holds decrypted credentials and is never repr'd.

    ``tenant`` owns it: the policy's SQLite roots are per tenant."""

    id: str
    name: str
    url: str = field(repr=False)
    #: The credentials inside ``url`` (``secretscope.url_secrets``), worked out once when loaded.
    secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)
    tenant: str = ""
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
        # Percent-encoded: SQLite decodes URI filenames, so a literal '%', '?' or '#' must stay literal.
        parsed = parsed.set(database=f"file:{quote(path)}", query={"mode": "ro", "uri": "true"})
        connect_args["timeout"] = 5.0  # busy timeout while a writer holds the lock
    return parsed, connect_args


def sqlite_path(url: str) -> str:
    """The database file path of a SQLite data source URL (validated like ``engine_url``)."""
    path = _parse(url).database or ""
    if path in ("", ":memory:") or path.startswith("file:"):
        raise ValidationError.for_field("url", "SQLite data sources must name a database file: sqlite:///path.db")
    return path


def is_file(path: str) -> bool:
    """Whether ``path`` is an existing regular file (a stat call: cheap enough for the event loop)."""
    return os.path.isfile(path)


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


#: The field refusals name when a stored data source is judged at connect time.
STORED_URL_FIELD = "data_source.url"


def create_engine_for(
    source: DataSource, *, pooled: bool = True, policy: DataSourcePolicy | None = None
) -> AsyncEngine:
    """A new async engine for ``source`` with pool settings, ``pool_pre_ping`` and read-only connects.

    With ``policy``, a SQLite source is judged now and opens the resolved file; a network source is
    judged (and its host resolved) at every new connection.
    """
    dialect = source.dialect
    stored = source.url
    if policy is not None and dialect is SqlDialect.SQLITE:
        resolved = policy.sqlite_file(source.tenant, source.url, field=STORED_URL_FIELD)
        stored = _parse(source.url).set(database=resolved).render_as_string(hide_password=False)
    url, connect_args = engine_url(stored)
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
    engines: list[AsyncEngine] = []
    if policy is not None and dialect is not SqlDialect.SQLITE:
        kwargs["async_creator"] = _guarded_connect(policy, source, engines, connect_args)
    else:
        kwargs["connect_args"] = connect_args
    try:
        engine = create_async_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        raise ValidationError.for_field(
            "url", f"the database driver '{url.drivername}' is not installed on this server ({exc.name})"
        ) from None
    engines.append(engine)
    if dialect is SqlDialect.SQLITE:
        event.listen(engine.sync_engine, "connect", _sqlite_query_only)
    return engine


def _guarded_connect(
    policy: DataSourcePolicy, source: DataSource, engines: list[AsyncEngine], connect_args: dict[str, Any]
) -> Any:
    """The ``async_creator`` of a network source: judge (resolving once), then connect to a judged address."""

    async def connect() -> Any:
        endpoint = await policy.endpoint(source.url, field=STORED_URL_FIELD)
        sync = engines[0].sync_engine
        # What SQLAlchemy itself would pass the driver (credentials, database, psycopg adapters...).
        _args, params = sync.dialect.create_connect_args(sync.url)
        params = {**params, **connect_args, "port": endpoint.port}
        last: Exception | None = None
        for ip in endpoint.addresses:  # the judged addresses, in the resolver's order
            try:
                return await _driver_connect(source.dialect, params, endpoint.host, str(ip))
            except Exception as exc:
                if not _is_connect_failure(exc):
                    raise
                last = exc
        assert last is not None
        raise last

    return connect


async def _driver_connect(dialect: SqlDialect, params: dict[str, Any], host: str, ip: str) -> Any:
    if dialect is SqlDialect.POSTGRES:
        import psycopg

        # hostaddr: no second lookup; host still drives TLS verification and SNI. passfile: the service's
        # own ~/.pgpass never lends its passwords to a tenant's data source.
        return await psycopg.AsyncConnection.connect(**{**params, "host": host, "hostaddr": ip, "passfile": os.devnull})
    import aiomysql  # type: ignore[import-not-found, unused-ignore]

    return await aiomysql.connect(**{**params, "host": ip})


def _is_connect_failure(exc: Exception) -> bool:
    """A failure to reach one address (try the next one), as opposed to a refusal or a bug."""
    if isinstance(exc, OSError):
        return True
    module = type(exc).__module__
    return type(exc).__name__ == "OperationalError" and module.startswith(("psycopg", "pymysql"))


class EngineCache:
    """One pooled engine per data source configuration (plus, for SQLite, a sync read pool); dispose() on
    shutdown."""

    def __init__(self, policy: DataSourcePolicy | None = None) -> None:
        """Start empty; ``policy`` judges every engine and pool (None: unguarded, for engine-level tests)."""
        self.policy = policy
        self._engines: dict[str, tuple[str, AsyncEngine]] = {}
        self._sqlite: dict[str, tuple[str, SqlitePool]] = {}

    async def get(self, source: DataSource) -> AsyncEngine:
        """The cached engine for ``source``, replacing (and disposing) one built from an older URL."""
        source_id, url_hash = source.cache_key
        cached = self._engines.get(source_id)
        if cached is not None and cached[0] == url_hash:
            return cached[1]
        engine = create_engine_for(source, policy=self.policy)
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
        path = sqlite_path(source.url)
        if self.policy is not None:
            path = self.policy.sqlite_file(source.tenant, source.url, field=STORED_URL_FIELD)
        pool = SqlitePool(
            path,
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
