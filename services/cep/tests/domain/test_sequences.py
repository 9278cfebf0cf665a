"""SEQUENCE and ABSENCE rules: docs/cep-semantics.md, Sequences and absences #6 (within exclusive),
#7 (relaxed contiguity), #8 (NO_SKIP vs skip_past_last_event), #9 (partitions, alias references),
#10 (absence), and Alert lifecycle #22."""

from __future__ import annotations

from typing import Any

from opsuite_cep.domain import AlertState, Engine, Event, Limits, parse_rule


def sequence(**spec: Any) -> Engine:
    steps = [
        {"alias": "a", "event_type": "A"},
        {"alias": "b", "event_type": "B", "where": {"field": "b.version", "op": "==", "value_from": "a.version"}},
    ]
    rule = {"name": "seq", "kind": "SEQUENCE", "spec": {"steps": steps, "within": "10s", **spec}}
    return Engine([parse_rule(rule)], limits=Limits(max_partial_matches_per_key=3))


def absence(**common: Any) -> Engine:
    spec = {
        "trigger": {"alias": "a", "event_type": "order"},
        "expected": {
            "alias": "b",
            "event_type": "paid",
            "where": {"field": "order", "op": "==", "value_from": "a.order"},
        },
        "within": "5m",
        "partition_by": ["customer"],
    }
    return Engine([parse_rule({"name": "unpaid", "kind": "ABSENCE", "spec": spec, **common})])


def ev(id: str, type: str, t: float, key: str = "k", **attrs: Any) -> Event:
    return Event(id=id, type=type, time=t, key=key, attributes={"version": "v1", **attrs})


def matches(engine: Engine, events: list[Event]) -> list[tuple[str, ...]]:
    return [m.event_ids for m in engine.ingest(events).matches]


def test_row6_within_is_exclusive_from_first_to_last() -> None:
    assert matches(sequence(), [ev("a", "A", 0), ev("b", "B", 9.999)]) == [("a", "b")]
    assert matches(sequence(), [ev("a", "A", 0), ev("b", "B", 10)]) == []


def test_row7_relaxed_contiguity_binds_the_first_qualifying_event() -> None:
    events = [ev("a", "A", 0), ev("x", "C", 1), ev("b0", "B", 2, version="v2"), ev("b1", "B", 3), ev("b2", "B", 4)]
    assert matches(sequence(), events) == [("a", "b1")]  # b0 fails a.version; b2 finds no partial


def test_row8_no_skip_gives_all_matches_sharing_one_alert() -> None:
    engine = sequence()
    result = engine.ingest([ev("a1", "A", 0), ev("a2", "A", 1), ev("b1", "B", 2)])
    assert [m.event_ids for m in result.matches] == [("a1", "b1"), ("a2", "b1")]
    assert len({m.fingerprint for m in result.matches}) == 1
    assert [t.state for t in result.transitions] == [AlertState.FIRING]  # deduplicated (#19)


def test_row8_skip_past_last_event_gives_the_first_match_only() -> None:
    engine = sequence(after_match="skip_past_last_event")
    assert matches(engine, [ev("a1", "A", 0), ev("a2", "A", 1), ev("b1", "B", 2), ev("b2", "B", 3)]) == [("a1", "b1")]


def test_row9_matching_stays_inside_the_partition_and_a_match_consumes_its_partial() -> None:
    engine = sequence()
    events = [
        ev("a", "A", 0, key="k1"),
        ev("b-other", "B", 1, key="k2"),
        ev("b", "B", 2, key="k1"),
        ev("b2", "B", 3, key="k1"),
    ]
    assert matches(engine, events) == [("a", "b")]
    assert engine.stats("seq").partial_matches == 0


def test_three_steps_and_partial_bound_evicts_oldest() -> None:
    rule = {
        "name": "s3",
        "kind": "SEQUENCE",
        "spec": {
            "within": "1m",
            "max_partial_matches": 2,
            "steps": [
                {"alias": "a", "event_type": "A"},
                {"alias": "b", "event_type": "B"},
                {"alias": "c", "event_type": "C"},
            ],
        },
    }
    engine = Engine([parse_rule(rule)])
    result = engine.ingest([ev("a1", "A", 0), ev("a2", "A", 1), ev("a3", "A", 2), ev("b", "B", 3), ev("c", "C", 4)])
    assert [m.event_ids for m in result.matches] == [("a2", "b", "c"), ("a3", "b", "c")]
    assert engine.stats("s3").evicted == 1


def test_expired_partials_are_cleaned_by_timer() -> None:
    engine = sequence()
    engine.ingest([ev("a", "A", 0)])
    assert engine.stats("seq").partial_matches == 1
    engine.ingest([ev("z", "Z", 10, key="other")])
    assert engine.stats("seq").partial_matches == 0


def test_row22_signal_alert_resolves_resolve_timeout_after_the_last_signal() -> None:
    engine = sequence()
    first = engine.ingest([ev("a1", "A", 0), ev("b1", "B", 1), ev("a2", "A", 100), ev("b2", "B", 101)])
    assert [(t.state, t.at) for t in first.transitions] == [(AlertState.FIRING, 1)]
    result = engine.advance_to(1000)
    assert [(t.state, t.at) for t in result.transitions] == [(AlertState.RESOLVED, 401)]


def order(id: str, type: str, t: float, order: str = "o1", customer: str = "c1") -> Event:
    return Event(id=id, type=type, time=t, attributes={"order": order, "customer": customer})


def test_row10_absence_fires_at_exactly_trigger_plus_within() -> None:
    engine = absence()
    assert engine.ingest([order("a", "order", 0), order("x", "noise", 299.9)]).matches == []
    result = engine.ingest([order("y", "noise", 400)])
    assert [(m.at, m.event_ids) for m in result.matches] == [(300, ("a",))]
    assert [(t.state, t.at) for t in result.transitions] == [(AlertState.FIRING, 300)]


def test_row10_b_at_the_deadline_does_not_cancel_but_before_it_does() -> None:
    assert [m.at for m in absence().ingest([order("a", "order", 0), order("b", "paid", 300)]).matches] == [300]
    assert absence().ingest([order("a", "order", 0), order("b", "paid", 299.99), order("z", "n", 999)]).matches == []


def test_row10_one_b_cancels_all_earlier_pending_triggers_it_satisfies() -> None:
    engine = absence()
    events = [
        order("a1", "order", 0),
        order("a2", "order", 10),
        order("a3", "order", 20, order="o2"),
        order("b", "paid", 30),
        order("z", "noise", 1000),
    ]
    assert [m.event_ids for m in engine.ingest(events).matches] == [("a3",)]


def test_row10_every_trigger_has_its_own_timer_and_partitions_are_separate() -> None:
    engine = absence()
    events = [
        order("a1", "order", 0),
        order("a2", "order", 60, order="o2"),
        order("b", "paid", 70, customer="c2"),
        order("z", "noise", 1000),
    ]
    assert [(m.at, m.event_ids) for m in engine.ingest(events).matches] == [(300, ("a1",)), (360, ("a2",))]


def test_row10_absence_with_virtual_time_advance() -> None:
    engine = absence()
    engine.ingest([order("a", "order", 0)])
    assert engine.advance_to(299).matches == []
    assert [m.at for m in engine.advance_to(300).matches] == [300]
