"""WAL checkpoints of a SQLite database run on the database's own thread, not inside a commit."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from sqlalchemy import text

from opsuite_common.db import Database, create_engine
from opsuite_common.db.checkpointer import FALLBACK_AUTOCHECKPOINT_PAGES
from opsuite_common.testing.eventually import eventually_sync


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("wal-checkpoint:") and t.is_alive()]


async def test_commits_leave_checkpoints_to_the_background_thread(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    db = Database(create_engine(f"sqlite:///{path}"))
    try:
        assert db.checkpointer is not None
        async with db.engine.connect() as conn:
            # The request-path connections only checkpoint as a fallback, far above SQLite's 1,000 pages.
            assert (await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar_one() == (
                FALLBACK_AUTOCHECKPOINT_PAGES
            )
        async with db.session() as s:
            await s.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
        for i in range(50):
            async with db.session() as s:
                await s.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": "x" * 4000 + str(i)})
        # The thread copies the log back into the database file without any commit doing it.
        eventually_sync(lambda: db.checkpointer is not None and db.checkpointer.checkpoints >= 1, timeout=10)
        async with db.session(readonly=True) as s:
            assert (await s.execute(text("SELECT count(*) FROM t"))).scalar_one() == 50
    finally:
        await db.dispose()
    eventually_sync(lambda: not any(t.name == f"wal-checkpoint:{path.name}" for t in _checkpoint_threads()), timeout=5)


async def test_postgres_and_memory_databases_have_no_checkpoint_thread(pg_url: str) -> None:
    for url in (pg_url, "sqlite+aiosqlite://"):
        db = Database(create_engine(url))
        try:
            assert db.checkpointer is None
        finally:
            await db.dispose()


async def test_a_database_dropped_without_dispose_stops_its_thread(tmp_path: Path) -> None:
    path = tmp_path / "dropped.db"
    db = Database(create_engine(f"sqlite:///{path}"))
    assert db.checkpointer is not None
    stop = db.checkpointer.stop_event
    await db.engine.dispose()
    del db
    gc.collect()
    assert stop.is_set()
    eventually_sync(lambda: not any(t.name == f"wal-checkpoint:{path.name}" for t in _checkpoint_threads()), timeout=5)
