"""Absent keys (docs/cep-semantics.md, Absent keys #27-#28): ABSENCE rules with ``expected_keys`` fire for a
listed key that sends nothing within ``within``, also one that never reported, on event time and idle progress."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsuite_cep.domain import Engine, Event, Limits, parse_rule
from opsuite_cep.domain.expected_keys import keys_from_result
from opsuite_common.errors import ValidationError

HOSTS = {
    "name": "host-silent",
    "kind": "ABSENCE",
    "spec": {
        "expected": {"alias": "b", "event_type": "hb"},
        "within": "60s",
        "expected_keys": {"keys": ["web-1", "web-2", "db-1"]},
    },
}


def engine(*rules: dict[str, Any], idle: float | None = 30, **kw: Any) -> Engine:
    return Engine([parse_rule(r) for r in rules], idle_timeout=idle, **kw)


def hb(id: str, t: float, key: str) -> Event:
    return Event(id=id, type="hb", time=t, key=key)


def changes(result: Any) -> list[tuple[str, str, float]]:
    return [(t.labels["key"], str(t.state), t.at) for t in result.transitions]


def test_a_listed_key_that_never_reported_fires_one_window_after_the_rule_started() -> None:
    e = engine(HOSTS)
    # the rule starts being evaluated at its first progress: the first event it applies (t=1000)
    out = e.ingest([hb("a", 1000, "web-1"), hb("b", 1030, "web-2")], now=1030)
    assert out.transitions == []
    out = e.ingest([hb("c", 1059, "web-1"), hb("d", 1065, "web-1")], now=1065)
    # db-1 never reported: fires at exactly 1000 + 60 (a timer fires before events stamped then)
    assert changes(out) == [("db-1", "firing", 1060)]
    assert out.transitions[0].values["last_seen"] is None and out.transitions[0].values["watched_since"] == 1000
    assert out.transitions[0].labels["alertname"] == "host-silent"
    # web-2 (last at 1030) goes silent too: 1090; web-1 reports on, and db-1 stays firing (no new record)
    out = e.ingest([hb("e", 1095, "web-1"), hb("f", 1130, "web-1")], now=1130)
    assert changes(out) == [("web-2", "firing", 1090)]
    # web-2 comes back: its alert resolves at the event's time
    out = e.ingest([hb("g", 1140, "web-2")], now=1140)
    assert changes(out) == [("web-2", "resolved", 1140)]
    assert e.stats("host-silent").keys == 3 and e.stats("host-silent").active_alerts == 1


def test_idle_progress_fires_never_seen_keys_of_a_tenant_that_sends_nothing() -> None:
    e = engine(HOSTS)
    assert e.tick(5000).transitions == []  # starts the idle count; event time has not begun
    out = e.tick(5030)  # idle: W = 5000, the rule's first progress: every key starts at 5000
    assert out.transitions == []
    assert e.tick(5089.9).transitions == []  # W = 5059.9
    out = e.tick(5090)  # W = 5060
    assert sorted(changes(out)) == [("db-1", "firing", 5060), ("web-1", "firing", 5060), ("web-2", "firing", 5060)]


def test_a_key_that_leaves_the_list_stops_and_its_alert_resolves_one_that_joins_starts_then() -> None:
    e = engine({**HOSTS, "spec": {**HOSTS["spec"], "expected_keys": {"api": "inv", "field": "host"}}})
    assert e.expected_keys("host-silent") == []  # an API's list comes from the host
    assert e.set_expected_keys("host-silent", ["web-1", "web-2"])
    e.ingest([hb("a", 1000, "web-1")], now=1000)
    out = e.ingest([hb("b", 1050, "web-1"), hb("b2", 1061, "web-1")], now=1061)
    assert changes(out) == [("web-2", "firing", 1060)]
    e.set_expected_keys("host-silent", ["web-1", "db-1"])  # web-2 unlisted, db-1 listed
    out = e.ingest([hb("c", 1070, "web-1")], now=1070)
    assert changes(out) == [("web-2", "resolved", 1070)]  # at the rule's next progress
    assert out.transitions[0].values["unlisted_at"] == 1070
    out = e.ingest([hb("d", 1129, "web-1"), hb("e", 1131, "web-1")], now=1131)
    assert changes(out) == [("db-1", "firing", 1130)]  # its first window started at 1070
    assert not e.set_expected_keys("nope", ["x"])


def test_an_operator_resolution_fires_again_at_the_next_check_while_the_key_stays_silent() -> None:
    e = engine(HOSTS)
    e.ingest([hb("a", 1000, "web-1"), hb("a2", 1000, "web-2")], now=1000)
    out = e.ingest([hb("b", 1050, "web-1"), hb("b2", 1050, "web-2"), hb("c", 1061, "web-1")], now=1061)
    assert changes(out) == [("db-1", "firing", 1060)]
    fp = out.transitions[0].fingerprint
    assert e.forget_alert("host-silent", fp)
    out = e.ingest([hb("d", 1100, "web-1"), hb("d2", 1100, "web-2"), hb("e", 1121, "web-1")], now=1121)
    assert changes(out) == [("db-1", "firing", 1120)]


def test_an_attribute_key_a_partition_filter_and_the_checkpoint() -> None:
    rule = {**HOSTS, "spec": {**HOSTS["spec"], "partition_by": ["host"]}}
    mine = {"web-1", "db-1"}
    e = engine(rule, owns_key=lambda k: k in mine)
    assert sorted(e.expected_keys("host-silent") or []) == ["db-1", "web-1"]
    e.ingest([Event(id="a", type="hb", time=1000, attributes={"host": "web-1"})], now=1000)
    snap = json.loads(json.dumps(e.snapshot()))
    again = engine(rule, owns_key=lambda k: k in mine)
    assert again.restore(snap) == []
    out = again.ingest([Event(id="b", type="hb", time=1061, attributes={"host": "x"})], now=1061)
    assert [(t.labels["host"], str(t.state), t.at) for t in out.transitions] == [
        ("web-1", "firing", 1060),
        ("db-1", "firing", 1060),
    ]


def test_testrule_timeline_a_key_events_before_its_start_count() -> None:
    e = engine(HOSTS, idle=30)
    out = e.ingest([hb("a", 1000, "web-1"), hb("b", 1010, "web-2"), hb("c", 1020, "db-1")], now=1020)
    assert out.transitions == []
    out = e.tick(1099)  # idle since 1050: W = 1069; every key started at 1000, the first event
    assert changes(out) == [("web-1", "firing", 1060)]


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ({"expected_keys": {"keys": ["a", "a"]}}, "spec.expected_keys.keys[1]", "listed twice"),
        ({"expected_keys": {"keys": []}, "trigger": {"alias": "a"}}, "spec.trigger", "takes no trigger"),
        ({"expected_keys": {"keys": ["a"], "refresh": "1m"}}, "spec.expected_keys.refresh", "applies to a list"),
        ({"expected_keys": {"api": "inv"}}, "spec.expected_keys.field", "required"),
        ({"expected_keys": {"api": "inv", "field": "h", "refresh": "1s"}}, "spec.expected_keys.refresh", "between"),
        ({"expected_keys": {"keys": ["a"], "api": "inv"}}, "spec.expected_keys", "exactly one"),
        ({"expected_keys": {"keys": ["a"]}, "partition_by": ["key", "host"]}, "spec.partition_by", "exactly one"),
        ({"expected_keys": {"keys": ["a"], "api_name": "x"}}, "spec.expected_keys.api_name", "unknown field"),
        ({"expected_keys": {"keys": [str(i) for i in range(5001)]}}, "spec.expected_keys.keys", "limit is 5000"),
    ],
)
def test_expected_keys_are_validated_field_by_field(spec: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_rule({**HOSTS, "spec": {**HOSTS["spec"], **spec}})
    found = {v.field: v.description for v in info.value.field_violations}
    assert field in found and words in found[field], found


def test_keys_are_read_from_sql_rows_or_json_arrays_cut_at_the_limit() -> None:
    limits = Limits(max_expected_keys=3)
    got = keys_from_result({"rows": [{"host": "a"}, {"host": "b"}, {"host": None}, {"host": "a"}]}, "host", limits)
    assert got.keys == ("a", "b") and not got.truncated and got.skipped == 1
    got = keys_from_result({"value": [{"host": 1.0}, {"host": "x"}, {"host": "y"}, {"host": "z"}]}, "host", limits)
    assert got.keys == ("1", "x", "y") and got.truncated
    assert keys_from_result({"value": ["p", "q"]}, "host", limits).keys == ("p", "q")
    for bad in ({"rows": []}, {"rows": [{"other": 1}]}, {"queue_depth": 3}):
        with pytest.raises(ValueError, match=r"list in force stays|no rows"):
            keys_from_result(bad, "host", limits)
