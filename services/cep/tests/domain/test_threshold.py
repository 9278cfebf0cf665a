"""THRESHOLD rules and the alert layer: docs/cep-semantics.md, Threshold alerts #11, #12 and Alert
lifecycle #19, #20, #21."""

from __future__ import annotations

from typing import Any

from opsuite_cep.domain import AlertState, Engine, Event, NotificationKind, Silence, parse_rule, parse_silence
from opsuite_cep.domain.alerts import Matcher


def make_engine(**common: Any) -> Engine:
    spec = {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]}
    rule = parse_rule(
        {"name": "cpu", "kind": "THRESHOLD", "event_type": "m", "channels": ["ops"], "spec": spec, **common}
    )
    return Engine([rule])


def cpu(t: float, value: float, host: str = "h1") -> Event:
    return Event(id=f"{host}-{t}", type="m", time=t, attributes={"cpu": value, "host": host})


def states(engine: Engine, events: list[Event]) -> list[tuple[str, float]]:
    result = engine.ingest(events)
    return [(str(tr.state), tr.at) for tr in result.transitions]


def test_row11_without_for_fires_immediately_with_no_pending_record() -> None:
    engine = make_engine()
    result = engine.ingest([cpu(0, 95)])
    assert [(t.state, t.at) for t in result.transitions] == [(AlertState.FIRING, 0)]
    assert result.transitions[0].labels == {"alertname": "cpu", "severity": "warning", "host": "h1"}
    assert [(n.channel, n.kind) for n in result.notifications] == [("ops", NotificationKind.FIRING)]
    assert [m.event_ids for m in result.matches] == [("h1-0",)]


def test_row11_for_is_inclusive_pending_then_firing_at_elapsed_equal_for() -> None:
    engine = make_engine(**{"for": "60s"})
    assert states(engine, [cpu(0, 95), cpu(30, 95)]) == [("pending", 0)]
    assert states(engine, [cpu(60, 95)]) == [("firing", 60)]


def test_row11_for_timer_fires_when_the_watermark_reaches_it_from_another_group() -> None:
    engine = make_engine(**{"for": "60s"})
    assert states(engine, [cpu(0, 95, "h1"), cpu(60, 10, "h2")]) == [("pending", 0), ("firing", 60)]


def test_row11_pending_dropped_silently_when_condition_turns_false() -> None:
    engine = make_engine(**{"for": "60s"})
    result = engine.ingest([cpu(0, 95), cpu(59, 50), cpu(120, 10)])
    assert [(t.state, t.at) for t in result.transitions] == [(AlertState.PENDING, 0), (AlertState.INACTIVE, 59)]
    assert result.notifications == []  # no resolved, no firing


def test_row12_keep_firing_for_starts_at_first_false_and_resets_on_true() -> None:
    engine = make_engine(keep_firing_for="60s")
    assert states(engine, [cpu(0, 95), cpu(10, 50), cpu(40, 50)]) == [("firing", 0)]
    assert states(engine, [cpu(50, 95), cpu(60, 50), cpu(100, 50)]) == []  # reset at 50; clock from 60
    result = engine.ingest([cpu(120, 50)])
    assert [(t.state, t.at, t.ends_at) for t in result.transitions] == [(AlertState.RESOLVED, 120, 120)]
    assert [n.kind for n in result.notifications] == [NotificationKind.RESOLVED]


def test_row12_without_keep_firing_for_a_false_evaluation_resolves() -> None:
    engine = make_engine()
    assert states(engine, [cpu(0, 95), cpu(5, 10)]) == [("firing", 0), ("resolved", 5)]


def test_row19_dedup_while_firing() -> None:
    engine = make_engine()
    result = engine.ingest([cpu(0, 95), cpu(1, 96), cpu(2, 97)])
    assert len(result.transitions) == 1 and len(result.notifications) == 1
    assert len(result.matches) == 3  # every event still matches
    assert engine.stats("cpu").alerts_fired == 1


