"""Run guarded SQL against a data source: read-only transaction, timeout, row limit, JSON-safe rows.

PostgreSQL (and MySQL) run on SQLAlchemy's async engine: the service is a ``grpc.aio`` server and
psycopg's async connection gives pooling, ``pool_pre_ping`` and cancellation without a thread per
query. The statement runs as driver SQL inside ``AsyncConnection.run_sync``, which keeps server-side
cursors (``stream_results``) available for :meth:`SqlEngine.stream` and sends values only as driver
bind parameters. SQLite runs on :mod:`.sqlite_pool` instead: sync connections used in one thread hop
per query, because aiosqlite's one-hop-per-DB-API-call cost twenty hops for a point lookup.

The read-only transaction is the second layer after ``sql_guard`` and holds on its own:
PostgreSQL opens it with ``SET TRANSACTION READ ONLY`` plus ``SET LOCAL statement_timeout`` (one round
trip; the connection also defaults to read-only); SQLite connections are ``mode=ro`` with
``PRAGMA query_only=ON`` and a progress handler that aborts the statement at its deadline.

Errors: timeout -> DeadlineExceededError; cannot connect -> ServiceUnavailableError
(reason DATA_SOURCE_UNAVAILABLE); bad values for a bind -> ValidationError; the statement does not fit
the database (unknown column...) -> FailedPreconditionError (reason SQL_ERROR); a write reaching the
database -> PermissionDeniedError (reason SQL_READ_ONLY). Messages never carry the URL, host or password.
"""

from __future__ import annotations

import asyncio
import functools
import re
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlglot import exp

from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    OpsuiteError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)

from .datasources import DataSource, EngineCache, create_engine_for, missing_sqlite_file, scrub
from .jsonsafe import to_jsonable, type_hint
from .sql_guard import CheckedQuery, SqlDialect
from .sqlite_pool import PoolExhaustedError, SqliteConnectError, SqliteConnection, SqliteLease

__all__ = [
    "Column",
    "ConnectionCheck",
    "SqlBatch",
    "SqlEngine",
    "SqlReference",
    "SqlResult",
    "check_connection",
    "render_for_driver",
    "test_connection",
]


@dataclass(frozen=True, slots=True)
class Column:
    """A result column: its name and a type hint (database type name, else inferred from values)."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class SqlReference:
    """What was queried: the data source's name and the normalized statement."""

    data_source: str
    statement: str


@dataclass(frozen=True, slots=True)
class SqlResult:
    """A complete (possibly truncated) SQL result with JSON-safe rows."""

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    truncated: bool
    row_count: int
    duration_ms: float
    reference: SqlReference


@dataclass(frozen=True, slots=True)
class SqlBatch:
    """One batch of a streamed result; the batch with ``last=True`` carries the final counters."""

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    index: int
    last: bool
    truncated: bool
    row_count: int
    duration_ms: float
    reference: SqlReference


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """Outcome of :func:`test_connection`; ``message`` is safe to show (no credentials)."""

    ok: bool
    message: str
    duration_ms: float


# --------------------------------------------------------------------------- rendering


def render_for_driver(
    query: CheckedQuery, params: Mapping[str, Any], paramstyle: str
) -> tuple[str, dict[str, Any] | tuple[Any, ...] | None]:
    """Driver SQL and parameters for a DB-API ``paramstyle``; every ``:name`` becomes a real bind.

    The driver SQL depends only on the statement and the paramstyle, so it is generated once and
    cached (generating it with sqlglot cost more than the query itself on a point lookup); each call
    only picks its values.
    """
    missing = [n for n in query.bind_names if n not in params]
    if missing:
        raise ValidationError.for_field(f"params.{missing[0]}", "is required by the SQL statement (no value)")
    sql, names = _driver_template(query.sql, query.dialect.value, paramstyle)
    if not names:
        return sql, None
    if paramstyle in ("named", "pyformat"):
        return sql, {name: params[name] for name in names}
    return sql, tuple(params[name] for name in names)


