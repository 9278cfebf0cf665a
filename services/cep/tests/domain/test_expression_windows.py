"""Window functions of one-line THRESHOLD conditions: rate/increase with Prometheus' meanings (counter resets,
extrapolation), *_over_time, the window on event time, state bounds and checkpoints."""

from __future__ import annotations

from typing import Any

import pytest

from opsuite_cep.domain import AlertState, Engine, Event, Limits, parse_rule
from opsuite_cep.domain.series import WINDOW_EVALUATORS, Sample

#: One counter sampled every 15 s, reset between 20 and 5, with two scrapes missing (times 75 and 90).
COUNTER = [(0.0, 3.0), (15.0, 10.0), (30.0, 20.0), (45.0, 5.0), (60.0, 100.0), (105.0, 130.0), (120.0, 140.0)]


def window(samples: list[Sample], t: float, seconds: float) -> list[Sample]:
    return [s for s in samples if t - seconds <= s[0] <= t]


@pytest.mark.parametrize(
    ("fn", "at", "seconds", "q", "expected"),
    [
        # Expected values are what `promtool test rules` of Prometheus 2.42 (Debian 12) computes for the series
        # `3 10 20 5 100 _ _ 130 140` at interval 15s, evaluated at the same instants.
        ("rate", 60, 60, 0, 1.95),  # 97 + 20 (the reset) over [0, 60], extrapolated to the window's start
        ("increase", 45, 60, 0, 24.999999999999996),  # the zero point limits the extrapolation
        ("increase", 120, 60, 0, 40.0),  # a gap inside the window: extrapolated by half the spacing
        ("rate", 120, 120, 0, 1.3083333333333333),
        ("increase", 105, 50, 0, 33.333333333333336),
        ("quantile_over_time", 120, 120, 0.3, 9.0),
        ("stddev_over_time", 120, 120, 0, 57.63608563518986),
    ],
)
def test_rate_increase_and_over_time_agree_with_prometheus(
    fn: str, at: float, seconds: float, q: float, expected: float
) -> None:
    assert WINDOW_EVALUATORS[fn](window(COUNTER, at, seconds), at - seconds, at, seconds, q) == pytest.approx(
        expected, rel=1e-12
    )


def test_over_time_functions_and_too_few_samples() -> None:
    s = window(COUNTER, 60, 60)  # 3 10 20 5 100
    results = {fn: WINDOW_EVALUATORS[fn](s, 0, 60, 60, 0.5) for fn in WINDOW_EVALUATORS}
    assert results["avg_over_time"] == pytest.approx(27.6)
    assert (results["min_over_time"], results["max_over_time"], results["sum_over_time"]) == (3, 100, 138)
    assert (results["count_over_time"], results["last_over_time"]) == (5, 100)
    assert results["quantile_over_time"] == 10.0
    one = [(0.0, 5.0)]
    assert WINDOW_EVALUATORS["rate"](one, -60, 0, 60, 0) is None  # two samples at least, as Prometheus
    assert all(WINDOW_EVALUATORS[fn]([], -60, 0, 60, 0.5) is None for fn in WINDOW_EVALUATORS)


def make_engine(condition: str, limits: Limits | None = None, **common: Any) -> Engine:
    rule = parse_rule(
        {
            "name": "errors",
            "kind": "THRESHOLD",
            "event_type": "m",
            "spec": {"condition": condition, "group_by": ["host"]},
            "annotations": {"summary": "{{ $labels.host }}: {{ $value }}/s"},
            **common,
        }
    )
    return Engine([rule], limits=limits)


def sample(t: float, total: float | None, host: str = "web-1", **attrs: Any) -> Event:
    if total is not None:
        attrs["errors_total"] = total
    return Event(id=f"{host}-{t}", type="m", time=t, attributes={"host": host, **attrs})


def test_rate_fires_on_event_time_with_the_rate_as_value_and_resolves() -> None:
    engine = make_engine("rate(errors_total[1m]) > 1")
    # 60 errors per minute from t=0: rate 1/s is not > 1; then 150 in 30 s: fires
    result = engine.ingest([sample(0, 0), sample(30, 30), sample(60, 60)])
    assert result.transitions == []
    result = engine.ingest([sample(90, 210)])
    [fired] = result.transitions
    assert (fired.state, fired.at) == (AlertState.FIRING, 90)
    # samples in [30, 90]: 30 60 210 -> 180 over 60 s
    assert fired.values == {"rate(errors_total[1m])": 3.0, "value": 3.0, "errors_total": 210}
    assert fired.annotations == {"summary": "web-1: 3/s"}
    # the window follows event time: at t=170 the window [110, 170] holds one sample, so there is no rate
    result = engine.ingest([sample(170, 215), sample(200, 216)])
    [resolved] = result.transitions
    assert (resolved.state, resolved.at) == (AlertState.RESOLVED, 170)