def test_row20_repeat_interval_renotifies_at_exactly_last_plus_interval() -> None:
    engine = make_engine(repeat_interval="10m")
    engine.ingest([cpu(0, 95)])
    result = engine.ingest([cpu(599, 95), cpu(600, 95)])
    assert [(n.kind, n.at) for n in result.notifications] == [(NotificationKind.REPEAT, 600)]
    assert result.transitions == []
    result = engine.ingest([cpu(1199, 95), cpu(1300, 95)])
    assert [(n.kind, n.at) for n in result.notifications] == [(NotificationKind.REPEAT, 1200)]
    # The watermark passes four repeat instants at once (1800 ... 3600): one repeat, at the latest of them,
    # and the next at exactly 10m after it.
    result = engine.ingest([cpu(4000, 95)])
    assert [(n.kind, n.at) for n in result.notifications] == [(NotificationKind.REPEAT, 3600)]
    result = engine.ingest([cpu(4200, 95)])
    assert [(n.kind, n.at) for n in result.notifications] == [(NotificationKind.REPEAT, 4200)]


def test_row20_send_resolved_false_records_but_does_not_notify() -> None:
    engine = make_engine(send_resolved=False)
    result = engine.ingest([cpu(0, 95), cpu(1, 5)])
    assert [t.state for t in result.transitions] == [AlertState.FIRING, AlertState.RESOLVED]
    assert [n.kind for n in result.notifications] == [NotificationKind.FIRING]


def test_row21_silence_mutes_notifications_only_and_marks_the_alert() -> None:
    engine = make_engine()
    engine.set_silences(
        [
            parse_silence(
                {
                    "id": "s1",
                    "matchers": [{"name": "host", "op": "=~", "value": "h[12]"}],
                    "starts_at": 0,
                    "ends_at": 100,
                }
            )
        ]
    )
    result = engine.ingest([cpu(0, 95, "h1"), cpu(1, 95, "h3")])
    assert [(t.labels["host"], t.silenced) for t in result.transitions] == [("h1", True), ("h3", False)]
    assert [n.labels["host"] for n in result.notifications] == ["h3"]
    # the silence window is [starts_at, ends_at): at 100 it no longer applies
    result = engine.ingest([cpu(100, 5, "h1")])
    assert [(t.state, t.silenced) for t in result.transitions] == [(AlertState.RESOLVED, False)]
    assert [n.kind for n in result.notifications] == [NotificationKind.RESOLVED]


def test_silence_matchers() -> None:
    labels = {"alertname": "cpu", "host": "web-1"}
    assert Matcher("host", "=~", "web-.*").matches(labels)
    assert not Matcher("host", "=~", "web").matches(labels)  # anchored
    assert Matcher("host", "!~", "db-.*").matches(labels)
    assert Matcher("env", "!=", "prod").matches(labels)  # missing label is ""
    assert Matcher("env", "=", "").matches(labels)
    silence = Silence("s", (Matcher("alertname", "=", "cpu"),), 10, 20)
    assert not silence.mutes(labels, 9.99) and silence.mutes(labels, 10) and not silence.mutes(labels, 20)


def test_fingerprint_is_per_group_and_stable() -> None:
    engine = make_engine()
    result = engine.ingest([cpu(0, 95, "h1"), cpu(0, 95, "h2")])
    fps = [t.fingerprint for t in result.transitions]
    assert len(set(fps)) == 2
    again = make_engine().ingest([cpu(0, 95, "h2")])
    assert again.transitions[0].fingerprint == fps[1]


def test_forget_alert_lets_an_operator_resolved_alert_fire_again() -> None:
    engine = make_engine()
    fp = engine.ingest([cpu(0, 95)]).transitions[0].fingerprint
    assert engine.ingest([cpu(1, 95)]).transitions == []
    assert engine.forget_alert("cpu", fp)
    assert [t.state for t in engine.ingest([cpu(2, 95)]).transitions] == [AlertState.FIRING]