@functools.lru_cache(maxsize=2048)
def _driver_template(sql: str, dialect: str, paramstyle: str) -> tuple[str, tuple[str, ...]]:
    """(driver SQL, the parameter names it binds, in order) for one statement and paramstyle.

    Placeholders are swapped for random sentinels before generating SQL, so text that merely looks
    like a placeholder inside a literal is never touched; ``%`` is doubled for the pyformat/format
    styles only when parameters are sent (that is when drivers interpret it). For named styles the
    names are unique; for positional ones they follow the placeholders (repeats included), and for
    ``numeric_dollar`` they follow the numbering.
    """
    tree = sqlglot.parse_one(sql, read=dialect)
    token = "b" + secrets.token_hex(8)
    order: list[str] = []

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder) and node.name not in ("", "?"):
            order.append(node.name)
            return exp.var(f"{token}_{len(order) - 1}_")
        return node

    out = tree.transform(swap).sql(dialect=dialect, comments=False)
    if not order:
        return out, ()
    if paramstyle in ("pyformat", "format"):
        out = out.replace("%", "%%")
    names: list[str] = []
    numbers: dict[str, int] = {}

    def placeholder(match: re.Match[str]) -> str:
        name = order[int(match.group(1))]
        if paramstyle == "named":
            return f":{name}"
        if paramstyle == "pyformat":
            return f"%({name})s"
        if paramstyle == "numeric_dollar":
            if name not in numbers:
                numbers[name] = len(numbers) + 1
                names.append(name)
            return f"${numbers[name]}"
        names.append(name)
        return "?" if paramstyle == "qmark" else "%s"

    out = re.sub(rf"{token}_(\d+)_", placeholder, out)
    if paramstyle in ("named", "pyformat"):
        return out, tuple(dict.fromkeys(order))
    return out, tuple(names)


# --------------------------------------------------------------------------- errors


def _sqlstate(error: BaseException) -> str:
    return str(getattr(error, "sqlstate", None) or getattr(error, "pgcode", None) or "")


def _translate(exc: BaseException, source: DataSource, deadline_hit: bool) -> OpsuiteError:
    """Map a driver/SQLAlchemy error to a typed, credential-free error."""
    if isinstance(exc, OpsuiteError):
        return exc
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = scrub(str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__, source.url)
    state = _sqlstate(orig)
    name = source.name
    if deadline_hit or state in ("57014", "55P03") or "interrupted" in text.lower():
        return DeadlineExceededError(f"the query on data source '{name}' exceeded its timeout and was cancelled")
    if state == "25006" or "readonly database" in text.lower() or "read-only" in text.lower():
        return PermissionDeniedError(
            f"data source '{name}' refused a write: SQL APIs are read-only ({text})", reason="SQL_READ_ONLY"
        )
    if isinstance(exc, SqliteConnectError):
        return ServiceUnavailableError(
            f"cannot connect to data source '{name}': {text}", reason="DATA_SOURCE_UNAVAILABLE"
        )
    if isinstance(exc, PoolTimeoutError | PoolExhaustedError):
        return ServiceUnavailableError(
            f"data source '{name}' has no free connection; try again later", reason="DATA_SOURCE_UNAVAILABLE"
        )
    if state.startswith(("08", "57P")) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return ServiceUnavailableError(
            f"lost the connection to data source '{name}': {text}", reason="DATA_SOURCE_UNAVAILABLE"
        )
    if state.startswith("22"):
        return ValidationError.for_field("params", f"a value does not fit the query: {text}")
    return FailedPreconditionError(f"the query failed on data source '{name}': {text}", reason="SQL_ERROR")


# --------------------------------------------------------------------------- execution


