"""The alert-change trim visits a bounded number of tenants per batch (the batch's write transaction holds a
SQLite file's lock): those with the oldest changes before the cutoff, found through an index, so tenants with
nothing to trim cost nothing and never end a sweep early (a round-robin walk ended a sweep at a window of
tenants with nothing old, leaving the rest for later sweeps)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.db import retention as cep_retention
from opsuite_cep.db.models import AlertChangeRow, SequenceRow
from opsuite_common.db import Database, RetentionSweeper, run_migrations, utcnow

pytestmark = pytest.mark.asyncio

DAY = 86_400.0


async def _changes(db: Database) -> dict[str, int]:
    async with db.session(readonly=True) as s:
        rows = await s.execute(select(AlertChangeRow.tenant, func.count()).group_by(AlertChangeRow.tenant))
        return {tenant: n for tenant, n in rows.all()}


async def test_each_batch_trims_the_tenants_of_the_oldest_changes(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cep_retention, "TENANTS_PER_BATCH", 2)
    db = Database.from_url(db_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    old = utcnow() - timedelta(days=40)
    # t0, t1: nothing old; t2..t4: 3 old changes each, then one recent; t5: one without a clock, one old, one recent.
    async with db.session() as s:
        for i in range(6):
            tenant = f"t{i}"
            s.add(SequenceRow(tenant=tenant, last_seq=4, purged_through=0))
            for seq in range(1, 5 if i < 5 else 4):
                row = {"tenant": tenant, "seq": seq, "alert_id": "a", "change": "FIRED", "snapshot": "{}"}
                if i == 5:  # Core, so that None stays NULL (the ORM would take the column's default)
                    at = [None, old, utcnow()][seq - 1]
                else:
                    at = old - timedelta(minutes=i) if (i >= 2 and seq <= 3) else utcnow()
                await s.execute(insert(AlertChangeRow).values(**row, at=at or old, recorded_at=at))
    sweeper = RetentionSweeper(
        db, [p for p in cep_retention.history_purges(30 * DAY) if p.table == "cep_alert_changes"],
        name="cep", batch_pause_s=0,
    )  # fmt: skip
    try:
        # Batches of at most 2 tenants, oldest first (t4, t3, then t2, t5), until one finds nothing: one sweep.
        assert await sweeper.sweep() == {"cep_alert_changes": 11}
        assert await _changes(db) == {"t0": 4, "t1": 4, "t2": 1, "t3": 1, "t4": 1, "t5": 1}
        async with db.session(readonly=True) as s:
            purged = dict((await s.execute(select(SequenceRow.tenant, SequenceRow.purged_through))).all())
        assert purged == {"t0": 0, "t1": 0, "t2": 3, "t3": 3, "t4": 3, "t5": 2}
        assert await sweeper.sweep() == {"cep_alert_changes": 0}
    finally:
        await db.dispose()


async def test_a_tenant_whose_prefix_cannot_be_trimmed_does_not_stall_the_others(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cep_retention, "TENANTS_PER_BATCH", 1)
    db = Database.from_url(db_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    old = utcnow() - timedelta(days=40)
    async with db.session() as s:
        # "skewed": its first change was recorded by a clock ahead of the second's, so its old change is no prefix
        skewed = [utcnow(), *(old - timedelta(days=1, minutes=k) for k in range(12))]  # more old rows than 10 pages
        for tenant, stamps in (("skewed", skewed), ("plain", [old, utcnow()])):
            s.add(SequenceRow(tenant=tenant, last_seq=len(stamps), purged_through=0))
            for seq, at in enumerate(stamps, start=1):
                row = {"tenant": tenant, "seq": seq, "alert_id": "a", "change": "FIRED", "snapshot": "{}"}
                await s.execute(insert(AlertChangeRow).values(**row, at=at, recorded_at=at))
    sweeper = RetentionSweeper(
        db, [p for p in cep_retention.history_purges(30 * DAY) if p.table == "cep_alert_changes"],
        name="cep", batch_pause_s=0,
    )  # fmt: skip
    try:
        # The oldest row is the skewed tenant's (nothing of it can go): the batch goes on to the next page.
        assert await sweeper.sweep() == {"cep_alert_changes": 1}
        assert await _changes(db) == {"skewed": 13, "plain": 1}
    finally:
        await db.dispose()
