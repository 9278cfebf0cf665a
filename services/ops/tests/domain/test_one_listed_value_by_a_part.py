"""A word no tool uses that is a whole part of exactly one listed value names that value, and "shut" is a state
word (issue 13, the twenty-fourth estate written blind): "have brackwater been on to us" asks about the sender
"Brackwater Inn" of a feedback log, so the log is what answers, not a search of the procedures for the word; "anything
down or shut" is answered by the status listing.

The estate is made up (a marina's berths and its guests); no estate's names.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory, inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.model import Budget, Tool
from opsuite_ops.domain.planning import PlanRequest

NOW = datetime(2025, 6, 3, 7, 0, tzinfo=UTC)

FEEDBACK = Tool(
    "guest_messages",
    "Messages from guests and partners to the harbour office over the last hours: sender, kind, subject, status",
    frozenset({"guests"}),
    input_schema={"type": "object", "properties": {"hours": {"type": "integer", "default": 24}}},
    idempotent=True,
)
PROCEDURES = Tool(
    "procedures_search",
    "Search the harbour procedures and manuals by keywords (rescue, storm, fuel spill)",
    frozenset({"docs"}),
    input_schema={"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
    idempotent=True,
)
ROWS = [
    {"sender": "Brackwater Inn", "kind": "hotel partner", "subject": "Guests waiting at the fuel pier"},
    {"sender": "Tern Sailing School", "kind": "school", "subject": "Pontoon C gate stuck"},
    {"sender": "Harbour rescue crew", "kind": "rescue", "subject": "Tender held at berth 12"},
]
LOG = [{"text": "Keelwright yard called twice about the crane booking and the Brackwater Inn shuttle"}]


def _inventory(rows: list[dict[str, Any]], log: list[dict[str, Any]] = LOG) -> Inventory:
    return inventory_from_outputs({"guest_messages": {"rows": rows}, "harbour_log": {"rows": log}})


def test_a_part_of_one_listed_value_names_it() -> None:
    entities = extract_entities("have brackwater been on to us today?", now=NOW, inventory=_inventory(ROWS))
    assert ("sender", "Brackwater Inn") in entities.values and "brackwater" not in entities.terms


def test_a_part_of_several_values_free_text_or_a_tool_word_names_none() -> None:
    two = [*ROWS, {"sender": "Brackwater Taxis", "kind": "taxi", "subject": "Late pick-up"}]
    entities = extract_entities("have brackwater been on to us today?", now=NOW, inventory=_inventory(two))
    assert not entities.values  # two senders have it: which one is not for the planner to pick
    # "keelwright" is only in a log line (free text, more than three words): not a name of anything
    entities = extract_entities("has keelwright been on to us today?", now=NOW, inventory=_inventory(ROWS))
    assert not entities.values
    # "rescue" is a word of the tools ("rescue, storm, fuel spill"): a topic, not the "Harbour rescue crew"
    vocab = {"rescue", "storm", "fuel", "spill"}
    entities = extract_entities("any rescue drill today?", now=NOW, inventory=_inventory(ROWS), vocabulary=vocab)
    assert not entities.values and "rescue" in entities.terms


def test_the_log_that_lists_the_value_answers_not_a_search_for_the_word() -> None:
    request = PlanRequest(
        question="have brackwater been on to us in the last few hrs?",
        tools=[FEEDBACK, PROCEDURES],
        budget=Budget(),
        now=NOW,
        inventory=_inventory(ROWS),
    )
    steps = DeterministicPlanner().plan_sync(request).plan.steps
    assert [s.tool for s in steps] == ["guest_messages"]


def test_shut_is_covered_by_a_tool_reporting_closed_states_so_the_status_listing_answers() -> None:
    from opsuite_ops.domain.coverage import is_topic

    assert not is_topic("shut", frozenset({"closed"})) and is_topic("shut", frozenset({"berth"}))
    berths = Tool(
        "berth_status",
        "Every berth now: state (occupied, free, down, closed) and since when",
        frozenset({"status"}),
        input_schema={"type": "object", "properties": {"pontoon": {"type": "string", "default": ""}}},
        idempotent=True,
    )
    request = PlanRequest(
        question="anything down or shut rn?", tools=[berths, PROCEDURES], budget=Budget(), now=NOW, inventory=None
    )
    steps = DeterministicPlanner().plan_sync(request).plan.steps
    assert [s.tool for s in steps] == ["berth_status"]  # not a procedures search for "down shut"


def test_fillers_name_nothing_and_shut_ranks_the_tools_of_closed_states() -> None:
    entities = extract_entities("any race stuff on pontoon c this wk? rope stretch wise?", now=NOW)
    assert "stuff" not in entities.terms and "wise" not in entities.terms and "race" in entities.terms
    berths = Tool(
        "berth_status",
        "Every mooring now: state (occupied, free, closed) and since when",
        frozenset({"status"}),
        input_schema={"type": "object", "properties": {"pontoon": {"type": "string", "default": ""}}},
        idempotent=True,
    )
    from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS, rank_tools

    ranked = dict((t.name, score) for t, score in rank_tools("shut", [berths, PROCEDURES], DEFAULT_SYNONYMS))
    assert ranked["berth_status"] > 0 and ranked["procedures_search"] == 0  # "shut": its closed state
