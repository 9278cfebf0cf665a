"""ops knows no estate: names come from the estate's own tools, are kept whole, and unknown ones are said so.

Most tests run on ``pay_estate`` (hosts ``pay-api-1``..., services ``payments-api`` and ``payments``), an
estate whose naming and APIs are not the demo's.
"""

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opsuite_common.auth import Identity
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner, PlannerConfig
from opsuite_ops.domain.entities import Inventory, inventory_candidates, inventory_from_outputs
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.model import AnswerReason, AnswerStatus, Budget, Plan, PlanStep, RunResult, Tool
from opsuite_ops.domain.orchestrator import Orchestrator
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

from .pay_estate import PAY_HOSTS, pay_catalogue, pay_tools

ROOT = Path(__file__).resolve().parents[4]
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
PAY_INVENTORY = Inventory(frozenset(PAY_HOSTS), frozenset(PAY_HOSTS.values()), ("whats_deployed",))


async def ask(question: str, identity: Identity, cat: InMemoryCatalogue | None = None, **cfg: Any) -> RunResult:
    orch = Orchestrator(CachedCatalogue(cat or pay_catalogue()), DeterministicPlanner(PlannerConfig(**cfg)))
    return await orch.run(question, None, None, identity)


def calls(result: RunResult) -> list[tuple[str, dict[str, Any]]]:
    return [(c.tool, {k: v for k, v in c.arguments.items() if k not in ("from", "day")}) for c in result.trace.calls]


def plan(question: str, inventory: Inventory | None = PAY_INVENTORY, **cfg: Any) -> PlanOutcome:
    request = PlanRequest(question, pay_tools(), Budget(), NOW, inventory=inventory)
    return DeterministicPlanner(PlannerConfig(**cfg)).plan_sync(request)


def steps(outcome: PlanOutcome) -> list[tuple[str, dict[str, Any]]]:
    return [(s.tool, {k: v for k, v in s.arguments.items() if k not in ("from", "day")}) for s in outcome.plan.steps]


# --- Item 5: no knowledge of any one estate ---------------------------------------------------------------


async def test_hosts_named_like_pay_api_1_are_used_as_named_and_get_their_data(identity: Identity) -> None:
    result = await ask("cpu load on pay-api-1 over the last hour", identity)
    assert calls(result) == [("proc_load", {"hostname": "pay-api-1"})]  # never rewritten to pay-api-01
    assert result.trace.calls[0].output["rows"], "the real host's rows came back"
    assert result.completeness.status is AnswerStatus.COMPLETE


def test_the_product_has_no_demo_module_and_no_built_in_aliases_or_names() -> None:
    assert importlib.util.find_spec("opsuite_ops.domain.demo") is None
    from opsuite_ops.domain import initialise as init_module

    assert not hasattr(init_module, "DEFAULT_ALIASES")
    # Without an inventory or configured names, "web 1" is not turned into any estate's "web-01".
    outcome = plan("cpu load on web 1", inventory=None)
    assert all("web-01" not in str(s.arguments) for s in outcome.plan.steps)


def test_the_dev_stack_passes_no_estate_names_to_ops() -> None:
    source = (ROOT / "tools" / "devstack.py").read_text()
    assert "OPSUITE_OPS_KNOWN_HOSTS" not in source and "OPSUITE_OPS_KNOWN_SERVICES" not in source


async def test_a_step_whose_required_argument_cannot_be_filled_is_dropped_and_the_rest_runs(
    identity: Identity,
) -> None:
    result = await ask("cpu load on pay-api-2 and the incident ticket details", identity)
    assert calls(result) == [("proc_load", {"hostname": "pay-api-2"})]
    assert result.completeness.status is AnswerStatus.PARTIAL
    (reason,) = result.completeness.reasons
    assert reason.reason is AnswerReason.NOT_COVERED and reason.tool == "ticket_details"
    assert "'ticket_id'" in reason.detail and "ticket_details" in result.answer.splitlines()[0]


class FixedPlanner:
    """Returns one given plan (as an LLM might: one step valid, one its tool's schema refuses)."""

    name = "fixed"

    def __init__(self, plan: Plan) -> None:
        self._plan = plan

    async def plan(self, request: PlanRequest) -> PlanOutcome:
        return PlanOutcome(self._plan if request.failure is None else Plan(()), self.name)


