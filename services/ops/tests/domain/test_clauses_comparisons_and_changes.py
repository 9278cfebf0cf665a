"""Completeness read from schemas and the question (issue 13, the blind CI/CD estate's causes): an enum window
takes the smallest value covering the span asked; a clause asking what a verb does is a topic of its own; a
comparison one side of which is missing is no complete answer; an empty search that only adds to other
answers neither narrows nor downgrades; a change history is a tool that lists changes, not a snapshot with
a version column; an hourly point stands for its hour; a tool windowed by whole days shows no older rows.

The tools are made up (a bakery's ovens, batches and recipes); no estate's names.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.broaden import (
    MAX_NARROWER_CALLS_PER_RUN,
    Narrowing,
    auxiliary_searches,
    empty_searches,
    narrower_plan,
)
from opsuite_ops.domain.comparison import compared_sides, one_sided
from opsuite_ops.domain.compose import DeterministicComposer
from opsuite_ops.domain.coverage import CoverageCheck, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.series import ChangePoint, interval_span
from opsuite_ops.domain.timeline import Onset, build_timeline, change_events, lists_changes
from opsuite_ops.domain.timerange import enum_duration
from opsuite_ops.domain.typos import misspelt

from .run_state import run_of

NOW = datetime(2025, 9, 3, 8, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


OVEN_WAIT = Tool(
    "oven_wait",
    "How long trays wait for a free oven in one pool, 5-minute samples over the chosen window",
    frozenset({"metric"}),
    input_schema=_obj(
        {"pool": {"type": "string"}, "window": {"type": "string", "enum": ["1h", "6h", "24h"], "default": "6h"}},
        ("pool",),
    ),
)
OVENS = Tool(
    "oven_fleet",
    "Ovens: pool, firmware version, last contact and an operator note",
    frozenset({"inventory", "config"}),
    input_schema=_obj({}),
    idempotent=True,
)
SETTINGS = Tool(
    "oven_settings_log",
    "Changes to oven settings in the last N hours: setting, old and new value, who",
    frozenset({"config"}),
    input_schema=_obj({"since_hours": {"type": "integer", "minimum": 1}}, ("since_hours",)),
)
FAILED_TRAYS = Tool(
    "tray_failures",
    "Failed trays of a line from a day on: tray, recipe name, when, the message",
    frozenset({"log"}),
    input_schema=_obj(
        {"line": {"type": "string"}, "from_day": {"type": "string", "format": "date"}}, ("line", "from_day")
    ),
)
RECIPES = Tool(
    "recipe_search",
    "Search the bakery recipes and procedures",
    frozenset({"document"}),
    input_schema=_obj({"query": {"type": "string"}}, ("query",)),
)
TOOLS = [OVEN_WAIT, OVENS, SETTINGS, FAILED_TRAYS, RECIPES]
INVENTORY = inventory_from_outputs({"oven_fleet": {"rows": [{"oven": "ov-1", "pool": "deck"}, {"pool": "rack"}]}})


def plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW, inventory=INVENTORY))


def _rec(step: str, tool: str, args: dict[str, Any], rows: list[dict[str, Any]]) -> CallRecord:
    return CallRecord(f"c-{step}", step, tool, args, CallStatus.OK, {"rows": rows}, started_at=NOW)


def test_an_enum_window_takes_the_smallest_value_covering_the_span_asked() -> None:
    assert enum_duration(["1h", "6h", "24h"], 3600) == "1h"
    assert enum_duration(["1h", "6h", "24h"], 3 * 3600) == "6h"
    assert enum_duration(["1h", "6h", "24h"], 7 * 86400) == "24h"  # nothing covers a week: the largest
    assert enum_duration(["PT15M", "P1D"], 1800) == "P1D"
    assert enum_duration(["30 minutes", "2 hours"], 60) == "30 minutes"
    assert enum_duration(["up", "down"], 3600) is None  # no window
    found = extract_entities("oven wait on deck over the last hour", now=NOW, inventory=INVENTORY)
    assert fill_arguments(OVEN_WAIT, found, now=NOW).arguments == {"pool": "deck", "window": "1h"}
    right_now = extract_entities("oven wait on deck right now", now=NOW, inventory=INVENTORY)
    assert fill_arguments(OVEN_WAIT, right_now, now=NOW).arguments == {"pool": "deck"}  # the tool's default


def test_a_clause_asking_what_a_verb_does_is_a_topic_of_its_own() -> None:
    vocab = vocabulary(TOOLS)

    def uncovered(question: str) -> tuple[str, ...]:
        found = extract_entities(question, now=NOW, inventory=INVENTORY, vocabulary=vocab)
        check = CoverageCheck.of(found.terms, TOOLS, {}, vocab, qualifiers=found.qualifiers, apart=found.apart)
        return check.uncovered

    assert uncovered("oven wait on deck right now, and what are those ovens costing us per hour?") == ("costing",)
    assert uncovered("how many trays is the deck pool burning") == ()  # the trays are asked; "burning" qualifies
    outcome = plan("oven wait on deck right now, and what are those ovens costing us per hour?")
    assert "oven_wait" in [s.tool for s in outcome.plan.steps]
    assert [r.detail for r in outcome.not_covered] == ["no tool reports costing"]


def test_a_comparison_one_side_of_which_is_missing_is_no_complete_answer() -> None:
    assert compared_sides("oven wait deck vs rack over the last hour") == ["deck", "rack"]
    assert compared_sides("compare the wait of deck and rack") == ["deck", "rack"]
    assert compared_sides("deck compared to rack") == ["deck", "rack"] and compared_sides("wait on deck") == []
    tools = {t.name: t for t in TOOLS}
    deck = _rec("s1", "oven_wait", {"pool": "deck"}, [{"ts": "2025-09-03T07:55:00Z", "wait": 3.0}])
    state, steps = run_of(deck)
    (reason,) = one_sided("oven wait deck vs rack", steps, state, tools)
    assert reason.reason is AnswerReason.NOT_COVERED and reason.tool == "oven_wait"
    assert reason.detail == (
        "the comparison is one-sided: oven_wait answered for deck but was not called for it, so rack is missing"
    )
    rack = _rec("s2", "oven_wait", {"pool": "rack"}, [])
    state, steps = run_of(deck, rack)
    assert "returned no data for it" in one_sided("oven wait deck vs rack", steps, state, tools)[0].detail
    full = _rec("s2", "oven_wait", {"pool": "rack"}, [{"ts": "2025-09-03T07:55:00Z", "wait": 9.0}])
    state, steps = run_of(deck, full)
    assert one_sided("oven wait deck vs rack", steps, state, tools) == []
    # Both sides through one planned call each: the planner asks for both.
    assert [s.arguments["pool"] for s in plan("oven wait deck vs rack").plan.steps if s.tool == "oven_wait"] == [
        "deck",
        "rack",
    ]


def test_an_empty_search_that_only_adds_to_other_answers_neither_narrows_nor_downgrades() -> None:
    tools = {t.name: t for t in TOOLS}
    search = _rec("s1", "recipe_search", {"query": "deck wait jumped"}, [])
    wait = _rec("s2", "oven_wait", {"pool": "deck"}, [{"ts": "2025-09-03T07:55:00Z", "wait": 3.0}])
    state, steps = run_of(search, wait)
    aux = auxiliary_searches("why did the deck wait jump", steps, state, tools)
    assert aux == {"s1"}
    narrowing = Narrowing(auxiliary=aux)
    assert narrower_plan(steps, state, tools, narrowing, 8) is None
    assert empty_searches(steps, state, tools, narrowing) == []
    # The question names the search tool, or asks how to do something, or nothing else answered: it counts.
    assert auxiliary_searches("any recipe for the deck wait", steps, state, tools) == frozenset()
    assert auxiliary_searches("how do we cut the deck wait", steps, state, tools) == frozenset()
    alone, only = run_of(search)
    assert auxiliary_searches("why did the deck wait jump", only, alone, tools) == frozenset()
    assert len(empty_searches(only, alone, tools, Narrowing())) == 1


def test_narrower_searches_are_bounded_per_run_whatever_the_number_of_searches() -> None:
    tools = {t.name: t for t in TOOLS}
    searches = [_rec(f"s{k}", "recipe_search", {"query": "one two three four five six"}, []) for k in range(5)]
    state, steps = run_of(*searches)
    narrowing, planned = Narrowing(), 0
    while (narrower := narrower_plan(steps, state, tools, narrowing, 50)) is not None:
        planned += len(narrower.steps)
        for step in narrower.steps:
            rec = _rec(step.id, step.tool, dict(step.arguments), [])
            state.latest[step.id] = rec
    assert planned == MAX_NARROWER_CALLS_PER_RUN


def test_a_change_history_is_a_tool_that_lists_changes_not_a_snapshot_with_a_version() -> None:
    assert lists_changes(SETTINGS.name, SETTINGS.description, SETTINGS.tags)
    assert lists_changes("tray_log", "Trays", frozenset({"history"}))
    assert not lists_changes(OVENS.name, OVENS.description, OVENS.tags)
    assert not lists_changes(FAILED_TRAYS.name, FAILED_TRAYS.description, FAILED_TRAYS.tags)


async def test_snapshots_and_failure_logs_are_not_placed_on_the_timeline() -> None:
    tools = {t.name: t for t in TOOLS}
    fleet = _rec("s1", "oven_fleet", {}, [
        {"oven": "ov-1", "pool": "deck", "version": "4.2", "last_contact": "2025-09-03T07:50:00Z"},
        {"oven": "ov-2", "pool": "deck", "version": "4.1", "last_contact": "2025-09-03T06:10:00Z"},
    ])  # fmt: skip
    failures = _rec("s2", "tray_failures", {"line": "rye", "from_day": "2025-09-02"}, [
        {"tray": "t-9", "recipe_name": "rye", "failed_at": "2025-09-03T07:00:00Z", "message": "crust too dark"},
    ])  # fmt: skip
    settings = _rec("s3", "oven_settings_log", {"since_hours": 24}, [
        {"setting": "deck.temp", "old_value": "220", "new_value": "250", "changed_at": "2025-09-03T06:40:00Z"},
    ])  # fmt: skip
    assert change_events("c", ["oven", "pool", "version", "last_contact"], fleet.output["rows"]) is not None
    question = "what changed before the deck wait jumped"
    out = await DeterministicComposer().compose(question, [fleet, failures, settings], [], tools=tools)
    timeline = next(b.markdown for b in out.blocks if b.title == "Timeline")
    assert "deck.temp 220 → 250" in timeline
    assert "4.2" not in timeline and "crust" not in timeline
    # Without the catalogue, the shapes alone decide (as before).
    shapes = await DeterministicComposer().compose(question, [fleet, settings], [])
    assert "4.2" in next(b.markdown for b in shapes.blocks if b.title == "Timeline")


def test_an_hourly_point_stands_for_its_hour_and_the_changes_within_it_are_named() -> None:
    hours = [datetime(2025, 9, 3, h, tzinfo=UTC) for h in range(8)]
    assert interval_span(hours) == timedelta(hours=1)
    assert interval_span([t + timedelta(minutes=26) for t in hours]) is None  # samples at instants
    assert interval_span([datetime(2025, 9, 3, 7, m, tzinfo=UTC) for m in range(0, 60, 5)]) is None
    at = datetime(2025, 9, 3, 6, tzinfo=UTC)
    point = ChangePoint(6, at, at - timedelta(hours=1), 1.0, 9.0, True, timedelta(hours=1))
    rows = [
        {"setting": "deck.temp", "old": "220", "new": "250", "changed_at": "2025-09-03T06:25:00Z"},
        {"setting": "rack.fan", "old": "2", "new": "3", "changed_at": "2025-09-03T04:10:00Z"},
    ]
    changes = change_events("c2", list(rows[0]), rows) or []
    tl = build_timeline("what changed before the wait jumped", changes, [Onset("oven_wait()", "c1", point)], ["log"])
    assert tl is not None
    (conclusion,) = tl.conclusions
    assert conclusion.startswith("Last change before the onset: the config change rack.fan 2 → 3")
    assert "is within the 1 h from then" in conclusion and "deck.temp 220 → 250 at 2025-09-03 06:25Z" in conclusion


async def test_a_tool_windowed_by_whole_days_shows_no_rows_before_the_window_asked() -> None:
    tools = {t.name: t for t in TOOLS}
    failures = _rec("s1", "tray_failures", {"line": "rye", "from_day": "2025-09-02"}, [
        {"tray": "t-9", "failed_at": "2025-09-03T07:00:00Z", "message": "crust too dark"},
        {"tray": "t-2", "failed_at": "2025-09-02T03:00:00Z", "message": "underproofed"},
    ])  # fmt: skip
    out = await DeterministicComposer().compose("failed trays in the last 24h", [failures], [], tools=tools)
    assert "crust too dark" in out.answer and "underproofed" not in out.answer
    assert "1 older rows left out: before the asked window, from 2025-09-02 08:00Z" in out.answer
    assert not out.truncated  # rows outside the question's window are no facts of its answer
    whole = await DeterministicComposer().compose("failed trays of rye", [failures], [], tools=tools)
    assert "underproofed" in whole.answer  # no window asked: the tool's own


def test_a_misspelt_plural_is_read_through_its_stem_but_a_verb_form_is_not() -> None:
    vocab = vocabulary(TOOLS)  # stems: "procedur", "recip"...
    assert misspelt("procedrues", vocab, frozenset()) == "procedur"
    assert misspelt("running", frozenset({"run"}), frozenset()) is None
