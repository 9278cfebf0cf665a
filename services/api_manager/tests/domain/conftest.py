"""Fixtures for the domain engine tests: seeded data sources on SQLite and on PostgreSQL.

``pg_url`` (a fresh PostgreSQL database per test, created from db ``test`` and dropped after) and
``sqlite_url`` come from the shared ``opsuite_common.testing`` plugin; here they get a seeded table.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import psycopg
import pytest
import pytest_asyncio
from sqlalchemy import make_url

from opsuite_api_manager.adapters.datasources import DataSource
from opsuite_api_manager.adapters.sql_engine import SqlEngine

ROWS = 25


def _seed_sqlite(url: str) -> None:
    conn = sqlite3.connect(make_url(url).database or "")
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC, note TEXT, blob BLOB)")
    conn.executemany(
        "INSERT INTO items VALUES (?, ?, ?, ?, ?)",
        [(i, f"item-{i}", f"{i}.25", "DROP TABLE items; --", b"\x00\xff") for i in range(1, ROWS + 1)],
    )
    conn.commit()
    conn.close()


def _seed_postgres(url: str) -> None:
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False), autocommit=True) as c:
        c.execute(
            "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2), note text, blob bytea,"
            " created timestamptz, day date, uid uuid)"
        )
        c.execute("CREATE SEQUENCE counter")
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO items VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        i,
                        f"item-{i}",
                        Decimal(f"{i}.25"),
                        "DROP TABLE items; --",
                        b"\x00\xff",
                        dt.datetime(2024, 1, i, 12, 0, tzinfo=dt.UTC),
                        dt.date(2024, 1, i),
                        uuid.UUID(int=i),
                    )
                    for i in range(1, ROWS + 1)
                ],
            )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded_source(request: pytest.FixtureRequest) -> DataSource:
    """A data source with an ``items`` table of 25 rows, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
        _seed_sqlite(url)
    else:
        url = request.getfixturevalue("pg_url")
        _seed_postgres(url)
    return DataSource(id=f"ds-{request.param}", name=f"reports-{request.param}", url=url)


@pytest_asyncio.fixture
async def sql_runner() -> AsyncIterator[SqlEngine]:
    """A SqlEngine whose engines are disposed after the test."""
    eng = SqlEngine()
    try:
        yield eng
    finally:
        await eng.aclose()
