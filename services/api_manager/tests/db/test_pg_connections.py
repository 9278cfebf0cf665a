"""The plain psycopg connections of the execute path (db/pg_connections.py): a connection the server ended
is replaced, by the ping of an idle one or after the failed use of a busy one; the size bound holds; errors
are classified as the engine's are."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import make_url

from opsuite_api_manager.db.pg_connections import PgConnections, wrap_pg_error
from opsuite_common.db import translate_db_error
from opsuite_common.errors import DatabaseUnavailableError

pytestmark = pytest.mark.postgres


def _terminate(pg_url: str, pid: int) -> None:
    dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


async def _backend(pool: PgConnections) -> int:
    async with pool.connection() as conn:
        row = await (await conn.execute("SELECT pg_backend_pid()")).fetchone()
        assert row is not None
        return int(row[0])


async def test_an_idle_connection_the_server_ended_is_found_by_the_ping_and_replaced(pg_url: str) -> None:
    pool = PgConnections(make_url(pg_url), max_size=1, application_name="test", ping_after_s=0)
    try:
        first = await _backend(pool)
        await asyncio.to_thread(_terminate, pg_url, first)
        assert await _backend(pool) != first  # no error: the ping found it gone
    finally:
        await pool.aclose()


async def test_a_connection_that_fails_in_use_is_dropped_and_the_next_use_reconnects(pg_url: str) -> None:
    pool = PgConnections(make_url(pg_url), max_size=1, application_name="test", ping_after_s=3600)
    try:
        first = await _backend(pool)
        await asyncio.to_thread(_terminate, pg_url, first)
        with pytest.raises(psycopg.OperationalError) as failed:
            await _backend(pool)
        assert isinstance(translate_db_error(wrap_pg_error("SELECT", failed.value)), DatabaseUnavailableError)
        assert await _backend(pool) != first
    finally:
        await pool.aclose()


async def test_at_most_max_size_connections_and_a_waiter_gets_the_one_given_back(pg_url: str) -> None:
    pool = PgConnections(make_url(pg_url), max_size=1, application_name="test")
    try:
        async with pool.connection() as held:
            waiting = asyncio.create_task(_backend(pool))
            await asyncio.sleep(0.05)
            assert not waiting.done()  # the only connection is held
            pid = held.info.backend_pid
        assert await waiting == pid  # the same connection, handed on
    finally:
        await pool.aclose()


async def test_a_closed_pool_refuses_and_an_unreachable_server_is_unavailable() -> None:
    pool = PgConnections(make_url("postgresql://postgres@127.0.0.1:1/test"), max_size=1, application_name="test")
    with pytest.raises(psycopg.OperationalError) as refused:
        await _backend(pool)
    assert isinstance(translate_db_error(wrap_pg_error("SELECT", refused.value)), DatabaseUnavailableError)
    await pool.aclose()
    with pytest.raises(psycopg.OperationalError):
        await _backend(pool)


async def test_session_settings_go_with_the_start_up_and_the_url_s_own_options_are_kept(pg_url: str) -> None:
    url = make_url(pg_url).update_query_dict({"options": "-c statement_timeout=12345"})
    pool = PgConnections(url, max_size=1, application_name="test", settings={"synchronous_commit": "off"})
    try:
        async with pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT current_setting('synchronous_commit'), current_setting('statement_timeout')"
            )
            assert await cursor.fetchone() == ("off", "12345ms")
    finally:
        await pool.aclose()