def test_a_counter_reset_is_not_a_drop() -> None:
    engine = make_engine("increase(errors_total[1m]) >= 40")
    # 10 -> 30, restart, 0 -> 20: an increase of 40 (a plain difference would be 10)
    result = engine.ingest([sample(0, 10), sample(20, 30), sample(40, 0), sample(60, 20)])
    [fired] = result.transitions
    assert fired.at == 60 and fired.values["increase(errors_total[1m])"] == pytest.approx(40.0)


def test_groups_have_their_own_windows_and_events_without_the_attribute_add_no_sample() -> None:
    engine = make_engine("sum_over_time(errors_total[1m]) > 10 and host != 'db'")
    result = engine.ingest(
        [
            sample(0, 6, "web-1"),
            sample(1, 6, "web-2"),
            sample(2, None, "web-1", cpu=3),  # no sample, but an evaluation: 6 is not > 10
            sample(3, 5, "web-1"),  # 11
            sample(4, 6, "db"),
            sample(5, 6, "db"),
        ]
    )
    assert [(t.labels["host"], t.at) for t in result.transitions] == [("web-1", 3)]


def test_one_sample_per_instant_the_later_event_wins() -> None:
    engine = make_engine("count_over_time(errors_total[1m]) >= 2")
    again = Event("again", "m", 0.0, attributes={"host": "web-1", "errors_total": 2})
    assert engine.ingest([sample(0, 1), again]).transitions == []  # one sample (2), not two
    [fired] = engine.ingest([sample(1, 3)]).transitions
    assert fired.values["count_over_time(errors_total[1m])"] == 2.0


def test_window_state_survives_a_checkpoint() -> None:
    engine = make_engine("increase(errors_total[1m]) > 50")
    engine.ingest([sample(0, 0), sample(30, 30)])
    restored = make_engine("increase(errors_total[1m]) > 50")
    restored.restore(engine.snapshot())
    [fired] = restored.ingest([sample(60, 60)]).transitions  # needs the samples from before the checkpoint
    assert fired.values["increase(errors_total[1m])"] == pytest.approx(60.0)


def test_bounds_samples_per_window_and_groups() -> None:
    limits = Limits(max_window_values=3, max_keys_per_rule=2)
    engine = make_engine("count_over_time(errors_total[1h]) > 3", limits)
    engine.ingest([sample(float(t), t) for t in range(6)])  # never more than 3 samples kept
    stats = engine.stats("errors")
    assert stats.dropped == 3 and stats.matches == 0
    engine.ingest([sample(10, 1, "web-2"), sample(11, 1, "web-3")])  # a third group evicts the oldest
    assert engine.stats("errors").evicted == 1
    assert engine.stats("errors").keys == 2


def test_a_group_idle_for_the_longest_window_is_forgotten() -> None:
    engine = make_engine("count_over_time(errors_total[1m]) > 5")
    engine.ingest([sample(0, 1, "web-1"), sample(1, 1, "web-2")])
    assert engine.stats("errors").keys == 2
    engine.ingest([sample(100, 1, "web-3")])  # web-1 and web-2 have no sample within a minute of t=100
    assert engine.stats("errors").keys == 1


def test_for_applies_to_window_conditions_too() -> None:
    common: dict[str, Any] = {"for": "30s"}
    engine = make_engine("rate(errors_total[1m]) > 1", **common)
    states = [(str(t.state), t.at) for t in engine.ingest([sample(0, 0), sample(10, 100), sample(40, 200)]).transitions]
    assert states == [("pending", 10), ("firing", 40)]


# ------------------------------------------------------------------------------------------------ sample budget
def held(engine: Engine) -> int:
    """Samples in the rule's part of a checkpoint."""
    [state] = [r for name, r in engine.snapshot()["rules"].items() if name == "errors"]
    return sum(len(w) for _, _, windows in state["evaluator"]["series"] for w in windows)


def test_the_rule_s_samples_have_a_total_budget_that_evicts_the_least_recently_updated_groups() -> None:
    limits = Limits(max_window_samples=6, max_keys_per_rule=100)
    engine = make_engine("count_over_time(errors_total[1h]) >= 3", limits)
    engine.ingest([sample(float(t), 1, host) for t, host in enumerate(["web-1", "web-2", "web-3"] * 2)])
    assert (engine.stats("errors").keys, held(engine), engine.stats("errors").evicted) == (3, 6, 0)
    engine.ingest([sample(10, 1, "web-4")])  # a 7th sample: web-1, the least recently updated, goes
    stats = engine.stats("errors")
    assert (stats.keys, held(engine), stats.evicted, stats.dropped) == (3, 5, 1, 0)
    # web-1 starts again from no samples (as a group evicted by max_keys_per_rule); web-3's third sample is
    # the 7th again: web-2 goes, whole
    result = engine.ingest([sample(11, 1, "web-1"), sample(12, 1, "web-3")])
    assert [t.labels["host"] for t in result.transitions] == ["web-3"]
    stats = engine.stats("errors")
    assert (stats.keys, held(engine), stats.evicted) == (3, 5, 2)


