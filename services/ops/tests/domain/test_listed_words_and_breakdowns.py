"""Honest answers (issue 13, the blind identity estate's causes), on a made-up estate (a bakery chain's ovens,
shops and delivery vans): rows of one moment are a breakdown, not a series; a misspelt measure still comes
first; an assumed window leaves a day-wide call's older rows out; clipped words ("temp") and "keep" are no
uncovered topics; "how long do we keep X" asks the documents; a search looks for no time or degree words; an
enum value the estate lists names the subject of an investigation; a hyphenated name the tools' descriptions
spell out is no misspelt value; a word the rows of a listing hold is reported by them.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.absence import empty_results, reported_in_rows
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.coverage import CoverageCheck, asks_how_to, clipped, is_topic, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.series import analyse_table
from opsuite_ops.domain.window_rows import asked_start

NOW = datetime(2025, 3, 9, 15, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


OVENS = Tool(
    "oven_fleet",
    "Ovens of the bakeries (the crust-timer controller on each): shop, state, firmware, operator note",
    frozenset({"config", "inventory"}),
    input_schema=_obj({"state": {"type": "string", "enum": ["", "baking", "idle", "broken"], "default": ""}}),
    idempotent=True,
)
SHOPS = Tool(
    "shop_registry",
    "Shops per district: the owning crew and opening hours",
    frozenset({"config", "inventory"}),
    input_schema=_obj({"district": {"type": "string", "enum": ["", "north", "harbour"], "default": ""}}),
    idempotent=True,
)
BAKES = Tool(
    "bake_stats",
    "Loaves baked per district in 10-minute buckets from a start time: baked, burnt, burnt percent",
    frozenset({"metric", "bakery"}),
    input_schema=_obj(
        {
            "district": {"type": "string", "enum": ["north", "harbour"]},
            "start": {"type": "string", "format": "date-time"},
        },
        ("district", "start"),
    ),
)
THERMO = Tool(
    "thermometer_certificates",
    "Calibration certificates of the oven thermometers: issued, expiry, days left",
    frozenset({"config", "certificates"}),
    input_schema=_obj({}),
    idempotent=True,
)
RECIPE_CHANGES = Tool(
    "recipe_changes",
    "Changes to recipes and oven programs applied since a time: target, before, after, author",
    frozenset({"history", "change"}),
    input_schema=_obj({"since": {"type": "string", "format": "date-time"}}, ("since",)),
)
DELIVERIES = Tool(
    "van_runs",
    "Runs of the delivery vans since a date: van, started, status, error",
    frozenset({"history"}),
    input_schema=_obj({"since_day": {"type": "string", "format": "date"}}, ("since_day",)),
)
GUIDES = Tool(
    "bakery_guides",
    "Search the bakery guides for words",
    frozenset({"document"}),
    input_schema=_obj({"words": {"type": "string", "description": "a word or phrase to look for"}}, ("words",)),
)
TOOLS = [OVENS, SHOPS, BAKES, THERMO, RECIPE_CHANGES, DELIVERIES, GUIDES]
INVENTORY = inventory_from_outputs(
    {
        "oven_fleet": {"rows": [{"oven": "OV_N_1", "shop": "mill-lane", "note": "pilot of the rye program"}]},
        "shop_registry": {
            "rows": [
                {"shop": "mill-lane", "district": "north", "owner_crew": "morning-crew"},
                {"shop": "quay-side", "district": "harbour", "owner_crew": "night-shift"},
            ]
        },
    }
)


def _plan(question: str) -> Any:
    request = PlanRequest(question, TOOLS, Budget(max_steps=8), NOW, inventory=INVENTORY)
    return DeterministicPlanner().plan_sync(request)


def test_rows_of_one_moment_are_a_breakdown_not_a_series() -> None:
    rows = [
        {"reason": r, "failures": n, "first_seen": "2025-03-09 14:00:00"}
        for r, n in [("DOUGH_FLAT", 900), ("OVEN_COLD", 300), ("LATE_VAN", 120), ("NO_FLOUR", 40)]
    ]
    assert analyse_table(["reason", "failures", "first_seen"], rows) is None
    fact = analyse_call(CallRecord("c1", "s1", "bake_failures", {}, CallStatus.OK, output={"rows": rows})).fact
    assert all(r in fact for r in ("DOUGH_FLAT", "OVEN_COLD", "LATE_VAN", "NO_FLOUR"))
    assert "trend" not in fact


def test_a_misspelt_measure_still_comes_first() -> None:
    rows = [
        {"shop": s, "bucket": f"2025-03-09T1{h}:00:00Z", "baked": 100 + h, "checked": 50, "burnt_pct": h + k}
        for k, s in enumerate(["mill-lane", "quay-side"])
        for h in range(6)
    ]
    call = CallRecord("c1", "s1", "bake_stats", {}, CallStatus.OK, output={"rows": rows})
    lines = analyse_call(call, question="brunt rate mill-lane vs quay-side").fact.splitlines()
    assert lines[1].startswith("  - burnt_pct (shop=mill-lane)"), lines


def test_an_assumed_window_leaves_a_day_wide_calls_older_rows_out() -> None:
    started = NOW
    day = (NOW - timedelta(hours=24)).date().isoformat()
    rows = [{"van": f"v{k}", "started": (NOW - timedelta(hours=k / 2)).isoformat()} for k in range(70)]
    call = CallRecord("c1", "s1", "van_runs", {"since_day": day}, CallStatus.OK, {"rows": rows}, started_at=started)
    assert asked_start("which van runs failed?", call, DELIVERIES) == NOW - timedelta(hours=24)
    # Rows the answer shows whole are the tool's own window: nothing is left out.
    few = CallRecord("c3", "s1", "van_runs", {"since_day": day}, CallStatus.OK, {"rows": rows[:5]}, started_at=started)
    assert asked_start("which van runs failed?", few, DELIVERIES) is None
    # A wider window the planner chose ("when did we last ..."): its day is not the assumed one.
    wide = CallRecord("c2", "s1", "van_runs", {"since_day": "2025-01-01"}, CallStatus.OK, started_at=started)
    assert asked_start("when did we last run the van?", wide, DELIVERIES) is None


def test_clipped_words_and_keep_are_no_uncovered_topics() -> None:
    vocab = vocabulary(TOOLS)
    assert clipped("cert", vocab)  # certificates
    assert not clipped("disk", vocab)
    check = CoverageCheck.of(("thermometer", "cert", "expire"), TOOLS, {}, vocab)
    assert check.uncovered == ()
    assert not is_topic("keep", vocab)
    outcome = _plan("harbour shops keep getting burnt loaves, when did that start and what changed just before?")
    assert not [r for r in outcome.not_covered if "keep" in r.detail], outcome.not_covered


def test_how_long_do_we_keep_asks_the_documents_without_time_words() -> None:
    assert asks_how_to("how long do we keep the old sourdough starter after refreshing it?")
    outcome = _plan("how long do we keep the old sourdough starter after refreshing it?")
    search = [s for s in outcome.plan.steps if s.tool == "bakery_guides"]
    assert search, outcome.plan.steps
    words = str(search[0].arguments["words"]).split()
    assert not {"long", "keep", "old"} & set(words), words


def test_an_enum_value_the_estate_lists_names_the_subject_of_an_investigation() -> None:
    outcome = _plan("north loaves had burnt spikes earlier, when did it start and what was it?")
    tools = {s.tool for s in outcome.plan.steps}
    assert {"bake_stats", "recipe_changes"} <= tools, tools


def test_a_hyphenated_name_the_descriptions_spell_out_is_no_misspelt_value() -> None:
    assert "crust-timer" in vocabulary(TOOLS)
    outcome = _plan("which oven has the crust-timer pilot on it?")
    assert not [r for r in outcome.not_covered if r.reason is AnswerReason.ENTITY_UNKNOWN], outcome.not_covered
    assert "oven_fleet" in {s.tool for s in outcome.plan.steps}


def test_a_word_the_rows_of_a_listing_hold_is_reported_by_them() -> None:
    tools = {t.name: t for t in TOOLS}
    listing = CallRecord(
        "c1", "s1", "oven_fleet", {}, CallStatus.OK, output={"rows": [{"oven": "OV_N_1", "note": "pilot of rye"}]}
    )
    history = CallRecord(
        "c2", "s2", "recipe_changes", {}, CallStatus.OK, output={"rows": [{"summary": "cut flour spend"}]}
    )
    pilot = AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool reports pilot")
    spend = AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool reports spend")
    assert reported_in_rows(pilot, [listing, history], tools)
    assert not reported_in_rows(spend, [listing, history], tools)  # a change history's summary is no listing
    usage = AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool reports pilot usage")
    assert not reported_in_rows(usage, [listing], tools)


def test_an_empty_call_about_a_thing_another_calls_rows_name_is_no_gap() -> None:
    tools = {t.name: t for t in [*TOOLS, _BY_SHOP]}
    steps = (PlanStep("s1", "oven_fleet", {}), PlanStep("s2", "shop_hours", {"shop": "mill-lane"}))
    state = RunState()
    for rec in (
        CallRecord("c1", "s1", "oven_fleet", {}, CallStatus.OK, output={"rows": [{"oven": "A", "shop": "mill-lane"}]}),
        CallRecord("c2", "s2", "shop_hours", {"shop": "mill-lane"}, CallStatus.OK, output={"rows": []}),
    ):
        state.latest[rec.step_id] = rec
    assert empty_results("opening hours of mill-lane ovens", steps, state, tools) == []


_BY_SHOP = Tool(
    "shop_hours",
    "Opening hours of one shop",
    frozenset({"config"}),
    input_schema=_obj({"shop": {"type": "string"}}, ("shop",)),
    idempotent=True,
)
