"""Two cep replicas share the partitions of a JetStream stream (the NATS server of this machine,
127.0.0.1:4222; a stream and lease bucket of this test's own): each owns its fair share, a tenant's
keyed rules are evaluated where their keys are, its tenant-wide rules at its home partition, and when one
replica dies its partitions are taken over within the lease TTL plus a margin, restored from their
checkpoints and replayed, with no alert lost or doubled. kill -9 of a replica process is
tests/reliability/test_cep_replicas.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.db.models import AlertChangeRow
from opsuite_cep.domain.partitioning import partition_of
from opsuite_common.testing.eventually import eventually

from .conftest import Cep, ev
from .test_event_log import crash

pytestmark = pytest.mark.asyncio

NATS_URL = "nats://127.0.0.1:4222"
TTL = 1.5
BY_HOST = {  # tenant-wide: one host's events may carry any key
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}
BY_KEY = {  # keyed: follows the event key to its partition
    "name": "errors-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "errors", "op": ">", "value": 5}, "group_by": ["key"]},
}
KEYS = [f"svc-{i}" for i in range(12)]


async def _replica(start_cep: Callable[..., Any], db_url: str, ns: str) -> Cep:
    cep: Cep = await start_cep(
        db_url,
        event_log=NATS_URL,
        partitions=4,
        lease_ttl_s=TTL,
        stream_namespace=ns,
        schedule_tick_s=0.2,
        checkpoint_interval_s=0.5,
        partition_refresh_s=0.2,
    )
    return cep


def _owned(cep: Cep) -> set[int]:
    return set(cep.handle.app.coordinator.runners)


async def kill(cep: Cep) -> None:
    """The replica vanishes: no checkpoint, no lease handed back, no heartbeat."""
    coordinator = cep.handle.app.coordinator
    coordinator._task.cancel()
    for runner in coordinator.runners.values():
        for task in runner._tasks:
            task.cancel()
    await asyncio.sleep(0)
    await crash(cep)


async def _states(cep: Cep, tenant: str) -> dict[tuple[str, str], str]:
    """The state of each group's latest alert (ListAlerts gives the newest first)."""
    out: dict[tuple[str, str], str] = {}
    for a in await cep.alerts(tenant):
        out.setdefault((a.rule, a.labels.get("host") or a.labels.get("key")), cep_pb2.AlertState.Name(a.state))
    return out


async def test_replicas_share_partitions_and_take_over_a_dead_ones(
    stream_namespace: str, db_url: str, start_cep: Callable[..., Any]
) -> None:
    ns, tenant = stream_namespace, "tenant-a"
    a = await _replica(start_cep, db_url, ns)
    b = await _replica(start_cep, db_url, ns)
    await a.rule(BY_HOST, tenant)
    await a.rule(BY_KEY, tenant)
    await eventually(lambda: len(_owned(a)) == 2 and len(_owned(b)) == 2, timeout=20, what="two partitions each")

    first = [
        ev(f"a{i}", "metric", i, key=k, host=f"h{i % 3}", cpu=95 if i % 3 == 0 else 20, errors=9)
        for i, k in enumerate(KEYS)
    ]
    reply = await b.publish(first, tenant)
    assert (reply.evaluated, reply.accepted) == (False, len(KEYS))
    expected = {("errors-high", k): "FIRING" for k in KEYS} | {("cpu-high", "h0"): "FIRING"}
    await eventually(
        lambda: _states(a, tenant), until=lambda s: s == expected, timeout=20, what="alerts of both replicas"
    )

    await kill(b)
    second = [ev(f"b{i}", "metric", 100 + i, key=k, host=f"h{i % 3}", cpu=20, errors=0) for i, k in enumerate(KEYS)]
    await a.publish(second, tenant)  # every alert resolves: half of them in the dead replica's partitions
    # (how fast a takeover is, is measured by bench/cep_replicas.py, not asserted here)
    await eventually(lambda: len(_owned(a)) == 4, timeout=TTL + 10, what="the survivor owns every partition")
    resolved = {k: "RESOLVED" for k in expected}
    await eventually(lambda: _states(a, tenant), until=lambda s: s == resolved, timeout=20, what="alerts resolved")
    # The first batch again (duplicates in every unit, or cpu-high on h0 would fire again), then a marker per
    # key that fires errors-high anew: once the markers show, the resend before them was evaluated.
    await a.publish(first, tenant)
    markers = [ev(f"c{i}", "metric", 200 + i, key=k, host=f"h{i % 3}", cpu=20, errors=9) for i, k in enumerate(KEYS)]
    await a.publish(markers, tenant)
    again = resolved | {("errors-high", k): "FIRING" for k in KEYS}
    await eventually(lambda: _states(a, tenant), until=lambda s: s == again, timeout=20, what="the markers")
    async with a.handle.app.db.session() as s:
        changes = (await s.execute(select(func.count()).select_from(AlertChangeRow))).scalar_one()
    assert changes == 2 * len(expected) + len(KEYS)  # nothing doubled by the takeover or the resend


