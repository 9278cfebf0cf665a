"""ops run records whatever ends the run: a defect in the orchestrator, or a caller cancelled while the
running row is being written, leaves the run finished (failed / cancelled), never ``running``; so does a caller
hanging up an AskStream mid-run over a real channel. Each on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from opsuite.ops.v1 import ops_pb2
from opsuite_common.auth import Identity, Role
from opsuite_common.db import Database, run_migrations, utcnow
from opsuite_common.testing.eventually import eventually
from opsuite_ops.app.run_log import RunLog
from opsuite_ops.app.runs import RunService
from opsuite_ops.db import MIGRATIONS_DIR, VERSION_TABLE, RunRepository
from opsuite_ops.domain import Budget, BudgetLimits
from opsuite_ops.domain.in_memory import Script

IDENTITY = Identity(subject="ana", tenant="t", roles=frozenset({Role.VIEWER}))


class _BrokenOrchestrator:
    """An orchestrator with a defect: every run raises an unexpected exception."""

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        raise KeyError("secret-looking internals")


class _SlowOrchestrator:
    async def run(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(30)


async def _stored(db: Database) -> list[tuple[str, str, str]]:
    from sqlalchemy import text

    async with db.session(readonly=True) as s:
        rows = (await s.execute(text("SELECT status, error_reason, error_message FROM ops_runs"))).all()
    return [tuple(r) for r in rows]


async def _app(db_url: str, orchestrator: Any) -> tuple[Database, RunService]:
    db = Database.from_url(db_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    app = RunService(
        orchestrator,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]  # the catalogue is not used by ask
        db,
        Budget(),
        BudgetLimits(),
        run_log=RunLog(db, "me"),
    )
    return db, app


async def test_a_defect_in_the_orchestrator_leaves_the_run_failed_not_running(db_url: str) -> None:
    db, app = await _app(db_url, _BrokenOrchestrator())
    try:
        with pytest.raises(KeyError):
            await app.ask(IDENTITY, "what is up", "all", Budget())
        [(status, reason, message)] = await _stored(db)
        assert (status, reason) == ("failed", "INTERNAL")
        assert "secret-looking" not in message
    finally:
        await db.dispose()


async def test_a_caller_cancelled_while_the_running_row_is_written_is_recorded_cancelled(db_url: str) -> None:
    db, app = await _app(db_url, _SlowOrchestrator())
    try:
        task = asyncio.create_task(app.ask(IDENTITY, "what is up", "all", Budget()))
        await asyncio.sleep(0)  # begin has started the insert
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await _stored(db) == [("cancelled", "CANCELLED", "the caller cancelled")]
    finally:
        await db.dispose()


async def test_stop_records_runs_still_in_flight_cancelled_with_their_duration(db_url: str) -> None:
    db = Database.from_url(db_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    log = RunLog(db, "me")
    base = {
        "id": uuid.uuid4().hex,
        "tenant": "t",
        "subject": "ana",
        "question": "q",
        "mode": "auto",
        "created_at": utcnow(),
        "request_id": "",
    }
    try:
        await log.begin(base)
        await asyncio.sleep(0.05)
        await log.stop()
        assert await _stored(db) == [
            ("cancelled", "SHUTDOWN", "the service stopped before the run finished (shutdown grace period over)")
        ]
        async with db.session(readonly=True) as s:
            row = await RunRepository(s, "t").get(base["id"])
            assert row.partial and row.duration_ms >= 50
    finally:
        await db.dispose()


async def test_an_ask_stream_the_caller_cancels_mid_run_is_recorded_cancelled(
    fake_am, start_ops, tokens, db_url: str
) -> None:
    # Longer than the run's 10 s call timeout: the call cannot end by itself before the cancel reaches it.
    fake_am.catalogue.script("cpu_by_host", Script(delay_s=30.0))
    ops = await start_ops(fake_am.target, db_url=db_url)
    md = tokens.metadata("acme", ["viewer"])  # the demo tools' tenant (conftest.py)
    stream = ops.stub.AskStream(
        ops_pb2.AskRequest(question="what is the cpu on web-01 over the last 2 hours"), metadata=md
    )
    run_id = (await stream.read()).run_id
    await eventually(lambda: fake_am.catalogue.in_flight, what="the slow tool call in flight in the fake api_manager")
    assert fake_am.catalogue.in_flight == 1
    stream.cancel()  # the caller hangs up mid-run
    run = await eventually(
        lambda: ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=run_id), metadata=md),
        until=lambda r: r.status != ops_pb2.RUN_RUNNING,
        what="the cancel's end record",
    )
    assert (run.status, run.error_reason) == (ops_pb2.RUN_CANCELLED, "CANCELLED"), run
    assert run.HasField("finish_time")
