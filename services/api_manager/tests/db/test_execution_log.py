"""The execution log: records written as plain column values (SQLite writer and Core insert), read back
by the ORM exactly as given; a record that cannot be written fails its own caller only; a locked SQLite
file is DatabaseUnavailableError."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from opsuite_api_manager.app.execution_log import ExecutionLog
from opsuite_api_manager.app.recording import abort_orphans
from opsuite_api_manager.db import MIGRATIONS_DIR, VERSION_TABLE, ExecutionRepository
from opsuite_api_manager.db.execution_writer import SqliteExecutionWriter, complete_record
from opsuite_common.db import Database, run_migrations
from opsuite_common.errors import DatabaseUnavailableError, NotFoundError


def _record(**kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "api_id": "api-1",
        "api_name": "item_by_id",
        "api_version": 3,
        "kind": "SQL",
        "caller": "alice",
        "params": {"id": 5, "token": "***", "nested": [1, {"a": None}]},
        "status": "SUCCEEDED",
        "error_reason": "",
        "error_message": "",
        "started_at": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        "duration_ms": 1.5,
        "row_count": 1,
        "request_id": "req-1",
        "depth": 0,
        "parent_id": None,
        "steps": [{"step_id": "s1"}],
        "logs": [],
    }
    values.update(kw)
    return values


async def _migrated(url: str) -> Database:
    db = Database.from_url(url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    return db


async def test_records_round_trip_and_stay_tenant_scoped(db_url: str) -> None:
    db = await _migrated(db_url)
    log = ExecutionLog(db)
    try:
        first, second = _record(), _record(status="FAILED", error_reason="SQL_ERROR", error_message="boom")
        await asyncio.gather(log.write("tenant-a", first), log.write("tenant-a", second))
        async with db.session(readonly=True) as s:
            row = await ExecutionRepository(s, "tenant-a").get(first["id"])
            assert (row.tenant, row.api_name, row.api_version, row.caller) == ("tenant-a", "item_by_id", 3, "alice")
            assert row.params == first["params"] and row.steps == [{"step_id": "s1"}] and row.logs == []
            assert row.started_at == first["started_at"] and row.parent_id is None
            failed = await ExecutionRepository(s, "tenant-a").get(second["id"])
            assert (failed.status, failed.error_reason, failed.error_message) == ("FAILED", "SQL_ERROR", "boom")
            with pytest.raises(NotFoundError):
                await ExecutionRepository(s, "tenant-b").get(first["id"])
    finally:
        await log.close()
        await db.dispose()


async def test_a_running_record_is_updated_in_place_and_a_restart_aborts_only_its_own(db_url: str) -> None:
    db = await _migrated(db_url)
    log = ExecutionLog(db)
    try:
        mine, theirs, done = (
            _record(status="RUNNING", owner="a"),
            _record(status="RUNNING", owner="b"),
            _record(status="RUNNING", owner="a"),
        )
        await asyncio.gather(*(log.write("tenant-a", r) for r in (mine, theirs, done)))
        await log.write("tenant-a", {**done, "status": "SUCCEEDED", "row_count": 7}, update=True)
        assert await abort_orphans(db, "a") == 1
        async with db.session(readonly=True) as s:
            repo = ExecutionRepository(s, "tenant-a")
            aborted, running, finished = [await repo.get(r["id"]) for r in (mine, theirs, done)]
            assert (aborted.status, aborted.error_reason) == ("ABORTED", "PROCESS_ENDED")
            assert running.status == "RUNNING"  # another instance's live run is left alone
            assert (finished.status, finished.row_count, finished.steps) == ("SUCCEEDED", 7, [{"step_id": "s1"}])
    finally:
        await log.close()
        await db.dispose()


async def test_a_record_that_cannot_be_written_fails_only_its_caller(db_url: str) -> None:
    db = await _migrated(db_url)
    log = ExecutionLog(db)
    try:
        taken = _record()
        await log.write("tenant-a", taken)
        good = _record()
        results = await asyncio.gather(
            log.write("tenant-a", _record(id=taken["id"])), log.write("tenant-a", good), return_exceptions=True
        )
        assert isinstance(results[0], Exception) and results[1] is None
        await log.write("tenant-a", _record())  # the writer recovers after the failed batch
        async with db.session(readonly=True) as s:
            assert (await ExecutionRepository(s, "tenant-a").get(good["id"])).id == good["id"]
    finally:
        await log.close()
        await db.dispose()


async def test_a_locked_sqlite_file_is_unavailable(sqlite_url: str) -> None:
    db = await _migrated(sqlite_url)
    writer = SqliteExecutionWriter(db, busy_timeout_ms=50)
    holder = sqlite3.connect(db.engine.url.database or "", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        with pytest.raises(DatabaseUnavailableError):
            await writer.insert([complete_record(_record(), "tenant-a")])
        holder.execute("ROLLBACK")
        await writer.insert([complete_record(_record(), "tenant-a")])  # and works once it is free
    finally:
        holder.close()
        await writer.close()
        await db.dispose()


def test_complete_record_fills_defaults_and_sets_the_tenant() -> None:
    values = complete_record({"id": "x", "steps": None}, "tenant-a")
    assert values["tenant"] == "tenant-a" and values["steps"] == [] and values["logs"] == []
    assert values["caller"] == "" and values["row_count"] == 0 and values["parent_id"] is None


def _run(execution_id: str) -> Any:
    import time

    from opsuite_api_manager.app.definitions import ApiDefinition
    from opsuite_api_manager.app.outcomes import Caller
    from opsuite_api_manager.app.recording import RunState, Target

    target = Target("api-1", 1, ApiDefinition(name="item_by_id", kind="SQL", spec={}))
    return RunState(
        caller=Caller("tenant-a", "alice"),
        target=target,
        depth=0,
        record=True,
        deadline=time.monotonic() + 10,
        execution_id=execution_id,
        parent_id=None,
    )


async def _status(db: Database, execution_id: str) -> tuple[str, str]:
    async with db.session(readonly=True) as s:
        row = await ExecutionRepository(s, "tenant-a").get(execution_id)
        return row.status, row.error_reason


async def test_a_caller_cancelled_while_its_running_row_commits_is_recorded_failed_not_left_running(
    db_url: str,
) -> None:
    from opsuite_api_manager.app.outcomes import ExecutionStatus
    from opsuite_api_manager.app.recording import Recorder
    from opsuite_api_manager.domain.params import ParamSchema
    from opsuite_common.errors import CancelledError as CallerCancelled

    db = await _migrated(db_url)
    recorder = Recorder(ExecutionLog(db), "a", lambda _t: ParamSchema(None))
    run = _run(str(uuid.uuid4()))

    async def call() -> None:
        try:
            await recorder.begin(run, {})
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await recorder.finish(run, {}, ExecutionStatus.FAILED, CallerCancelled("the caller cancelled"))
            raise

    task = asyncio.create_task(call())
    await asyncio.sleep(0)  # begin has queued its insert and waits for the commit
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    try:
        assert await _status(db, run.execution_id) == ("FAILED", "CANCELLED")
    finally:
        await recorder.log.close()
        await db.dispose()


async def test_a_caller_cancel_during_the_grace_period_is_the_caller_s_and_after_it_the_shutdown_s(
    db_url: str,
) -> None:
    import time

    from opsuite_api_manager.app.outcomes import ExecutionStatus
    from opsuite_api_manager.app.recording import Recorder
    from opsuite_api_manager.domain.params import ParamSchema
    from opsuite_common.errors import CancelledError as CallerCancelled

    db = await _migrated(db_url)
    recorder = Recorder(ExecutionLog(db), "a", lambda _t: ParamSchema(None))
    during, after = _run(str(uuid.uuid4())), _run(str(uuid.uuid4()))
    try:
        await recorder.begin(during, {})
        await recorder.begin(after, {})
        recorder.draining(time.monotonic() + 30)  # SIGTERM: a 30 s grace period starts
        await recorder.finish(during, {}, ExecutionStatus.FAILED, CallerCancelled("the caller cancelled"))
        recorder.draining(time.monotonic())  # the grace period is over
        await recorder.finish(after, {}, ExecutionStatus.FAILED, CallerCancelled("the caller cancelled"))
        assert await _status(db, during.execution_id) == ("FAILED", "CANCELLED")
        assert await _status(db, after.execution_id) == ("CANCELLED", "SHUTDOWN")
    finally:
        await recorder.log.close()
        await db.dispose()


async def test_an_end_update_whose_running_row_is_missing_is_never_acknowledged(db_url: str) -> None:
    db = await _migrated(db_url)
    log = ExecutionLog(db)
    try:
        from sqlalchemy.exc import IntegrityError
        from sqlalchemy.orm.exc import StaleDataError

        with pytest.raises((IntegrityError, StaleDataError)):  # SQLite writer / ORM path
            await log.write("tenant-a", _record(status="SUCCEEDED"), update=True)
        written = _record(status="RUNNING")
        await log.write("tenant-a", written)  # the log still works for everyone else
        await log.write("tenant-a", {**written, "status": "SUCCEEDED"}, update=True)
        assert (await _status(db, written["id"]))[0] == "SUCCEEDED"
    finally:
        await log.close()
        await db.dispose()


async def test_an_end_queued_with_its_own_running_row_is_written_as_it_ended(db_url: str) -> None:
    # A caller cancelled while its RUNNING insert waits in the queue: the end arrives in the same batch
    # (on PostgreSQL folded into the insert, one statement; on SQLite insert then update, one transaction).
    db = await _migrated(db_url)
    log = ExecutionLog(db)
    try:
        running = _record(status="RUNNING")
        ended = {**running, "status": "FAILED", "error_reason": "CANCELLED", "row_count": 2}
        await asyncio.gather(log.write("tenant-a", running), log.write("tenant-a", ended, update=True))
        assert await _status(db, running["id"]) == ("FAILED", "CANCELLED")
    finally:
        await log.close()
        await db.dispose()


async def test_an_end_whose_row_is_missing_fails_only_its_own_caller_in_a_batch(db_url: str) -> None:
    db = await _migrated(db_url)
    log = ExecutionLog(db)
    try:
        from sqlalchemy.exc import IntegrityError
        from sqlalchemy.orm.exc import StaleDataError

        running, other_tenant = _record(status="RUNNING"), _record(status="RUNNING")
        await asyncio.gather(log.write("tenant-a", running), log.write("tenant-b", other_tenant))
        fresh = _record()
        results = await asyncio.gather(
            log.write("tenant-a", {**running, "status": "SUCCEEDED"}, update=True),
            log.write("tenant-a", _record(status="SUCCEEDED"), update=True),  # never inserted
            log.write("tenant-a", fresh),
            return_exceptions=True,
        )
        assert results[0] is None and results[2] is None
        assert isinstance(results[1], IntegrityError | StaleDataError)
        assert (await _status(db, running["id"]))[0] == "SUCCEEDED"
        assert (await _status(db, fresh["id"]))[0] == "SUCCEEDED"
        # An end is matched within its tenant: another tenant's row with that id is left as it was.
        with pytest.raises((IntegrityError, StaleDataError)):
            await log.write("tenant-a", {**other_tenant, "status": "SUCCEEDED"}, update=True)
        async with db.session(readonly=True) as s:
            assert (await ExecutionRepository(s, "tenant-b").get(other_tenant["id"])).status == "RUNNING"
    finally:
        await log.close()
        await db.dispose()


async def test_a_database_in_memory_matches_ends_within_their_tenant_too() -> None:
    from sqlalchemy.orm.exc import StaleDataError

    db = await _migrated("sqlite:///:memory:")
    log = ExecutionLog(db)
    try:
        theirs = _record(status="RUNNING")
        await log.write("tenant-b", theirs)
        with pytest.raises(StaleDataError):
            await log.write("tenant-a", {**theirs, "status": "SUCCEEDED"}, update=True)
        await log.write("tenant-b", {**theirs, "status": "SUCCEEDED"}, update=True)
        async with db.session(readonly=True) as s:
            assert (await ExecutionRepository(s, "tenant-b").get(theirs["id"])).status == "SUCCEEDED"
    finally:
        await log.close()
        await db.dispose()
