"""SqlEngine against real SQLite files and a real PostgreSQL database (fresh per test)."""

from __future__ import annotations

import base64
import sqlite3
from contextlib import aclosing

import pytest
from sqlalchemy import make_url

from opsuite_api_manager.adapters import sql_engine
from opsuite_api_manager.adapters.datasources import DataSource, EngineCache
from opsuite_api_manager.adapters.sql_engine import SqlEngine
from opsuite_api_manager.domain.sql_guard import CheckedQuery, SqlDialect, check_sql
from opsuite_api_manager.domain.sql_render import render_for_driver
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)


async def test_select_with_binds_limit_and_truncation(sql_runner: SqlEngine, seeded_source: DataSource) -> None:
    query = check_sql(
        "SELECT id, name, price, note, blob FROM items WHERE id >= :low AND note = 'DROP TABLE items; --' ORDER BY id",
        seeded_source.dialect,
    )
    result = await sql_runner.execute(seeded_source, query, {"low": 20}, row_limit=4, timeout=5)
    assert [row[0] for row in result.rows] == [20, 21, 22, 23]
    assert result.truncated is True
    assert result.row_count == 4
    assert [c.name for c in result.columns] == ["id", "name", "price", "note", "blob"]
    assert result.rows[0][2] == 20.25  # numeric -> JSON number
    assert base64.b64decode(result.rows[0][4]) == b"\x00\xff"
    assert result.reference.data_source == seeded_source.name
    assert ":low" in result.reference.statement

    exact = await sql_runner.execute(seeded_source, query, {"low": 22}, row_limit=4, timeout=5)
    assert [row[0] for row in exact.rows] == [22, 23, 24, 25]
    assert exact.truncated is False  # exactly limit rows is not truncation


async def test_bind_values_are_never_spliced_into_sql(sql_runner: SqlEngine, seeded_source: DataSource) -> None:
    query = check_sql("SELECT count(*) AS n FROM items WHERE name = :name", seeded_source.dialect)
    result = await sql_runner.execute(seeded_source, query, {"name": "x' OR '1'='1"}, row_limit=10, timeout=5)
    assert result.rows == [[0]]
    hit = await sql_runner.execute(seeded_source, query, {"name": "item-3"}, row_limit=10, timeout=5)
    assert hit.rows == [[1]]


async def test_literal_that_looks_like_a_bind_and_percent_are_kept(
    sql_runner: SqlEngine, seeded_source: DataSource
) -> None:
    query = check_sql("SELECT ':not_a_bind %' AS t, id % 7 AS m FROM items WHERE id = :id", seeded_source.dialect)
    result = await sql_runner.execute(seeded_source, query, {"id": 10}, row_limit=10, timeout=5)
    assert result.rows == [[":not_a_bind %", 3]]


@pytest.mark.postgres
async def test_postgres_types_become_json_safe(sql_runner: SqlEngine, pg_url: str) -> None:
    from .conftest import _seed_postgres

    _seed_postgres(pg_url)
    ds = DataSource(id="pg", name="pg", url=pg_url)
    query = check_sql("SELECT price, created, day, uid FROM items WHERE id = :id", "postgres")
    result = await sql_runner.execute(ds, query, {"id": 2}, row_limit=1, timeout=5)
    assert result.rows == [[2.25, "2024-01-02T12:00:00+00:00", "2024-01-02", "00000000-0000-0000-0000-000000000002"]]
    assert [c.type for c in result.columns] == ["numeric", "timestamptz", "date", "uuid"]


async def test_guard_bypass_write_is_refused_by_the_read_only_transaction(
    sql_runner: SqlEngine, seeded_source: DataSource
) -> None:
    # Built by hand: check_sql would refuse it. The engine alone must stop the write: SQLite's read-only
    # connection refuses it; PostgreSQL reads through DECLARE ... CURSOR FOR, which takes only a query
    # (the read-only transaction on its own is proven by the nextval test below).
    bypass = CheckedQuery("DELETE FROM items", seeded_source.dialect)
    refused = PermissionDeniedError if seeded_source.dialect is SqlDialect.SQLITE else FailedPreconditionError
    with pytest.raises(refused) as info:
        await sql_runner.execute(seeded_source, bypass, {}, row_limit=1, timeout=5)
    assert info.value.reason == ("SQL_READ_ONLY" if seeded_source.dialect is SqlDialect.SQLITE else "SQL_ERROR")
    count = await sql_runner.execute(
        seeded_source, check_sql("SELECT count(*) FROM items", seeded_source.dialect), {}, row_limit=1, timeout=5
    )
    assert count.rows == [[25]]


async def test_the_guard_alone_refuses_the_same_write(seeded_source: DataSource) -> None:
    with pytest.raises(ValidationError):
        check_sql("DELETE FROM items", seeded_source.dialect)


