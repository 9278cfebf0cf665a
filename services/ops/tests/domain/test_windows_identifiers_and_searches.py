"""Honesty checks on answers (the made-up harbour estate, see harbour.py): rows of a call whose look-back was
wider than asked are kept to the asked window, a document search's hits never answer a ranking, a phone number
no step looks up leaves the answer partial, "when did it start" needs an onset, and a cell of a column named in
seconds is stated in seconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opsuite_ops.domain.cell_units import cell_text
from opsuite_ops.domain.compose import DeterministicComposer
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.identifiers import phone_numbers, unlooked_identifiers
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.planning import PlanRequest

from .harbour import CARGO, LOADS, NOW, obj

BERTHS = Tool(
    "berth_moves",
    "Vessel berth moves of the last N days: move id, vessel, berth, moved_at",
    frozenset({"history", "change"}),
    input_schema=obj({"days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}),
)
MANUAL = Tool(
    "harbour_manual_search",
    "Search the harbour manual's documents by words",
    frozenset({"document", "search"}),
    input_schema=obj({"terms": {"type": "string"}}, ("terms",)),
)
CRANES = Tool(
    "crane_status",
    "Cranes of the harbour: crane, quay, state, lifts today",
    frozenset({"inventory"}),
    input_schema=obj({}),
)
TOOLS = [CARGO, LOADS, BERTHS, MANUAL, CRANES]


def iso(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan(question: str) -> Any:
    return DeterministicPlanner().plan_sync(PlanRequest(question, TOOLS, Budget(), NOW))


def call(tool: str, args: dict[str, Any], rows: list[dict[str, Any]]) -> CallRecord:
    return CallRecord("c1", "s1", tool, args, CallStatus.OK, output={"rows": rows}, started_at=NOW)


async def test_rows_older_than_the_asked_window_are_left_out_of_a_coarser_look_back() -> None:
    rows = [
        {"move_id": "MV-2", "vessel": "ada", "berth": "b4", "moved_at": iso(1)},
        {"move_id": "MV-1", "vessel": "ben", "berth": "b2", "moved_at": iso(5)},
    ]
    question = "what berth moves happened in the last 3 hours?"
    out = await DeterministicComposer().compose(question, [call("berth_moves", {"days": 1}, rows)], [], tools={
        "berth_moves": BERTHS})  # fmt: skip
    assert "MV-2" in out.answer and "MV-1" not in out.answer
    assert "1 older rows left out" in out.answer
    # Rows without a time cannot be kept to the window: the answer says so (a cut makes it partial).
    untimed = [{"move_id": "MV-2", "vessel": "ada"}, {"move_id": "MV-1", "vessel": "ben"}]
    out = await DeterministicComposer().compose(question, [call("berth_moves", {"days": 1}, untimed)], [], tools={
        "berth_moves": BERTHS})  # fmt: skip
    assert any("carry no time" in r.detail for r in out.truncated)
    # A look-back as wide as asked keeps every row.
    out = await DeterministicComposer().compose(
        "what berth moves happened in the last day?", [call("berth_moves", {"days": 1}, rows)], [],
        tools={"berth_moves": BERTHS},
    )  # fmt: skip
    assert "MV-1" in out.answer and not out.truncated


def test_a_document_search_does_not_answer_a_ranking_of_a_measure_no_tool_reports() -> None:
    out = plan("which pilot had the longest mooring time today?")
    assert [s.tool for s in out.plan.steps] == ["harbour_manual_search"]  # a search for those very words
    assert any(r.reason is AnswerReason.NOT_COVERED and "mooring time" in r.detail for r in out.not_covered)
    # A planner reviewing another plan's search steps says the same.
    reasons = DeterministicPlanner().coverage_reasons(
        PlanRequest("which pilot had the longest mooring time today?", TOOLS, Budget(), NOW), out.plan.steps
    )
    assert any("mooring time" in r.detail for r in reasons)


def test_a_phone_number_no_step_looks_up_leaves_the_answer_partial() -> None:
    assert phone_numbers("how many times did +31 20 555 0199 ring the quay office?") == ("+31 20 555 0199",)
    assert phone_numbers("loading jobs since 2025-11-03 at 10:30, top 10") == ()
    out = plan("how many times did +31 20 555 0199 call the quay office today?")
    assert any("no tool looks up +31 20 555 0199" in r.detail for r in out.not_covered)
    step = PlanStep("s1", "caller_log", {"number": "+31205550199"})
    assert unlooked_identifiers("calls from +31 20 555 0199?", [step]) == []


async def test_when_it_started_needs_an_onset() -> None:
    rows = [{"crane": "cr-1", "quay": "q1", "state": "down"}, {"crane": "cr-2", "quay": "q2", "state": "up"}]
    out = await DeterministicComposer().compose(
        "crane cr-1 was failing earlier, when did that start?", [call("crane_status", {}, rows)], [],
        tools={"crane_status": CRANES},
    )  # fmt: skip
    assert any("when it started is not known" in r.detail for r in out.truncated)


def test_a_cell_of_a_column_named_in_seconds_reads_in_seconds() -> None:
    assert cell_text("sl_seconds", "15.0") == "15 s"
    assert cell_text("max_wait_s", 600) == "600 s"
    assert cell_text("p99_ms", 12.5) == "12.5 ms"
    assert cell_text("seconds", 3) == "3" and cell_text("status", "s") == "s"
