"""Absent keys on a real server (docs/cep-semantics.md, Absent keys #27-#28): a listed key that never reported
fires by the clock, through a crash and a replay of the event log, and on the partitioned JetStream path; a
static list over the limit, or a `within` below the minimum, is INVALID_ARGUMENT on its field; GetRuleStats shows
the list."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.domain.partitioning import partition_of
from opsuite_common.errors import ValidationError
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.clock import FakeClock

from .conftest import NATS_URL, T0, Cep, advance_clock, ev, struct
from .test_event_log import crash

pytestmark = pytest.mark.asyncio

IDLE_S = 5.0
HOSTS = {
    "name": "host-silent",
    "kind": "ABSENCE",
    "severity": "critical",
    "spec": {
        "expected": {"alias": "beat", "event_type": "heartbeat"},
        "within": "20s",
        "expected_keys": {"keys": ["web-1", "web-2", "db-1"]},
    },
}


async def _on_clock(start_cep: Callable[..., Any], db_url: str, **kw: Any) -> tuple[Cep, FakeClock]:
    clock = FakeClock(datetime.fromtimestamp(T0, UTC))
    cep = await start_cep(
        db_url, clock=clock, schedule_tick_s=1.0, tenant_time={"tenant-a": {"idle_timeout_s": IDLE_S}}, **kw
    )
    return cep, clock


def _fired(alerts: list[cep_pb2.Alert]) -> dict[str, float]:
    return {a.labels["key"]: a.fired_at.seconds - T0 for a in alerts if a.state == cep_pb2.FIRING}


async def test_a_key_that_never_reported_fires_and_its_window_survives_a_crash(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    first, _ = await _on_clock(start_cep, db_url)
    rule = await first.rule(HOSTS)
    # the rule's first progress is this batch: every listed key is watched from T0 (its first event)
    await first.publish([ev("a", "heartbeat", 0, key="web-1")])
    await first.publish([ev("b", "heartbeat", 8, key="web-2")])
    assert await first.alerts() == []
    await crash(first)  # no checkpoint at the stop: the replay of the event log rebuilds the windows

    cep, clock = await _on_clock(start_cep, db_url)
    waited = 0.0
    while "db-1" not in _fired(await cep.alerts()):
        assert waited < 20 + IDLE_S + 2 + 1, "db-1, which never reported, did not fire"
        await advance_clock(clock, 1.0)
        waited += 1.0
    # db-1 and web-1 at T0 + 20 (their windows started before the crash), web-2 later (it reported at 8)
    assert _fired(await cep.alerts()) == {"db-1": 20, "web-1": 20}
    while "web-2" not in _fired(await cep.alerts()):
        assert waited < 28 + IDLE_S + 2, "web-2 did not fire"
        await advance_clock(clock, 1.0)
        waited += 1.0
    alerts = await cep.alerts()
    assert _fired(alerts) == {"db-1": 20, "web-1": 20, "web-2": 28}
    db1 = next(a for a in alerts if a.labels["key"] == "db-1")
    assert (db1.rule, db1.severity, db1.labels["alertname"]) == ("host-silent", "critical", "host-silent")
    assert db1.values["last_seen"] is None and db1.values["watched_since"] == T0
    # a key that comes back resolves its own alert, at the event's time; the others stay firing
    await cep.publish([ev("c", "heartbeat", waited, key="web-2")])
    alerts = await cep.alerts()
    web2 = next(a for a in alerts if a.labels["key"] == "web-2")
    assert (web2.state, web2.ends_at.seconds) == (cep_pb2.RESOLVED, T0 + waited)
    assert sorted(_fired(alerts)) == ["db-1", "web-1"]  # one alert each: no duplicate after the replay
    assert len([a for a in alerts if a.labels["key"] == "db-1"]) == 1
    stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=rule.meta.id), metadata=cep.md())
    assert (stats.expected_keys.source, stats.expected_keys.count, stats.keys) == ("static", 3, 3)
    assert stats.active_alerts == 2


async def test_a_static_list_over_the_limit_is_refused_on_its_field(cep_sqlite: Cep) -> None:
    too_many = {**HOSTS, "spec": {**HOSTS["spec"], "expected_keys": {"keys": [str(i) for i in range(5001)]}}}
    with pytest.raises(grpc.RpcError) as info:
        await cep_sqlite.rule(too_many)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    err = from_grpc_error(info.value)
    assert isinstance(err, ValidationError)
    found = {v.field: v.description for v in err.field_violations}
    assert "limit is 5000" in found["definition.spec.expected_keys.keys"], found
    with_trigger = {**HOSTS, "spec": {**HOSTS["spec"], "trigger": {"alias": "a", "event_type": "heartbeat"}}}
    reply = await cep_sqlite.stub.ValidateRule(
        cep_pb2.ValidateRuleRequest(definition=struct(with_trigger)), metadata=cep_sqlite.md()
    )
    assert [v.field for v in reply.violations] == ["definition.spec.trigger"]
    # each key's check repeats every `within`: below the minimum it is refused too
    with pytest.raises(grpc.RpcError) as info:
        await cep_sqlite.rule({**HOSTS, "spec": {**HOSTS["spec"], "within": "1ms"}})
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    err = from_grpc_error(info.value)
    assert isinstance(err, ValidationError)
    assert [v.field for v in err.field_violations] == ["definition.spec.within"]
    assert "at least 10s" in err.field_violations[0].description


async def test_testrule_fires_a_listed_key_that_sends_nothing(cep_sqlite: Cep) -> None:
    # the timeline starts at the first event (T0); web-1 and web-2 report, db-1 never does
    advance = cep_pb2.TestRuleRequest(
        definition=struct(HOSTS),
        events=[ev("a", "heartbeat", 0, key="web-1"), ev("b", "heartbeat", 15, key="web-2")],
    )
    advance.advance_to.FromSeconds(int(T0 + 70))  # idle (30 s) since the arrival at T0 + 15: W = T0 + 40
    reply = await cep_sqlite.stub.TestRule(advance, metadata=cep_sqlite.md())
    fired = sorted((t.labels["key"], t.state, t.time.seconds - T0) for t in reply.transitions)
    assert fired == [("db-1", "firing", 20), ("web-1", "firing", 20), ("web-2", "firing", 35)]


async def test_on_partitions_each_key_fires_where_it_is_hashed_even_in_a_partition_without_events(
    sqlite_url: str, start_cep: Callable[..., Any], stream_namespace: str
) -> None:
    keys = [f"host-{i}" for i in range(8)]
    partitions = {partition_of("tenant-a", k, 4) for k in keys}
    assert len(partitions) >= 3, partitions
    reporting = keys[0]
    clock = FakeClock(datetime.fromtimestamp(T0, UTC))
    cep: Cep = await start_cep(
        sqlite_url,
        clock=clock,
        event_log=NATS_URL,
        partitions=4,
        stream_namespace=stream_namespace,
        lease_ttl_s=3.0,
        schedule_tick_s=0.1,
        partition_refresh_s=0.1,
        tenant_time={"tenant-a": {"idle_timeout_s": 2.0}},
    )
    rule = {**HOSTS, "spec": {**HOSTS["spec"], "within": "10s", "expected_keys": {"keys": keys}}}
    await cep.rule(rule)
    await asyncio.sleep(0.5)  # the owner of every partition has taken it and loaded the rule's units
    await cep.publish([ev("a", "heartbeat", 0, key=reporting)])
    fired: dict[str, float] = {}
    for _ in range(80):
        fired = _fired(await cep.alerts())
        if len(fired) == len(keys):
            break
        clock.advance(0.5)
        await asyncio.sleep(0.15)
    assert sorted(fired) == sorted(keys)
    # the reporting key's partition started at its event: every key there fired at exactly T0 + 10
    home = partition_of("tenant-a", reporting, 4)
    assert {k: t for k, t in fired.items() if partition_of("tenant-a", k, 4) == home} == dict.fromkeys(
        [k for k in keys if partition_of("tenant-a", k, 4) == home], 10
    )
    assert all(t >= 10 for t in fired.values())
    assert len(await cep.alerts()) == len(keys)  # one alert per key: no partition fired another's key
