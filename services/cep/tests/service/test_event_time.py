"""Event time on a real server driven by a fake clock (docs/cep-semantics.md, Time without events #24-#25,
What TestRule does #26): a quiet tenant's alerts fire by the clock, a future event is refused alone, every
event is counted once, TestRule applies silences and lateness, AlertChange.time is event time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common.testing.clock import FakeClock

from .conftest import CPU, HEARTBEAT, T0, Cep, advance_clock, ev, struct

pytestmark = pytest.mark.asyncio

IDLE_S = 5.0


async def _on_clock(start_cep: Callable[..., Any], sqlite_url: str, **kw: Any) -> tuple[Cep, FakeClock]:
    clock = FakeClock(datetime.fromtimestamp(T0, UTC))
    cep = await start_cep(
        sqlite_url,
        clock=clock,
        schedule_tick_s=1.0,
        # per tenant: tenant-a goes idle after 5 s, tenant-b has idle progress off, others the default
        tenant_time={"tenant-a": {"idle_timeout_s": IDLE_S}, "tenant-b": {"idle_progress": False}},
        **kw,
    )
    return cep, clock


async def _changes(cep: Cep, count: int, tenant: str = "tenant-a") -> list[cep_pb2.AlertChange]:
    """The first ``count`` changes of the tenant's history, through WatchAlerts."""
    call = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=0), metadata=cep.md(tenant))
    out = []
    async for change in call:
        out.append(change)
        if len(out) == count:
            break
    call.cancel()
    return out


