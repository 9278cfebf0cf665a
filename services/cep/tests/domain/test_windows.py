"""WINDOW rules: docs/cep-semantics.md, Windows #14 (tumbling [start,end), fires_at=end), #15 (sliding = hopping),
#16 (session gap inclusive), #17 (empty window resolves), #18 (aggregates)."""

from __future__ import annotations

import math
from typing import Any

from opsuite_cep.domain import AlertState, Engine, Event, parse_rule
from opsuite_cep.domain.aggregates import Accumulator, nearest_rank
from opsuite_cep.domain.rules import Aggregate


def make_engine(
    window: dict[str, Any], aggregate: str = "count", op: str = ">=", threshold: float = 2, **common: Any
) -> Engine:
    spec = {**window, "aggregate": aggregate, "op": op, "threshold": threshold, "group_by": ["host"]}
    if aggregate != "count":
        spec["field"] = "v"
    return Engine([parse_rule({"name": "w", "kind": "WINDOW", "spec": spec, **common})])


_n = iter(range(10**9))


def ev(t: float, v: float = 1, host: str = "h") -> Event:
    return Event(id=f"e{next(_n)}", type="x", time=t, attributes={"v": v, "host": host})


def test_row14_tumbling_window_is_start_inclusive_end_exclusive_and_fires_at_end() -> None:
    engine = make_engine({"window": "tumbling", "size": "60s"})
    result = engine.ingest([ev(0), ev(59.999), ev(60)])  # 60 belongs to [60, 120)
    assert [(m.at, m.values["count"], m.values["window_start"]) for m in result.matches] == [(60, 2, 0)]
    assert [(t.state, t.at) for t in result.transitions] == [(AlertState.FIRING, 60)]


def test_row14_window_closes_only_when_the_watermark_reaches_end() -> None:
    engine = make_engine({"window": "tumbling", "size": "60s"}, allowed_lateness="10s")
    assert engine.ingest([ev(0), ev(30), ev(69.9)]).matches == []  # W = 59.9
    result = engine.ingest([ev(70)])  # W = 60
    assert [m.at for m in result.matches] == [60]


def test_row14_windows_are_aligned_to_the_epoch() -> None:
    engine = make_engine({"window": "tumbling", "size": "60s"})
    result = engine.ingest([ev(1000), ev(1019), ev(1020)])  # [960, 1020) holds two events
    assert [(m.values["window_start"], m.at) for m in result.matches] == [(960, 1020)]


def test_row15_sliding_is_hopping() -> None:
    engine = make_engine({"window": "sliding", "size": "60s", "slide": "30s"}, threshold=1)
    result = engine.ingest([ev(45), ev(200)])
    # 45 is in [0, 60) and [30, 90): exactly two windows, each evaluated at its end
    assert [(m.values["window_start"], m.at) for m in result.matches] == [(0, 60), (30, 90)]


def test_row16_session_gap_is_inclusive_and_fires_at_last_plus_gap() -> None:
    engine = make_engine({"window": "session", "gap": "10s"}, threshold=3)
    result = engine.ingest([ev(0), ev(10), ev(20), ev(30.5)])  # 10 and 20 are exactly last+gap
    assert [(m.at, m.values["count"], m.values["window_start"]) for m in result.matches] == [(30, 3, 0)]
    assert engine.stats("w").open_windows == 1  # the session started at 30.5


def test_row16_session_event_at_gap_boundary_extends_even_in_its_own_batch() -> None:
    engine = make_engine({"window": "session", "gap": "10s"}, threshold=2)
    assert engine.ingest([ev(0)]).matches == []
    result = engine.ingest([ev(10), ev(25)])
    assert [(m.at, m.values["count"]) for m in result.matches] == [(20, 2)]


def test_row17_empty_window_resolves_an_active_alert() -> None:
    engine = make_engine({"window": "tumbling", "size": "60s"}, threshold=2)
    first = engine.ingest([ev(0), ev(1), ev(200, host="other")])
    # [0,60) fires at 60; [60,120) is empty for host h, so the alert resolves at 120
    assert [(t.state, t.at) for t in first.transitions] == [(AlertState.FIRING, 60), (AlertState.RESOLVED, 120)]


def test_row17_failing_window_resolves_and_for_applies_per_window() -> None:
    engine = make_engine({"window": "tumbling", "size": "60s"}, threshold=2, **{"for": "60s"})
    result = engine.ingest([ev(0), ev(1), ev(60), ev(61), ev(120), ev(200)])
    assert [(t.state, t.at) for t in result.transitions] == [
        (AlertState.PENDING, 60),
        (AlertState.FIRING, 120),
        (AlertState.RESOLVED, 180),
    ]


def test_row18_aggregates() -> None:
    values = [float(x) for x in range(1, 101)]
    acc = Accumulator(keep_values=True)
    for x in reversed(values):
        acc.add(x, 1000)
    assert acc.result(Aggregate.P95) == 95.0 and acc.result(Aggregate.P99) == 99.0  # nearest rank
    assert acc.result(Aggregate.AVG) == 50.5 and acc.result(Aggregate.SUM) == 5050.0
    assert acc.result(Aggregate.MIN) == 1.0 and acc.result(Aggregate.MAX) == 100.0
    pop = Accumulator(keep_values=False)
    for x in (2, 4, 4, 4, 5, 5, 7, 9):
        pop.add(x, 10)
    assert pop.result(Aggregate.STDDEV) == 2.0  # population, not sample (2.138...)
    assert nearest_rank([1.0, 2.0, 3.0], 0.95) == 3.0
    assert Accumulator(False).result(Aggregate.AVG) is None and Accumulator(False).result(Aggregate.COUNT) == 0


def test_row18_p95_through_the_engine_and_non_numeric_values_are_dropped() -> None:
    engine = make_engine({"window": "tumbling", "size": "100s"}, aggregate="p95", op=">", threshold=90)
    events = [ev(i, i + 1) for i in range(100)] + [
        Event("bad", "x", 99.5, attributes={"v": "n/a", "host": "h"}),
        ev(100),
    ]
    result = engine.ingest(events)
    assert [m.values["value"] for m in result.matches] == [95]
    assert engine.stats("w").dropped == 1


def test_state_bounds_evict_and_count() -> None:
    from opsuite_cep.domain import Limits

    rule = parse_rule(
        {
            "name": "w",
            "kind": "WINDOW",
            "spec": {
                "window": "tumbling",
                "size": "60s",
                "aggregate": "count",
                "op": ">",
                "threshold": 0,
                "group_by": ["host"],
            },
        }
    )
    engine = Engine([rule], limits=Limits(max_keys_per_rule=2))
    engine.ingest([ev(0, host="a"), ev(1, host="b"), ev(2, host="c")])
    stats = engine.stats("w")
    assert (stats.keys, stats.open_windows, stats.evicted) == (2, 2, 1)
    assert math.isclose(stats.eval_time_avg * 3, stats.eval_time_avg * stats.events_evaluated)
