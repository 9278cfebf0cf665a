"""Windows and values read from tool schemas (issue 13, the blind CDN estate's causes): a window's two ends,
look-backs in their own unit, forward ranges, values of the estate's own kinds (named, implied by a dotted
name, by their parts, or all of them when the question asks across the kind), A vs B on such a kind, and
plain English words that are no values.

The estate here is made up (a greenhouse: beds, circuits, domains of its controllers); no estate's names.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs, same_kind
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments, fill_variants
from opsuite_ops.domain.model import Budget, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.timerange import duration_value, time_bound, time_range
from opsuite_ops.domain.values import identifier_like

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


def _ts(what: str) -> dict[str, Any]:
    return {"type": "string", "format": "date-time", "description": what}


BEDS = Tool(
    "garden_beds",
    "Garden beds with their greenhouse and irrigation circuit",
    frozenset({"inventory"}),
    input_schema=_obj({}),
    idempotent=True,
)
MOISTURE = Tool(
    "soil_moisture",
    "Soil moisture percent of a bed, 10-minute samples in a window",
    frozenset({"metric"}),
    input_schema=_obj(
        {
            "bed": {"type": "string", "description": "bed name, e.g. bed-app-9"},
            "begin_at": _ts("window start"),
            "finish_at": _ts("window end"),
        },
        ("bed", "begin_at", "finish_at"),
    ),
)
FLOW = Tool(
    "circuit_flow",
    "Water flow of an irrigation circuit",
    frozenset({"metric"}),
    input_schema=_obj(
        {"circuit": {"type": "string"}, "hours_back": {"type": "integer", "minimum": 1, "maximum": 48}},
        ("circuit",),
    ),
)
SETTINGS = Tool(
    "controller_settings",
    "Setting changes of a controller domain: key, old and new value",
    frozenset({"history"}),
    input_schema=_obj(
        {"domain": {"type": "string"}, "days_back": {"type": "integer", "minimum": 1, "maximum": 30}}, ("domain",)
    ),
)
SEEDS = Tool(
    "seed_lots",
    "Seed lots expiring within a number of days",
    frozenset({"config"}),
    input_schema=_obj({"within_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 30}}),
)
TOOLS = [BEDS, MOISTURE, FLOW, SETTINGS, SEEDS]
OUTPUTS = {
    "garden_beds": {
        "rows": [
            {"bed": "bed-north-3", "greenhouse": "gh-alpha", "circuit": "circ-drip-west", "domain": "ctl.farm.test"},
            {"bed": "bed-south-1", "greenhouse": "gh-alpha", "circuit": "circ-drip-east", "domain": "ctl.farm.test"},
            {"bed": "bed-east-2", "greenhouse": "gh-beta", "circuit": "circ-mist-east", "domain": "ops.farm.test"},
        ]
    }
}
INVENTORY = inventory_from_outputs(OUTPUTS)


def entities(question: str) -> Any:
    return extract_entities(question, now=NOW, inventory=INVENTORY)


def plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW, inventory=INVENTORY))


def test_a_window_parameter_pair_gets_both_ends_never_the_same_instant() -> None:
    assert time_bound("from_ts", {"format": "date-time"}) == "since"
    assert time_bound("to_ts", {"format": "date-time"}) == "until"
    assert time_bound("begin_at", _ts("window start")) == "since"
    assert time_bound("finish_at", _ts("window end")) == "until"
    assert time_bound("at", _ts("end of the window")) == "until"
    assert time_bound("max_rows", {"type": "integer"}) is None  # no timestamp: "max" says nothing of time
    args = fill_arguments(MOISTURE, entities("moisture of bed-north-3 over the last 6 hours"), now=NOW).arguments
    assert args["begin_at"] == "2025-06-02T04:00:00Z" and args["finish_at"] == "2025-06-02T10:00:00Z"
    # No time in the question: the default window, ending now.
    args = fill_arguments(MOISTURE, entities("moisture of bed-north-3 right now"), now=NOW).arguments
    assert args["begin_at"] == "2025-06-01T10:00:00Z" and args["finish_at"] == "2025-06-02T10:00:00Z"


def test_look_backs_take_the_window_in_their_own_unit_rounded_up_and_within_bounds() -> None:
    three_hours = 3 * 3600
    assert duration_value("hours_back", {"type": "integer"}, three_hours) == 3
    assert duration_value("minutes", {"type": "integer"}, three_hours) == 180
    assert duration_value("days_back", {"type": "integer", "minimum": 1}, three_hours) == 1  # covers the 3 hours
    assert duration_value("hours_back", {"type": "integer", "maximum": 2}, three_hours) == 2
    assert duration_value("window", {"type": "string"}, three_hours) == "10800s"
    assert duration_value("bed", {"type": "string"}, three_hours) is None
    args = fill_arguments(SETTINGS, entities("setting changes on ctl.farm.test in the last 3h"), now=NOW).arguments
    assert args == {"domain": "ctl.farm.test", "days_back": 1}
    args = fill_arguments(FLOW, entities("flow of circ-drip-west over the last hour"), now=NOW).arguments
    assert args == {"circuit": "circ-drip-west", "hours_back": 1}


def test_forward_ranges_fill_look_ahead_parameters() -> None:
    found = time_range("which seed lots expire in the next two weeks", NOW)
    assert found is not None and found.since == NOW and found.until == NOW + timedelta(days=14)
    window = time_range("anything due within 10 days", NOW)
    assert window is not None and window.until - window.since == timedelta(days=10)
    args = fill_arguments(SEEDS, entities("which seed lots expire in the next two weeks?"), now=NOW).arguments
    assert args == {"within_days": 14}


def test_kinds_match_by_name_with_key_suffixes_and_qualifiers() -> None:
    assert same_kind("pop_code", "pop") and same_kind("origin_circuit", "circuit") and same_kind("bed", "bed_name")
    assert not same_kind("name", "name_contains") and not same_kind("bed", "flowerbed")
    assert INVENTORY.lists("circuit") and INVENTORY.values_of("circuit")[0] == "circ-drip-east"


def test_a_value_of_a_listed_kind_fills_the_parameter_named_after_it_even_at_the_start() -> None:
    args = fill_arguments(FLOW, entities("circ-mist-east flow, is it ok?"), now=NOW).arguments
    assert args == {"circuit": "circ-mist-east"}


def test_a_vs_b_on_a_kind_of_the_estate_calls_the_tool_for_each_side() -> None:
    variants = fill_variants(FLOW, entities("compare flow of circ-drip-west vs circ-drip-east"), now=NOW)
    assert [v.arguments["circuit"] for v in variants] == ["circ-drip-west", "circ-drip-east"]


def test_a_dotted_name_names_the_known_value_it_ends_with() -> None:
    found = entities("when did valve7.ctl.farm.test last change?")
    assert ("domain", "ctl.farm.test") in found.values
    steps = plan("setting changes of valve7.ctl.farm.test").plan.steps
    assert [(s.tool, s.arguments["domain"]) for s in steps if s.tool == "controller_settings"] == [
        ("controller_settings", "ctl.farm.test")
    ]


def test_words_that_are_parts_of_exactly_one_value_name_it() -> None:
    args = fill_arguments(FLOW, entities("flow of the drip west circuit"), now=NOW).arguments
    assert args["circuit"] == "circ-drip-west"  # "drip" and "west": only one circuit has both
    assert "circuit" not in fill_arguments(FLOW, entities("flow of the drip circuit"), now=NOW).arguments  # a tie
    # The parts are names, not topics no tool reports; but only next to their kind's word: "drip usage"
    # may be a topic of its own ("disk usage" is, whatever a value of another kind is called).
    assert "west" not in entities("flow of the drip west circuit").terms
    assert "drip" in entities("drip usage of bed-north-3").terms


def test_a_question_across_a_kind_calls_the_tool_for_every_listed_value() -> None:
    steps = plan("which circuit has the lowest flow right now?").plan.steps
    assert sorted(s.arguments["circuit"] for s in steps if s.tool == "circuit_flow") == [
        "circ-drip-east",
        "circ-drip-west",
        "circ-mist-east",
    ]
    # "which" alone lists, it does not fan out ("which beds are in gh-alpha").
    assert not [s for s in plan("which circuits do we have?").plan.steps if s.tool == "circuit_flow"]


def test_a_plain_word_is_no_value_of_a_kind_the_estate_lists() -> None:
    assert identifier_like("bed7") and identifier_like("gh-alpha") and identifier_like("NotReady")
    assert not identifier_like("europe") and not identifier_like("traffic")
    outcome = plan("is the circuit in europe flowing?")
    assert all(s.arguments.get("circuit") != "europe" for s in outcome.plan.steps)
    # A plain word before the kind's word is reported as no such value (the estate lists them all).
    found = entities("flow of the lettuce circuit")
    assert [(u.name, u.kind) for u in found.unknown] == [("lettuce", "circuit")]


def test_a_value_of_many_rows_says_nothing_of_one_rows_other_columns() -> None:
    # gh-alpha has two beds: a question naming it does not pick one of them for a bed parameter.
    assert INVENTORY.row_of("gh-alpha") == ()
    assert ("circuit", "circ-drip-west") in INVENTORY.row_of("bed-north-3")
    args = fill_arguments(MOISTURE, entities("moisture in gh-alpha"), now=NOW)
    assert "bed" in args.missing


def test_a_typo_of_a_known_value_is_reported_and_the_answer_is_for_the_value() -> None:
    found = entities("flow of circ-misst-east")
    assert [(u.name, u.assumed) for u in found.unknown] == [("circ-misst-east", "circ-mist-east")]
    assert "the answer is for circ-mist-east" in found.unknown[0].sentence()
    assert fill_arguments(FLOW, found, now=NOW).arguments == {"circuit": "circ-mist-east"}
    # Another number is another thing, never a typo.
    other = entities("moisture of bed-north-4")
    assert other.unknown and not other.unknown[0].assumed


def test_a_number_named_like_a_bound_is_no_timestamp() -> None:
    assert time_bound("max", {"type": "integer"}) is None and time_bound("last", {"type": "integer"}) is None
    assert time_bound("until", {"type": "string"}) == "until" and time_bound("after", {}) == "since"