async def test_a_quiet_tenant_fires_absence_and_for_alerts_by_the_clock(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep, clock = await _on_clock(start_cep, sqlite_url)
    for tenant in ("tenant-a", "tenant-b"):
        await cep.rule(HEARTBEAT, tenant)
        await cep.rule({**CPU, "for": "20s"}, tenant)
        reply = await cep.publish([ev("hb", "heartbeat", 0, key="db"), ev("m", "metric", 0, cpu=99, host="h")], tenant)
        assert [a.state for a in reply.alerts] == [cep_pb2.PENDING]
    # No further event. Each step is one scheduler tick on the fake clock: no wall-clock wait.
    waited = 0.0
    while len(await cep.alerts(state=cep_pb2.FIRING)) < 2:
        assert waited < 20 + IDLE_S + 2, "the alerts did not fire within idle_timeout + 2 s of their deadline"
        await advance_clock(clock, 1.0)
        waited += 1.0
    assert waited >= 20 + IDLE_S  # W = now - idle_timeout: not before the deadline plus the idle timeout
    fired = await cep.alerts(state=cep_pb2.FIRING)
    assert sorted((a.rule, a.fired_at.seconds) for a in fired) == [
        ("cpu-high", T0 + 20),  # stamped with the deadline (event time), not with the tick
        ("heartbeat-lost", T0 + 20),
    ]
    # the tenant with idle progress off still waits for an event
    assert [a.state for a in await cep.alerts("tenant-b")] == [cep_pb2.PENDING]
    # AlertChange.time is event time: the instant of each transition, not when the tick committed it
    pending, *firing = [(c.change, c.alert.rule, c.time.seconds) for c in await _changes(cep, 3)]
    assert pending == ("pending", "cpu-high", T0)
    assert sorted(firing) == [("firing", "cpu-high", T0 + 20), ("firing", "heartbeat-lost", T0 + 20)]


async def test_after_a_graceful_restart_a_quiet_tenant_still_fires_by_the_clock(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    first, _ = await _on_clock(start_cep, sqlite_url)
    await first.rule(HEARTBEAT)
    await first.publish([ev("hb", "heartbeat", 0, key="db")])
    await first.handle.stop(0)  # graceful: the engine's checkpoint is stored
    cep, clock = await _on_clock(start_cep, sqlite_url)  # nothing is sent to the new process
    waited = 0.0
    while not await cep.alerts(state=cep_pb2.FIRING):
        assert waited < 20 + IDLE_S + 2, "the restored tenant never fired"
        await advance_clock(clock, 1.0)
        waited += 1.0
    (alert,) = await cep.alerts(state=cep_pb2.FIRING)
    assert (alert.rule, alert.fired_at.seconds) == ("heartbeat-lost", T0 + 20)


async def test_a_future_event_is_refused_alone_and_the_next_normal_event_fires(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep, _ = await _on_clock(start_cep, sqlite_url)
    await cep.rule(CPU)
    first = await cep.publish([ev("ok", "metric", 0, cpu=10, host="h"), ev("ahead", "metric", 23 * 3600, cpu=99)])
    assert (first.accepted, first.late, first.duplicates, first.refused) == (1, 0, 0, 1)
    (refused,) = first.refused_events
    assert (refused.index, refused.event_id, refused.reason) == (1, "ahead", "FUTURE_TIME")
    assert "max_future_skew" in refused.description
    assert first.watermark.seconds == T0  # the refused event moved nothing
    hot = await cep.publish([ev("hot", "metric", 1, cpu=99, host="h")])
    assert [(a.state, a.labels["host"]) for a in hot.alerts] == [(cep_pb2.FIRING, "h")]
    assert (hot.accepted, hot.late) == (1, 0)


async def test_every_event_is_counted_once_and_late_means_late_for_every_rule(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep, _ = await _on_clock(start_cep, sqlite_url)
    await cep.rule(CPU)
    await cep.rule({**CPU, "name": "cpu-lenient", "allowed_lateness": "1h"})
    await cep.publish([ev("a", "metric", 100, cpu=10, host="h")])
    sent = [
        ev("a", "metric", 100, cpu=10, host="h"),  # duplicate
        ev("b", "metric", 50, cpu=10, host="h"),  # late for cpu-high only: accepted
        ev("c", "other", 10),  # reaches no rule: accepted
        ev("d", "metric", 101, cpu=10, host="h"),  # accepted
        ev("e", "metric", 10**6, cpu=10, host="h"),  # refused
    ]
    reply = await cep.publish(sent)
    assert (reply.accepted, reply.late, reply.duplicates, reply.refused) == (3, 0, 1, 1)
    assert reply.accepted + reply.late + reply.duplicates + reply.refused == len(sent)
    assert [(le.event_id, le.rule) for le in reply.late_events] == [("b", "cpu-high")]
    # late for every rule it reached (tenant-c has one rule): late, not accepted (the proto's meaning)
    await cep.rule(CPU, "tenant-c")
    await cep.publish([ev("new", "metric", 100, cpu=10, host="h")], "tenant-c")
    strict = await cep.publish([ev("old", "metric", 10, cpu=10, host="h")], "tenant-c")
    assert (strict.accepted, strict.late, [le.event_id for le in strict.late_events]) == (0, 1, ["old"])


async def test_stream_events_counts_events_and_names_the_batch_of_a_refused_event(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep, _ = await _on_clock(start_cep, sqlite_url)
    await cep.rule(CPU)
    await cep.rule({**CPU, "name": "cpu-2"})  # an event late for both rules is one late event, not two
    batches = [
        [ev("s0", "metric", 10, cpu=10, host="h")],
        [ev("s1", "metric", 11, cpu=10, host="h"), ev("s2", "metric", 7200, cpu=10, host="h")],
        [ev("s3", "metric", 1, cpu=10, host="h"), ev("s0", "metric", 10, cpu=10, host="h")],
    ]

    async def requests():  # type: ignore[no-untyped-def]
        for batch in batches:
            yield cep_pb2.PublishEventsRequest(events=batch)

    reply = await cep.stub.StreamEvents(requests(), metadata=cep.md())
    assert (reply.batches, reply.accepted, reply.late, reply.duplicates, reply.refused) == (3, 2, 1, 1, 1)
    assert [(r.batch, r.index, r.event_id) for r in reply.refused_events] == [(1, 1, "s2")]


async def test_test_rule_applies_the_tenants_silences_and_the_rules_lateness(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep, _ = await _on_clock(start_cep, sqlite_url)
    silence = cep_pb2.CreateSilenceRequest(
        matchers=[cep_pb2.Matcher(name="host", op="=", value="h1")], comment="maintenance"
    )
    silence.starts_at.FromSeconds(int(T0) - 60)
    silence.ends_at.FromSeconds(int(T0) + 3600)
    await cep.stub.CreateSilence(silence, metadata=cep.md())
    rule = {**CPU, "channels": ["ops"], "allowed_lateness": "10s"}
    request = cep_pb2.TestRuleRequest(
        definition=struct(rule),
        events=[
            ev("a", "metric", 0, cpu=95, host="h1"),
            ev("b", "metric", 0, cpu=95, host="h2"),
            ev("c", "metric", 5, cpu=10, host="h1"),
        ],
    )
    # the lateness holds the events back, as live ingestion would (the run used to flush them)
    reply = await cep.stub.TestRule(request, metadata=cep.md())
    assert list(reply.transitions) == [] and reply.buffered == 3 and reply.watermark.seconds == T0 - 5
    # once the virtual clock is idle_timeout + lateness past the newest event, they are applied
    request.advance_to.FromSeconds(int(T0) + 5 + int(IDLE_S) + 10)
    reply = await cep.stub.TestRule(request, metadata=cep.md())
    got = [(t.labels["host"], t.state, t.time.seconds - T0, t.silenced, dict(t.values)) for t in reply.transitions]
    assert got == [
        ("h1", "firing", 0, True, {"cpu": 95}),
        ("h2", "firing", 0, False, {"cpu": 95}),
        ("h1", "resolved", 5, True, {"cpu": 10}),  # the evaluation that resolved it
    ]
    assert [(n.channel, n.kind) for n in reply.notifications] == [("ops", "firing")]  # h2 only: h1 is silenced
