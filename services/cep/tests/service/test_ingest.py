"""Every rule kind end to end through PublishEvents, late events, duplicates, StreamEvents."""

from __future__ import annotations

import pytest

from opsuite.cep.v1 import cep_pb2

from .conftest import T0, Cep, ev

pytestmark = pytest.mark.asyncio

THRESHOLD = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "severity": "critical",
    "for": "60s",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}


async def test_threshold_with_for_goes_pending_then_firing_and_is_committed(cep: Cep) -> None:
    await cep.rule(THRESHOLD)
    first = await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1"), ev("e2", "metric", 30, cpu=96, host="h1")])
    assert first.accepted == 2
    assert [(a.state, a.labels["host"]) for a in first.alerts] == [(cep_pb2.PENDING, "h1")]
    second = await cep.publish([ev("e3", "metric", 60, cpu=97, host="h1")])
    assert [a.state for a in second.alerts] == [cep_pb2.FIRING]
    stored = await cep.alerts(state=cep_pb2.FIRING)
    assert len(stored) == 1 and stored[0].id == first.alerts[0].id and stored[0].severity == "critical"
    got = await cep.stub.GetAlert(cep_pb2.GetAlertRequest(id=stored[0].id), metadata=cep.md())
    assert got.fired_at.seconds == 1_700_000_060


async def test_window_count_over_tumbling_window_fires_when_the_window_closes(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    await cep.rule(
        {
            "name": "errors",
            "kind": "WINDOW",
            "event_type": "log",
            "spec": {
                "window": "tumbling",
                "size": "60s",
                "aggregate": "count",
                "op": ">=",
                "threshold": 3,
                "where": {"field": "level", "op": "==", "value": "error"},
            },
        }
    )
    events = [ev(f"l{i}", "log", i * 10, level="error") for i in range(3)]
    assert not (await cep.publish(events)).alerts  # the window [0, 60) is still open
    reply = await cep.publish([ev("l9", "log", 61, level="info")])
    assert [a.state for a in reply.alerts] == [cep_pb2.FIRING]
    assert reply.alerts[0].values["value"] == 3


async def test_sequence_a_then_b_within_fires_per_key(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    await cep.rule(
        {
            "name": "login-then-delete",
            "kind": "SEQUENCE",
            "spec": {
                "steps": [{"alias": "a", "event_type": "login"}, {"alias": "b", "event_type": "delete"}],
                "within": "5m",
            },
        }
    )
    r1 = await cep.publish([ev("a1", "login", 0, key="u1"), ev("b1", "delete", 10, key="u2")])
    assert not r1.alerts  # different key: no match
    r2 = await cep.publish([ev("b2", "delete", 20, key="u1")])
    assert [a.state for a in r2.alerts] == [cep_pb2.FIRING]
    assert r2.alerts[0].rule == "login-then-delete"


async def test_absence_fires_when_a_later_event_moves_the_watermark(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    await cep.rule(
        {
            "name": "no-ack",
            "kind": "ABSENCE",
            "spec": {
                "trigger": {"alias": "a", "event_type": "order"},
                "expected": {"alias": "b", "event_type": "ack"},
                "within": "60s",
            },
        }
    )
    assert not (await cep.publish([ev("o1", "order", 0, key="k1"), ev("o2", "order", 5, key="k2")])).alerts
    r = await cep.publish([ev("a2", "ack", 30, key="k2")])  # k2 acknowledged in time
    assert not r.alerts
    r = await cep.publish([ev("x", "other", 60, key="zz")])  # W = 60 >= 0 + 60: k1's deadline passed
    assert [(a.state, a.labels.get("key")) for a in r.alerts] == [(cep_pb2.FIRING, "k1")]


async def test_anomaly_fires_on_a_deviation_after_warm_up(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    await cep.rule(
        {
            "name": "latency-anomaly",
            "kind": "ANOMALY",
            "event_type": "latency",
            "spec": {"field": "ms", "min_samples": 5, "threshold": 3, "alpha": 0.3},
        }
    )
    base = [ev(f"s{i}", "latency", i, key="api", ms=100 + (i % 2)) for i in range(8)]
    assert not (await cep.publish(base)).alerts
    r = await cep.publish([ev("spike", "latency", 9, key="api", ms=1000)])
    assert [a.state for a in r.alerts] == [cep_pb2.FIRING]
    assert "z" in r.alerts[0].values or r.alerts[0].values  # the score travels with the alert


async def test_late_events_are_reported_with_the_rule_and_duplicates_ignored(cep: Cep) -> None:
    await cep.rule({**THRESHOLD, "for": None})
    await cep.publish([ev("e1", "metric", 100, cpu=10, host="h1")])
    reply = await cep.publish([ev("old", "metric", 50, cpu=99, host="h1"), ev("e1", "metric", 100, cpu=99, host="h1")])
    assert [(le.event_id, le.rule) for le in reply.late_events] == [("old", "cpu-high")]
    assert list(reply.duplicate_event_ids) == ["e1"] and reply.duplicates == 1
    assert not reply.alerts and await cep.alerts() == []
    rule = await cep.stub.GetRule(cep_pb2.GetRuleRequest(name="cpu-high"), metadata=cep.md())
    stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=rule.meta.id), metadata=cep.md())
    assert stats.late_events == 1 and stats.events_evaluated >= 1


async def test_stream_events_applies_every_batch(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    await cep.rule({**THRESHOLD, "for": None})

    async def batches():  # type: ignore[no-untyped-def]
        for i in range(3):
            yield cep_pb2.PublishEventsRequest(events=[ev(f"s{i}", "metric", i, cpu=50 + 25 * i, host="h")])

    reply = await cep.stub.StreamEvents(batches(), metadata=cep.md())
    assert (reply.batches, reply.accepted, reply.alerts_changed) == (3, 3, 1)
    assert [a.state for a in await cep.alerts()] == [cep_pb2.FIRING]


async def test_test_rule_is_a_dry_run_with_virtual_time(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    from .conftest import struct

    request = cep_pb2.TestRuleRequest(
        definition=struct({**THRESHOLD}),
        events=[ev("t1", "metric", 0, cpu=95, host="h1"), ev("t1", "metric", 0, cpu=95, host="h1")],
    )
    # The virtual clock moves to advance_to with no further event: idle progress (idle_timeout 30 s by
    # default) puts the watermark at advance_to - 30 s, as it would for a quiet tenant in production.
    request.advance_to.FromSeconds(1_700_000_089)
    reply = await cep.stub.TestRule(request, metadata=cep.md())
    assert [t.state for t in reply.transitions] == ["pending"]
    assert reply.watermark.seconds == 1_700_000_059
    request.advance_to.FromSeconds(1_700_000_090)
    reply = await cep.stub.TestRule(request, metadata=cep.md())
    assert [(t.state, t.time.seconds) for t in reply.transitions] == [("pending", T0), ("firing", T0 + 60)]
    assert list(reply.duplicate_event_ids) == ["t1"]
    assert await cep.alerts() == []  # nothing stored
