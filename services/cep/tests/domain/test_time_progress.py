"""Time without events and bad clocks: docs/cep-semantics.md, Time without events #24 (idle progress),
#25 (bounded future skew, every event counted once), and Alert lifecycle #19 / Windows #17 (a resolved
record carries the evaluation that resolved it)."""

from __future__ import annotations

from typing import Any

import pytest

from opsuite_cep.domain import AlertState, Engine, Event, parse_rule

ABSENCE = {
    "name": "heartbeat-lost",
    "kind": "ABSENCE",
    "spec": {
        "trigger": {"alias": "a", "event_type": "hb"},
        "expected": {"alias": "b", "event_type": "hb"},
        "within": "20s",
    },
}
CPU_FOR = {
    "name": "cpu",
    "kind": "THRESHOLD",
    "event_type": "m",
    "for": "20s",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}


def engine(*rules: dict[str, Any], idle: float | None = 30, skew: float | None = 300, lateness: float = 0) -> Engine:
    return Engine([parse_rule(r) for r in rules], allowed_lateness=lateness, idle_timeout=idle, max_future_skew=skew)


def hb(id: str, t: float, key: str = "svc") -> Event:
    return Event(id=id, type="hb", time=t, key=key)


def cpu(id: str, t: float, value: float, host: str = "h1") -> Event:
    return Event(id=id, type="m", time=t, attributes={"cpu": value, "host": host})


def states(result: Any) -> list[tuple[str, str, float]]:
    return [(t.rule, str(t.state), t.at) for t in result.transitions]


# ------------------------------------------------------------------------------------- #24 idle progress
def test_row24_a_quiet_tenant_fires_its_absence_and_for_alerts_by_the_clock() -> None:
    e = engine(ABSENCE, CPU_FOR)
    first = e.ingest([hb("h", 1000), cpu("c", 1000, 95)], now=1000)
    assert states(first) == [("cpu", "pending", 1000)]
    # not idle yet: 29.9 s after the last arrival nothing moves
    assert e.tick(1029.9).transitions == [] and e.watermark == 1000
    # idle: W = now - idle_timeout; the deadlines (1020) are reached at 1050
    assert e.tick(1049.9).transitions == [] and e.watermark == pytest.approx(1019.9)
    fired = e.tick(1050)
    assert sorted(states(fired)) == [("cpu", "firing", 1020), ("heartbeat-lost", "firing", 1020)]
    assert e.watermark == 1020 and e.idle(1050)


def test_row24_idle_watermark_subtracts_each_rules_lateness() -> None:
    e = engine({**CPU_FOR, "allowed_lateness": "10s"})
    assert e.ingest([cpu("c", 1000, 95)], now=1000).buffered == 1  # W = 990: the event waits
    assert e.tick(1039.9).transitions == []  # the rule's W = now - 30 - 10 = 999.9
    assert states(e.tick(1040)) == [("cpu", "pending", 1000)]
    assert e.tick(1059.9).transitions == []
    assert states(e.tick(1060)) == [("cpu", "firing", 1020)]


def test_row24_an_event_delayed_less_than_idle_timeout_is_not_made_late_by_idle_progress() -> None:
    e = engine(ABSENCE)
    e.ingest([hb("h1", 1000)], now=1000)
    e.tick(1045)  # idle: W = 1015
    # a heartbeat stamped 1018 that took 28 s to arrive: on time, and it cancels the absence
    late_delivery = e.ingest([hb("h2", 1018)], now=1046)
    assert late_delivery.late_events == [] and late_delivery.accepted == 1
    # the first heartbeat's deadline (1020) was cancelled; only the second's (1038) fires
    assert states(e.tick(1080)) == [("heartbeat-lost", "firing", 1038)]


def test_row24_idle_time_counts_from_the_last_arrival_and_from_the_first_tick_after_a_start() -> None:
    e = engine(ABSENCE)
    e.ingest([hb("h1", 1000)], now=1000)
    e.ingest([hb("h2", 1010)], now=1025)  # arrived 25 s later: idle counts from 1025
    assert e.tick(1054).transitions == [] and not e.idle(1054)
    assert states(e.tick(1060)) == [("heartbeat-lost", "firing", 1030)]
    restored = engine(ABSENCE)
    restored.restore(e.snapshot())
    assert restored.tick(5000).transitions == []  # first tick after a restore starts the count
    assert not restored.idle(5029) and restored.idle(5030)


def test_row24_idle_progress_off_leaves_time_to_events() -> None:
    e = engine(ABSENCE, idle=None)
    e.ingest([hb("h", 1000)], now=1000)
    assert e.tick(10_000).transitions == [] and e.watermark == 1000 and not e.idle(10_000)


def test_row24_late_events_count_as_arrivals_duplicates_do_not() -> None:
    e = engine(ABSENCE)
    e.ingest([hb("h1", 1000)], now=1000)
    assert e.ingest([hb("h1", 1000)], now=1020).duplicate_events  # a resend keeps no tenant awake
    assert e.idle(1030)
    e2 = engine({**CPU_FOR, "name": "other"})
    e2.ingest([cpu("a", 1000, 1)], now=1000)
    assert e2.ingest([cpu("b", 900, 1)], now=1020).late == 1
    assert not e2.idle(1030)  # the sender is alive, only behind


