"""Negators in the middle of a question, lists after "excluding", counts of a stated value, and calls for some of
the named values only: none may give a COMPLETE answer with the opposite filter (made-up harbour tools)."""

from __future__ import annotations

from typing import Any

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory, inventory_from_outputs
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

from .harbour import LOADS, NOW, obj

CRANES = Tool(
    "list_cranes",
    "Cranes of the harbour: crane, berth, status, duty",
    frozenset({"inventory"}),
    input_schema=obj(
        {
            "status": {"type": "string", "enum": ["", "working", "idle", "down", "service"], "default": ""},
            "duty": {"type": "string", "enum": ["", "main", "spare"], "default": ""},
        }
    ),
)
QUAYS = Tool(
    "quay_groups",
    "Quays and the cranes standing on them: quay, berth, status",
    frozenset({"inventory"}),
    input_schema=obj({"status": {"type": "string", "enum": ["", "working", "idle", "down"], "default": ""}}),
)
BERTH_LOAD = Tool(
    "hold_load",
    "Load of one hold of a berth: tonnes stowed, tonnes free",
    frozenset({"metric"}),
    input_schema=obj(
        {"host": {"type": "string", "description": "hostname"}, "hold_id": {"type": "string"}}, ("host", "hold_id")
    ),
)
HOLDS = Tool(
    "list_holds",
    "Holds of the harbour: hold_id, host, size",
    frozenset({"inventory"}),
    input_schema=obj({}),
    output_hints={"hold_id": "$.rows[*].hold_id"},
)
BERTHS = inventory_from_outputs({"berths": {"rows": [{"host": f"bx-{i}"} for i in range(1, 6)]}})


def _plan(question: str, tools: list[Tool], steps: int = 6, inventory: Inventory | None = None) -> PlanOutcome:
    request = PlanRequest(question, tools, Budget(max_steps=steps), NOW, inventory=inventory)
    return DeterministicPlanner().plan_sync(request)


def _values(outcome: PlanOutcome, tool: str, param: str) -> set[Any]:
    return {s.arguments.get(param) for s in outcome.plan.steps if s.tool == tool}


def _gaps(outcome: PlanOutcome) -> list[str]:
    return [r.detail for r in outcome.not_covered if r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL)]


def test_a_negated_verb_phrase_in_the_middle_of_a_question_negates_no_value() -> None:
    for question in (
        "so why aren't the failed loading jobs since 2025-11-01 retried?",
        "ok and why aren't the failed loading jobs since 2025-11-01 retried?",
        "loading jobs since 2025-11-01: why aren't the failed ones retried?",
    ):
        assert _values(_plan(question, [LOADS, CRANES]), "loading_jobs", "status") == {"failed"}, question
    spare = _plan("after the shift change, isn't the spare crane idle?", [CRANES])
    assert "main" not in _values(spare, "list_cranes", "duty"), spare.plan.steps
    unsure = _plan("what aren't the spare cranes reporting?", [CRANES])
    assert "main" not in _values(unsure, "list_cranes", "duty"), unsure.plan.steps


def test_a_list_after_excluding_is_negated_across_and_but_not_past_only() -> None:
    for question, gone in (
        ("cranes excluding working and down", {"working", "down"}),
        ("all cranes except working and idle ones", {"working", "idle"}),
        ("not working cranes?", {"working"}),
        ("cranes that are anything but working", {"working"}),
    ):
        values = _values(_plan(question, [CRANES]), "list_cranes", "status")
        assert not values & gone, (question, values)
    only = _values(_plan("cranes other than the main, working ones only", [CRANES]), "list_cranes", "status")
    assert only <= {None, "", "working"}, only


def test_how_many_does_not_take_a_stated_value_for_the_counted_noun() -> None:
    outcome = _plan("how many quay cranes down?", [QUAYS])
    assert _values(outcome, "quay_groups", "status") == {"down"}
    assert any("no tool counts" in g for g in _gaps(outcome)), _gaps(outcome)


def test_a_named_list_without_the_other_required_name_calls_for_each_or_says_how_many_not() -> None:
    outcome = _plan("hold load of bx-1, bx-2, bx-3 and bx-4", [BERTH_LOAD, HOLDS], steps=3, inventory=BERTHS)
    hosts = _values(outcome, "hold_load", "host")
    assert len(hosts) > 1, outcome.plan.steps
    assert any("of 4 combinations" in g for g in _gaps(outcome)), _gaps(outcome)


def test_exclude_as_a_verb_negates_the_value() -> None:
    values = _values(_plan("list cranes but exclude working ones", [CRANES]), "list_cranes", "status")
    assert "working" not in values and values - {None, ""}, values


def test_a_trailing_excluded_negates_the_value_before_it() -> None:
    values = _values(_plan("cranes, working ones excluded", [CRANES]), "list_cranes", "status")
    assert "working" not in values and values - {None, ""}, values


def test_without_in_the_middle_of_a_question_never_takes_the_value_as_wanted() -> None:
    outcome = _plan("cranes without a working status", [CRANES])
    assert "working" not in _values(outcome, "list_cranes", "status"), outcome.plan.steps
