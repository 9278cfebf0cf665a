"""Routes, groups and inhibition in the domain (docs/cep-semantics.md, Routes and groups): Alertmanager's
matching, text forms and notification-log decisions, on event time, deterministic and checkpointed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsuite_cep.domain import Engine, Event, parse_rule, parse_silence
from opsuite_cep.domain.amcompat import (
    go_quote,
    label_fingerprint,
    labelset_string,
    matchers_string,
    quote_meta,
    rfc3339,
    sort_alerts,
)
from opsuite_cep.domain.results import GroupNotification
from opsuite_cep.domain.routing import parse_matcher, parse_routing
from opsuite_common.errors import ValidationError

T = 1_700_000_000.0
CPU = {
    "name": "cpu",
    "kind": "THRESHOLD",
    "event_type": "m",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}


def _engine(config: dict[str, Any], *rules: dict[str, Any], silences: Any = ()) -> Engine:
    return Engine([parse_rule(r) for r in (rules or (CPU,))], routing=parse_routing(config), silences=silences)


_ids = iter(range(1_000_000))


def _ev(t: float, host: str, cpu: float, etype: str = "m") -> Event:
    return Event(id=f"e{next(_ids)}", type=etype, time=T + t, attributes={"host": host, "cpu": cpu})


def _sent(engine: Engine, *events: Event) -> list[tuple[float, str, str, list[tuple[str, str]]]]:
    out = engine.ingest(list(events))
    return [
        (
            n.at - T,
            n.channel,
            str(n.kind),
            [(a.labels["host"], "resolved" if a.ends_at else "firing") for a in n.alerts],
        )
        for n in out.notifications
        if isinstance(n, GroupNotification)
    ]


def test_text_forms_are_alertmanagers() -> None:
    assert label_fingerprint({"name": "garland, briggs", "fear": "love is not enough"}) == f"{5799056148416392346:016x}"
    assert label_fingerprint({}) == f"{14695981039346656037:016x}"
    assert labelset_string({"tier": "1", "tier2": "x", "a": 'q"uote'}) == '{a="q\\"uote", tier2="x", tier="1"}'
    assert go_quote("tab\there\x01é") == '"tab\\there\\x01é"'
    assert quote_meta("ops.team[1]-x") == "ops\\.team\\[1\\]-x"
    assert rfc3339(T) == "2023-11-14T22:13:20Z" and rfc3339(T + 0.25) == "2023-11-14T22:13:20.25Z"
    assert rfc3339(None) == "0001-01-01T00:00:00Z"
    routing = parse_routing(
        {"route": {"receiver": "r", "routes": [{"matchers": ["b=~x", 'a!="1"', "a=1"], "receiver": "r"}]}}
    )
    assert routing.route.routes[0].key == '{}/{a="1",a!="1",b=~"x"}'
    assert matchers_string(()) == "{}"
    ordered = sort_alerts(
        [{"z": "1"}, {"instance": "b"}, {"job": "x", "instance": "a"}, {"a": "1", "b": "2"}, {"instance": "a"}],
        lambda x: x,
    )
    assert ordered == [
        {"job": "x", "instance": "a"},
        {"instance": "a"},
        {"instance": "b"},
        {"z": "1"},
        {"a": "1", "b": "2"},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('severity="critical"', ("severity", "=", "critical")),
        ("  host =~ web-.* ", ("host", "=~", "web-.*")),
        ('msg!="say \\"hi\\"\\n"', ("msg", "!=", 'say "hi"\n')),
        ('labels.region!~"eu-.*"', ("labels.region", "!~", "eu-.*")),
        ('x="a\\d"', ("x", "=", "a\\d")),
    ],
)
def test_matcher_strings_parse_as_alertmanager_does(text: str, expected: tuple[str, str, str]) -> None:
    m = parse_matcher(text)
    assert (m.name, m.op, m.value) == expected


@pytest.mark.parametrize("text", ["no operator", '="x"', 'a="unterminated', 'a="in"side"'])
def test_bad_matcher_strings_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_matcher(text)


def test_children_inherit_and_continue_decides_where_an_alert_goes() -> None:
    routing = parse_routing(
        {
            "route": {
                "receiver": "root",
                "group_by": ["alertname"],
                "group_wait": "10s",
                "routes": [
                    {"match": {"team": "a"}, "receiver": "a", "continue": True, "group_wait": "1s"},
                    {
                        "match_re": {"team": "a|b"},
                        "receiver": "ab",
                        "routes": [{"matchers": ["sev=page"], "receiver": "p"}],
                    },
                    {"matchers": ["team=a"], "receiver": "never"},
                ],
            }
        }
    )
    route = routing.route

    def where(**labels: str) -> list[str]:
        return [r.receiver for r in route.match(labels)]

    assert where(team="a") == ["a", "ab"]  # continue on the first; the second does not continue
    assert where(team="b", sev="page") == ["p"]
    assert where(team="c") == ["root"]
    a, ab = route.routes[0], route.routes[1]
    assert (a.group_wait, a.group_by, ab.group_wait, ab.group_interval, ab.repeat_interval) == (
        1.0,
        ("alertname",),
        10.0,
        300.0,
        14400.0,
    )


def test_validation_collects_every_problem() -> None:
    with pytest.raises(ValidationError) as info:
        parse_routing(
            {
                "route": {"receiver": "r", "matchers": ["a=b"], "continue": True, "group_by": ["...", "x"]},
                "receivers": [{"name": "r", "channels": ["c"], "send_resolved": "yes"}, {"name": "r"}],
                "inhibit_rules": ["nope"],
                "extra": 1,
            },
            channels={"c"},
        )
    fields = [v.field for v in info.value.field_violations]
    assert fields == [
        "config.extra",
        "config.receivers[0].send_resolved",
        "config.receivers[1].name",
        "config.route",
        "config.route.group_by",
        "config.inhibit_rules[0]",
    ]


def test_group_wait_group_interval_and_a_quiet_group() -> None:
    engine = _engine({"route": {"receiver": "r", "group_wait": "30s", "group_interval": "1m"}})
    assert _sent(engine, _ev(0, "h1", 95), _ev(10, "h2", 95)) == []
    assert _sent(engine, _ev(30, "x", 1)) == [(30.0, "r", "firing", [("h1", "firing"), ("h2", "firing")])]
    assert _sent(engine, _ev(40, "h3", 95), _ev(89, "x", 1)) == []
    assert _sent(engine, _ev(90, "x", 1)) == [
        (90.0, "r", "firing", [("h1", "firing"), ("h2", "firing"), ("h3", "firing")])
    ]
    # Quiet for a day, and event time jumps past it at once: one repeat, at the latest tick (Alertmanager on
    # the wall clock sends one when it catches up), not one per 4h.
    sent = _sent(engine, _ev(86_400 + 90, "x", 1))
    assert [at for at, *_ in sent] == [86_490.0]
    # Event time moving on an hour at a time: one repeat every 4h (at the first tick at or after it).
    sent = [n for h in range(1, 9) for n in _sent(engine, _ev(86_490 + 3600 * h + 30, "x", 1))]
    assert [at for at, *_ in sent] == [86_490.0 + 4 * 3600, 86_490.0 + 8 * 3600]


def test_send_resolved_false_and_all_resolved() -> None:
    config = {
        "route": {"receiver": "quiet", "group_wait": "0s", "group_interval": "10s"},
        "receivers": [{"name": "quiet", "channels": ["c"], "send_resolved": False}],
    }
    engine = _engine(config)
    assert _sent(engine, _ev(0, "h1", 95), _ev(0, "h2", 95)) == [
        (0.0, "c", "firing", [("h1", "firing"), ("h2", "firing")])
    ]
    # h1 resolves: without send_resolved nothing is sent (no new firing alert)...
    assert _sent(engine, _ev(5, "h1", 1), _ev(25, "x", 1)) == []
    # ... and when all resolve, nothing either, although Alertmanager's log records it.
    assert _sent(engine, _ev(26, "h2", 1), _ev(60, "x", 1)) == []
    assert len(engine.router) == 0  # the empty group is gone
    # A new alert of the same labels starts a new group: group_wait again (0 s here).
    assert _sent(engine, _ev(61, "h1", 99)) == [(61.0, "c", "firing", [("h1", "firing")])]


def test_inhibition_is_two_sided_safe_and_uses_equal_labels() -> None:
    config = {
        "route": {"receiver": "r", "group_by": ["alertname", "host"], "group_wait": "0s", "group_interval": "10s"},
        "inhibit_rules": [
            {
                "source_matchers": ["severity=critical"],
                "target_matchers": ["severity=~warning|critical"],
                "equal": ["host"],
            }
        ],
    }
    crit = {
        **CPU,
        "name": "down",
        "severity": "critical",
        "spec": {**CPU["spec"], "condition": {"field": "cpu", "op": ">", "value": 98}},
    }
    engine = _engine(config, crit, CPU)
    sent = _sent(engine, _ev(0, "h1", 99), _ev(0, "h2", 95))
    # h1: 'down' (critical) is both source and target: it does not inhibit itself; 'cpu' on h1 is inhibited.
    assert sorted((n[3][0][0], n[2]) for n in sent) == [("h1", "firing"), ("h2", "firing")]
    assert len(sent) == 2
    # The source resolves: the inhibited alert is told of at the next tick.
    assert _sent(engine, _ev(5, "h1", 95), _ev(10, "x", 1)) == [
        (10.0, "r", "resolved", [("h1", "resolved")]),  # 'down' on h1
        (10.0, "r", "firing", [("h1", "firing")]),  # 'cpu' on h1, no longer inhibited
    ]


def test_a_silence_ending_wakes_a_skipped_group_and_a_new_config_keeps_the_log() -> None:
    silence = parse_silence(
        {"matchers": [{"name": "host", "op": "=~", "value": "h[12]"}], "starts_at": T, "ends_at": T + 95}
    )
    config = {"route": {"receiver": "r", "group_wait": "0s", "group_interval": "1m"}}
    engine = _engine(config, silences=[silence])
    assert _sent(engine, _ev(0, "h1", 95), _ev(0, "h3", 95)) == [(0.0, "r", "firing", [("h3", "firing")])]
    assert _sent(engine, _ev(100, "x", 1)) == []  # the tick at 60 s: still silenced
    assert _sent(engine, _ev(120, "x", 1)) == [(120.0, "r", "firing", [("h1", "firing"), ("h3", "firing")])]
    # The same tree under another revision: regrouped, the log is kept, so nothing is sent again...
    assert engine.set_routing(parse_routing({**config, "inhibit_rules": []}))
    assert _sent(engine, _ev(200, "x", 1)) == []
    # ... but a new receiver hears of it (its group key's log is new).
    assert engine.set_routing(parse_routing({"route": {**config["route"], "receiver": "s"}}))
    assert _sent(engine, _ev(201, "x", 1)) == [(200.0, "s", "firing", [("h1", "firing"), ("h3", "firing")])]


def test_a_manual_resolution_is_told_as_resolved() -> None:
    engine = _engine({"route": {"receiver": "r", "group_wait": "0s", "group_interval": "10s"}})
    out = engine.ingest([_ev(0, "h1", 95)])
    fp = out.transitions[0].fingerprint
    engine.forget_alert("cpu", fp)
    assert _sent(engine, _ev(15, "x", 1)) == [(10.0, "r", "resolved", [("h1", "resolved")])]


def test_snapshot_and_restore_continue_exactly() -> None:
    config = {"route": {"receiver": "r", "group_by": ["host"], "group_wait": "30s", "group_interval": "1m"}}
    live = _engine(config)
    copy = _engine(config)
    first = [_ev(0, "h1", 95), _ev(5, "h2", 95), _ev(31, "x", 1), _ev(40, "h1", 1)]
    live.ingest(first)
    copy.restore(json.loads(json.dumps(live.snapshot())))
    later = [_ev(100, "x", 1), _ev(4 * 3600 + 100, "x", 1)]
    assert _sent(copy, *later) == _sent(live, *later) != []


def test_the_readme_example_delivers_what_the_readme_says() -> None:
    config = {
        "route": {
            "receiver": "ops",
            "group_by": ["alertname"],
            "routes": [
                {
                    "matchers": ['severity="critical"'],
                    "receiver": "pager",
                    "group_by": ["alertname", "host"],
                    "continue": True,
                }
            ],
        },
        "receivers": [{"name": "ops", "channels": ["ops-am"]}, {"name": "pager", "channels": ["pager-slack"]}],
        "inhibit_rules": [
            {"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'], "equal": ["host"]}
        ],
    }
    down = {
        **CPU,
        "name": "host-down",
        "severity": "critical",
        "event_type": "up",
        "spec": {"condition": {"field": "cpu", "op": "==", "value": 0}, "group_by": ["host"]},
    }
    engine = _engine(config, {**CPU, "name": "cpu-high"}, down)
    assert _sent(engine, _ev(0, "web-1", 97), _ev(10, "web-2", 95), _ev(30, "x", 1)) == [
        (30.0, "ops-am", "firing", [("web-1", "firing"), ("web-2", "firing")])
    ]
    assert _sent(engine, _ev(120, "web-1", 0, "up"), _ev(150, "x", 1)) == [
        (150.0, "pager-slack", "firing", [("web-1", "firing")])
    ]
    assert _sent(engine, _ev(180, "web-2", 10), _ev(330, "x", 1)) == [
        (330.0, "ops-am", "resolved", [("web-2", "resolved")])
    ]
    assert _sent(engine, _ev(4 * 3600, "x", 1)) == []  # the ops group: nothing fires it was not told of
    assert [n[0] for n in _sent(engine, _ev(4 * 3600 + 200, "x", 1))] == [150.0 + 4 * 3600]  # pager's repeat


_KEYS = [
    "route",
    "receiver",
    "routes",
    "matchers",
    "match",
    "match_re",
    "group_by",
    "group_wait",
    "group_interval",
    "repeat_interval",
    "continue",
    "receivers",
    "name",
    "channels",
    "send_resolved",
    "inhibit_rules",
    "source_matchers",
    "target_matchers",
    "equal",
    "op",
    "value",
]
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.floats()
    | st.integers()
    | st.sampled_from(["...", "a=b", 'x=~"("', "5m", "0s"])
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_any_config_is_either_parsed_or_refused_with_field_violations(data: Any) -> None:
    config = data if isinstance(data, dict) else {"route": data}
    try:
        routing = parse_routing(config, channels={"a", "b"})
    except ValidationError as exc:
        assert exc.field_violations and all(v.field.startswith("config") for v in exc.field_violations)
    else:
        assert routing.route.receiver


def test_a_first_config_groups_the_alerts_already_firing() -> None:
    engine = Engine([parse_rule(CPU)])
    engine.ingest([_ev(0, "h1", 95), _ev(100, "h2", 95)])
    assert engine.set_routing(parse_routing({"route": {"receiver": "r", "group_wait": "30s"}}))
    assert not engine.set_routing(parse_routing({"route": {"receiver": "r", "group_wait": "30s"}}))  # same revision
    # h1 started long before: its group flushes at once (Alertmanager's rule for old alerts), with h2.
    assert _sent(engine, _ev(101, "x", 1)) == [(100.0, "r", "firing", [("h1", "firing"), ("h2", "firing")])]
    assert engine.set_routing(None) and _sent(engine, _ev(1000, "h3", 99)) == []
