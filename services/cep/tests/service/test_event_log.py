"""The event log (docs/architecture/cep.md, The event log): what PublishEvents acknowledged survives a
crash. A "crash" here stops the server without its graceful close (no checkpoint, nothing flushed), as
kill -9 would; tests/reliability/test_cep_crash.py does the same with a real process and SIGKILL.

After the restart the engine is its last checkpoint plus the log replayed: a firing alert resolves, a
resent event is a duplicate, and no alert change is written twice or lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.db.models import AlertChangeRow, CheckpointRow, EventLogRow
from opsuite_cep.domain import Event
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.clock import FakeClock

from .conftest import CPU, HEARTBEAT, T0, Cep, advance_clock, ev

pytestmark = pytest.mark.asyncio


async def crash(cep: Cep) -> None:
    """Stop serving without the graceful close: no checkpoint, no flush; the database pool is dropped."""
    cep.handle.cleanups.clear()
    await cep.handle.server.stop(0)
    await cep.channel.close()
    await cep.handle.app.db.dispose()


async def _count(cep: Cep, model: Any, tenant: str = "tenant-a") -> int:
    async with cep.handle.app.db.session() as s:
        stmt = select(func.count()).select_from(model).where(model.tenant == tenant)
        return int((await s.execute(stmt)).scalar_one())


def _states(alerts: list[cep_pb2.Alert]) -> dict[str, str]:
    return {a.labels["host"]: cep_pb2.AlertState.Name(a.state) for a in alerts}


async def test_after_a_crash_firing_alerts_resolve_and_resent_events_are_duplicates(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    first = await start_cep(db_url, background_tasks=False)
    await first.rule(CPU)
    reply = await first.publish(
        [ev("e1", "metric", 10, host="web-1", cpu=95), ev("e2", "metric", 11, host="web-2", cpu=97)]
    )
    assert reply.accepted == 2
    assert _states(await first.alerts()) == {"web-1": "FIRING", "web-2": "FIRING"}
    changes_before = await _count(first, AlertChangeRow)
    await crash(first)

    second = await start_cep(db_url, background_tasks=False)
    again = await second.publish([ev("e1", "metric", 10, host="web-1", cpu=95)])
    assert (again.accepted, list(again.duplicate_event_ids)) == (0, ["e1"])  # dedup survived the crash
    assert await _count(second, AlertChangeRow) == changes_before  # the replay wrote nothing twice
    await second.publish([ev("e3", "metric", 20, host="web-1", cpu=10)])
    assert _states(await second.alerts()) == {"web-1": "RESOLVED", "web-2": "FIRING"}


async def test_a_record_logged_but_not_applied_before_the_crash_is_applied_at_restart(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    """The process died after the append (the caller was acknowledged) and before the alert commit."""
    first = await start_cep(db_url, background_tasks=False)
    await first.rule(CPU)
    await first.publish([ev("e1", "metric", 10, host="web-1", cpu=50)])
    host = first.handle.app.host
    await host.log.append(
        "tenant-a", "events", T0 + 12, [Event("e2", "metric", T0 + 12, attributes={"host": "web-1", "cpu": 99})]
    )
    await crash(first)

    second = await start_cep(db_url, background_tasks=False)
    assert _states(await second.alerts()) == {}  # the tenant is loaded by its first call (or the first tick)
    await second.publish([ev("e3", "metric", 13, host="web-2", cpu=10)])
    assert _states(await second.alerts()) == {"web-1": "FIRING"}
    assert await _count(second, AlertChangeRow) == 1


async def test_a_checkpoint_trims_the_log_and_a_restart_replays_only_what_follows_it(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    first = await start_cep(db_url, background_tasks=False)
    await first.rule(CPU)
    for i in range(3):
        await first.publish([ev(f"a{i}", "metric", i, host="web-1", cpu=50)])
    assert await _count(first, EventLogRow) == 3
    host = first.handle.app.host
    te = await host.get("tenant-a")
    async with te.lock:
        assert await host.checkpoint(te)
    checkpointed = te.position
    assert await _count(first, EventLogRow) == 0 and await _count(first, CheckpointRow) == 1
    await first.publish([ev("b1", "metric", 10, host="web-1", cpu=99)])
    assert await _count(first, EventLogRow) == 1
    await crash(first)

    second = await start_cep(db_url, background_tasks=False)
    te2 = await second.handle.app.host.get("tenant-a")
    assert (te2.checkpointed, te2.position) == (checkpointed, checkpointed + 1)  # positions never restart
    reply = await second.publish(
        [ev("a0", "metric", 0, host="web-1", cpu=50), ev("b1", "metric", 10, host="web-1", cpu=99)]
    )
    assert sorted(reply.duplicate_event_ids) == ["a0", "b1"]
    assert _states(await second.alerts()) == {"web-1": "FIRING"}
    assert await _count(second, AlertChangeRow) == 1


async def test_a_graceful_stop_checkpoints_and_leaves_no_log_behind(db_url: str, start_cep: Callable[..., Any]) -> None:
    first = await start_cep(db_url, background_tasks=False)
    await first.rule(CPU)
    await first.publish([ev("e1", "metric", 10, host="web-1", cpu=95)])
    db = first.handle.app.db
    await first.handle.stop(0)
    async with db.session() as s:
        logged = (await s.execute(select(func.count()).select_from(EventLogRow))).scalar_one()
        position = (await s.execute(select(CheckpointRow.log_position))).scalar_one()
    assert logged == 0 and position > 0
    second = await start_cep(db_url, background_tasks=False)
    assert (await second.publish([ev("e1", "metric", 10, host="web-1", cpu=95)])).duplicate_event_ids == ["e1"]


async def test_when_the_log_cannot_be_written_nothing_is_applied_and_the_batch_can_be_sent_again(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep = await start_cep(sqlite_url, background_tasks=False)
    await cep.rule(CPU)
    host = cep.handle.app.host
    await host.get("tenant-a")  # loaded (its log read) before the log breaks
    working = host.log

    class Broken:
        durable = True

        async def append(self, *args: Any, **kw: Any) -> int:
            raise OSError("disk full")

    host.log = Broken()
    with pytest.raises(grpc.RpcError) as info:
        await cep.publish([ev("e1", "metric", 10, host="web-1", cpu=95)])
    err = from_grpc_error(info.value)
    assert (err.code.name, err.reason) == ("UNAVAILABLE", "EVENT_LOG_UNAVAILABLE")
    assert _states(await cep.alerts()) == {}
    host.log = working
    reply = await cep.publish([ev("e1", "metric", 10, host="web-1", cpu=95)])  # not a duplicate: never applied
    assert reply.accepted == 1 and _states(await cep.alerts()) == {"web-1": "FIRING"}


async def test_a_tick_that_moved_a_quiet_tenants_time_is_logged_and_replayed(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    """Idle progress is input too: the tick that fired an absence is a log record, so after a crash the
    replayed engine has the same time (an event older than it is late) and the alert is not written twice."""
    clock = FakeClock(datetime.fromtimestamp(T0, UTC))
    first = await start_cep(db_url, clock=clock, schedule_tick_s=1.0, tenant_time={"tenant-a": {"idle_timeout_s": 5}})
    await first.rule(HEARTBEAT)
    await first.publish([ev("hb", "heartbeat", 0, key="db")])
    while not await first.alerts(state=cep_pb2.FIRING):
        await advance_clock(clock, 1.0)
    async with first.handle.app.db.session() as s:
        kinds = list((await s.execute(select(EventLogRow.kind).order_by(EventLogRow.seq))).scalars())
    assert kinds[0] == "events" and set(kinds[1:]) == {"tick"}
    changes = await _count(first, AlertChangeRow)
    await crash(first)

    second = await start_cep(db_url, clock=clock, schedule_tick_s=1.0, tenant_time={"tenant-a": {"idle_timeout_s": 5}})
    reply = await second.publish([ev("old", "heartbeat", 1, key="db")])  # before the replayed watermark
    assert reply.late == 1
    assert await _count(second, AlertChangeRow) == changes
    assert [a.rule for a in await second.alerts(state=cep_pb2.FIRING)] == ["heartbeat-lost"]
