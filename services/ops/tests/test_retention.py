"""Retention of runs: a sweep deletes runs that finished past ``OPSUITE_OPS_RUN_RETENTION_S`` (with their
trace), keeps newer and running ones; on SQLite and PostgreSQL, through the server's own sweeper."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from opsuite_common.db import utcnow
from opsuite_ops.app.run_log import run_row
from opsuite_ops.db import RunRow

DAY = 86_400.0


def _run(question: str, status: str, finished_days_ago: float, tenant: str = "t") -> RunRow:
    finished = utcnow() - timedelta(days=finished_days_ago)
    base = {
        "id": uuid.uuid4().hex,
        "tenant": tenant,
        "subject": "ana",
        "question": question,
        "mode": "all",
        "created_at": finished - timedelta(seconds=5),
    }
    return run_row(base, status=status, finished_at=finished, trace_json='{"calls": [{"tool": "x"}]}')


async def test_runs_that_finished_past_the_retention_are_deleted(start_ops, fake_am, db_url) -> None:
    ops = await start_ops(fake_am.target, db_url=db_url, run_retention_s=30 * DAY)
    app = ops.app
    runs = [
        _run("old succeeded", "succeeded", 40),
        _run("old failed", "failed", 31, tenant="other"),
        _run("old aborted", "aborted", 90),
        _run("old but running", "running", 40),
        _run("recent", "succeeded", 2),
    ]
    async with app.runs.db.session() as s:
        s.add_all(runs)

    assert await app.retention.sweep() == {"ops_runs": 3}
    async with app.runs.db.session(readonly=True) as s:
        left = set((await s.execute(select(RunRow.question))).scalars())
    assert left == {"old but running", "recent"}
    assert await app.retention.sweep() == {"ops_runs": 0}


async def test_zero_retention_keeps_runs_for_ever(start_ops, fake_am, sqlite_url) -> None:
    ops = await start_ops(fake_am.target, db_url=sqlite_url, run_retention_s=0)
    async with ops.app.runs.db.session() as s:
        s.add(_run("ancient", "succeeded", 3000))
    assert not ops.app.retention.enabled
    assert await ops.app.retention.sweep() == {}
    async with ops.app.runs.db.session(readonly=True) as s:
        assert list((await s.execute(select(RunRow.question))).scalars()) == ["ancient"]