async def test_a_step_the_schema_refuses_is_left_out_instead_of_failing_the_whole_ask(identity: Identity) -> None:
    bad = PlanStep("s1", "proc_load", {"hostname": "pay-api-1", "from": "yesterday"})
    dependant = PlanStep("s2", "mem_usage", {"hostname": "$steps.s1.rows[0].hostname"})
    good = PlanStep("s3", "app_errors", {"app": "payments-api"})
    orch = Orchestrator(CachedCatalogue(pay_catalogue()), FixedPlanner(Plan((bad, dependant, good), "fixed")))
    result = await orch.run("anything", None, None, identity)  # no INVALID_ARGUMENT
    assert calls(result) == [("app_errors", {"app": "payments-api"})]
    assert result.completeness.status is AnswerStatus.PARTIAL
    details = {r.tool: r.detail for r in result.completeness.reasons}
    assert set(details) == {"proc_load", "mem_usage"}
    assert "'yesterday' is not a valid date-time" in details["proc_load"]
    assert "needs the output of s1" in details["mem_usage"]


def test_hyphenated_names_and_ticket_ids_are_kept_whole() -> None:
    # "payments" is a service too (and a configured name): "payments-api" must not be cut to it.
    assert steps(plan("error count of payments-api", known_services=frozenset({"payments"}))) == [
        ("app_errors", {"app": "payments-api"})
    ]
    assert steps(plan("errors of payments")) == [("app_errors", {"app": "payments"})]
    outcome = plan("details of ticket INC-4211")
    assert steps(outcome) == [("ticket_details", {"ticket_id": "INC-4211"})]
    # A ticket id is never a host.
    load = plan("cpu load on INC-4211")
    assert all("INC-4211" not in str(s.arguments) for s in load.plan.steps)


@pytest.mark.parametrize(
    "question",
    ["cpu load on pay-api-1 vs pay-api-2", "cpu load on pay-api-1 and pay-api-2", "cpu load of pay-api-1 or pay-api-2"],
)
def test_comparisons_and_or_call_the_tool_for_each_side(question: str) -> None:
    assert steps(plan(question)) == [("proc_load", {"hostname": "pay-api-1"}), ("proc_load", {"hostname": "pay-api-2"})]


def test_services_compared_each_get_a_call_even_without_an_inventory() -> None:
    got = steps(plan("errors of payments-api vs ledger", inventory=None))
    assert got == [("app_errors", {"app": "payments-api"}), ("app_errors", {"app": "ledger"})]


async def test_search_tools_get_the_key_terms_not_the_whole_question(identity: Identity) -> None:
    result = await ask("find the docs about connection pool exhaustion on payments-api", identity)
    searches = [args for tool, args in calls(result) if tool == "find_docs"]
    assert searches == [{"q": "connection pool exhaustion"}]
    assert result.trace.calls[-1].output["rows"], "the keyword search found the article"


# --- Item 3: entities and coverage -----------------------------------------------------------------------


async def test_an_unknown_host_is_reported_with_its_closest_matches(identity: Identity) -> None:
    result = await ask("cpu load on pay-api-9", identity)
    assert result.completeness.status is AnswerStatus.UNANSWERED and result.trace.calls == []
    (reason,) = result.completeness.reasons
    assert reason.reason is AnswerReason.ENTITY_UNKNOWN
    assert reason.detail == "no host named pay-api-9 (did you mean pay-api-1 or pay-api-2?)"
    assert result.answer.startswith("No answer: no host named pay-api-9 (did you mean pay-api-1 or pay-api-2?)")


async def test_an_unknown_name_next_to_a_known_one_is_a_partial_answer(identity: Identity) -> None:
    result = await ask("cpu load on pay-api-1 and pay-api-7", identity)
    assert calls(result) == [("proc_load", {"hostname": "pay-api-1"})]
    assert result.completeness.status is AnswerStatus.PARTIAL
    assert [r.reason for r in result.completeness.reasons] == [AnswerReason.ENTITY_UNKNOWN]


