"""Kinds of name come from the estate's data: any listed column is a kind, its values names of that kind.

The estate here is made up for these tests (storage switches and queues, none of the demo's, second's or
third's names): a listing without any host or service column still names things, an unknown name gets the
kind and close matches of the value it resembles, a parameter named after a kind takes its value, words that
only say what happened are never "not reported", and a change calendar is change history by its shape.
"""

from datetime import UTC, datetime
from typing import Any

from opsuite_ops.domain.coverage import CoverageCheck, is_topic, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_candidates, inventory_from_outputs
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_arguments
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.param_kinds import is_search_param, name_kinds
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.timeline import change_events, is_change_table

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


SWITCHES = Tool(
    "fabric_switches",
    "Storage fabric switches per site with firmware",
    frozenset({"inventory"}),
    input_schema=_obj({"site": {"type": "string", "default": ""}}),
    idempotent=True,
)
QUEUES = Tool(
    "queue_list",
    "Message queues and the tenant that owns them",
    frozenset({"config"}),
    input_schema=_obj({}),
    idempotent=True,
)
PORT_ERRORS = Tool(
    "port_errors",
    "Port errors of a switch per minute",
    frozenset({"metric"}),
    input_schema=_obj({"switch": {"type": "string", "description": "switch hostname"}}, ("switch",)),
)
QUEUE_DEPTH = Tool(
    "queue_depth",
    "Depth of the queues of a tenant per minute",
    frozenset({"metric"}),
    input_schema=_obj({"tenant": {"type": "string"}}, ("tenant",)),
)
ESCALATION = Tool(
    "escalation_contacts",
    "Escalation contacts of a squad",
    frozenset({"config"}),
    input_schema=_obj({"squad": {"type": "string"}}, ("squad",)),
)
NOTES = Tool(
    "notes",
    "Find operator notes that contain a phrase",
    frozenset({"config"}),
    input_schema=_obj({"phrase": {"type": "string"}}, ("phrase",)),
)
TOOLS = [SWITCHES, QUEUES, PORT_ERRORS, QUEUE_DEPTH, ESCALATION, NOTES]
OUTPUTS = {
    "fabric_switches": {
        "rows": [
            {"switch": "sw-par-01", "site": "par", "firmware": "9.3"},
            {"switch": "sw-par-02", "site": "par", "firmware": "9.3"},
            {"switch": "sw-mad-01", "site": "mad", "firmware": "9.4"},
        ]
    },
    "queue_list": {"rows": [{"queue": "invoices-in", "tenant": "ledger"}, {"queue": "mail-out", "tenant": "notify"}]},
}
INVENTORY = inventory_from_outputs(OUTPUTS)


def entities(question: str) -> Any:
    return extract_entities(
        question, now=NOW, inventory=INVENTORY, vocabulary=vocabulary(TOOLS), kinds=name_kinds(TOOLS)
    )


def plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW, inventory=INVENTORY))


def test_listings_without_hosts_or_services_are_inventory_and_their_columns_are_kinds() -> None:
    assert {t.name for t in inventory_candidates(TOOLS)} == {"fabric_switches", "queue_list"}
    assert INVENTORY and set(INVENTORY.sources) == {"fabric_switches", "queue_list"}
    assert INVENTORY.value("sw-par-02") == ("switch", "sw-par-02")
    assert INVENTORY.value("ledger") == ("tenant", "ledger")


def test_an_unknown_name_takes_the_kind_and_close_matches_of_the_value_of_its_shape() -> None:
    found = entities("port errors on sw-par-07")
    assert [(u.name, u.kind) for u in found.unknown] == [("sw-par-07", "switch")]
    assert set(found.unknown[0].suggestions) >= {"sw-par-01", "sw-par-02"}
    # Another shape (two parts, not one) is another name, not a misspelling of "ledger".
    assert not entities("escalation contacts for ledger-ops").unknown


def test_a_parameter_named_after_a_kind_takes_the_value_given() -> None:
    args = fill_arguments(PORT_ERRORS, entities("port errors on sw-par-02"), now=NOW).arguments
    assert args == {"switch": "sw-par-02"}  # not read as a host, though described as a "hostname"
    steps = plan("list the switches at the par site").plan.steps
    assert [(s.tool, s.arguments) for s in steps] == [("fabric_switches", {"site": "par"})]


def test_a_required_parameter_takes_the_column_of_the_row_a_name_was_listed_in() -> None:
    args = fill_arguments(QUEUE_DEPTH, entities("depth of invoices-in"), now=NOW).arguments
    assert args == {"tenant": "ledger"}


def test_a_word_before_a_kind_word_or_a_name_nothing_lists_fills_that_kind() -> None:
    assert ("squad", "dba") in entities("escalation contacts of the dba squad").values
    args = fill_arguments(ESCALATION, entities("escalation contacts for ledger-ops"), now=NOW).arguments
    assert args == {"squad": "ledger-ops"}


def test_a_tool_whose_words_speak_of_finding_a_phrase_is_a_search() -> None:
    assert is_search_param(NOTES, "phrase", NOTES.properties["phrase"])
    assert not is_search_param(ESCALATION, "squad", ESCALATION.properties["squad"])


def test_only_words_that_can_name_a_topic_are_uncovered() -> None:
    vocab = frozenset({"run", "restart", "queue"})
    assert not is_topic("went", vocab) and not is_topic("safely", vocab)
    assert not is_topic("running", vocab) and not is_topic("restarted", vocab)
    assert is_topic("rebooted", vocab) and not is_topic("rebooted", vocab, cause=True)
    assert is_topic("latency", vocab)
    check = CoverageCheck.of(["seeing", "port", "errors"], TOOLS, {})
    assert check.uncovered == ()
    check = CoverageCheck.of(["switches", "rebooted"], TOOLS, {})
    assert check.uncovered == ("rebooted",)


def test_an_empty_answer_for_a_value_nothing_vouches_for_is_not_complete() -> None:
    outcome = plan("escalation contacts of the dba squad")
    assert [(s.tool, s.arguments) for s in outcome.plan.steps] == [("escalation_contacts", {"squad": "dba"})]
    assert not any(r.reason is AnswerReason.ENTITY_UNKNOWN for r in outcome.not_covered)  # known only after the run


def test_a_change_calendar_is_change_history_by_its_row_shape() -> None:
    columns = ["ref", "system", "summary", "implementer", "done_at"]
    rows = [
        {"ref": "CHG-7-1", "system": "sw-par-01", "summary": "firmware 9.4", "implementer": "ana",
         "done_at": "2025-03-01T10:00:00Z"},
    ]  # fmt: skip
    assert is_change_table(columns, rows) == "done_at"
    events = change_events("c1", columns, rows)
    assert events is not None and "sw-par-01" in events[0].label
    tickets = ["key", "priority", "status", "summary", "reporter", "created_at"]
    ticket_rows = [{"key": "Q-1", "priority": "P2", "status": "open", "summary": "slow", "reporter": "x",
                    "created_at": "2025-03-01T10:00:00Z"}]  # fmt: skip
    assert is_change_table(tickets, ticket_rows) is None
