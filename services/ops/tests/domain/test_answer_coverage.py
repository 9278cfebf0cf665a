"""Answers that are right or say what they lack (issue 13): parameters read by meaning, names that are also
words, inventory values and setting keys, short baselines, narrower searches, investigations and the LLM's
own "no tool answers this".

The tools here are made up for each test (their names are no estate's): ops must read them by schema.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from typing import Any as FakeLlm  # the fixture class lives in conftest.py

from opsuite_ops.adapters.llm import LlmClient, LlmSettings
from opsuite_ops.domain.bm25 import tokenise
from opsuite_ops.domain.broaden import Narrowing, empty_searches, narrower_plan
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory, column_concept, inventory_from_outputs
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill_words import enum_choices
from opsuite_ops.domain.llm_planner import LlmPlanner
from opsuite_ops.domain.model import AnswerReason, Budget, CallRecord, CallStatus, PlanStep, Tool
from opsuite_ops.domain.param_kinds import param_concept
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest
from opsuite_ops.domain.series import change_points

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
_AFTER = {"type": "string", "format": "date-time"}


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required}


def tools() -> list[Tool]:
    node = {"type": "string", "description": "node id, e.g. n-1"}
    unit = {"type": "string", "description": "name of the application"}
    return [
        Tool("fleet", "Every node with its unit and zone", frozenset({"config"}), input_schema=_obj({}, []),
             idempotent=True),
        Tool("node_busy", "Busy percentage of a node over time", frozenset({"metric", "cpu"}),
             input_schema=_obj({"node_id": node, "after": _AFTER}, ["node_id", "after"]), idempotent=True),
        Tool("unit_p99", "p99 response time of a unit over the last N minutes", frozenset({"metric", "latency"}),
             input_schema=_obj({"unit": unit, "window_minutes": {"type": "integer"}}, ["unit"]), idempotent=True),
        Tool("unit_errors_now", "Current failed requests of a unit", frozenset({"metric", "errors"}),
             input_schema=_obj({"unit": unit}, ["unit"]), idempotent=True),
        Tool("shipments", "Builds shipped of a unit", frozenset({"history"}),
             input_schema=_obj({"unit": unit, "after": _AFTER}, ["unit", "after"]), idempotent=True),
        Tool("change_requests", "Approved change requests", frozenset({"history", "config"}),
             input_schema=_obj({"after": _AFTER, "target": {"type": "string", "description": "node or unit"}},
                               ["after"]), idempotent=True),
        Tool("find_docs", "Full-text search over the playbooks", frozenset({"document"}),
             input_schema=_obj({"text": {"type": "string"}}, ["text"]), idempotent=True),
    ]  # fmt: skip


INVENTORY = Inventory(
    frozenset({"n-1", "db-7"}),
    frozenset({"pay-unit", "search"}),
    ("fleet",),
    {"zonea1": ("zone", "zone-a-1")},
)


def plan(question: str, inventory: Inventory = INVENTORY) -> PlanOutcome:
    return DeterministicPlanner().plan_sync(PlanRequest(question, tools(), Budget(), NOW, inventory=inventory))


def steps(outcome: PlanOutcome) -> dict[str, dict[str, Any]]:
    return {s.tool: {k: v for k, v in s.arguments.items() if k not in ("after", "window_minutes")}
            for s in outcome.plan.steps}  # fmt: skip


def test_parameters_are_read_by_their_name_and_their_description() -> None:
    assert column_concept("node_id") == "host" and column_concept("service_name") == "service"
    assert param_concept("node_id", {"type": "string"}) == "host"
    assert param_concept("ticket_id", {"type": "string"}) == "id"
    assert param_concept("target", {"type": "string", "description": "node or application"}) == "entity"
    assert param_concept("target", {"type": "string", "description": "anything"}) == "target"
    assert steps(plan("busy percentage of n-1 over the last hour")) == {"node_busy": {"node_id": "n-1"}}


def test_a_name_that_is_also_a_tool_word_is_a_name_when_the_tools_need_one() -> None:
    assert steps(plan("who shipped search recently")) == {"shipments": {"unit": "search"}}
    # As a verb it stays a word: nothing here needs a unit.
    request = PlanRequest("search the playbooks for disk", tools(), Budget(), NOW, inventory=INVENTORY)
    assert DeterministicPlanner().entities(request).services == ()


def test_inventory_values_and_setting_keys_are_not_unknown_names() -> None:
    inv = inventory_from_outputs({"fleet": {"rows": [{"node_id": "n-1", "unit": "pay-unit", "zone": "zone-a-1"}]}})
    assert inv.hosts == {"n-1"} and inv.value("zone-a-1") == ("zone", "zone-a-1")
    seen = extract_entities("which nodes are in zone-a-1", now=NOW, inventory=inv)
    assert seen.values == (("zone", "zone-a-1"),) and not seen.unknown
    key = extract_entities("what was pay-unit.timeout_ms before", now=NOW, inventory=inv)
    assert not key.unknown and key.values == (("", "pay-unit.timeout_ms"),)


def test_a_part_no_tool_covers_makes_the_answer_partial_even_when_another_is_answered() -> None:
    outcome = plan("current failed requests of pay-unit and who is on call for it")
    assert "unit_errors_now" in steps(outcome)
    assert any(r.reason is AnswerReason.NOT_COVERED and "oncall" in r.detail for r in outcome.not_covered)


def test_an_investigation_plans_the_subjects_series_and_every_change_in_the_window() -> None:
    got = plan("what changed before the pay-unit latency spike")
    calls = {s.tool: s.arguments for s in got.plan.steps}
    assert calls["unit_p99"]["window_minutes"] == 24 * 60  # the whole window, to see where it starts
    assert calls["change_requests"] == {"after": "2024-04-30T12:00:00Z"}  # no target: a cause may be elsewhere
    assert calls["shipments"]["unit"] == "pay-unit"
    # Not an investigation: the change log is filtered to what was named.
    assert steps(plan("change requests of db-7 in the last day"))["change_requests"] == {"target": "db-7"}


def test_a_short_baseline_still_gives_the_onset_of_a_clear_jump() -> None:
    times = [NOW + timedelta(minutes=5 * i) for i in range(24)]
    jump = [0, 0, 3, 0, 2, 2, 1, 48, 58, 57, 45, 53, 55, 52, 47, 51, 54, 55, 58, 59, 51, 40, 51, 53]
    (cp,) = change_points(times, jump)
    assert cp.index == 7 and cp.onset and cp.direction == "rise"  # a rise that fills most of the window
    short = [72, 75, 70, 300, 310, 290, 305, 298, 302, 311, 299, 300]
    (cp,) = change_points(times[:12], short)
    assert cp.index == 3 and cp.onset
    noise = [float(v % 4) for v in (0, 3, 1, 2, 2, 0, 3, 1, 0, 2, 3, 1, 2, 0, 1, 3, 2, 2, 0, 1, 3, 0, 2, 1)]
    assert change_points(times, noise) == []


def _record(step: PlanStep, rows: list[dict[str, Any]], call: int) -> CallRecord:
    return CallRecord(f"c{call}", step.id, step.tool, dict(step.arguments), CallStatus.OK, {"rows": rows})


def test_an_empty_search_is_asked_again_with_fewer_words_and_is_partial_if_nothing_is_found() -> None:
    by_name = {t.name: t for t in tools()}
    first = PlanStep("s1", "find_docs", {"text": "covers pool exhausted"})
    state = RunState()
    state.latest["s1"] = _record(first, [], 1)
    narrowing = Narrowing()
    narrower = narrower_plan([first], state, by_name, narrowing, 8)
    assert narrower is not None
    assert [s.arguments["text"] for s in narrower.steps] == ["covers pool", "pool exhausted"]
    for k, s in enumerate(narrower.steps):
        state.latest[s.id] = _record(s, [{"name": "Pool exhausted"}] if k else [], k + 2)
    assert narrower_plan([first], state, by_name, narrowing, 8) is None  # found: no narrower round
    assert empty_searches([first], state, by_name, narrowing) == []
    state.latest[narrower.steps[1].id] = _record(narrower.steps[1], [], 9)
    (reason,) = empty_searches([first], state, by_name, narrowing)
    assert reason.reason is AnswerReason.NOT_COVERED and "found nothing" in reason.detail


def _client(llm: FakeLlm) -> LlmClient:
    return LlmClient(LlmSettings(base_url=llm.base_url, model="fake", timeout_s=5.0, max_attempts=1,
                                 breaker_fail_max=2, breaker_reset_s=60))  # fmt: skip


async def test_an_llm_may_say_no_tool_answers_and_its_plan_gets_the_catalogues_coverage(fake_llm: FakeLlm) -> None:
    request = PlanRequest("disk usage of n-1", tools(), Budget(), NOW, inventory=INVENTORY)
    fake_llm.plan = {"rationale": "nothing reports disk", "steps": []}
    outcome = await LlmPlanner(_client(fake_llm)).plan(request)
    assert outcome.planner == "llm" and not outcome.fallback_reason and not outcome.plan.steps
    assert [r.reason for r in outcome.not_covered] == [AnswerReason.NO_TOOL]
    assert "no tool reports disk usage" in outcome.not_covered[0].detail
    request = PlanRequest("current failed requests of pay-unit and logs", tools(), Budget(), NOW, inventory=INVENTORY)
    fake_llm.plan = {
        "steps": [{"id": "s1", "tool": "unit_errors_now", "arguments": {"unit": "pay-unit"}}],
        "not_covered": [{"part": "logs", "why": "no log tool"}],
    }
    outcome = await LlmPlanner(_client(fake_llm)).plan(request)
    details = [r.detail for r in outcome.not_covered if r.reason is AnswerReason.NOT_COVERED]
    assert "no tool reports logs" in details and "no tool covers logs: no log tool" in details


def test_unhealthy_asks_for_every_value_of_a_health_enum_that_is_not_healthy() -> None:
    assert enum_choices(["", "healthy", "impaired", "offline"], ["unhealthy"]) == ["impaired", "offline"]
    assert enum_choices(["", "up", "down", "degraded"], ["unhealthy"]) == ["down", "degraded"]
    assert enum_choices(["open", "resolved"], ["unhealthy"]) == []  # not a health enum


def test_time_bounds_and_trouble_words_are_no_subject_of_a_question() -> None:
    # "start" is only the name of node_busy's window bound; "jump" is what an onset reports.
    outcome = plan("why did n-1 busy percentage start to jump")
    assert "node_busy" in steps(outcome) and not outcome.not_covered
    assert tokenise("page the on-call engineer") == ["pag", "oncall", "engineer"]