def test_a_group_holding_the_whole_budget_drops_its_oldest_samples() -> None:
    engine = make_engine(
        "count_over_time(errors_total[1h]) > 3 or sum_over_time(cpu[1h]) > 100", Limits(max_window_samples=4)
    )
    engine.ingest([sample(float(t), t, cpu=1) for t in range(5)])  # two windows: 10 samples wanted, 4 kept
    stats = engine.stats("errors")
    assert (held(engine), stats.dropped, stats.evicted, stats.matches) == (4, 6, 0, 0)


def test_a_checkpoint_over_a_lowered_budget_keeps_the_most_recent_groups() -> None:
    engine = make_engine("count_over_time(errors_total[1h]) >= 3")
    engine.ingest([sample(float(t), 1, host) for t, host in enumerate(["web-1", "web-2", "web-3"] * 2)])
    restored = make_engine("count_over_time(errors_total[1h]) >= 3", Limits(max_window_samples=4))
    restored.restore(engine.snapshot())
    assert (restored.stats("errors").keys, held(restored)) == (2, 4)
    [fired] = restored.ingest([sample(10, 1, "web-3")]).transitions  # web-3 kept both of its samples
    assert fired.labels["host"] == "web-3"


def test_a_checkpoint_whose_newest_group_alone_is_over_a_lowered_budget_keeps_its_newest_samples() -> None:
    engine = make_engine("count_over_time(errors_total[1h]) >= 3")
    engine.ingest([sample(float(t), 1) for t in range(5)])  # one group, 5 samples
    restored = make_engine("count_over_time(errors_total[1h]) >= 3", Limits(max_window_samples=3))
    restored.restore(engine.snapshot())  # the group is not dropped: its 2 oldest samples are
    assert (restored.stats("errors").keys, held(restored)) == (1, 3)
    [state] = [r for name, r in restored.snapshot()["rules"].items() if name == "errors"]
    assert [t for t, _ in state["evaluator"]["series"][0][2][0]] == [2.0, 3.0, 4.0]


def test_the_budget_is_an_operator_setting_with_a_default() -> None:
    from opsuite_cep.config import Settings

    assert Limits().max_window_samples == Settings().max_window_samples_per_rule == 100_000
    assert Settings(max_window_samples_per_rule=50).max_window_samples_per_rule == 50
    with pytest.raises(ValueError):
        Settings(max_window_samples_per_rule=0)


# ------------------------------------------------------------------------------------------------ quantiles in order
def test_a_quantile_s_window_keeps_its_values_in_order_without_a_sort_per_event() -> None:
    import math
    import random

    from opsuite_cep.domain.conditions import compile_condition
    from opsuite_cep.domain.expr_eval import EvalFrame
    from opsuite_cep.domain.expressions import parse_expression
    from opsuite_cep.domain.series import SeriesStore, Window
    from opsuite_cep.domain.stats import RuleStats

    frame = EvalFrame()
    compile_condition(
        parse_expression("rate(y[1m]) > 0 and quantile_over_time(0.9, x[30s]) > 1", windows=True), frame=frame
    )
    assert frame.windows == [("y", 60.0), ("x", 30.0)] and frame.ordered == {1}  # only the quantile's window

    rng = random.Random(7)
    store = SeriesStore(frame.windows, Limits(max_window_values=50), RuleStats(), frame.ordered)
    t = 0.0
    for i in range(2_000):
        t += rng.choice([0.0, 0.5, 1.0, 3.0])  # same instants (a replacement), and windows that empty
        x = rng.choice([math.nan, rng.randint(0, 20), rng.uniform(-5, 5), math.inf, -math.inf])
        _, xs = store.update("g", Event(f"e{i}", "m", t, attributes={"x": x, "y": i}))
        assert isinstance(xs, Window) and xs.ordered is not None
        values = [v for _, v in xs]
        assert xs.ordered == sorted(v for v in values if not math.isnan(v))
        assert xs.nans == sum(math.isnan(v) for v in values)
        for q in (0.0, 0.3, 0.9, 1.0):
            got = WINDOW_EVALUATORS["quantile_over_time"](xs, t - 30, t, 30, q)
            plain = WINDOW_EVALUATORS["quantile_over_time"](list(xs), t - 30, t, 30, q)  # sorted on the spot
            assert got == plain or (got is not None and plain is not None and math.isnan(got) and math.isnan(plain))
    assert store.samples == sum(len(w) for w in store.update("g", Event("z", "m", t, attributes={})))


def test_nan_orders_first_in_a_quantile_as_prometheus() -> None:
    import math

    samples = [(0.0, 2.0), (1.0, math.nan), (2.0, 1.0)]
    assert math.isnan(WINDOW_EVALUATORS["quantile_over_time"](samples, 0, 2, 2, 0.0))  # type: ignore[arg-type]
    assert WINDOW_EVALUATORS["quantile_over_time"](samples, 0, 2, 2, 1.0) == 2.0
    assert WINDOW_EVALUATORS["quantile_over_time"](samples, 0, 2, 2, 0.75) == 1.5