def _column_types(result: CursorResult[Any], rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
    names = list(result.keys())
    description = result.cursor.description if result.cursor is not None else None
    columns = []
    for i, name in enumerate(names):
        hint = ""
        code = description[i][1] if description and i < len(description) else None
        if isinstance(code, int):
            try:
                from psycopg.postgres import types as pg_types

                info = pg_types.get(code)
                hint = info.name if info is not None else ""
            except ImportError:  # pragma: no cover - psycopg is a dependency
                hint = ""
        if not hint:
            sample = next((row[i] for row in rows if row[i] is not None), None)
            hint = type_hint(sample) if sample is not None else "unknown"
        columns.append(Column(name=str(name), type=hint))
    return tuple(columns)


def _json_rows(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [[to_jsonable(value) for value in row] for row in rows]


def _sqlite_columns(description: Any, rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
    """Column names from the cursor; SQLite declares no result types, so hints come from the values."""
    columns = []
    for i, item in enumerate(description or ()):
        sample = next((row[i] for row in rows if row[i] is not None), None)
        columns.append(Column(name=str(item[0]), type=type_hint(sample) if sample is not None else "unknown"))
    return tuple(columns)


class SqlEngine:
    """Executes CheckedQuery objects against data sources, one cached engine per source."""

    def __init__(self, engines: EngineCache | None = None) -> None:
        """Use ``engines`` (shared with the data-source admin layer) or a private cache."""
        self.engines = engines or EngineCache()

    async def aclose(self) -> None:
        """Dispose every cached engine."""
        await self.engines.dispose()

    @asynccontextmanager
    async def _read_only(self, source: DataSource, timeout: float) -> AsyncIterator[AsyncConnection]:
        """A connection inside a read-only transaction with a statement timeout; always rolled back.

        Async engine (PostgreSQL, MySQL) only; SQLite goes through its sync pool.
        """
        engine = await self.engines.get(source)
        if missing_sqlite_file(source.url):
            raise ServiceUnavailableError(
                f"data source '{source.name}' is unavailable: its SQLite database file does not exist",
                reason="DATA_SOURCE_UNAVAILABLE",
            )
        try:
            conn = await engine.connect()
        except (SQLAlchemyError, OSError) as exc:
            if isinstance(exc, PoolTimeoutError):
                raise _translate(exc, source, False) from None
            raise ServiceUnavailableError(
                f"cannot connect to data source '{source.name}': "
                f"{scrub(str(getattr(exc, 'orig', exc) or exc).splitlines()[0], source.url)}",
                reason="DATA_SOURCE_UNAVAILABLE",
            ) from None
        try:
            await conn.begin()
            if source.dialect is SqlDialect.POSTGRES:
                ms = max(1, int(timeout * 1000))
                # One round trip (no bind parameters, so psycopg accepts several statements).
                await conn.exec_driver_sql(
                    f"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}"
                )
            elif source.dialect is SqlDialect.MYSQL:
                await conn.exec_driver_sql(f"SET SESSION max_execution_time = {max(1, int(timeout * 1000))}")
            yield conn
        finally:
            try:
                await conn.rollback()
            finally:
                await conn.close()

    async def execute(
        self,
        source: DataSource,
        query: CheckedQuery,
        params: Mapping[str, Any],
        *,
        row_limit: int,
        timeout: float,
    ) -> SqlResult:
        """Run ``query`` with ``params``; at most ``row_limit`` rows, ``truncated`` when more existed."""
        if source.dialect is SqlDialect.SQLITE:
            return await self._execute_sqlite(source, query, params, row_limit=row_limit, timeout=timeout)
        started = time.perf_counter()
        engine = await self.engines.get(source)
        sql, driver_params = render_for_driver(query, params, engine.dialect.paramstyle)

        def run(sync_conn: Connection) -> tuple[tuple[Column, ...], list[Any]]:
            result = sync_conn.exec_driver_sql(sql, driver_params)
            if not result.returns_rows:
                return (), []
            rows = result.fetchmany(row_limit + 1)
            columns = _column_types(result, rows)
            result.close()
            return columns, list(rows)

        try:
            async with asyncio.timeout(timeout + source.connect_timeout + 2):
                async with self._read_only(source, timeout) as conn:
                    columns, rows = await conn.run_sync(run)
        except TimeoutError:
            raise DeadlineExceededError(
                f"the query on data source '{source.name}' exceeded its timeout of {timeout:g}s"
            ) from None
        except (SQLAlchemyError, OSError) as exc:
            raise _translate(exc, source, False) from None
        truncated = len(rows) > row_limit
        rows = rows[:row_limit]
        return SqlResult(
            columns=columns,
            rows=_json_rows(rows),
            truncated=truncated,
            row_count=len(rows),
            duration_ms=(time.perf_counter() - started) * 1000,
            reference=SqlReference(source.name, query.sql),
        )

    async def stream(
        self,
        source: DataSource,
        query: CheckedQuery,
        params: Mapping[str, Any],
        *,
        row_limit: int,
        timeout: float,
        batch_size: int = 500,
    ) -> AsyncIterator[SqlBatch]:
        """Yield batches through a server-side cursor, stopping at ``row_limit`` (last batch says truncated).

        ``timeout`` bounds each database round trip (execute, then every fetch). Close the generator
        (``contextlib.aclosing``) if you stop early, so the connection goes back to the pool at once.
        """
        if source.dialect is SqlDialect.SQLITE:
            async for batch in self._stream_sqlite(
                source, query, params, row_limit=row_limit, timeout=timeout, batch_size=batch_size
            ):
                yield batch
            return
        started = time.perf_counter()
        engine = await self.engines.get(source)
        sql, driver_params = render_for_driver(query, params, engine.dialect.paramstyle)
        reference = SqlReference(source.name, query.sql)
        batch_size = max(1, batch_size)
        try:
            async with self._read_only(source, timeout) as conn:

                def open_cursor(sync_conn: Connection) -> CursorResult[Any]:
                    opts = sync_conn.execution_options(stream_results=True, max_row_buffer=batch_size)
                    return opts.exec_driver_sql(sql, driver_params)

                async def fetch(result: CursorResult[Any], n: int) -> list[Any]:
                    async with asyncio.timeout(timeout + 2):
                        return list(await conn.run_sync(lambda _c: result.fetchmany(n)))

                async with asyncio.timeout(timeout + 2):
                    result = await conn.run_sync(open_cursor)
                try:
                    async for batch in _batches(
                        result, _column_types, fetch, row_limit, batch_size, started, reference
                    ):
                        yield batch
                finally:
                    # Closing a server-side cursor is I/O: it must run inside the connection's greenlet.
                    await conn.run_sync(lambda _c: result.close())
        except TimeoutError:
            raise DeadlineExceededError(
                f"the query on data source '{source.name}' exceeded its timeout of {timeout:g}s"
            ) from None
        except (SQLAlchemyError, OSError) as exc:
            raise _translate(exc, source, False) from None

    # ------------------------------------------------------------------ SQLite (sync pool, one hop)

    async def _execute_sqlite(
        self, source: DataSource, query: CheckedQuery, params: Mapping[str, Any], *, row_limit: int, timeout: float
    ) -> SqlResult:
        started = time.perf_counter()
        sql, driver_params = render_for_driver(query, params, "qmark")
        pool = await self.engines.sqlite_pool(source)

        def run(conn: SqliteConnection) -> tuple[tuple[Column, ...], list[Any]]:
            cursor = conn.raw.execute(sql, driver_params or ())
            try:
                if cursor.description is None:
                    return (), []
                rows = cursor.fetchmany(row_limit + 1)
                return _sqlite_columns(cursor.description, rows), rows
            finally:
                cursor.close()  # ends the read (WAL snapshot) before the connection goes back

        lease: SqliteLease | None = None
        try:
            async with asyncio.timeout(timeout + source.connect_timeout + 2), pool.lease() as lease:
                columns, rows = await lease.call(run, timeout)
        except TimeoutError:
            raise DeadlineExceededError(
                f"the query on data source '{source.name}' exceeded its timeout of {timeout:g}s"
            ) from None
        except (sqlite3.Error, SqliteConnectError, PoolExhaustedError, OSError) as exc:
            raise _translate(exc, source, lease is not None and lease.hit) from None
        truncated = len(rows) > row_limit
        rows = rows[:row_limit]
        return SqlResult(
            columns=columns,
            rows=_json_rows(rows),
            truncated=truncated,
            row_count=len(rows),
            duration_ms=(time.perf_counter() - started) * 1000,
            reference=SqlReference(source.name, query.sql),
        )

    async def _stream_sqlite(
        self,
        source: DataSource,
        query: CheckedQuery,
        params: Mapping[str, Any],
        *,
        row_limit: int,
        timeout: float,
        batch_size: int,
    ) -> AsyncIterator[SqlBatch]:
        started = time.perf_counter()
        sql, driver_params = render_for_driver(query, params, "qmark")
        reference = SqlReference(source.name, query.sql)
        batch_size = max(1, batch_size)
        pool = await self.engines.sqlite_pool(source)
        lease: SqliteLease | None = None
        try:
            async with pool.lease() as lease:
                held = lease
                held.dirty = True  # until the cursor is closed below
                async with asyncio.timeout(timeout + 2):
                    cursor = await held.call(lambda c: c.raw.execute(sql, driver_params or ()), timeout)

                async def fetch(_cursor: Any, n: int) -> list[Any]:
                    if cursor.description is None:
                        return []
                    async with asyncio.timeout(timeout + 2):
                        return await held.call(lambda _c: cursor.fetchmany(n), timeout)

                def columns_of(_cursor: Any, rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
                    return _sqlite_columns(cursor.description, rows)

                try:
                    async for batch in _batches(cursor, columns_of, fetch, row_limit, batch_size, started, reference):
                        yield batch
                finally:
                    await held.call(lambda _c: cursor.close(), timeout)
                    held.dirty = False
        except TimeoutError:
            raise DeadlineExceededError(
                f"the query on data source '{source.name}' exceeded its timeout of {timeout:g}s"
            ) from None
        except (sqlite3.Error, SqliteConnectError, PoolExhaustedError, OSError) as exc:
            raise _translate(exc, source, lease is not None and lease.hit) from None


async def _batches(
    result: Any,
    columns_of: Any,
    fetch: Any,
    row_limit: int,
    batch_size: int,
    started: float,
    reference: SqlReference,
) -> AsyncIterator[SqlBatch]:
    """Prefetch one batch ahead so the batch that ends the stream is marked ``last`` (and ``truncated``)."""
    want = min(batch_size, row_limit)
    pending: list[Any] = await fetch(result, want) if want else []
    columns = columns_of(result, pending)
    fetched, emitted, index = len(pending), 0, 0
    while True:
        truncated = False
        nxt: list[Any] = []
        if want == 0 or len(pending) < want:
            last = True
            truncated = want == 0 and bool(await fetch(result, 1))
        elif fetched >= row_limit:
            last, truncated = True, bool(await fetch(result, 1))
        else:
            want = min(batch_size, row_limit - fetched)
            nxt = await fetch(result, want)
            fetched += len(nxt)
            last = not nxt
        emitted += len(pending)
        yield SqlBatch(
            columns=columns,
            rows=_json_rows(pending),
            index=index,
            last=last,
            truncated=truncated,
            row_count=emitted,
            duration_ms=(time.perf_counter() - started) * 1000,
            reference=reference,
        )
        if last:
            return
        pending, index = nxt, index + 1


async def check_connection(url: str, *, timeout: float = 5.0, name: str = "data source") -> ConnectionCheck:
    """Connect once (no pool) and run ``SELECT 1``; never raises for an unreachable database."""
    started = time.perf_counter()
    source = DataSource(id="test", name=name, url=url, connect_timeout=timeout)
    if missing_sqlite_file(url):
        return ConnectionCheck(False, "the SQLite database file does not exist", 0.0)
    engine = create_engine_for(source, pooled=False)
    try:
        async with asyncio.timeout(timeout + 1), engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return ConnectionCheck(True, "connected", (time.perf_counter() - started) * 1000)
    except TimeoutError:
        return ConnectionCheck(False, f"no answer within {timeout:g}s", (time.perf_counter() - started) * 1000)
    except (SQLAlchemyError, OSError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return ConnectionCheck(False, scrub(detail, url), (time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()


#: The name the brief and the TestConnection RPC use; pytest must not collect it as a test.
test_connection = check_connection
check_connection.__test__ = False  # type: ignore[attr-defined]
