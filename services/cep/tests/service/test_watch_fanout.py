"""WatchAlerts fan-out: one read per change for all of a tenant's watchers, idle watchers cost no query."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from sqlalchemy import event

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.alerts import AlertService
from opsuite_common.errors import RateLimitedError
from opsuite_common.testing.eventually import eventually

from .conftest import Cep, ev

pytestmark = pytest.mark.asyncio

CPU = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}


def _alerts(cep: Cep) -> AlertService:
    service: AlertService = cep.handle.app.alerts
    return service


def _count_queries(cep: Cep) -> tuple[list[str], Callable[[], None]]:
    """Record every statement the server's database engine runs, until the returned stop is called."""
    seen: list[str] = []
    engine = cep.handle.app.db.engine.sync_engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


async def test_one_change_reaches_every_watcher_of_the_tenant_and_none_of_another(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    cep: Cep = await start_cep(db_url, watch_poll_s=0)
    await cep.rule(CPU, tenant="tenant-a")
    await cep.rule(CPU, tenant="tenant-b")
    a_streams = [cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(), metadata=cep.md("tenant-a")) for _ in range(5)]
    b_stream = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(), metadata=cep.md("tenant-b"))
    feed = _alerts(cep).feed
    await eventually(lambda: feed.watchers("tenant-a") == 5 and feed.watchers("tenant-b") == 1, what="six watchers")
    fired = (await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")], tenant="tenant-a")).alerts[0]
    got = await asyncio.wait_for(asyncio.gather(*(s.read() for s in a_streams)), 10)
    assert {(c.change, c.alert.id) for c in got} == {("firing", fired.id)}
    # B's watcher saw nothing of A: the first change it receives is B's own.
    b_fired = (await cep.publish([ev("e2", "metric", 0, cpu=97, host="h9")], tenant="tenant-b")).alerts[0]
    first_b = await asyncio.wait_for(b_stream.read(), 10)
    assert (first_b.alert.id, first_b.alert.labels["host"]) == (b_fired.id, "h9")
    for s in [*a_streams, b_stream]:
        s.cancel()
    await eventually(
        lambda: feed.watchers("tenant-a") == 0 and feed.watchers("tenant-b") == 0, what="watchers to leave"
    )


async def test_idle_watchers_run_no_database_query(sqlite_url: str, start_cep: Callable[..., Any]) -> None:
    cep: Cep = await start_cep(sqlite_url, watch_poll_s=0, background_tasks=False)
    await cep.rule(CPU)
    await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])  # history to replay
    streams = [cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(), metadata=cep.md()) for _ in range(20)]
    replayed = await asyncio.wait_for(asyncio.gather(*(s.read() for s in streams)), 10)
    assert {c.change for c in replayed} == {"firing"}
    await eventually(lambda: _alerts(cep).feed.watchers("tenant-a") == 20, what="twenty watchers")
    seen, stop = _count_queries(cep)
    try:
        await asyncio.sleep(1.0)  # many former per-stream poll intervals
        assert seen == [], f"idle watchers ran {len(seen)} queries"
        # One change: the tenant's feed reads it once for all twenty watchers.
        await cep.publish([ev("e2", "metric", 1, cpu=96, host="h2")])
        live = await asyncio.wait_for(asyncio.gather(*(s.read() for s in streams)), 10)
        assert {c.alert.labels["host"] for c in live} == {"h2"}
        reads = [q for q in seen if "cep_alert_changes" in q and q.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 1, reads
    finally:
        stop()
        for s in streams:
            s.cancel()


async def test_a_watcher_that_falls_behind_is_dropped_with_the_cursor_to_resume(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep: Cep = await start_cep(sqlite_url, watch_poll_s=0, watch_queue_size=2)
    await cep.rule(CPU)
    feed = _alerts(cep).feed
    slow = await feed.subscribe("tenant-a")
    keeping_up = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(), metadata=cep.md())
    await eventually(lambda: feed.watchers("tenant-a") == 2, what="both watchers")
    hosts = [f"h{i}" for i in range(5)]
    got = []
    for i, h in enumerate(hosts):
        # The watcher that reads keeps receiving everything; the one that does not is dropped.
        await cep.publish([ev(f"e{i}", "metric", i, cpu=95, host=h)])
        got.append(await asyncio.wait_for(keeping_up.read(), 10))
    assert [c.alert.labels["host"] for c in got] == hosts
    await eventually(lambda: feed.watchers("tenant-a") == 1, what="the slow watcher to be dropped")
    with pytest.raises(RateLimitedError) as info:
        await slow.next(resume_after=got[0].cursor)
    assert info.value.reason == "WATCHER_TOO_SLOW" and info.value.retry_after is not None
    assert info.value.metadata["after_cursor"] == str(got[0].cursor)
    # Resuming from that cursor replays what it missed, from the database.
    resumed = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=got[0].cursor), metadata=cep.md())
    rest = [await asyncio.wait_for(resumed.read(), 10) for _ in hosts[1:]]
    assert [c.alert.labels["host"] for c in rest] == hosts[1:]
    feed.unsubscribe(slow)
    keeping_up.cancel()
    resumed.cancel()


async def test_stopping_the_server_ends_open_watchers_with_the_cursor_to_resume(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    from opsuite_common.errors import ServiceUnavailableError
    from opsuite_common.rpc_status import from_grpc_error

    cep: Cep = await start_cep(sqlite_url, watch_poll_s=0)
    await cep.rule(CPU)
    stream = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(), metadata=cep.md())
    await cep.publish([ev("e1", "metric", 1, cpu=97, host="h1")])
    first = await asyncio.wait_for(stream.read(), 10)
    await cep.handle.stop(30)  # the grace period is not waited out: the watcher ends at once
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await asyncio.wait_for(stream.read(), 10)
    err = from_grpc_error(info.value)
    assert isinstance(err, ServiceUnavailableError) and err.reason == "SHUTTING_DOWN"
    assert err.metadata["after_cursor"] == str(first.cursor)
