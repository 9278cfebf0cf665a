import pytest

from opsuite_common.errors import ValidationError
from opsuite_ops.domain.mapping import MappingError, references_in, resolve_arguments
from opsuite_ops.domain.model import Budget, BudgetLimits, Plan, PlanStep
from opsuite_ops.domain.plan_schema import plan_from_json, plan_to_json
from opsuite_ops.domain.validate import topological_levels, validate_plan

from ..demo_estate import demo_tools

TOOLS = {t.name: t for t in demo_tools()}


def fields(err: ValidationError) -> list[str]:
    return [f"{v.field}: {v.description}" for v in err.field_violations]


def test_valid_dag_gives_execution_waves() -> None:
    plan = Plan((
        PlanStep("a", "hosts_for_service", {"service": "checkout"}),
        PlanStep("b", "cpu_by_host", {"host": "$steps.a.rows[0].host", "since": "2024-05-01T10:00:00Z"}),
        PlanStep("c", "error_rate", {"service": "checkout"}),
    ))  # fmt: skip
    assert validate_plan(plan, TOOLS, Budget()) == [["a", "c"], ["b"]]


def test_unknown_tool_bad_arguments_and_too_many_steps_are_all_reported() -> None:
    plan = Plan((
        PlanStep("a", "rm_rf", {}),
        PlanStep("b", "cpu_by_host", {"host": 42}),
        PlanStep("c", "error_rate", {"service": "checkout", "extra": 1}),
    ))  # fmt: skip
    with pytest.raises(ValidationError) as err:
        validate_plan(plan, TOOLS, Budget(max_steps=2))
    text = "\n".join(fields(err.value))
    assert "exceed the budget's max_steps=2" in text
    assert "plan.steps[0].tool: unknown tool 'rm_rf'" in text
    assert "plan.steps[1].arguments.host: 42 is not of type 'string'" in text
    assert "'since' is a required property" in text
    assert "plan.steps[2].arguments" in text and "extra" in text


def test_cycles_and_dangling_references_are_rejected() -> None:
    cyc = Plan((
        PlanStep("a", "error_rate", {"service": "$steps.b.rows[0].service"}),
        PlanStep("b", "recent_deployments", {"service": "$steps.a.x", "since": "2024-05-01T00:00:00Z"}),
    ))  # fmt: skip
    with pytest.raises(ValidationError, match="cycle"):
        validate_plan(cyc, TOOLS, Budget())
    dangling = Plan((PlanStep("a", "error_rate", {"service": "$steps.zz.name"}, depends_on=("yy",)),))
    with pytest.raises(ValidationError) as err:
        validate_plan(dangling, TOOLS, Budget())
    assert any("unknown step 'yy'" in f for f in fields(err.value))
    assert any("unknown step 'zz'" in f for f in fields(err.value))


def test_budget_limits() -> None:
    with pytest.raises(ValidationError) as err:
        Budget.from_request(max_steps=500, max_parallelism=-1, limits=BudgetLimits(max_steps=20))
    assert {v.field for v in err.value.field_violations} == {"budget.max_steps", "budget.max_parallelism"}
    b = Budget.from_request(total_timeout_s=5)
    assert b.total_timeout_s == 5 and b.call_timeout_s == 5 and b.max_steps == Budget().max_steps


def test_mapping_language() -> None:
    outputs = {"s1": {"rows": [{"host": "web-01"}, {"host": "web-02"}]}}
    args = {"host": "$steps.s1.rows[0].host", "all": ["$steps.s1.rows[*].host"], "lit": "$$steps", "n": 3}
    assert resolve_arguments(args, outputs) == {
        "host": "web-01", "all": [["web-01", "web-02"]], "lit": "$steps", "n": 3,
    }  # fmt: skip
    assert references_in(args) == [("s1", "rows[0].host"), ("s1", "rows[*].host")]
    with pytest.raises(MappingError, match=r"no value at 'rows\[5\]\.host'"):
        resolve_arguments({"host": "$steps.s1.rows[5].host"}, outputs)


def test_plan_schema_round_trip_and_violations() -> None:
    plan = Plan((PlanStep("s1", "error_rate", {"service": "checkout"}, reason="why"),), planner="llm")
    assert plan_from_json(plan_to_json(plan)).steps == plan.steps
    with pytest.raises(ValidationError) as err:
        plan_from_json({"steps": [{"id": "bad id!", "tool": "x"}]})
    assert {v.field for v in err.value.field_violations} == {"plan.steps[0]", "plan.steps[0].id"}


def test_topological_levels_with_done_steps() -> None:
    steps = [PlanStep("b", "cpu_by_host", {"host": "$steps.a.rows[0].host"})]
    assert topological_levels(steps, done=["a"]) == [["b"]]