@pytest.mark.postgres
async def test_guard_bypass_nextval_is_refused_by_postgres(sql_runner: SqlEngine, pg_url: str) -> None:
    from .conftest import _seed_postgres

    _seed_postgres(pg_url)
    ds = DataSource(id="pg", name="pg", url=pg_url)
    with pytest.raises(PermissionDeniedError):
        await sql_runner.execute(
            ds, CheckedQuery("SELECT nextval('counter')", SqlDialect.POSTGRES), {}, row_limit=1, timeout=5
        )


@pytest.mark.postgres
async def test_postgres_statement_timeout(sql_runner: SqlEngine, pg_url: str) -> None:
    ds = DataSource(id="pg", name="pg", url=pg_url)
    sleeper = CheckedQuery("SELECT pg_sleep(30)", SqlDialect.POSTGRES)  # the guard would refuse pg_sleep
    with pytest.raises(DeadlineExceededError):
        await sql_runner.execute(ds, sleeper, {}, row_limit=1, timeout=0.3)
    # The pooled connection is healthy afterwards.
    ok = await sql_runner.execute(ds, check_sql("SELECT 1", "postgres"), {}, row_limit=1, timeout=5)
    assert ok.rows == [[1]]


async def test_sqlite_timeout_stops_a_runaway_recursive_cte(sql_runner: SqlEngine, sqlite_url: str) -> None:
    sqlite3.connect(make_url(sqlite_url).database or "").close()
    ds = DataSource(id="lite", name="lite", url=sqlite_url)
    runaway = check_sql(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", "sqlite"
    )
    with pytest.raises(DeadlineExceededError):
        await sql_runner.execute(ds, runaway, {}, row_limit=1, timeout=0.3)
    ok = await sql_runner.execute(ds, check_sql("SELECT 1", "sqlite"), {}, row_limit=1, timeout=5)
    assert ok.rows == [[1]]


async def test_unknown_column_is_a_precondition_error_without_credentials(
    sql_runner: SqlEngine, seeded_source: DataSource
) -> None:
    url = make_url(seeded_source.url)
    if url.drivername.startswith("postgresql"):
        url = url.set(password="s3cret-pw")  # trust auth ignores it; it must still never show up
    leaky = DataSource(
        id=seeded_source.id + "-pw", name=seeded_source.name, url=url.render_as_string(hide_password=False)
    )
    with pytest.raises(FailedPreconditionError) as info:
        await sql_runner.execute(
            leaky, check_sql("SELECT nope FROM items", seeded_source.dialect), {}, row_limit=1, timeout=5
        )
    assert "nope" in info.value.message
    assert "s3cret-pw" not in info.value.message and "127.0.0.1" not in info.value.message


async def test_unreachable_data_sources(sql_runner: SqlEngine, tmp_path) -> None:
    pg = DataSource(id="down", name="down", url="postgresql://postgres:hunter22@127.0.0.1:1/nowhere", connect_timeout=2)
    with pytest.raises(ServiceUnavailableError) as info:
        await sql_runner.execute(pg, check_sql("SELECT 1", "postgres"), {}, row_limit=1, timeout=2)
    assert info.value.reason == "DATA_SOURCE_UNAVAILABLE"
    assert "hunter22" not in info.value.message and "127.0.0.1" not in info.value.message
    missing = DataSource(id="gone", name="gone", url=f"sqlite:///{tmp_path / 'missing.db'}")
    with pytest.raises(ServiceUnavailableError):
        await sql_runner.execute(missing, check_sql("SELECT 1", "sqlite"), {}, row_limit=1, timeout=2)
    assert not (tmp_path / "missing.db").exists()  # never creates an empty database by accident


async def test_missing_bind_value_is_a_validation_error(sql_runner: SqlEngine, seeded_source: DataSource) -> None:
    with pytest.raises(ValidationError) as info:
        await sql_runner.execute(
            seeded_source, check_sql("SELECT :a", seeded_source.dialect), {}, row_limit=1, timeout=5
        )
    assert info.value.field_violations[0].field == "params.a"


async def test_stream_batches_respect_the_row_limit(sql_runner: SqlEngine, seeded_source: DataSource) -> None:
    query = check_sql("SELECT id FROM items ORDER BY id", seeded_source.dialect)
    async with aclosing(sql_runner.stream(seeded_source, query, {}, row_limit=10, timeout=5, batch_size=4)) as batches:
        got = [b async for b in batches]
    assert [[r[0] for r in b.rows] for b in got] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    assert [b.last for b in got] == [False, False, True]
    assert got[-1].truncated is True and got[-1].row_count == 10

    async with aclosing(
        sql_runner.stream(seeded_source, query, {}, row_limit=100, timeout=5, batch_size=10)
    ) as batches:
        everything = [b async for b in batches]
    assert sum(len(b.rows) for b in everything) == 25
    assert everything[-1].last and not everything[-1].truncated and everything[-1].row_count == 25

    empty = check_sql("SELECT id FROM items WHERE id < 0", seeded_source.dialect)
    async with aclosing(sql_runner.stream(seeded_source, empty, {}, row_limit=10, timeout=5)) as batches:
        none = [b async for b in batches]
    assert len(none) == 1 and none[0].rows == [] and none[0].last and [c.name for c in none[0].columns] == ["id"]