# ------------------------------------------------------------------------------------- #25 future skew
def test_row25_an_event_far_ahead_of_the_clock_is_refused_alone_and_never_moves_a_watermark() -> None:
    e = engine(CPU_FOR | {"for": None})
    day = 23 * 3600
    result = e.ingest([cpu("ok1", 1000, 10), cpu("future", 1000 + day, 99), cpu("ok2", 1001, 10)], now=1000)
    assert [(r.index, r.event.id, r.reason) for r in result.refused] == [(1, "future", "FUTURE_TIME")]
    assert "max_future_skew" in result.refused[0].description
    assert e.watermark == 1001 and result.accepted == 2
    # the next normal event fires: the tenant is not blinded
    assert states(e.ingest([cpu("hot", 1002, 99)], now=1002)) == [("cpu", "firing", 1002)]
    # a refused id is not remembered: sent again with its real time it counts
    again = e.ingest([cpu("future", 1003, 10)], now=1003)
    assert again.duplicate_events == [] and again.accepted == 1


def test_row25_the_bound_is_inclusive_and_per_engine() -> None:
    e = engine(CPU_FOR, skew=60)
    result = e.ingest([cpu("at", 1060, 10), cpu("past", 1060.001, 10)], now=1000)
    assert [r.event.id for r in result.refused] == ["past"] and result.accepted == 1
    assert engine(CPU_FOR, skew=None).ingest([cpu("x", 10**9, 1)], now=0).refused == []
    assert engine(CPU_FOR).ingest([cpu("x", 10**9, 1)]).refused == []  # no clock given: no bound


def test_row25_every_event_is_counted_once() -> None:
    lenient = {**CPU_FOR, "name": "lenient", "allowed_lateness": "1h"}
    e = engine(CPU_FOR, lenient, {**ABSENCE, "name": "unrelated-type"})
    e.ingest([cpu("a", 1000, 10)], now=1000)
    events = [
        cpu("a", 1000, 10),  # duplicate
        cpu("b", 900, 10),  # late for "cpu", on time for "lenient": accepted
        Event("c", "other-type", 800),  # reaches no rule: accepted
        cpu("d", 1001, 10),  # accepted
        cpu("e", 99_999, 10),  # refused
    ]
    result = e.ingest(events, now=1001)
    counted = result.accepted + result.late + len(result.duplicate_events) + len(result.refused)
    assert (result.accepted, result.late, len(result.duplicate_events), len(result.refused)) == (3, 0, 1, 1)
    assert counted == len(events)
    assert [(le.event.id, le.rule) for le in result.late_events] == [("b", "cpu")]
    only_strict = engine(CPU_FOR)
    only_strict.ingest([cpu("a", 1000, 10)], now=1000)
    late = only_strict.ingest([cpu("b", 900, 10), cpu("c", 950, 10)], now=1000)
    assert (late.accepted, late.late) == (0, 2)


# ------------------------------------------------------------------------------------- #19 / #17 values
def test_row19_a_resolved_threshold_record_carries_the_evaluation_that_resolved_it() -> None:
    e = engine(CPU_FOR | {"for": None})
    result = e.ingest([cpu("hot", 0, 97), cpu("cool", 5, 42)])
    assert [(str(t.state), dict(t.values)) for t in result.transitions] == [
        ("firing", {"cpu": 97}),
        ("resolved", {"cpu": 42}),
    ]


def test_row19_keep_firing_for_resolves_with_the_last_evaluation() -> None:
    e = engine(CPU_FOR | {"for": None, "keep_firing_for": "10s"})
    result = e.ingest([cpu("hot", 0, 97), cpu("cool", 5, 42), cpu("cooler", 8, 30), cpu("later", 30, 20, "h2")])
    assert [(str(t.state), t.at, dict(t.values)) for t in result.transitions] == [
        ("firing", 0, {"cpu": 97}),
        ("resolved", 15, {"cpu": 30}),
    ]


def test_row17_an_empty_window_resolves_with_count_zero() -> None:
    window = {
        "name": "errors",
        "kind": "WINDOW",
        "spec": {"window": "tumbling", "size": "60s", "aggregate": "count", "op": ">=", "threshold": 3},
    }
    e = engine(window)
    events = [Event(f"e{i}", "x", float(i)) for i in range(3)] + [Event("late-key", "y", 200)]
    result = e.ingest(events)
    assert [(t.state, t.at, t.values["value"], t.values["count"]) for t in result.transitions] == [
        (AlertState.FIRING, 60, 3, 3),
        (AlertState.RESOLVED, 120, 0, 0),
    ]
    spec = {"window": "tumbling", "size": "60s", "aggregate": "avg", "field": "v", "op": ">=", "threshold": 1}
    avg = {"name": "avg", "kind": "WINDOW", "spec": spec}
    e = engine(avg)
    result = e.ingest([Event("a", "x", 1, attributes={"v": 5}), Event("z", "y", 200)])
    assert [(t.state, t.values["value"], t.values["count"]) for t in result.transitions] == [
        (AlertState.FIRING, 5, 1),
        (AlertState.RESOLVED, None, 0),
    ]
