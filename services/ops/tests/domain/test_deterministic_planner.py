from datetime import UTC, datetime

import pytest

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.initialise import initialise
from opsuite_ops.domain.model import Budget, Mode, Plan, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.validate import validate_plan

from ..demo_estate import demo_inventory, demo_tools, plan_with_many_tools, synthetic_tools

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


async def plan(question: str, mode: Mode = Mode.ALL, budget: Budget | None = None) -> Plan:
    planner = DeterministicPlanner()
    request = PlanRequest(
        initialise(question).text, demo_tools(), budget or Budget(), NOW, mode, inventory=demo_inventory()
    )
    result = (await planner.plan(request)).plan
    if result.steps:
        validate_plan(result, {t.name: t for t in demo_tools()}, budget or Budget())
    return result


def calls(p: Plan) -> dict[str, dict]:
    return {s.tool: dict(s.arguments) for s in p.steps}


async def test_cpu_on_a_host_over_a_relative_range() -> None:
    p = await plan("what is the cpu on web 1 over the last 2 hours")
    assert calls(p) == {"cpu_by_host": {"host": "web-01", "since": "2024-05-01T10:00:00Z"}}


async def test_what_changed_before_an_error_spike() -> None:
    c = calls(await plan("what changed on checkout before the error spike"))
    assert c["recent_deployments"]["service"] == "checkout"
    assert c["error_rate"] == {"service": "checkout"}
    assert "cpu_by_host" not in c


async def test_missing_time_assumes_a_default_window_and_says_so() -> None:
    p = await plan("recent deployments of payments")
    assert calls(p)["recent_deployments"] == {"service": "payments", "since": "2024-04-30T12:00:00Z"}
    assert any("assumed the last 24 hours" in n for n in p.notes)


async def test_dependent_call_is_chained_through_an_output_mapping() -> None:
    p = await plan("what is the cpu of the hosts running checkout")
    producer, consumer = p.steps
    assert (producer.tool, dict(producer.arguments)) == ("hosts_for_service", {"service": "checkout"})
    assert consumer.tool == "cpu_by_host"
    assert consumer.arguments["host"] == f"$steps.{producer.id}.rows[0].host"
    assert consumer.depends_on == (producer.id,)


async def test_tool_whose_required_param_cannot_be_filled_is_skipped_with_a_note() -> None:
    p = await plan("what is the memory usage")
    assert p.steps == ()
    assert any("memory_by_host" in n and "'host'" in n for n in p.notes)


async def test_iso_times_quoted_text_and_enums() -> None:
    assert calls(await plan("cpu on db-02 since 2024-05-01T08:30:00Z"))["cpu_by_host"] == {
        "host": "db-02",
        "since": "2024-05-01T08:30:00Z",
    }
    assert calls(await plan('search the runbooks for "disk full"')) == {"search_runbooks": {"query": "disk full"}}
    assert calls(await plan("list hosts that are down"))["list_hosts"] == {"status": "down"}


async def test_mode_filters_tools_by_tag() -> None:
    c = calls(await plan("what changed on checkout before the error spike", mode=Mode.METRIC))
    # Only metric tools; an investigation adds the subject's series (where the spike starts) to error_rate.
    assert set(c) == {"error_rate", "latency_by_service"}
    none = await plan("cpu on web-01", mode=Mode.DOCUMENT)
    assert all(s.tool == "search_runbooks" for s in none.steps)


async def test_unrelated_question_gives_an_empty_plan() -> None:
    p = await plan("favourite pizza topping")
    assert p.steps == () and "no tool matched" in p.rationale


async def test_plan_respects_max_steps() -> None:
    p = await plan("what changed on checkout before the error spike", budget=Budget(max_steps=1))
    assert len(p.steps) == 1


@pytest.mark.parametrize("n", [500])
def test_planning_with_many_tools_still_picks_the_right_tool(n: int) -> None:
    tools = synthetic_tools(n)
    assert len(tools) == n
    outcome = plan_with_many_tools(n_tools=n)
    assert outcome.plan.steps[0].tool == "cpu_by_host"
    assert outcome.plan.steps[0].arguments["host"] == "web-01"


@pytest.mark.parametrize("question", ["what does checkout depend on?", "what are the dependencies of checkout"])
async def test_a_mode_finds_the_tool_the_default_mode_finds(question: str) -> None:
    default = calls(await plan(question))
    assert default, "the default mode finds a tool"
    graph = calls(await plan(question, Mode.GRAPH))
    assert graph == default  # every tool found here is a graph tool: the mode keeps them all


async def test_a_mode_ranks_with_the_whole_catalogues_statistics() -> None:
    # Every tool of the mode carries its tag: ranked among themselves, the tag would score nothing.
    tools = [
        Tool("alpha", "first thing", frozenset({"graph"})),
        Tool("beta", "second thing", frozenset({"graph"})),
        *(Tool(f"other_{i}", "unrelated", frozenset({"metric"})) for i in range(5)),
    ]
    for mode in (Mode.ALL, Mode.GRAPH):
        request = PlanRequest("show the graph of the first thing", tools, Budget(), NOW, mode)
        steps = (await DeterministicPlanner().plan(request)).plan.steps
        assert [s.tool for s in steps][:1] == ["alpha"], mode
