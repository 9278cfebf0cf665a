"""Honesty first, continued: a matching tool the step budget leaves out is always a part not covered; a count
no planned tool knows the counted thing of ("how many origin servers") is a part not covered; a call that cannot
take the value the question restricts by ("pops in APAC") and matches nothing else is left out.

The estate is made up (a harbour's vessels, cargo histories and loading jobs); no estate's names.
"""

from typing import Any

from opsuite_ops.domain.aggregate import counted_words
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import inventory_from_outputs
from opsuite_ops.domain.model import AnswerReason, Budget, Tool
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

from .harbour import CARGO, LOADS, NOW, obj

HARBOUR = [CARGO, LOADS]
VESSELS = inventory_from_outputs({"vessels": {"rows": [{"vessel": n} for n in ("aurora", "borealis")]}})


def _plan(question: str, tools: list[Tool], steps: int, inventory: Any = VESSELS) -> PlanOutcome:
    return DeterministicPlanner().plan_sync(
        PlanRequest(question, tools, Budget(max_steps=steps), NOW, inventory=inventory)
    )


def _gaps(outcome: PlanOutcome) -> list[str]:
    return [r.detail for r in outcome.not_covered if r.reason in (AnswerReason.NOT_COVERED, AnswerReason.NO_TOOL)]


def test_a_matching_tool_the_step_budget_leaves_out_is_a_part_not_covered() -> None:
    question = "cargo tonnes and loading jobs of aurora"
    roomy = _plan(question, HARBOUR, steps=6)
    assert {s.tool for s in roomy.plan.steps} == {"vessel_cargo_history", "loading_jobs"}
    assert _gaps(roomy) == []
    for steps in (1,):
        tight = _plan(question, HARBOUR, steps=steps)
        assert len(tight.plan.steps) == 1
        (run,) = {s.tool for s in tight.plan.steps}
        (left,) = {"vessel_cargo_history", "loading_jobs"} - {run}
        gaps = _gaps(tight)
        assert any(left in g and "budget" in g for g in gaps), gaps
        assert all(r.reason is AnswerReason.NOT_COVERED for r in tight.not_covered if r.tool == left)


BERTH_STATS = Tool(
    "berth_latency",
    "Crane response time of a berth group: p95 (ms), faults per minute and lifts per minute, 5-minute buckets",
    frozenset({"metric", "crane"}),
    input_schema=obj({"group": {"type": "string", "description": "berth group, e.g. bg-north"}}, ("group",)),
)
BERTHS = Tool(
    "berth_assignments",
    "Berth assignments: hostname of the gate, berth group, crane firmware version",
    frozenset({"config", "inventory"}),
    input_schema=obj({"host": {"type": "string", "default": "", "description": "part of a gate hostname"}}),
)
GROUPS = inventory_from_outputs(
    {"berth_assignments": {"rows": [{"berth_group": "bg-north"}, {"berth_group": "bg-south"}]}}
)


def test_a_count_no_planned_tool_knows_is_a_part_not_covered() -> None:
    # "servers" is a kind of name (hosts), and the listing has a hostname: no tool still counts the servers.
    question = "bg-north p95 right now, and how many crane servers are in that group?"
    outcome = _plan(question, [BERTH_STATS, BERTHS], steps=6, inventory=GROUPS)
    assert "berth_latency" in {s.tool for s in outcome.plan.steps}
    assert any(g.startswith("no tool counts crane servers") for g in _gaps(outcome)), _gaps(outcome)
    # A count of what a planned tool reports is answered: no reason.
    faults = _plan("how many faults per minute is bg-north seeing?", [BERTH_STATS, BERTHS], steps=6, inventory=GROUPS)
    assert _gaps(faults) == []
    jobs = _plan("how many loading jobs failed since yesterday?", HARBOUR, steps=6)
    assert _gaps(jobs) == []
    assert counted_words("how many times was aurora loaded?") == ()  # a count of events: the act's rows
    assert counted_words("how many crane servers are in that group?") == ("crane", "servers")


GATES = Tool(
    "harbour_gates",
    "Harbour gates: gate code, quay, zone, state and lanes",
    frozenset({"config", "inventory"}),
    input_schema=obj(
        {
            "zone": {"type": "string", "enum": ["", "north", "south", "east"], "default": ""},
            "state": {"type": "string", "enum": ["", "open", "closed"], "default": ""},
        }
    ),
)
GATE_WORKS = Tool(
    "gate_works",
    "Planned works (WK-nn) per gate: start, end, reason, owning crew",
    frozenset({"history", "config"}),
    input_schema=obj({"gate_code": {"type": "string", "default": "", "description": "gate code, empty for all"}}),
)


PORT = [GATES, GATE_WORKS, CARGO, LOADS, BERTH_STATS, BERTHS]


def test_a_call_that_cannot_take_the_value_the_question_restricts_by_is_left_out() -> None:
    # "gates in the north zone": the works of every gate would list the south's too, as if they were asked.
    outcome = _plan("which gates do we have in NORTH?", PORT, steps=6)
    assert [(s.tool, s.arguments) for s in outcome.plan.steps] == [("harbour_gates", {"zone": "north"})]
    assert any("left out gate_works" in n for n in outcome.plan.notes), outcome.plan.notes
    # Asked for by a word of its own ("works"), it stays.
    both = _plan("list the north gates and their planned works", PORT, steps=6)
    assert {s.tool for s in both.plan.steps} == {"harbour_gates", "gate_works"}
    closed = _plan("which gates are closed?", PORT, steps=6)
    assert [s.tool for s in closed.plan.steps] == ["harbour_gates"]
