"""Database helpers on real SQLite files and the local PostgreSQL server (``db_url`` runs both)."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opsuite_common.db import (
    Database,
    TimestampMixin,
    create_engine,
    etag_column,
    is_foreign_key_violation,
    is_unique_violation,
    new_etag,
    normalize_url,
    run_migrations,
    safe_url,
    translate_db_error,
    utcnow,
)
from opsuite_common.errors import DatabaseUnavailableError
from opsuite_common.logging import configure_logging

FIXTURES = Path(__file__).parent / "fixtures"
ALPHA = FIXTURES / "migrations"
BETA = FIXTURES / "migrations_beta"
PASSWORD = "Sup3r-Secret-Pw"

metadata = sa.MetaData()
items = sa.Table(
    "test_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False, unique=True),
)
tags = sa.Table(
    "test_tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("test_items.id"), nullable=False),
)


async def create_tables(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


async def count_items(db: Database) -> int:
    async with db.session(readonly=True) as s:
        return int((await s.execute(sa.select(sa.func.count()).select_from(items))).scalar_one())


# --- engine -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///tmp/x.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///tmp/x.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
    ],
)
def test_urls_are_normalised_to_async_drivers(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_unsupported_scheme_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="use sqlite:///"):
        normalize_url("mysql://u@h/db")


async def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "app.db"  # parent directories do not exist yet
    db = Database(create_engine(f"sqlite:///{path}", sqlite_busy_timeout_ms=1234))
    try:
        async with db.engine.connect() as conn:
            pragma = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 1234, "synchronous": 1}
        assert path.is_file()
    finally:
        await db.dispose()


async def test_engine_log_line_never_shows_the_password() -> None:
    buf = io.StringIO()
    configure_logging("dbtest", fmt="json", stream=buf)
    engine = create_engine(f"postgresql://opsuite:{PASSWORD}@127.0.0.1:1/opsuite")
    await engine.dispose()
    assert "database engine created" in buf.getvalue()
    assert "127.0.0.1:1/opsuite" in buf.getvalue()
    assert PASSWORD not in buf.getvalue()
    assert PASSWORD not in safe_url(engine.url)


# --- sessions: one commit, all or nothing -------------------------------------------------------


async def test_session_commits_once_at_the_end(database: Database) -> None:
    await create_tables(database)
    commits: list[object] = []
    event.listen(database.engine.sync_engine, "commit", commits.append)
    async with database.session() as s:
        await s.execute(items.insert().values(name="a"))
        await s.flush()
        await s.execute(items.insert().values(name="b"))
        assert commits == []  # nothing committed mid-use-case
    assert len(commits) == 1
    assert await count_items(database) == 2


async def test_exception_rolls_back_everything_and_propagates_unchanged(database: Database) -> None:
    await create_tables(database)

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with database.session() as s:
            await s.execute(items.insert().values(name="first"))
            await s.flush()
            raise Boom
            await s.execute(items.insert().values(name="second"))  # never reached
    assert await count_items(database) == 0


async def test_readonly_session_never_writes(database: Database) -> None:
    await create_tables(database)
    async with database.session(readonly=True) as s:
        await s.execute(items.insert().values(name="ghost"))
    assert await count_items(database) == 0


async def test_integrity_errors_are_left_for_the_repository(database: Database) -> None:
    await create_tables(database)
    async with database.session() as s:
        await s.execute(items.insert().values(id=1, name="dup"))
    with pytest.raises(IntegrityError) as unique:
        async with database.session() as s:
            await s.execute(items.insert().values(name="dup"))
    assert is_unique_violation(unique.value)
    assert not is_foreign_key_violation(unique.value)
    assert translate_db_error(unique.value) is None

    with pytest.raises(IntegrityError) as fk:  # foreign keys are enforced on SQLite too
        async with database.session() as s:
            await s.execute(tags.insert().values(item_id=999))
    assert is_foreign_key_violation(fk.value)
    assert not is_unique_violation(fk.value)
    assert await count_items(database) == 1


async def test_programming_errors_are_not_disguised_as_unavailability(database: Database) -> None:
    with pytest.raises((OperationalError, ProgrammingError)) as info:  # sqlite: OperationalError "no such table"
        async with database.session() as s:
            await s.execute(sa.text("SELECT * FROM no_such_table_here"))
    assert not isinstance(info.value, DatabaseUnavailableError)
    assert translate_db_error(info.value) is None


class Base(DeclarativeBase):
    pass


class Note(TimestampMixin, Base):
    __tablename__ = "test_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(sa.String(100))
    etag: Mapped[str] = etag_column()


async def test_timestamps_round_trip_as_aware_utc_and_etags_are_set(database: Database) -> None:
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    paris = timezone(timedelta(hours=2))
    async with database.session() as s:
        s.add(Note(id=1, body="x", created_at=datetime(2024, 5, 1, 12, 0, tzinfo=paris)))
    async with database.session() as s:
        note = await s.get_one(Note, 1)
        assert note.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
        assert note.created_at.tzinfo == UTC
        assert note.updated_at.tzinfo == UTC
        assert len(note.etag) == 16
        assert note.etag != new_etag()
    assert utcnow().tzinfo == UTC


# --- migrations ----------------------------------------------------------------------------------


async def version_of(db: Database, table: str) -> list[str]:
    async with db.session(readonly=True) as s:
        return list((await s.execute(sa.text(f"SELECT version_num FROM {table}"))).scalars())


async def table_names(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def test_migrations_apply_to_head_and_rerun_is_a_no_op(db_url: str) -> None:
    await run_migrations(db_url, ALPHA, "alembic_version_alpha")
    db = Database.from_url(db_url)
    try:
        assert {"alpha_items", "alpha_tags", "alembic_version_alpha"} <= await table_names(db)
        assert "alembic_version" not in await table_names(db)
        assert await version_of(db, "alembic_version_alpha") == ["a0002"]
        async with db.session() as s:
            await s.execute(sa.text("INSERT INTO alpha_items (id, name) VALUES (1, 'kept')"))

        await run_migrations(db.engine, ALPHA, "alembic_version_alpha")  # engine form, already at head

        assert await version_of(db, "alembic_version_alpha") == ["a0002"]
        async with db.session(readonly=True) as s:
            assert (await s.execute(sa.text("SELECT name FROM alpha_items"))).scalar_one() == "kept"
        with pytest.raises(IntegrityError):  # the FK from the second revision is live
            async with db.session() as s:
                await s.execute(sa.text("INSERT INTO alpha_tags (item_id, tag) VALUES (42, 't')"))
    finally:
        await db.dispose()


async def test_migrations_stop_at_a_given_revision(sqlite_url: str) -> None:
    await run_migrations(sqlite_url, ALPHA, "alembic_version_alpha", revision="a0001")
    db = Database.from_url(sqlite_url)
    try:
        assert await version_of(db, "alembic_version_alpha") == ["a0001"]
        assert "alpha_tags" not in await table_names(db)
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_two_services_share_one_postgres_database_with_their_own_version_tables(pg_url: str) -> None:
    await run_migrations(pg_url, ALPHA, "alembic_version_alpha")
    await run_migrations(pg_url, BETA, "alembic_version_beta")
    db = Database.from_url(pg_url)
    try:
        assert {"alpha_items", "alpha_tags", "beta_jobs"} <= await table_names(db)
        assert await version_of(db, "alembic_version_alpha") == ["a0002"]
        assert await version_of(db, "alembic_version_beta") == ["a0001"]
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_concurrent_start_ups_migrate_once_on_postgres(pg_url: str) -> None:
    # Two "replicas" with separate engines; without the advisory lock one CREATE TABLE fails.
    async with asyncio.timeout(60):  # without the lock this deadlocks rather than failing
        await asyncio.gather(*(run_migrations(pg_url, ALPHA, "alembic_version_alpha") for _ in range(3)))
    db = Database.from_url(pg_url)
    try:
        assert await version_of(db, "alembic_version_alpha") == ["a0002"]
    finally:
        await db.dispose()


def test_missing_migrations_folder_is_a_clear_error(tmp_path: Path, sqlite_url: str) -> None:
    with pytest.raises(FileNotFoundError, match=r"no Alembic env\.py"):
        asyncio.run(run_migrations(sqlite_url, tmp_path, "alembic_version_x"))


# --- unavailability ----------------------------------------------------------------------------------


async def test_postgres_on_a_closed_port_is_unavailable_without_leaking_the_password() -> None:
    db = Database.from_url(f"postgresql://opsuite:{PASSWORD}@127.0.0.1:1/opsuite", connect_timeout=2)
    try:
        with pytest.raises(DatabaseUnavailableError) as ping:
            await db.ping()
        with pytest.raises(DatabaseUnavailableError) as session:
            async with db.session() as s:
                await s.execute(sa.text("SELECT 1"))
        with pytest.raises(DatabaseUnavailableError) as migrate:
            await run_migrations(db.engine, ALPHA, "alembic_version_alpha")
    finally:
        await db.dispose()
    for err in (ping.value, session.value, migrate.value):
        assert PASSWORD not in str(err)
        assert PASSWORD not in repr(err.metadata)
        assert err.reason == "DATABASE_UNAVAILABLE"
        assert "nothing was written" in err.message
    assert "refused" in ping.value.message


async def test_sqlite_path_under_a_regular_file_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("I am a file")
    db = Database.from_url(f"sqlite:///{blocker}/app.db")
    try:
        with pytest.raises(DatabaseUnavailableError, match="cannot be opened"):
            await db.ping()
        with pytest.raises(DatabaseUnavailableError):
            async with db.session() as s:
                await s.execute(sa.text("SELECT 1"))
    finally:
        await db.dispose()


async def test_sqlite_locked_past_the_busy_timeout_is_unavailable(sqlite_url: str) -> None:
    holder = Database(create_engine(sqlite_url))
    waiter = Database(create_engine(sqlite_url, sqlite_busy_timeout_ms=50))
    try:
        await create_tables(holder)
        async with holder.session() as s:
            await s.execute(items.insert().values(name="held"))  # holds the write lock until the block ends
            with pytest.raises(DatabaseUnavailableError, match="locked"):
                async with waiter.session() as w:
                    await w.execute(items.insert().values(name="blocked"))
        assert await count_items(waiter) == 1  # the holder's row, nothing half-written by the waiter
    finally:
        await holder.dispose()
        await waiter.dispose()


async def test_a_statement_cancelled_while_it_runs_leaves_the_write_lock_free(tmp_path: Path) -> None:
    """A task cancelled while its transaction's statement runs (a service stopping its scheduler): SQLAlchemy
    closes that connection, and the file's write lock is free at once, not when the cancelled task's cursor
    is garbage-collected (a "database is locked" for the service's next start on the same file, seen in CI)."""
    path = tmp_path / "cancel.db"
    db = Database(create_engine(f"sqlite:///{path}"))
    running, release = threading.Event(), threading.Event()

    def hold() -> int:  # runs on aiosqlite's thread, inside the statement
        running.set()
        release.wait(60)
        return 1

    @event.listens_for(db.engine.sync_engine, "connect")
    def _register(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.create_function("hold", 0, hold)

    async def work() -> None:
        async with db.session() as s:  # BEGIN IMMEDIATE: the write lock until the transaction ends
            await s.execute(sa.text("SELECT hold()"))

    try:
        await create_tables(db)
        task = asyncio.create_task(work())
        await asyncio.to_thread(running.wait, 60)
        task.cancel()  # while the statement runs
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        other = sqlite3.connect(path, timeout=0, isolation_level=None)  # another writer: no busy wait
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
        del task
    finally:
        release.set()
        await db.dispose()


async def test_ping_succeeds_on_a_live_database(database: Database) -> None:
    await database.ping()
