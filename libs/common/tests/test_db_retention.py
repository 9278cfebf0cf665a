"""The retention sweep: bounded batches, rows past the cutoff only, idempotent under concurrent sweeps, clean stop."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Integer, MetaData, String, func, select
from sqlalchemy import delete as sa_delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opsuite_common.db import Database, Purge, RetentionSweeper, UTCDateTime, create_engine, delete_batch_where


class _Base(DeclarativeBase):
    metadata = MetaData()


class _Item(_Base):
    __tablename__ = "retention_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


NOW = datetime.fromisoformat("2026-06-01T12:00:00+00:00")
DAY = 86_400.0


async def _fill(db: Database, old: int, new: int, running_old: int = 0) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    async with db.session() as s:
        n = 0
        for _ in range(old):
            s.add(_Item(id=n, state="done", at=NOW - timedelta(days=40)))
            n += 1
        for _ in range(running_old):
            s.add(_Item(id=n, state="running", at=NOW - timedelta(days=40)))
            n += 1
        for _ in range(new):
            s.add(_Item(id=n, state="done", at=NOW - timedelta(days=1)))
            n += 1


def _purge(calls: list[int] | None = None) -> Purge:
    async def delete(s: AsyncSession, cutoff: datetime, limit: int) -> int:
        n = await delete_batch_where(s, _Item, [_Item.at < cutoff, _Item.state != "running"], limit)
        if calls is not None:
            calls.append(n)
        return n

    return Purge("retention_items", 30 * DAY, delete)


async def _left(db: Database) -> list[tuple[str, bool]]:
    async with db.session(readonly=True) as s:
        rows = (await s.execute(select(_Item.state, _Item.at).order_by(_Item.id))).all()
    return [(state, at > NOW - timedelta(days=30)) for state, at in rows]


async def test_sweep_deletes_in_bounded_batches_and_keeps_the_rest(database: Database) -> None:
    await _fill(database, old=25, new=4, running_old=2)
    calls: list[int] = []
    sweeper = RetentionSweeper(database, [_purge(calls)], name="test", batch_size=10, batch_pause_s=0, now=lambda: NOW)
    assert await sweeper.sweep() == {"retention_items": 25}
    # 25 rows in batches of at most 10: 10, 10, 5, then an empty one ends the rule (a short batch may be short
    # because a replica deleted part of it meanwhile, so it does not end it).
    assert calls == [10, 10, 5, 0]
    left = await _left(database)
    assert left.count(("running", False)) == 2  # old but still running: kept
    assert left.count(("done", True)) == 4  # within the retention: kept
    assert len(left) == 6
    # A second sweep finds nothing more.
    assert await sweeper.sweep() == {"retention_items": 0}


async def test_batch_of_exactly_the_rest_takes_one_more_empty_batch(database: Database) -> None:
    await _fill(database, old=20, new=0)
    calls: list[int] = []
    sweeper = RetentionSweeper(database, [_purge(calls)], name="test", batch_size=10, batch_pause_s=0, now=lambda: NOW)
    assert await sweeper.sweep() == {"retention_items": 20}
    assert calls == [10, 10, 0]


async def test_concurrent_sweeps_delete_each_row_once(database: Database) -> None:
    await _fill(database, old=60, new=3)
    sweepers = [
        RetentionSweeper(database, [_purge()], name=f"r{i}", batch_size=7, batch_pause_s=0, now=lambda: NOW)
        for i in range(3)
    ]
    results = await asyncio.gather(*(s.sweep() for s in sweepers))
    assert sum(r["retention_items"] for r in results) == 60
    async with database.session(readonly=True) as s:
        assert (await s.execute(select(func.count()).select_from(_Item))).scalar_one() == 3


async def test_zero_retention_keeps_everything_and_starts_no_task(database: Database) -> None:
    await _fill(database, old=5, new=0)
    keep = Purge("retention_items", 0, _purge().delete)
    sweeper = RetentionSweeper(database, [keep], name="test", now=lambda: NOW)
    assert not sweeper.enabled
    assert await sweeper.sweep() == {}
    sweeper.start()
    await sweeper.stop()
    assert len(await _left(database)) == 5


async def test_periodic_task_sweeps_and_stops(database: Database) -> None:
    await _fill(database, old=5, new=1)
    swept = asyncio.Event()

    async def delete(s: AsyncSession, cutoff: datetime, limit: int) -> int:
        n = await delete_batch_where(s, _Item, [_Item.at < cutoff], limit)
        swept.set()
        return n

    sweeper = RetentionSweeper(
        database,
        [Purge("retention_items", 30 * DAY, delete)],
        name="test",
        first_sweep_s=0,
        interval_s=3600,
        now=lambda: NOW,
    )
    sweeper.start()
    await swept.wait()
    await sweeper.stop(timeout=5)
    assert sweeper._task is None
    assert len(await _left(database)) == 1


@pytest.mark.postgres
async def test_a_batch_cut_short_by_another_replica_does_not_end_the_sweep(pg_url: str) -> None:
    # The first batch's rows are read, then another replica deletes 4 of them before this one does: the batch
    # deletes 6 of 10 although 15 more are past the cutoff. The sweep goes on until a batch finds nothing.
    # PostgreSQL only: on SQLite a sweep's batch holds the file's write lock, so no replica deletes in between.
    database = Database(create_engine(pg_url))
    try:
        await _swept_past_a_short_batch(database)
    finally:
        await database.dispose()


async def _swept_past_a_short_batch(database: Database) -> None:
    await _fill(database, old=25, new=2)
    calls: list[int] = []

    async def racing_delete(s: AsyncSession, cutoff: datetime, limit: int) -> int:
        where = [_Item.at < cutoff, _Item.state != "running"]
        if calls:
            n = await delete_batch_where(s, _Item, where, limit)
        else:
            ids = list((await s.execute(select(_Item.id).where(*where).order_by(_Item.id).limit(limit))).scalars())
            async with database.session() as other:  # the other replica, committed before this batch deletes
                await other.execute(sa_delete(_Item).where(_Item.id.in_(ids[:4])))
            result = await s.execute(sa_delete(_Item).where(_Item.id.in_(ids), *where))
            n = result.rowcount  # type: ignore[attr-defined]
        calls.append(n)
        return n

    sweeper = RetentionSweeper(
        database, [Purge("retention_items", 30 * DAY, racing_delete)], name="test", batch_size=10, batch_pause_s=0,
        now=lambda: NOW,
    )  # fmt: skip
    assert await sweeper.sweep() == {"retention_items": 21}  # the other replica deleted the other 4
    assert calls == [6, 10, 5, 0]
    assert [fresh for _, fresh in await _left(database)] == [True, True]
