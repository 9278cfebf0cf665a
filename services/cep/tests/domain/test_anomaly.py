"""ANOMALY rules: docs/cep-semantics.md, Anomaly #23 (score before update, warm-up count,
|z| >= threshold), MAD variant."""

from __future__ import annotations

import math
from typing import Any

from opsuite_cep.domain import Engine, Event, parse_rule


def make_engine(**spec: Any) -> Engine:
    rule = {
        "name": "anom",
        "kind": "ANOMALY",
        "spec": {"field": "v", "alpha": 0.5, "min_samples": 3, "threshold": 2, **spec},
    }
    return Engine([parse_rule(rule)])


def samples(values: list[float], key: str = "k") -> list[Event]:
    return [Event(id=f"{key}{i}", type="x", time=float(i), key=key, attributes={"v": v}) for i, v in enumerate(values)]


def test_row23_warm_up_then_first_scored_sample_is_min_samples_plus_one() -> None:
    # samples 1..3 are warm-up even though the 3rd is wildly off
    assert make_engine().ingest(samples([10, 12, 1000])).matches == []
    result = make_engine().ingest(samples([10, 12, 10, 1000]))
    assert [(m.event_ids, m.values["sample"]) for m in result.matches] == [(("k3",), 4)]


def test_row23_score_uses_the_baseline_before_the_update() -> None:
    # alpha 0.5: after 10, 12, 10 -> mean 10.5, var: 0 -> 0.5*(0 + 2*1) = 1 -> 0.5*(1 + (-1)*(-0.5)) = 0.75
    result = make_engine().ingest(samples([10, 12, 10, 13]))
    z = (13 - 10.5) / math.sqrt(0.75)
    assert [round(m.values["z"], 9) for m in result.matches] == [round(z, 9)]
    assert result.matches[0].values["mean"] == 10.5


def test_row23_threshold_is_inclusive_and_keys_are_separate() -> None:
    engine = make_engine(threshold=z_at_13())
    events = samples([10, 12, 10, 13], "a") + samples([10, 12, 10, 12.9], "b")
    assert [m.labels for m in engine.ingest(sorted(events, key=lambda e: e.time)).matches] == [{"key": "a"}]


def z_at_13() -> float:
    return (13 - 10.5) / math.sqrt(0.75)


def test_flat_baseline_gives_infinite_z_and_equal_value_zero() -> None:
    result = make_engine().ingest(samples([5, 5, 5, 5, 6]))
    assert [m.values["z"] for m in result.matches] == [math.inf]


def test_mad_variant() -> None:
    engine = make_engine(method="mad", window=5, threshold=3.5)
    result = engine.ingest(samples([10, 11, 9, 10, 11, 10.5, 30]))
    # at 30: window [11, 9, 10, 11, 10.5] -> median 10.5, MAD 0.5, z = 0.6745 * 19.5 / 0.5
    assert [(m.event_ids, round(m.values["z"], 6)) for m in result.matches] == [
        (("k6",), round(0.6745 * 19.5 / 0.5, 6))
    ]
    assert engine.stats("anom").keys == 1


def test_anomaly_fires_one_signal_alert_and_resolves_after_timeout() -> None:
    engine = make_engine(threshold=2)
    result = engine.ingest(samples([10, 12, 10, 100, 200]))
    assert [t.state for t in result.transitions] == ["firing"]
    assert [t.at for t in engine.advance_to(10_000).transitions] == [4 + 300]
