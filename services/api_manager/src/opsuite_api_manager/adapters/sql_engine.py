"""Run guarded SQL against a data source: read-only transaction, timeout, row limit, JSON-safe rows.

PostgreSQL (and MySQL) run on SQLAlchemy's async engine: the service is a ``grpc.aio`` server and
psycopg's async connection gives pooling, ``pool_pre_ping`` and cancellation without a thread per
query. The statement runs as driver SQL inside ``AsyncConnection.run_sync``, which keeps server-side
cursors (``stream_results``) available for :meth:`SqlEngine.stream` and sends values only as driver
bind parameters; the result values and row shaping are in :mod:`.sql_results`. SQLite runs on
:mod:`.sqlite_pool` instead: sync connections used in one thread hop per query, because aiosqlite's
one-hop-per-DB-API-call cost twenty hops for a point lookup.

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
import sqlite3
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection

from opsuite_api_manager.domain.source_policy import DataSourcePolicy
from opsuite_api_manager.domain.sql_guard import CheckedQuery, SqlDialect
from opsuite_api_manager.domain.sql_render import render_for_driver
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    OpsuiteError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)

from .datasources import (
    STORED_URL_FIELD,
    DataSource,
    EngineCache,
    create_engine_for,
    is_file,
    missing_sqlite_file,
    scrub,
)
from .sql_results import (
    DEFAULT_MAX_CELL_BYTES,
    Column,
    ConnectionCheck,
    SqlBatch,
    SqlReference,
    SqlResult,
    batches,
    column_types,
    fill_types,
    sql_result,
    sqlite_columns,
)
from .sqlite_pool import PoolExhaustedError, SqliteConnectError, SqliteConnection, SqliteLease

__all__ = [
    "DEFAULT_MAX_CELL_BYTES",
    "Column",
    "ConnectionCheck",
    "SqlBatch",
    "SqlEngine",
    "SqlReference",
    "SqlResult",
    "check_connection",
    "test_connection",
]


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


class SqlEngine:
    """Executes CheckedQuery objects against data sources, one cached engine per source."""

    def __init__(self, engines: EngineCache | None = None) -> None:
        """Use ``engines`` (shared with the data-source admin layer) or a private cache."""
        self.engines = engines if engines is not None else EngineCache()  # an empty cache is falsy (len 0)

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
                # One round trip (no bind parameters, so psycopg accepts several statements). The guard
                # lexes strings as standard SQL ('\\' is not an escape); the server must read them the same.
                # idle_in_transaction_session_timeout: a backstop past the call's own limits (the pipeline
                # ends an unread stream at the API's timeout): should this process stall while holding the
                # read transaction, the server itself ends the session.
                idle_ms = 2 * ms + 5000
                await conn.exec_driver_sql(
                    f"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}; "
                    f"SET LOCAL idle_in_transaction_session_timeout = {idle_ms}; "
                    "SET LOCAL standard_conforming_strings = on"
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
        max_cell_bytes: int = DEFAULT_MAX_CELL_BYTES,
    ) -> SqlResult:
        """Run ``query`` with ``params``; at most ``row_limit`` rows, ``truncated`` when more existed.

        PostgreSQL reads through a server-side cursor (``DECLARE ... CURSOR``, then ``FETCH``es: SQLAlchemy
        primes its buffer with one row, then fetches up to ``row_limit + 1``), so memory follows the row
        limit, never the size of the table; the cursor costs round trips a client cursor would not.
        """
        if source.dialect is SqlDialect.SQLITE:
            return await self._execute_sqlite(
                source, query, params, row_limit=row_limit, timeout=timeout, max_cell_bytes=max_cell_bytes
            )
        started = time.perf_counter()
        engine = await self.engines.get(source)
        sql, driver_params = render_for_driver(query, params, engine.dialect.paramstyle)

        def run(sync_conn: Connection) -> tuple[tuple[Column, ...], list[Any]]:
            opts = sync_conn.execution_options(stream_results=True, yield_per=row_limit + 1)
            result = opts.exec_driver_sql(sql, driver_params)
            try:
                if not result.returns_rows:
                    return (), []
                columns = column_types(result, ())
                rows = result.fetchmany(row_limit + 1)
                return fill_types(columns, rows), list(rows)
            finally:
                result.close()

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
        return sql_result(columns, rows, row_limit, max_cell_bytes, started, SqlReference(source.name, query.sql))

    async def stream(
        self,
        source: DataSource,
        query: CheckedQuery,
        params: Mapping[str, Any],
        *,
        row_limit: int,
        timeout: float,
        batch_size: int = 500,
        max_cell_bytes: int = DEFAULT_MAX_CELL_BYTES,
    ) -> AsyncGenerator[SqlBatch, None]:
        """Yield batches through a server-side cursor, stopping at ``row_limit`` (last batch says truncated).

        ``timeout`` bounds each database round trip (execute, then every fetch). Close the generator
        (``contextlib.aclosing``) if you stop early, so the connection goes back to the pool at once.
        """
        if source.dialect is SqlDialect.SQLITE:
            async for batch in self._stream_sqlite(
                source,
                query,
                params,
                row_limit=row_limit,
                timeout=timeout,
                batch_size=batch_size,
                max_cell_bytes=max_cell_bytes,
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

                def open_cursor(sync_conn: Connection) -> tuple[CursorResult[Any], tuple[Column, ...]]:
                    opts = sync_conn.execution_options(stream_results=True, yield_per=batch_size)
                    opened = opts.exec_driver_sql(sql, driver_params)
                    return opened, column_types(opened, ())

                async def fetch(result: CursorResult[Any], n: int) -> list[Any]:
                    async with asyncio.timeout(timeout + 2):
                        return list(await conn.run_sync(lambda _c: result.fetchmany(n)))

                async with asyncio.timeout(timeout + 2):
                    result, declared = await conn.run_sync(open_cursor)
                try:
                    async for batch in batches(
                        result,
                        lambda _r, rows: fill_types(declared, rows),
                        fetch,
                        (row_limit, batch_size, max_cell_bytes),
                        started,
                        reference,
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
        self,
        source: DataSource,
        query: CheckedQuery,
        params: Mapping[str, Any],
        *,
        row_limit: int,
        timeout: float,
        max_cell_bytes: int,
    ) -> SqlResult:
        started = time.perf_counter()
        sql, driver_params = render_for_driver(query, params, "named")
        pool = await self.engines.sqlite_pool(source)

        def run(conn: SqliteConnection) -> tuple[tuple[Column, ...], list[Any]]:
            cursor = conn.raw.execute(sql, driver_params)
            try:
                if cursor.description is None:
                    return (), []
                rows = cursor.fetchmany(row_limit + 1)
                return sqlite_columns(cursor.description, rows), rows
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
        return sql_result(columns, rows, row_limit, max_cell_bytes, started, SqlReference(source.name, query.sql))

    async def _stream_sqlite(
        self,
        source: DataSource,
        query: CheckedQuery,
        params: Mapping[str, Any],
        *,
        row_limit: int,
        timeout: float,
        batch_size: int,
        max_cell_bytes: int,
    ) -> AsyncGenerator[SqlBatch, None]:
        started = time.perf_counter()
        sql, driver_params = render_for_driver(query, params, "named")
        reference = SqlReference(source.name, query.sql)
        batch_size = max(1, batch_size)
        pool = await self.engines.sqlite_pool(source)
        lease: SqliteLease | None = None
        try:
            async with pool.lease() as lease:
                held = lease
                held.dirty = True  # until the cursor is closed below
                async with asyncio.timeout(timeout + 2):
                    cursor = await held.call(lambda c: c.raw.execute(sql, driver_params), timeout)

                async def fetch(_cursor: Any, n: int) -> list[Any]:
                    if cursor.description is None:
                        return []
                    async with asyncio.timeout(timeout + 2):
                        return await held.call(lambda _c: cursor.fetchmany(n), timeout)

                def columns_of(_cursor: Any, rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
                    return sqlite_columns(cursor.description, rows)

                try:
                    limits = (row_limit, batch_size, max_cell_bytes)
                    async for batch in batches(cursor, columns_of, fetch, limits, started, reference):
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


async def check_connection(
    url: str,
    *,
    timeout: float = 5.0,
    name: str = "data source",
    tenant: str = "",
    policy: DataSourcePolicy | None = None,
) -> ConnectionCheck:
    """Connect once (no pool) and run ``SELECT 1``; never raises for an unreachable database.

    With ``policy``, a source the policy refuses raises its refusal (before anything is opened or even
    looked at, so the answer says nothing about files outside the tenant's roots).
    """
    started = time.perf_counter()
    source = DataSource(id="test", name=name, url=url, connect_timeout=timeout, tenant=tenant)
    if policy is not None and source.dialect is SqlDialect.SQLITE:
        # The judged, resolved path itself: never a URL parsed (and percent-decoded) a second time.
        if not is_file(policy.sqlite_file(tenant, url, field=STORED_URL_FIELD)):
            return ConnectionCheck(False, "the SQLite database file does not exist", 0.0)
    elif missing_sqlite_file(url):
        return ConnectionCheck(False, "the SQLite database file does not exist", 0.0)
    engine = create_engine_for(source, pooled=False, policy=policy)
    try:
        async with asyncio.timeout(timeout + 1), engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return ConnectionCheck(True, "connected", (time.perf_counter() - started) * 1000)
    except TimeoutError:
        return ConnectionCheck(False, f"no answer within {timeout:g}s", (time.perf_counter() - started) * 1000)
    except ServiceUnavailableError as exc:  # the policy could not resolve the host
        return ConnectionCheck(False, exc.message, (time.perf_counter() - started) * 1000)
    except (SQLAlchemyError, OSError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return ConnectionCheck(False, scrub(detail, url), (time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()


#: The name the brief and the TestConnection RPC use; pytest must not collect it as a test.
test_connection = check_connection
check_connection.__test__ = False  # type: ignore[attr-defined]