async def test_a_manual_resolution_reaches_the_partition_owner_in_stream_order(
    stream_namespace: str, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    ns, tenant = stream_namespace, "tenant-a"
    a = await _replica(start_cep, sqlite_url, ns)
    await a.rule(BY_KEY, tenant)
    await eventually(lambda: len(_owned(a)) == 4, timeout=20, what="every partition")
    await a.publish([ev("e1", "metric", 1, key="svc-1", errors=9)], tenant)
    (alert,) = await eventually(lambda: a.alerts(tenant), timeout=20, what="the alert")
    await a.stub.ResolveAlert(cep_pb2.ResolveAlertRequest(id=alert.id), metadata=a.md(tenant))
    # The owner forgot the alert's state (a forget record), so the next hot event opens a new alert.
    await a.publish([ev("e2", "metric", 2, key="svc-1", errors=9)], tenant)
    alerts = await eventually(lambda: a.alerts(tenant), until=lambda xs: len(xs) == 2, timeout=20, what="a new alert")
    assert sorted(cep_pb2.AlertState.Name(x.state) for x in alerts) == ["FIRING", "RESOLVED"]


async def test_a_resolution_the_stream_cannot_store_is_unavailable_and_resolves_nothing(
    stream_namespace: str, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    ns, tenant = stream_namespace, "tenant-a"
    a = await _replica(start_cep, sqlite_url, ns)
    await a.rule(BY_KEY, tenant)
    await eventually(lambda: len(_owned(a)) == 4, timeout=20, what="every partition")
    await a.publish([ev("e1", "metric", 1, key="svc-1", errors=9)], tenant)
    (alert,) = await eventually(lambda: a.alerts(tenant), timeout=20, what="the alert")
    await a.handle.app.partitioned.stream.close()  # the event stream is out of reach
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await a.stub.ResolveAlert(cep_pb2.ResolveAlertRequest(id=alert.id), metadata=a.md(tenant))
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    (still,) = await a.alerts(tenant)
    assert still.state == cep_pb2.FIRING  # rolled back: a retry resolves it and appends the forget record


async def test_test_rule_places_a_keyed_rule_as_live_does(
    stream_namespace: str, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    """A key's `for` timer waits for its own partition's time, live and in TestRule alike: an event of a key
    in another partition does not move it (in one engine it would fire)."""
    ns, tenant = stream_namespace, "tenant-a"
    a = await _replica(start_cep, sqlite_url, ns)
    slow = {**BY_KEY, "name": "errors-for", "for": "10s"}
    rule = await a.rule(slow, tenant)
    await eventually(lambda: len(_owned(a)) == 4, timeout=20, what="every partition")
    keys = [f"svc-{i}" for i in range(40)]
    k1 = keys[0]
    k2 = next(k for k in keys if partition_of(tenant, k, 4) != partition_of(tenant, k1, 4))
    events = [ev("e1", "metric", 0, key=k1, errors=9), ev("e2", "metric", 30, key=k2, errors=1)]
    tested = await a.stub.TestRule(cep_pb2.TestRuleRequest(rule_id=rule.meta.id, events=events), metadata=a.md(tenant))
    final = {}
    for tr in tested.transitions:
        final[tr.labels["key"]] = tr.state.upper()
    assert final == {k1: "PENDING"}  # k1's partition saw no later event: its `for` has not run out
    await a.publish(events, tenant)
    live = await eventually(lambda: a.alerts(tenant), timeout=20, what="the live alert")
    assert {x.labels["key"]: cep_pb2.AlertState.Name(x.state) for x in live} == final
