"""The SQLite event log's writer (docs/architecture/cep.md, The event log): appends are committed on a
thread with its own connection, the records waiting at that moment in one transaction.

What must hold: a position is returned only after its record is committed; positions grow in the order
of the appends (so each tenant's records replay in its order); a transaction that fails fails all of its
records and writes none of them; the thread ends when idle and comes back with the next append. Through
a real server: tenants publishing at the same time are all acknowledged from the log, and a crash loses
none of it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opsuite_cep.app.eventlog import DatabaseLog
from opsuite_cep.db.eventlog import SqliteLogWriter
from opsuite_cep.db.models import EventLogRow
from opsuite_common.testing.eventually import eventually

from .conftest import CPU, Cep, ev

pytestmark = pytest.mark.asyncio


async def _migrated(sqlite_url: str, start_cep: Callable[..., Any]) -> tuple[Cep, Path]:
    """A server on a SQLite file (its migrations applied) and that file."""
    cep = await start_cep(sqlite_url, background_tasks=False)
    log = cep.handle.app.host.log
    assert isinstance(log, DatabaseLog) and log.writer is not None  # a SQLite file: the writer appends
    return cep, log.writer.path


def _rows(path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT seq, tenant, body FROM cep_event_log ORDER BY seq"))


async def test_appends_waiting_together_share_one_commit_in_the_order_they_came(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    _, path = await _migrated(sqlite_url, start_cep)
    gate = threading.Event()
    writer = SqliteLogWriter(path)

    def connect(p: Path) -> sqlite3.Connection:
        gate.wait()  # the first batch waits here while the other appends queue up
        return writer._open(p)

    writer._connect = connect
    records = [(f"t{i % 4}", json.dumps([i])) for i in range(40)]
    appends = [asyncio.ensure_future(writer.append(t, "events", 1.0, body)) for t, body in records]
    await asyncio.sleep(0)  # every append has queued its record
    gate.set()
    positions = await asyncio.gather(*appends)

    assert writer.commits <= 2  # the first record alone (maybe), then all the others together
    assert positions == sorted(positions) and len(set(positions)) == len(records)
    rows = _rows(path)
    assert [(t, body) for _, t, body in rows[-40:]] == records  # committed, in the order of the appends
    assert [seq for seq, _, _ in rows[-40:]] == positions
    await writer.close()


async def test_a_failed_commit_fails_every_record_in_it_and_writes_none(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    _, path = await _migrated(sqlite_url, start_cep)
    gate = threading.Event()
    writer = SqliteLogWriter(path)

    def connect(p: Path) -> sqlite3.Connection:
        gate.wait()
        conn = writer._open(p)
        # A record that cannot be stored (here: a trigger refuses it) fails its whole transaction.
        conn.execute(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON cep_event_log WHEN NEW.body = 'poison' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        return conn

    writer._connect = connect
    before = _rows(path)
    first = asyncio.ensure_future(writer.append("a", "events", 1.0, "first"))
    await asyncio.sleep(0)
    batch = [asyncio.ensure_future(writer.append(t, "events", 1.0, b)) for t, b in (("b", "ok"), ("c", "poison"))]
    await asyncio.sleep(0)
    gate.set()
    done = await asyncio.gather(first, *batch, return_exceptions=True)
    failed = [d for d in done if isinstance(d, BaseException)]
    assert failed and all(isinstance(d, sqlite3.Error) for d in failed)
    stored = {body for _, _, body in _rows(path)} - {body for _, _, body in before}
    assert "poison" not in stored
    # Whatever shared the poisoned transaction failed with it; whatever was acknowledged is stored.
    for (_, body), outcome in zip((("a", "first"), ("b", "ok"), ("c", "poison")), done, strict=True):
        assert (body in stored) == (not isinstance(outcome, BaseException))
    # The writer goes on: the next append is committed.
    position = await writer.append("b", "events", 2.0, "again")
    assert _rows(path)[-1] == (position, "b", "again")
    await writer.close()


async def test_a_caller_cancelled_while_its_record_waits_takes_it_back(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    _, path = await _migrated(sqlite_url, start_cep)
    gate = threading.Event()
    writer = SqliteLogWriter(path)

    def connect(p: Path) -> sqlite3.Connection:
        gate.wait()
        return writer._open(p)

    writer._connect = connect
    kept = asyncio.ensure_future(writer.append("a", "events", 1.0, "kept"))
    dropped = asyncio.ensure_future(writer.append("b", "events", 1.0, "dropped"))
    await asyncio.sleep(0)
    dropped.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dropped
    gate.set()
    position = await kept
    bodies = [(seq, body) for seq, _, body in _rows(path)]
    assert (position, "kept") in bodies and all(body != "dropped" for _, body in bodies)
    await writer.close()


async def test_the_thread_ends_when_idle_and_the_next_append_brings_it_back(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    _, path = await _migrated(sqlite_url, start_cep)
    writer = SqliteLogWriter(path, idle_s=0.01)
    first = await writer.append("a", "events", 1.0, "[]")
    await eventually(lambda: writer._thread is None, what="the idle writer thread to end")
    second = await writer.append("a", "events", 2.0, "[]")
    assert second > first
    await writer.close()
    assert writer._thread is None


async def test_a_closed_writer_refuses_appends_and_strands_none(sqlite_url: str, start_cep: Callable[..., Any]) -> None:
    _, path = await _migrated(sqlite_url, start_cep)
    writer = SqliteLogWriter(path, idle_s=0.01)
    await writer.append("a", "events", 1.0, "[]")
    await eventually(lambda: writer._thread is None, what="the idle writer thread to end")
    await writer.close()  # no thread: nothing to stop, but the writer is closed all the same
    # Before, this append started a thread and was written (and had close() queued its stop meanwhile, that
    # thread read the stop first and the append waited for ever): a closed writer fails it as a failed commit.
    with pytest.raises(sqlite3.OperationalError, match="closed"):
        await writer.append("a", "events", 2.0, "late")
    assert writer._thread is None and all(body != "late" for _, _, body in _rows(path))
    await writer.close()  # a second close is a no-op


async def test_tenants_publishing_at_once_are_all_logged_and_survive_a_crash(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    first = await start_cep(sqlite_url, background_tasks=False)
    for tenant in ("quiet", "noisy"):
        await first.rule(CPU, tenant=tenant)

    async def publish(tenant: str, n: int, size: int) -> int:
        accepted = 0
        for i in range(n):
            batch = [ev(f"{tenant}-{i}-{j}", "metric", i, host="web-1", cpu=50) for j in range(size)]
            accepted += (await first.publish(batch, tenant=tenant)).accepted
        return accepted

    # The noisy tenant: 4 callers side by side, sending the same 10 batches of 20 (duplicates after the first).
    noisy = [publish("noisy", 10, 20) for _ in range(4)]
    totals = await asyncio.gather(publish("quiet", 20, 1), *noisy)
    assert totals[0] == 20 and sum(totals[1:]) == 10 * 20
    async with first.handle.app.db.session() as s:
        rows = (await s.execute(select(EventLogRow.tenant, EventLogRow.body).order_by(EventLogRow.seq))).all()
    assert sum(1 for t, _ in rows if t == "quiet") == 20 and sum(1 for t, _ in rows if t == "noisy") == 40
    quiet_ids = [json.loads(body)[0]["id"] for t, body in rows if t == "quiet"]
    assert quiet_ids == [f"quiet-{i}-0" for i in range(20)]  # a tenant's records in the order it sent them

    first.handle.cleanups.clear()  # a crash: no checkpoint, nothing flushed (as test_event_log.crash)
    await first.handle.server.stop(0)
    await first.channel.close()
    await first.handle.app.db.dispose()
    second = await start_cep(sqlite_url, background_tasks=False)
    again = await second.publish([ev("quiet-19-0", "metric", 19, host="web-1", cpu=50)], tenant="quiet")
    assert list(again.duplicate_event_ids) == ["quiet-19-0"]  # replayed from the log
