"""A board of things at one moment is rows, not a series; a filter takes a name spelt like its example (issue
13, the thirty-seventh estate written blind: a hospital group's clinical IT).

The estate is made up (a zoo's enclosures, feeders and keepers); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.broaden import Narrowing, empty_searches
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import UnknownName
from opsuite_ops.domain.example_names import names_by_example
from opsuite_ops.domain.extract import Entities
from opsuite_ops.domain.fill_words import choose_enum
from opsuite_ops.domain.model import Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.series import analyse_table

from .run_state import run_of

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)

FEEDERS = Tool(
    "feeders.list",
    "Automatic feeders: feeder FD-nnnnn, enclosure, diet plan version (DP7 is current), hopper %, status",
    frozenset({"inventory", "feeder", "fleet"}),
    input_schema={
        "type": "object",
        "properties": {
            "feeder": {"type": "string", "default": "", "description": "e.g. FD-00107"},
            "diet_plan": {"type": "string", "default": "", "description": "e.g. DP6"},
        },
    },
)
JAMS = Tool(
    "feeders.jam_counts",
    "Feeder jams over the last N days, counted per feeder or per enclosure, most first",
    frozenset({"metric", "feeder", "count", "ranking"}),
    input_schema={
        "type": "object",
        "properties": {
            "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            "by": {"type": "string", "enum": ["feeder", "enclosure"], "default": "feeder", "description": "count per"},
        },
    },
)
KEEPERS = Tool("keepers.rota", "Keepers on shift per enclosure", frozenset({"rota", "who"}))
TOOLS = [FEEDERS, JAMS, KEEPERS]


def _plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW))


def test_a_board_of_things_updated_at_one_moment_is_no_series() -> None:
    rows = [
        {"enclosure": f"E-{k}", "visitors": 10 + k, "zone": "north", "updated": "2025-07-01T08:55:00Z"}
        for k in range(6)
    ]
    rows.append({"enclosure": "E-9", "visitors": 3, "zone": "north", "updated": "2025-07-01T08:40:00Z"})
    assert analyse_table(["enclosure", "visitors", "zone", "updated"], rows) is None
    # A series of one group at distinct times still is one.
    series = [{"zone": "north", "visitors": 10 + k, "at": f"2025-07-01T0{k}:00:00Z"} for k in range(6)]
    assert analyse_table(["zone", "visitors", "at"], series) is not None


def test_a_filter_takes_a_name_spelt_like_its_example() -> None:
    steps = {s.tool: s.arguments for s in _plan("whats going on with feeder FD-00233").plan.steps}
    # The feeder it names is the list's filter: the list is asked for that feeder alone.
    assert steps[FEEDERS.name] == {"feeder": "FD-00233"}
    steps = {s.tool: s.arguments for s in _plan("how many feeders r on DP6 still?").plan.steps}
    assert steps[FEEDERS.name] == {"diet_plan": "DP6"}  # as the question writes it
    # Another pattern of letters and digits is no value of it.
    assert all(
        a.get("diet_plan") != "DPX6"
        for a in {s.tool: s.arguments for s in _plan("feeders on DPX6").plan.steps}.values()
    )


def test_a_value_an_enum_takes_or_a_short_example_fills_no_filter() -> None:
    incidents = Tool(
        "incidents.list",
        "Incidents of the zoo: id, severity, shard, keeper badge, opened",
        frozenset({"incident", "history"}),
        input_schema={
            "type": "object",
            "properties": {
                "severity": {"type": "string", "enum": ["", "p1", "p2", "p3"], "default": ""},
                "shard": {"type": "string", "default": "", "description": "e.g. s3"},
                "badge": {"type": "string", "default": "", "description": "keeper badge, e.g. KB12"},
            },
        },
    )
    plan = DeterministicPlanner().plan_sync(
        PlanRequest("any p1 incidents for KB07?", [*TOOLS, incidents], Budget(), NOW)
    )
    (args,) = [s.arguments for s in plan.plan.steps if s.tool == incidents.name]
    assert args == {"severity": "p1", "badge": "KB07"}


def test_a_search_for_what_another_step_looked_up_and_found_is_no_missing_part() -> None:
    cases = Tool(
        "vendor.cases",
        "Vendor cases by ref",
        frozenset({"vendor"}),
        input_schema={"type": "object", "properties": {"ref": {"type": "string"}}, "required": ["ref"]},
    )
    log = Tool(
        "keeper.log",
        "Search the keepers' log for a word",
        frozenset({"log", "search"}),
        input_schema={"type": "object", "properties": {"q": {"type": "string", "description": "text to look for"}}},
    )
    found = CallRecord("c1", "s1", cases.name, {"ref": "ZV-00412"}, CallStatus.OK, {"rows": [{"ref": "ZV-00412"}]})
    empty = CallRecord("c2", "s2", log.name, {"q": "ZV-00412"}, CallStatus.OK, {"rows": []})
    tools = {t.name: t for t in (cases, log)}
    state, steps = run_of(found, empty)
    assert empty_searches(steps, state, tools, Narrowing()) == []
    # Without the look-up, the empty search is a part not found.
    state, steps = run_of(empty)
    assert len(empty_searches(steps, state, tools, Narrowing())) == 1


def test_is_it_ok_filters_nothing_and_a_name_that_is_the_example_is_of_its_kind() -> None:
    assert choose_enum(["", "ok", "failed"], ["sync", "ok"], question="is inventory sync ok?") == ([], [])
    assert choose_enum(["", "ok", "failed"], ["failed", "syncs"], question="is any sync failed?") == (["failed"], [])
    assert choose_enum(["", "ok", "failed"], ["ok", "syncs"], question="which syncs went ok") == (["ok"], [])
    tools = [Tool("psp.rate", "Auth rate per PSP", frozenset({"metric"}), input_schema={"type": "object",
             "properties": {"psp": {"type": "string", "description": "PSP code, e.g. PayNora-EU"}}})]  # fmt: skip
    unknown = UnknownName("paynora-eu", "service", ("pay-orch",))
    read = names_by_example(Entities(question="paynora-eu rate", unknown=(unknown,)), tools)
    assert read.unknown == () and ("psp", "paynora-eu") in read.values
    assert DEFAULT_SYNONYMS["flip"] and DEFAULT_SYNONYMS["pickup"]
