"""The alert-change trim visits a bounded number of tenants per batch (the batch's write transaction holds a
SQLite file's lock), going on round robin from the last tenant visited, across sweeps too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

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


async def test_each_batch_visits_at_most_its_tenants_and_the_next_sweep_goes_on(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cep_retention, "TENANTS_PER_BATCH", 2)
    db = Database.from_url(db_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    old = utcnow() - timedelta(days=40)
    # t0, t1: nothing old; t2..t4: 3 old changes each, then one recent.
    async with db.session() as s:
        for i in range(5):
            tenant = f"t{i}"
            s.add(SequenceRow(tenant=tenant, last_seq=4, purged_through=0))
            for seq in range(1, 5):
                at = old if (i >= 2 and seq <= 3) else utcnow()
                s.add(AlertChangeRow(tenant=tenant, seq=seq, alert_id="a", change="FIRED", at=at, snapshot="{}",
                                     recorded_at=at))  # fmt: skip
    sweeper = RetentionSweeper(
        db, [p for p in cep_retention.history_purges(30 * DAY) if p.table == "cep_alert_changes"],
        name="cep", batch_pause_s=0,
    )  # fmt: skip
    try:
        # First batch: t0, t1 (nothing old) -> 0 rows: the sweep ends there, the others wait for the next one.
        assert await sweeper.sweep() == {"cep_alert_changes": 0}
        assert await _changes(db) == {f"t{i}": 4 for i in range(5)}
        # Next sweep: t2, t3 (6 rows), then t4 (3), then round to t0, t1 (0): ends.
        assert await sweeper.sweep() == {"cep_alert_changes": 9}
        assert await _changes(db) == {"t0": 4, "t1": 4, "t2": 1, "t3": 1, "t4": 1}
        async with db.session(readonly=True) as s:
            purged = dict((await s.execute(select(SequenceRow.tenant, SequenceRow.purged_through))).all())
        assert purged == {"t0": 0, "t1": 0, "t2": 3, "t3": 3, "t4": 3}
    finally:
        await db.dispose()
