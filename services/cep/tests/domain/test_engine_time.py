"""Event time: docs/cep-semantics.md, Event time and watermarks #1 (watermark, late iff time < W),
#2 (late reported), #3 (ordered processing), #4 (timers before same-timestamp events), and Duplicates #5."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from opsuite_cep.domain import Engine, Event, IngestResult, parse_rule


def threshold(**common: Any) -> dict[str, Any]:
    spec = {"condition": {"field": "v", "op": ">", "value": 5}, "group_by": ["key"]}
    return {"name": "t", "kind": "THRESHOLD", "spec": spec, **common}


def ev(id: str, t: float, v: float = 10, key: str = "k") -> Event:
    return Event(id=id, type="x", time=t, key=key, attributes={"v": v})


def test_row1_late_iff_time_below_watermark_event_at_watermark_is_on_time() -> None:
    engine = Engine([parse_rule(threshold())], allowed_lateness=10)
    result = engine.ingest([ev("a", 100), ev("b", 90), ev("c", 89.999)])
    assert [(le.event.id, le.rule, le.watermark) for le in result.late_events] == [("c", "t", 90)]
    assert engine.watermark == 90 and result.watermark == 90
    assert engine.stats("t").late_events == 1


def test_row1_rule_lateness_overrides_engine_default() -> None:
    engine = Engine([parse_rule(threshold(allowed_lateness="30s"))], allowed_lateness=0)
    assert engine.ingest([ev("a", 100), ev("b", 75)]).late_events == []


def test_row2_late_events_are_never_used() -> None:
    engine = Engine([parse_rule(threshold())])
    result = engine.ingest([ev("a", 100, v=1), ev("b", 50, v=99)])
    assert result.matches == [] and result.transitions == []
    assert [le.event.id for le in result.late_events] == ["b"]


def test_row3_buffered_events_are_applied_in_time_order_once_the_watermark_passes() -> None:
    engine = Engine([parse_rule(threshold())], allowed_lateness=10)
    first = engine.ingest([ev("a", 5, v=99), ev("b", 3, v=1)])
    assert first.matches == [] and first.buffered == 2  # W = -5
    second = engine.ingest([ev("c", 20, v=1)])  # W = 10: b (t=3) then a (t=5)
    assert [(t.state, t.at) for t in second.transitions] == [("firing", 5)]
    assert second.buffered == 1
    assert [t.at for t in engine.flush().transitions] == [20]


def test_row3_event_applied_before_the_watermark_move_it_causes() -> None:
    engine = Engine([parse_rule(threshold(**{"for": "10s"}))])
    # pending at 0; the event at 10 is false but the for-timer at 10 fires first (#4): firing then resolved
    result = engine.ingest([ev("a", 0), ev("b", 10, v=1)])
    assert [(t.state, t.at) for t in result.transitions] == [("pending", 0), ("firing", 10), ("resolved", 10)]


def test_row4_timers_fire_in_deadline_order_before_same_timestamp_events() -> None:
    spec = {
        "trigger": {"alias": "a", "event_type": "x"},
        "expected": {"alias": "b", "event_type": "y"},
        "within": "10s",
    }
    engine = Engine([parse_rule({"name": "abs", "kind": "ABSENCE", "spec": spec})])
    result = engine.ingest([ev("a2", 5), Event("a1", "x", 2, key="k2"), ev("b", 15)])  # a1 late? no: ordered below
    assert [le.event.id for le in result.late_events] == ["a1"]
    engine = Engine([parse_rule({"name": "abs", "kind": "ABSENCE", "spec": spec})], allowed_lateness=5)
    result = engine.ingest([ev("a2", 5), Event("a1", "x", 2, key="k2"), Event("b", "y", 15, key="k")])
    assert [(m.at, m.event_ids) for m in engine.flush().matches + result.matches] == [(12, ("a1",)), (15, ("a2",))]


def test_row5_duplicates_first_wins_not_late_not_counted() -> None:
    engine = Engine([parse_rule(threshold())])
    result = engine.ingest([ev("a", 10, v=1), ev("a", 11, v=99), ev("b", 12, v=1)])
    assert [e.time for e in result.duplicate_events] == [11]
    assert result.matches == [] and result.late_events == [] and result.accepted == 2
    again = engine.ingest([ev("a", 5, v=99)])
    assert [e.id for e in again.duplicate_events] == ["a"] and again.late_events == []
    assert engine.duplicates == 2 and engine.stats("t").events_evaluated == 2


def test_row5_dedup_retention_is_bounded() -> None:
    from opsuite_cep.domain import Limits

    engine = Engine([parse_rule(threshold())], limits=Limits(dedup_retention=100, max_dedup_ids=10))
    engine.ingest([ev("a", 0)])
    engine.ingest([ev("z", 500)])
    assert engine.ingest([ev("a", 600)]).duplicate_events == []  # forgotten after the retention


def outcome(result: IngestResult) -> list[tuple[Any, ...]]:
    return sorted(
        [("m", m.rule, m.at, m.event_ids) for m in result.matches]
        + [("t", t.rule, t.state, t.at, t.fingerprint) for t in result.transitions]
    )


def rules_for_property() -> list[Any]:
    seq = {
        "name": "s",
        "kind": "SEQUENCE",
        "spec": {
            "within": "20s",
            "steps": [
                {"alias": "a", "where": {"field": "v", "op": "<", "value": 3}},
                {"alias": "b", "where": {"field": "v", "op": ">", "value": 6}},
            ],
        },
    }
    win = {
        "name": "w",
        "kind": "WINDOW",
        "spec": {"window": "tumbling", "size": "10s", "aggregate": "avg", "field": "v", "op": ">", "threshold": 5},
    }
    return [parse_rule(threshold(keep_firing_for="3s")), parse_rule(seq), parse_rule(win)]


@settings(max_examples=40, deadline=None)
@given(
    # distinct times: events with equal timestamps are applied in arrival order, so ties are excluded
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 9), st.sampled_from("kl")),
        min_size=1,
        max_size=25,
        unique_by=lambda x: x[0],
    ),
    st.randoms(use_true_random=False),
)
def test_property_shuffled_stream_within_lateness_equals_sorted_stream(
    raw: list[tuple[int, int, str]], rnd: Any
) -> None:
    """Rows 1 and 3: any arrival order whose disorder stays within the lateness gives the sorted result."""
    events = [Event(f"e{i}", "x", float(t), key=k, attributes={"v": v}) for i, (t, v, k) in enumerate(raw)]
    ordered = sorted(events, key=lambda e: (e.time, e.id))
    shuffled = list(ordered)
    rnd.shuffle(shuffled)
    results = []
    for stream in (ordered, shuffled):
        engine = Engine(rules_for_property(), allowed_lateness=30)
        out = engine.ingest(stream)
        assert out.late_events == []
        out.extend(engine.advance_to(1000))
        results.append(outcome(out))
    assert results[0] == results[1]