async def test_stream_abandoned_early_returns_the_connection(sql_runner: SqlEngine, seeded_source: DataSource) -> None:
    query = check_sql("SELECT id FROM items ORDER BY id", seeded_source.dialect)
    for _ in range(12):  # more than pool_size + max_overflow: a leak would exhaust the pool
        async with aclosing(
            sql_runner.stream(seeded_source, query, {}, row_limit=25, timeout=5, batch_size=2)
        ) as batches:
            async for _batch in batches:
                break
    result = await sql_runner.execute(seeded_source, query, {}, row_limit=1, timeout=5)
    assert result.rows == [[1]]


async def test_engine_cache_replaces_engine_when_url_changes(tmp_path) -> None:
    for name in ("a.db", "b.db"):
        sqlite3.connect(tmp_path / name).close()
    cache = EngineCache()
    first = DataSource(id="x", name="x", url=f"sqlite:///{tmp_path / 'a.db'}")
    same = DataSource(id="x", name="renamed", url=f"sqlite:///{tmp_path / 'a.db'}")
    moved = DataSource(id="x", name="x", url=f"sqlite:///{tmp_path / 'b.db'}")
    e1 = await cache.get(first)
    assert await cache.get(same) is e1
    e2 = await cache.get(moved)
    assert e2 is not e1 and len(cache) == 1
    await cache.dispose()
    assert len(cache) == 0


async def test_test_connection_reports_without_raising(sqlite_url: str, pg_url: str) -> None:
    sqlite3.connect(make_url(sqlite_url).database or "").close()
    assert (await sql_engine.test_connection(sqlite_url)).ok
    assert (await sql_engine.test_connection(pg_url)).ok
    down = await sql_engine.test_connection("postgresql://postgres:hunter22@127.0.0.1:1/x", timeout=2)
    assert not down.ok and "hunter22" not in down.message and "127.0.0.1" not in down.message


def test_render_for_driver_paramstyles() -> None:
    query = check_sql("SELECT ':x' AS lit, a % 2 FROM t WHERE a = :x AND b = :y AND c = :x", "postgres")
    params = {"x": 1, "y": 2}
    sql, bound = render_for_driver(query, params, "pyformat")
    assert sql == "SELECT ':x' AS lit, a %% 2 FROM t WHERE a = %(x)s AND b = %(y)s AND c = %(x)s"
    assert bound == {"x": 1, "y": 2}
    sql, bound = render_for_driver(query, params, "qmark")
    assert sql.endswith("a = ? AND b = ? AND c = ?") and bound == (1, 2, 1)
    sql, bound = render_for_driver(query, params, "numeric_dollar")
    assert sql.endswith("a = $1 AND b = $2 AND c = $1") and bound == (1, 2)
    no_binds = check_sql("SELECT a % 2 FROM t", "postgres")
    # Parameters are always sent, so psycopg reads %% as % with or without binds.
    assert render_for_driver(no_binds, {}, "pyformat") == ("SELECT a %% 2 FROM t", {})
    assert render_for_driver(no_binds, {}, "named") == ("SELECT a % 2 FROM t", {})
    # Only the bind spans change: case, spacing, comments and casts stay as written.
    written = "select  x::int  -- :y\nFROM t /* keep */ WHERE a = :a"
    assert render_for_driver(check_sql(written, "postgres"), {"a": 1}, "pyformat")[0] == written.replace(":a", "%(a)s")


async def test_sqlite_file_deleted_after_use_is_unavailable(sql_runner: SqlEngine, sqlite_url: str) -> None:
    path = make_url(sqlite_url).database or ""
    sqlite3.connect(path).close()
    ds = DataSource(id="del", name="del", url=sqlite_url)
    assert (await sql_runner.execute(ds, check_sql("SELECT 1", "sqlite"), {}, row_limit=1, timeout=5)).rows == [[1]]
    import os

    os.remove(path)  # the pooled connection could still read the unlinked file: it must not
    with pytest.raises(ServiceUnavailableError) as info:
        await sql_runner.execute(ds, check_sql("SELECT 1", "sqlite"), {}, row_limit=1, timeout=5)
    assert info.value.reason == "DATA_SOURCE_UNAVAILABLE" and path not in info.value.message


async def test_sqlite_cancelled_queries_hand_their_connections_back(sql_runner: SqlEngine, sqlite_url: str) -> None:
    import asyncio

    sqlite3.connect(make_url(sqlite_url).database or "").close()
    ds = DataSource(id="c", name="c", url=sqlite_url, pool_size=1, max_overflow=0, pool_timeout=5)
    runaway = check_sql(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", "sqlite"
    )
    for _ in range(3):  # one connection: a leak would make the next call wait out the pool timeout
        task = asyncio.create_task(sql_runner.execute(ds, runaway, {}, row_limit=1, timeout=0.3))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    ok = await sql_runner.execute(ds, check_sql("SELECT 1", "sqlite"), {}, row_limit=1, timeout=5)
    assert ok.rows == [[1]]
