"""Codes of an unlisted region, series that keep no data of the day asked, words only a left-out tool knows,
and operators' words for dead disks (issue 13, the thirty-sixth estate written blind: an object store).

The estate is made up (a ferry company's terminals, ships and their engines); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.acts import unknown_acts
from opsuite_ops.domain.bm25 import stem
from opsuite_ops.domain.comparison import compared_sides
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.guessed_topics import unmeasured_things
from opsuite_ops.domain.identifiers import unmentioned_ids
from opsuite_ops.domain.later_moment import unreached_start
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.typos import misspelt

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_TERMINALS = {"type": "string", "enum": ["", "dvr1", "cal2", "dun3", "all"], "default": ""}

DELAYS = Tool(
    "sailing_delays",
    "Departure delay per terminal, 5-minute samples since an RFC 3339 time (kept 24 hours)",
    frozenset({"metric", "trend"}),
    input_schema={
        "type": "object",
        "properties": {"terminal": _TERMINALS, "since": {"type": "string", "format": "date-time"}},
        "required": ["since"],
    },
)
BERTHS = Tool(
    "berth_status",
    "Berths of a terminal and their state now",
    frozenset({"inventory", "berth"}),
    input_schema={"type": "object", "properties": {"terminal": _TERMINALS}},
)
ENGINES = Tool(
    "engine_hours",
    "Running hours of the ship's engines per day",
    frozenset({"metric", "engine"}),
    input_schema={"type": "object", "properties": {}},
)
OIL = Tool(
    "engine_oil_history",
    "Daily oil analysis of ONE engine by its serial: iron ppm, soot, viscosity, water content",
    frozenset({"engine", "history"}),
    input_schema={
        "type": "object",
        "properties": {"serial": {"type": "string", "description": "engine serial, e.g. E7K3390Q"}},
        "required": ["serial"],
    },
)
TOOLS = [DELAYS, BERTHS, ENGINES, OIL]


def _plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW))


def test_a_code_spelt_like_the_listed_codes_is_a_region_the_estate_does_not_have() -> None:
    reasons = [r for r in _plan("whats the departure delay in fra1?").not_covered]
    assert [(r.reason, r.detail) for r in reasons] == [
        (AnswerReason.ENTITY_UNKNOWN, "no terminal named fra1 (did you mean dvr1, cal2 or dun3?)")
    ]
    # A listed one is a value; a word with fewer letters ("p99") or another shape is no such code.
    assert all(r.reason is not AnswerReason.ENTITY_UNKNOWN for r in _plan("departure delay in dun3").not_covered)
    assert all(r.reason is not AnswerReason.ENTITY_UNKNOWN for r in _plan("p99 departure delay").not_covered)


def _series(since: datetime, start: datetime) -> CallRecord:
    rows = [{"terminal": "dvr1", "at": (start + timedelta(minutes=5 * i)).isoformat(), "delay_min": 4.0}
            for i in range(12)]  # fmt: skip
    args = {"since": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return CallRecord("c1", "s1", DELAYS.name, args, CallStatus.OK, {"rows": rows})


def test_a_series_asked_from_a_day_it_no_longer_keeps_is_no_answer_for_that_day() -> None:
    tools = {t.name: t for t in TOOLS}
    day = datetime(2025, 2, 20, tzinfo=UTC)
    kept = _series(day, NOW - timedelta(hours=24))  # the tool keeps 24 hours: its rows start long after
    (reason,) = unreached_start("dvr1 delays on 2025-02-20?", NOW, [kept], tools)
    assert reason.reason is AnswerReason.NOT_COVERED
    assert "sailing_delays was asked from then but its rows start at 2025-03-09 12:00Z" in reason.detail
    # Rows that reach the start asked answer it; so does a window the tool keeps.
    assert unreached_start("dvr1 delays on 2025-02-20?", NOW, [_series(day, day)], tools) == []
    recent = _series(NOW - timedelta(hours=6), NOW - timedelta(hours=6))
    assert unreached_start("dvr1 delays over the last 6 hours", NOW, [recent], tools) == []
    # Another tool's rows of those days (the berths' events) answer for the window.
    events = CallRecord("c2", "s2", BERTHS.name, {}, CallStatus.OK, {"rows": [{"at": "2025-03-01T10:00:00Z"}]})
    assert unreached_start("dvr1 delays since 2025-02-20?", NOW, [kept, events], tools) == []
    # A call not asked from that start (a look-back its schema caps) is not judged here.
    assert unreached_start("dvr1 delays on 2025-02-20?", NOW, [_series(NOW - timedelta(hours=24), NOW)], tools) == []


def test_a_word_only_the_left_out_tool_knows_is_a_part_not_covered() -> None:
    # "iron" is known only by the oil history, which needs a serial the question does not give.
    reasons = _plan("iron ppm in the engine oil over the last 2 weeks").not_covered
    assert any(r.tool == OIL.name and r.param == "serial" for r in reasons)
    # Words the planned tools know too are covered by them.
    assert not any(r.tool == OIL.name for r in _plan("engine running hours per day").not_covered)


def test_dead_and_dodgy_disks_and_a_missing_letter_of_a_participle() -> None:
    assert "failed" in DEFAULT_SYNONYMS["dead"] and "failed" in DEFAULT_SYNONYMS[stem("died")]
    assert "predicted" in DEFAULT_SYNONYMS["dodgy"] and "progress" in DEFAULT_SYNONYMS["along"]
    assert misspelt("thrttled", ["throttl", "request"], frozenset()) == "throttl"
    assert misspelt("started", ["throttl"], frozenset()) is None


def test_an_act_asked_with_yet_that_no_tool_knows_is_not_covered() -> None:
    vocab = frozenset({"oncall", "rota", "person", "state", "incid"})
    (reason,) = unknown_acts("whos on call n have they acked the page yet?", vocab, {})
    assert (reason.reason, reason.detail) == (AnswerReason.NOT_COVERED, "no tool reports acked")
    assert unknown_acts("has the rebalance finished yet?", vocab, {}) == []  # a state says it
    assert unknown_acts("have they acked the page?", vocab, {}) == []  # no "yet": not asked whether it was done
    assert unknown_acts("have they acked it yet", vocab | {"ack"}, {}) == []  # a tool knows it


def test_a_kind_word_after_a_name_is_no_side_and_a_dotted_name_holds_its_short_form() -> None:
    assert compared_sides("disk busy on lds1-b nodes vs lhr2-b") == ["lds1-b", "lhr2-b"]
    assert compared_sides("cpu of the web nodes vs db") == ["nodes", "db"]  # no name before it
    call = CallRecord("c1", "s1", DELAYS.name, {}, CallStatus.OK, {"rows": [{"endpoint": "s3.dvr1.ferries.example"}]})
    assert unmentioned_ids("503s on s3.dvr1 vs s3.cal2", [call], []) == [
        AnswerStatusReason(AnswerReason.ENTITY_UNKNOWN, f"no data names s3.cal2: {DELAYS.name} returned no record of "
                           "it, so it may not exist")
    ]  # fmt: skip


def test_a_name_spelt_unlike_a_coded_example_is_not_taken_for_it() -> None:
    steps = _plan("engine oil of stn-ams3-a-003").plan.steps
    assert all(s.arguments.get("serial") != "stn-ams3-a-003" for s in steps)


def test_a_use_of_a_thing_needs_a_tool_knowing_both() -> None:
    links = Tool("link_tickets", "Tickets and their linked incidents", frozenset({"ticket"}))
    cpu = Tool("cpu_by_terminal", "CPU percent of the terminal servers", frozenset({"metric", "cpu"}))
    tools = [*TOOLS, links, cpu]
    (reason,) = unmeasured_things("inter-terminal link utilisation last hr?", tools, {}, [])
    assert (reason.reason, reason.detail) == (AnswerReason.NOT_COVERED, "no tool reports link utilisation")
    assert unmeasured_things("cpu usage of the terminal servers", tools, {}, []) == []  # a percent of cpu
    assert unmeasured_things("inter-terminal link utilisation", tools, {}, [reason]) == []  # said already


def test_sentinel_times_in_rows_neither_raise_nor_count() -> None:
    tools = {t.name: t for t in TOOLS}
    day = datetime(2025, 2, 20, tzinfo=UTC)
    rows = [
        {"valid_from": "0001-01-01T00:00:00Z", "valid_to": "9999-12-31T23:59:59Z"},
        {"valid_from": "0001-01-01T00:00:00+01:00", "valid_to": "9999-12-31T23:59:59-01:00"},
    ]
    odd = CallRecord("c3", "s3", BERTHS.name, {}, CallStatus.OK, {"rows": rows})
    late = _series(day, NOW - timedelta(hours=24))
    assert len(unreached_start("dvr1 delays on 2025-02-20?", NOW, [late, odd], tools)) == 1
