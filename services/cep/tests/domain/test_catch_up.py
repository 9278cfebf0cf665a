"""Work a tenant's settings cannot blow up: timers and flushes that repeat on a grid (an absent key's check,
an alert's ``repeat_interval``, a group's ``group_interval``) do one piece of work when the watermark passes
many of their instants at once, not one per instant; intervals below the minimum are refused at save; an
inhibition check does not scan every firing alert (docs/cep-semantics.md #20, #27, #33, #34).

The work is bounded by counting (timers fired, notifications, matcher evaluations), never by timing: a
budget stops a run that would step through millions of timers, so a regression fails fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsuite_cep.domain import Engine, Event, NotificationKind, parse_rule
from opsuite_cep.domain import alerts as alerts_module
from opsuite_cep.domain.alerts import Matcher
from opsuite_cep.domain.grouping import _Inhibitor
from opsuite_cep.domain.results import GroupNotification
from opsuite_cep.domain.routing import InhibitRule, parse_routing
from opsuite_cep.domain.timers import Timer, TimerQueue, last_on_grid, next_on_grid
from opsuite_common.errors import ValidationError

KEYS = [f"host-{i}" for i in range(100)]
SILENT = {
    "name": "silent",
    "kind": "ABSENCE",
    "spec": {"expected": {"alias": "b", "event_type": "hb"}, "within": "10s", "expected_keys": {"keys": KEYS}},
}
CPU = {
    "name": "cpu",
    "kind": "THRESHOLD",
    "event_type": "m",
    "channels": ["ops"],
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}


@pytest.fixture
def timers_fired(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], list[int]]]:
    """``budget(n)``: count every timer fired from now on, and fail the run at the (n+1)th."""
    fired = [0]
    limit = [0]
    pop = TimerQueue.pop

    def counting(self: TimerQueue) -> Timer:
        fired[0] += 1
        if fired[0] > limit[0]:
            raise AssertionError(f"more than {limit[0]} timers fired")
        return pop(self)

    def budget(n: int) -> list[int]:
        fired[0], limit[0] = 0, n
        monkeypatch.setattr(TimerQueue, "pop", counting)
        return fired

    yield budget


def _hb(t: float, key: str) -> Event:
    return Event(id=f"hb-{key}-{t}", type="hb", time=t, key=key)


def _cpu(t: float, value: float, host: str = "h1") -> Event:
    return Event(id=f"{host}-{t}", type="m", time=t, attributes={"cpu": value, "host": host})


def _with(rule: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {**rule, "spec": {**rule["spec"], **spec}}


# ----------------------------------------------------------------------------------------- the minimums


@pytest.mark.parametrize("within", ["1ms", 1e-300, "9s"])
def test_absent_keys_within_below_the_minimum_is_refused_on_its_field(within: Any) -> None:
    with pytest.raises(ValidationError) as info:
        parse_rule(_with(SILENT, within=within))
    assert [v.field for v in info.value.field_violations] == ["spec.within"]
    assert "at least 10s" in info.value.field_violations[0].description
    # a rule saved before the minimum still loads; an ABSENCE rule with a trigger has no repeating check
    assert parse_rule(_with(SILENT, within=within), stored=True).spec.within > 0
    trigger = {"alias": "a", "event_type": "req"}
    plain = {**SILENT, "spec": {"trigger": trigger, "expected": SILENT["spec"]["expected"], "within": "1ms"}}
    assert parse_rule(plain).spec.within == 0.001


@pytest.mark.parametrize("interval", ["1ms", 1e-300, "9s"])
def test_repeat_interval_below_the_minimum_is_refused_on_its_field(interval: Any) -> None:
    with pytest.raises(ValidationError) as info:
        parse_rule({**CPU, "repeat_interval": interval})
    assert [v.field for v in info.value.field_violations] == ["repeat_interval"]
    assert parse_rule({**CPU, "repeat_interval": interval}, stored=True).repeat_interval > 0
    assert parse_rule({**CPU, "repeat_interval": "0s"}).repeat_interval == 0  # off
    assert parse_rule({**CPU, "repeat_interval": "10s"}).repeat_interval == 10


# ----------------------------------------------------------------------------------------- absent keys


@pytest.mark.parametrize("within", ["1ms", 1e-300])
def test_absent_keys_saved_with_a_tiny_within_check_each_key_at_most_twice_per_progress(
    within: Any, timers_fired: Callable[[int], list[int]]
) -> None:
    e = Engine([parse_rule(_with(SILENT, within=within), stored=True)])
    fired = timers_fired(3 * len(KEYS))  # stepping: 10,000 checks per key for 10 s of 1 ms (1e-300: forever)
    transitions = e.ingest([_hb(1000, KEYS[0])]).transitions + e.ingest([_hb(1010, KEYS[1])]).transitions
    assert fired[0] <= 2 * len(KEYS) + 1  # + 1: a stale timer (KEYS[0]'s event re-armed its first deadline)
    assert {t.labels["key"] for t in transitions if str(t.state) == "firing"} == set(KEYS)
    fired = timers_fired(3 * len(KEYS))
    out = e.ingest([_hb(1020, KEYS[2])])
    assert (KEYS[2], "resolved") in [(t.labels["key"], str(t.state)) for t in out.transitions]  # still watched
    assert fired[0] <= 2 * len(KEYS) + 1


def test_idle_progress_over_a_day_checks_each_silent_key_twice_then_goes_on_on_its_grid(
    timers_fired: Callable[[int], list[int]],
) -> None:
    e = Engine([parse_rule(SILENT)], idle_timeout=30)
    e.tick(5000)
    e.tick(5030)  # W = 5000: every key is watched from 5000, its deadline 5010
    fired = timers_fired(3 * len(KEYS))  # stepping: 8,640 checks per key
    out = e.tick(5030 + 86_400)  # W = 91_400
    assert fired[0] <= 2 * len(KEYS)
    firing = [t for t in out.transitions if str(t.state) == "firing"]
    assert len(firing) == len(KEYS) and {t.at for t in firing} == {5010}  # each fired at its deadline
    assert out.notifications == []  # the rule has no channels; the repeats are no-ops of a firing alert
    # An operator resolves one by hand: the next check of the grid (5010 + k * 10 after 91_400) fires it again.
    fp = firing[0].fingerprint
    assert e.forget_alert("silent", fp)
    fired = timers_fired(3 * len(KEYS))
    out = e.tick(91_440 + 15)  # W = 91_425
    assert [(t.fingerprint, str(t.state), t.at) for t in out.transitions] == [(fp, "firing", 91_410)]
    assert out.transitions[0].values["deadline"] == 91_410


# ----------------------------------------------------------------------------------------- alert repeats


@pytest.mark.parametrize(("interval", "stored"), [("10s", False), ("1ms", True), (1e-300, True)])
def test_a_day_of_repeats_passed_at_once_is_one_repeat_at_the_latest(
    interval: Any, stored: bool, timers_fired: Callable[[int], list[int]]
) -> None:
    e = Engine([parse_rule({**CPU, "repeat_interval": interval}, stored=stored)])
    e.ingest([_cpu(0, 95)])
    fired = timers_fired(10)  # stepping: 8,640 repeats (1 ms: 86 million; 1e-300: forever)
    out = e.ingest([_cpu(86_400, 95)])
    assert [(n.kind, n.at) for n in out.notifications] == [(NotificationKind.REPEAT, 86_400)]
    assert fired[0] <= 2
    if interval == "10s":  # then one every 10 s again
        out = e.ingest([_cpu(86_415, 95)])
        assert [(n.kind, n.at) for n in out.notifications] == [(NotificationKind.REPEAT, 86_410)]


def test_grid_helpers() -> None:
    assert last_on_grid(600, 600, 1300) == 1200 and last_on_grid(600, 600, 1199) == 600
    assert last_on_grid(0, 0.1, 1.0) == 1.0 and last_on_grid(5, 1, float("inf")) == 5
    assert next_on_grid(600, 600, 1300) == 1800 and next_on_grid(600, 600, 100) == 1200
    assert next_on_grid(600, 600, 1200) == 1800
    assert next_on_grid(1.7e9, 1e-300, 1.7e9) is None  # too small to move the time: never re-armed
    assert next_on_grid(0, 1e-300, 1.0) is None and last_on_grid(0, 1e-300, 1.0) == 1.0


# ----------------------------------------------------------------------------------------- routing


def test_groups_quiet_for_a_long_span_flush_once_not_once_per_tick() -> None:
    config = {
        "route": {
            "receiver": "r",
            "group_by": ["host"],
            "group_wait": "0s",
            "group_interval": "1s",
            "repeat_interval": "1s",
        }
    }
    e = Engine([parse_rule({**CPU, "channels": []})], routing=parse_routing(config))
    hosts = [f"h{i}" for i in range(10)]
    out = e.ingest([_cpu(0, 95, h) for h in hosts])
    assert len([n for n in out.notifications if isinstance(n, GroupNotification)]) == len(hosts)
    out = e.ingest([_cpu(1000, 1, "other")])  # stepping: a repeat per group and second, 10,000
    sent = [n for n in out.notifications if isinstance(n, GroupNotification)]
    assert sorted((n.group_labels["host"], n.at, str(n.kind)) for n in sent) == [(h, 1000, "firing") for h in hosts]
    # one second later, a repeat each; three and a half seconds later, again one each, at the latest tick
    for at, until in ((1001, 1001), (1004, 1004.5)):
        out = e.ingest([_cpu(until, 1, "other")])
        sent = [n for n in out.notifications if isinstance(n, GroupNotification)]
        assert sorted((n.group_labels["host"], n.at) for n in sent) == [(h, at) for h in hosts]


def test_inhibition_does_not_scan_every_firing_alert_and_matchers_are_compiled_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = 8
    config = {
        "route": {"receiver": "r", "group_by": ["alertname"], "group_wait": "0s", "group_interval": "10s"},
        "inhibit_rules": [
            {
                "source_matchers": [f'severity=~"crit.*|p{i}"'],
                "target_matchers": ['alertname=~"cp.*"'],
                "equal": ["host"],
            }
            for i in range(rules)
        ],
    }
    down = {**CPU, "name": "down", "severity": "critical", "event_type": "d", "channels": []}
    e = Engine([parse_rule({**CPU, "channels": []}), parse_rule(down)], routing=parse_routing(config))
    n = 60
    calls = {"matches": 0, "compile": 0}
    matches, compile_regex = Matcher.matches, alerts_module.compile_regex

    def counting_matches(self: Matcher, labels: Any) -> bool:
        calls["matches"] += 1
        return matches(self, labels)

    def counting_compile(pattern: str) -> Any:
        calls["compile"] += 1
        return compile_regex(pattern)

    monkeypatch.setattr(Matcher, "matches", counting_matches)
    monkeypatch.setattr(alerts_module, "compile_regex", counting_compile)

    def source(t: float, host: str) -> Event:
        return Event(id=f"d-{host}-{t}", type="d", time=t, attributes={"cpu": 99, "host": host})

    def sent(out: Any) -> list[tuple[str, list[str]]]:
        groups = [g for g in out.notifications if isinstance(g, GroupNotification)]
        return sorted((g.group_labels["alertname"], sorted(a.labels["host"] for a in g.alerts)) for g in groups)

    # n warnings on h0..h59 and n critical sources on other hosts: nothing is inhibited, every check misses
    hosts = [f"h{i}" for i in range(n)]
    out = e.ingest([_cpu(0, 95, h) for h in hosts] + [source(0, f"x{i}") for i in range(n)])
    assert sent(out) == [("cpu", sorted(hosts)), ("down", sorted(f"x{i}" for i in range(n)))]
    # a scan evaluates every rule's source matcher on every firing alert for every alert: 8 * 120 * 120
    assert calls["matches"] <= 4 * rules * (2 * n)
    assert calls["compile"] == 0  # compiled when the config was parsed, not per match
    # A source on h7 inhibits the warning there (found by its equal labels), and only that one.
    out = e.ingest([source(5, "h7"), _cpu(6, 95, "h100"), _cpu(10, 1, "z")])
    assert sent(out) == [
        ("cpu", sorted([h for h in hosts if h != "h7"] + ["h100"])),
        ("down", sorted([f"x{i}" for i in range(n)] + ["h7"])),
    ]


_LABEL = st.sampled_from(["", "a", "b"])
_LABELS = st.fixed_dictionaries({}, optional={"sev": _LABEL, "host": _LABEL, "dc": _LABEL})
_MATCHER = st.builds(
    Matcher,
    st.sampled_from(["sev", "host", "dc"]),
    st.sampled_from(["=", "!=", "=~", "!~"]),
    st.sampled_from(["", "a", "a|b", ".*"]),
)
_RULE = st.builds(
    InhibitRule,
    st.lists(_MATCHER, max_size=2).map(tuple),
    st.lists(_MATCHER, max_size=2).map(tuple),
    st.lists(st.sampled_from(["sev", "host", "dc"]), max_size=2, unique=True).map(tuple),
)


def _scan(rules: list[InhibitRule], firing: dict[str, dict[str, str]], labels: dict[str, str]) -> bool:
    """The definition (Alertmanager's ``Inhibitor.Mutes``), scanning every firing alert."""
    for rule in rules:
        if not all(m.matches(labels) for m in rule.target):
            continue
        two_sided = all(m.matches(labels) for m in rule.source)
        for src in firing.values():
            if not all(m.matches(src) for m in rule.source):
                continue
            if any(src.get(n, "") != labels.get(n, "") for n in rule.equal):
                continue
            if two_sided and all(m.matches(src) for m in rule.target):
                continue
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_RULE, max_size=3),
    st.lists(st.tuples(st.sampled_from(["f1", "f2", "f3", "f4"]), st.none() | _LABELS), max_size=12),
    st.lists(_LABELS, min_size=1, max_size=4),
)
def test_the_inhibition_index_agrees_with_a_scan(
    rules: list[InhibitRule], changes: list[tuple[str, dict[str, str] | None]], probes: list[dict[str, str]]
) -> None:
    index = _Inhibitor(rules)
    firing: dict[str, dict[str, str]] = {}
    for fp, labels in changes:  # fire (maybe again, with other labels) or resolve
        if labels is None:
            firing.pop(fp, None)
            index.remove(fp)
        else:
            firing[fp] = labels
            index.add(fp, labels)
        for probe in probes:
            assert index.inhibited(probe) == _scan(rules, firing, probe)
