"""Checkpoint/restore (no partial match lost), the rule index (non-candidates never evaluated), stats,
and the SCHEDULE helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from opsuite_cep.domain import Engine, Event, IngestResult, Rule, next_fire, parse_rule, result_matches


def all_rules() -> list[Rule]:
    defs: list[dict[str, Any]] = [
        {
            "name": "thr",
            "kind": "THRESHOLD",
            "for": "5s",
            "keep_firing_for": "5s",
            "repeat_interval": "20s",
            "channels": ["c"],
            "spec": {"condition": {"field": "v", "op": ">", "value": 7}, "group_by": ["key"]},
        },
        {
            "name": "win",
            "kind": "WINDOW",
            "spec": {
                "window": "sliding",
                "size": "20s",
                "slide": "10s",
                "aggregate": "p95",
                "field": "v",
                "op": ">=",
                "threshold": 5,
            },
        },
        {
            "name": "ses",
            "kind": "WINDOW",
            "spec": {
                "window": "session",
                "gap": "4s",
                "aggregate": "count",
                "op": ">",
                "threshold": 2,
                "group_by": ["key"],
            },
        },
        {
            "name": "seq",
            "kind": "SEQUENCE",
            "spec": {
                "within": "30s",
                "steps": [
                    {"alias": "a", "where": {"field": "v", "op": "<", "value": 2}},
                    {"alias": "b", "where": {"field": "v", "op": ">", "value": 8}},
                ],
            },
        },
        {
            "name": "abs",
            "kind": "ABSENCE",
            "spec": {
                "within": "15s",
                "trigger": {"alias": "a", "where": {"field": "v", "op": "==", "value": 0}},
                "expected": {"alias": "b", "where": {"field": "v", "op": "==", "value": 9}},
            },
        },
        {"name": "ano", "kind": "ANOMALY", "spec": {"field": "v", "min_samples": 3, "threshold": 1.5}},
    ]
    return [parse_rule(d) for d in defs]


def stream() -> list[Event]:
    values = [0, 3, 9, 1, 5, 8, 8, 2, 0, 7, 9, 9, 1, 4, 6, 0, 2, 9, 3, 8, 8, 8, 1, 0, 5, 9, 2, 7, 0, 4]
    events = [
        Event(f"e{i}", "m", float(i * 3), key="k1" if i % 3 else "k2", attributes={"v": v})
        for i, v in enumerate(values)
    ]
    events[5], events[6] = events[6], events[5]  # some disorder within the lateness
    return events


def record(result: IngestResult) -> list[Any]:
    return (
        [("m", m.rule, m.at, m.event_ids, m.fingerprint) for m in result.matches]
        + [("t", t.rule, t.state, t.at, t.fingerprint, t.starts_at) for t in result.transitions]
        + [("n", n.rule, n.kind, n.at, n.channel) for n in result.notifications]
    )


def test_restart_from_checkpoint_gives_the_same_results_as_an_uninterrupted_run() -> None:
    events = stream()
    whole = Engine(all_rules(), allowed_lateness=5)
    expected = record(whole.ingest(events)) + record(whole.advance_to(500))

    first = Engine(all_rules(), allowed_lateness=5)
    got = record(first.ingest(events[:15]))
    saved = json.loads(json.dumps(first.snapshot()))
    assert any(r["evaluator"].get("partitions") for r in saved["rules"].values())  # partial state was saved
    assert any(r["buffer"] for r in saved["rules"].values())  # so were buffered events

    second = Engine(all_rules(), allowed_lateness=5)
    assert second.restore(saved) == []
    got += record(second.ingest(events[15:])) + record(second.advance_to(500))
    # calls interleave rules differently, so compare the records themselves, not their order across rules
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert len(expected) > 20
    assert second.stats("thr").events_evaluated == whole.stats("thr").events_evaluated


def test_restore_skips_a_changed_rule() -> None:
    engine = Engine(all_rules())
    engine.ingest(stream()[:5])
    changed = [
        r
        if r.name != "seq"
        else parse_rule(
            {"name": "seq", "kind": "SEQUENCE", "spec": {"within": "1s", "steps": [{"alias": "a"}, {"alias": "b"}]}}
        )
        for r in all_rules()
    ]
    fresh = Engine(changed)
    assert fresh.restore(json.loads(json.dumps(engine.snapshot()))) == ["seq"]


def test_index_never_evaluates_a_non_matching_rules_filter() -> None:
    rules = [
        parse_rule(
            {
                "name": f"svc{i}",
                "kind": "THRESHOLD",
                "event_type": "req",
                "spec": {
                    "where": {
                        "and": [{"field": "service", "op": "==", "value": f"s{i}"}, {"field": "env", "op": "exists"}]
                    },
                    "condition": {"field": "latency", "op": ">", "value": 100},
                },
            }
        )
        for i in range(200)
    ]
    rules.append(
        parse_rule(
            {
                "name": "any-region",
                "kind": "THRESHOLD",
                "event_type": "req",
                "spec": {
                    "where": {"field": "region", "op": "in", "value": ["eu", "us"]},
                    "condition": {"field": "latency", "op": ">", "value": 1},
                },
            }
        )
    )
    rules.append(
        parse_rule(
            {
                "name": "other-type",
                "kind": "THRESHOLD",
                "event_type": "login",
                "spec": {"condition": {"field": "x", "op": "exists"}},
            }
        )
    )
    engine = Engine(rules)
    result = engine.ingest(
        [Event("1", "req", 0, attributes={"service": "s7", "env": "p", "latency": 500, "region": "eu"})]
    )
    assert sorted(m.rule for m in result.matches) == ["any-region", "svc7"]
    evaluated = {s.rule: (s.filter_evaluations, s.events_evaluated) for s in engine.all_stats()}
    assert evaluated["svc7"] == (1, 1) and evaluated["any-region"] == (1, 1)
    assert all(evaluated[f"svc{i}"] == (0, 0) for i in range(200) if i != 7)
    assert evaluated["other-type"] == (0, 0)


def test_stats_report_counts_and_timing() -> None:
    engine = Engine(all_rules(), allowed_lateness=5)
    engine.ingest(stream())
    engine.ingest([Event("late", "m", 0, attributes={"v": 1})])
    stats = engine.stats("thr")
    assert stats.events_evaluated > 0 and stats.matches > 0 and stats.alerts_fired >= 1
    assert stats.late_events == 1 and stats.eval_time_avg > 0 and stats.eval_time_p99 >= 0
    assert engine.stats("seq").partial_matches >= 0 and engine.stats("win").open_windows > 0


def test_disabled_and_schedule_rules_never_see_events() -> None:
    disabled = parse_rule(
        {"name": "d", "kind": "THRESHOLD", "enabled": False, "spec": {"condition": {"field": "v", "op": "exists"}}}
    )
    sched = parse_rule(
        {
            "name": "s",
            "kind": "SCHEDULE",
            "spec": {"interval": "5m", "api": "health", "condition": {"field": "status", "op": "!=", "value": "ok"}},
        }
    )
    engine = Engine([disabled, sched])
    assert engine.rules == [] and engine.ingest([Event("1", "x", 0, attributes={"v": 1})]).matches == []
    assert next_fire(sched, datetime(2024, 1, 1, tzinfo=UTC)) == datetime(2024, 1, 1, 0, 5, tzinfo=UTC)
    assert result_matches(sched, {"status": "down"}) and not result_matches(sched, {"status": "ok"})
    cron = parse_rule({"name": "c", "kind": "SCHEDULE", "spec": {"cron": "*/15 * * * *", "api": "health"}})
    assert next_fire(cron, datetime(2024, 1, 1, 0, 15, tzinfo=UTC)) == datetime(2024, 1, 1, 0, 30, tzinfo=UTC)
