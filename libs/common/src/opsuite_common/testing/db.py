"""Database fixtures: a fresh PostgreSQL database per test, a SQLite file, and both via ``db_url``.

A test that takes ``db_url`` (or ``database``) runs twice: ``[sqlite]`` and ``[postgresql]``.
The PostgreSQL admin DSN is ``postgresql://postgres@127.0.0.1:5432/test`` (trust auth) unless
``OPSUITE_TEST_PG_DSN`` says otherwise. PostgreSQL being down is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio
from psycopg import sql
from sqlalchemy import make_url

from opsuite_common.db import Database, create_engine, safe_url

__all__ = ["ADMIN_DSN_ENV", "DEFAULT_ADMIN_DSN", "database", "db_url", "fresh_pg_database", "pg_url", "sqlite_url"]

#: Environment variable overriding the admin DSN used to create and drop test databases.
ADMIN_DSN_ENV = "OPSUITE_TEST_PG_DSN"
#: Default admin DSN: the local server, trust auth, database ``test``.
DEFAULT_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"

_START_HINT = "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


def _admin_dsn() -> str:
    return os.environ.get(ADMIN_DSN_ENV) or DEFAULT_ADMIN_DSN


def _libpq_dsn(url: str) -> str:
    """A psycopg-connectable DSN (no ``+driver`` suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_pg_database() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped (WITH FORCE) on exit; fails the test if the
    server is down. For tests that need more than one database (``pg_url`` is one)."""
    admin = _admin_dsn()
    try:
        conn = psycopg.connect(_libpq_dsn(admin), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {safe_url(admin)} ({str(exc).strip().splitlines()[0]}); "
            f"{_START_HINT} (or point {ADMIN_DSN_ENV} at a server)",
            pytrace=False,
        )
    name = f"opsuite_test_{uuid.uuid4().hex[:16]}"
    try:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        finally:
            conn.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped (WITH FORCE) after the test."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file under the test's ``tmp_path`` (created on first connection)."""
    return f"sqlite:///{tmp_path / 'opsuite-test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once on SQLite and once on PostgreSQL (tests using it run on both)."""
    name = "pg_url" if request.param == "postgresql" else "sqlite_url"
    return str(request.getfixturevalue(name))


@pytest_asyncio.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    """A ``Database`` on ``db_url`` (both backends), disposed after the test."""
    db = Database(create_engine(db_url))
    try:
        yield db
    finally:
        await db.dispose()