async def test_the_inventory_tool_is_found_by_its_output_and_called_once_per_run(identity: Identity) -> None:
    cat = pay_catalogue()
    # An argument-free tool about hosts whose output lists none is called but not taken for an inventory.
    cat.add(
        Tool("host_count", "How many hosts there are", frozenset({"config"}), input_schema={"type": "object"},
             idempotent=True),
        lambda _p: _count(),
    )  # fmt: skip
    assert {t.name for t in inventory_candidates(pay_tools())} == {"whats_deployed"}
    result = await ask("cpu load on pay-api-1 vs pay-api-2", identity, cat)
    assert cat.calls_to("whats_deployed") == 1 and cat.calls_to("proc_load") == 2
    assert any("names resolved against whats_deployed: 4 hosts, 3 services" in n for n in result.trace.plans[0].notes)
    found = inventory_from_outputs({"host_count": {"rows": [{"n": 4}]}, "w": {"hosts": ["a-1", "b-2"]}})
    assert found.hosts == {"a-1", "b-2"} and found.sources == ("w",)


async def _count() -> Any:
    return {"rows": [{"n": 4}]}


async def test_zero_rows_for_a_name_no_tool_knows_is_never_complete(identity: Identity) -> None:
    # No inventory tool: nothing vouches for the name beforehand, so the empty result is checked after.
    cat = pay_catalogue(without=("whats_deployed",))
    result = await ask("cpu load on pay-api-9 over the last hour", identity, cat)
    assert calls(result) == [("proc_load", {"hostname": "pay-api-9"})]
    assert result.completeness.status is AnswerStatus.PARTIAL
    (reason,) = result.completeness.reasons
    assert reason.reason is AnswerReason.ENTITY_UNKNOWN and "pay-api-9" in reason.detail


async def test_a_metric_no_tool_reports_is_unanswered_not_answered_with_another(identity: Identity) -> None:
    result = await ask("disk usage on pay-api-2", identity)
    assert result.trace.calls == []  # mem_usage ("Memory usage of a machine") is not a disk tool
    assert result.completeness.status is AnswerStatus.UNANSWERED
    assert [(r.reason, r.detail) for r in result.completeness.reasons] == [
        (AnswerReason.NO_TOOL, "no tool reports disk usage")
    ]
    both = await ask("memory and disk usage on pay-api-2", identity)
    assert calls(both) == [("mem_usage", {"hostname": "pay-api-2"})]
    assert both.completeness.status is AnswerStatus.PARTIAL
    assert [r.detail for r in both.completeness.reasons] == ["no tool reports disk usage"]


@pytest.mark.parametrize(
    ("question", "states"),
    [("degraded or down machines", ["down", "degraded"]), ("which machines are offline", ["down"])],
)
def test_filters_map_or_and_synonyms_to_the_enum_values(question: str, states: list[str]) -> None:
    by_state = [args["state"] for tool, args in steps(plan(question)) if tool == "fleet_by_state"]
    assert sorted(by_state) == sorted(states)


def test_dates_follow_the_schema_and_relative_days_become_rfc3339() -> None:
    outcome = plan("cpu load on pay-api-1 since yesterday")
    assert [dict(s.arguments) for s in outcome.plan.steps] == [
        {"hostname": "pay-api-1", "from": "2024-04-30T00:00:00Z"}
    ]
    rollouts = plan("rollouts of payments-api in the last 2 days")
    assert [dict(s.arguments) for s in rollouts.plan.steps] == [{"app": "payments-api", "day": "2024-04-29"}]


async def test_a_mapped_date_that_is_not_rfc3339_is_refused_before_the_call(identity: Identity) -> None:
    cat = pay_catalogue()
    cat.add(
        Tool("window", "The incident window", frozenset({"history"}), input_schema={"type": "object"},
             idempotent=True),
        lambda _p: _window(),
    )  # fmt: skip
    first = PlanStep("s1", "window", {})
    load = PlanStep("s2", "proc_load", {"hostname": "pay-api-1", "from": "$steps.s1.rows[0].start"})
    orch = Orchestrator(CachedCatalogue(cat), FixedPlanner(Plan((first, load), "fixed")))
    result = await orch.run("anything", None, None, identity)
    assert cat.calls_to("proc_load") == 0  # "yesterday" never reached the tool
    assert "is not a valid date-time" in result.trace.calls[-1].error
    assert result.completeness.status is AnswerStatus.PARTIAL


async def _window() -> Any:
    return {"rows": [{"start": "yesterday"}]}
