import time

from opsuite_common.auth import Identity
from opsuite_common.errors import ServiceUnavailableError
from opsuite_ops.domain.executor import DagExecutor, RunState
from opsuite_ops.domain.in_memory import InMemoryCatalogue, Script
from opsuite_ops.domain.model import Budget, CallRecord, CallStatus, Plan, PlanStep, Tool

SCHEMA = {"type": "object", "properties": {"x": {"type": "string"}}}


def tool(name: str, idempotent: bool = True) -> Tool:
    return Tool(name, f"tool {name}", frozenset({"t"}), input_schema=SCHEMA, idempotent=idempotent)


def setup(names: list[str], budget: Budget, identity: Identity, **kw: bool) -> tuple[InMemoryCatalogue, DagExecutor]:
    cat = InMemoryCatalogue((tool(n, kw.get(n, True)), None) for n in names)
    tools = {n: tool(n, kw.get(n, True)) for n in names}
    started: list[CallRecord] = []

    async def on_start(rec: CallRecord) -> None:
        started.append(rec)

    ex = DagExecutor(
        lambda name, params, timeout: cat.invoke(identity, name, params, timeout),
        tools, budget, deadline=time.monotonic() + budget.total_timeout_s, on_start=on_start, retry_backoff_s=0.01,
    )  # fmt: skip
    return cat, ex


def by_step(state: RunState) -> dict[str, CallRecord]:
    return dict(state.latest)


async def test_parallel_calls_one_fails_others_are_kept(identity: Identity) -> None:
    cat, ex = setup(["a", "b", "c"], Budget(max_retries=0), identity)
    for n in "abc":
        cat.script(n, Script(delay_s=0.2))
    cat.script("b", Script(delay_s=0.2, fail_times=-1, message="b exploded"))
    state = RunState()
    await ex.execute(Plan(tuple(PlanStep(n, n, {"x": n}) for n in "abc")), state)
    recs = by_step(state)
    assert recs["a"].ok and recs["c"].ok
    assert recs["a"].output == {"rows": [{"x": "a"}]} and recs["a"].execution_id.startswith("exec-")
    assert recs["b"].status is CallStatus.FAILED and recs["b"].error == "b exploded"
    assert cat.peak_in_flight == 3  # they really ran at the same time


async def test_parallelism_is_bounded_by_the_budget(identity: Identity) -> None:
    cat, ex = setup(list("abcde"), Budget(max_parallelism=2), identity)
    for n in "abcde":
        cat.script(n, Script(delay_s=0.05))
    await ex.execute(Plan(tuple(PlanStep(n, n, {}) for n in "abcde")), RunState())
    assert cat.peak_in_flight == 2 and len(cat.calls) == 5


async def test_only_idempotent_tools_are_retried(identity: Identity) -> None:
    cat, ex = setup(["idem", "once"], Budget(max_retries=2), identity, once=False)
    cat.script("idem", Script(fail_times=2))
    cat.script("once", Script(fail_times=1))
    state = RunState()
    await ex.execute(Plan((PlanStep("i", "idem", {}), PlanStep("o", "once", {}))), state)
    assert state.latest["i"].ok and state.latest["i"].attempts == 3 and cat.calls_to("idem") == 3
    assert state.latest["o"].status is CallStatus.FAILED and cat.calls_to("once") == 1


async def test_non_retryable_failures_and_typed_errors(identity: Identity) -> None:
    cat, ex = setup(["perm", "down"], Budget(max_retries=3), identity)
    cat.script("perm", Script(fail_times=-1, retryable=False))
    cat.script("down", Script(fail_times=-1, error=ServiceUnavailableError("api_manager unreachable")))
    state = RunState()
    await ex.execute(Plan((PlanStep("p", "perm", {}), PlanStep("d", "down", {}))), state)
    assert cat.calls_to("perm") == 1
    assert cat.calls_to("down") == 4 and state.latest["d"].error_reason == "SERVICE_UNAVAILABLE"


async def test_call_timeout_is_retried_for_idempotent_tools(identity: Identity) -> None:
    cat, ex = setup(["slow"], Budget(call_timeout_s=0.05, max_retries=1), identity)
    cat.script("slow", Script(delay_s=1.0))
    state = RunState()
    await ex.execute(Plan((PlanStep("s", "slow", {}),)), state)
    rec = state.latest["s"]
    assert rec.status is CallStatus.TIMEOUT and rec.attempts == 2
    assert "0.05s call timeout" in rec.error


async def test_dependent_step_gets_mapped_output_or_is_skipped(identity: Identity) -> None:
    cat, ex = setup(["p", "q", "bad"], Budget(max_retries=0), identity)
    cat.script("bad", Script(fail_times=-1))
    plan = Plan((
        PlanStep("p", "p", {"x": "web-01"}),
        PlanStep("q", "q", {"x": "$steps.p.rows[0].x"}),
        PlanStep("bad", "bad", {}),
        PlanStep("after_bad", "q", {"x": "$steps.bad.rows[0].x"}),
    ))  # fmt: skip
    state = RunState()
    await ex.execute(plan, state)
    assert state.latest["q"].ok and state.latest["q"].arguments == {"x": "web-01"}
    skipped = state.latest["after_bad"]
    assert skipped.status is CallStatus.SKIPPED and "bad (bad)" in skipped.error
    assert cat.calls_to("q") == 1


async def test_total_timeout_cuts_off_the_rest(identity: Identity) -> None:
    cat, ex = setup(["a", "b"], Budget(total_timeout_s=0.3, call_timeout_s=0.3, max_retries=0), identity)
    cat.script("a", Script(delay_s=0.2))
    cat.script("b", Script(delay_s=0.2))
    state = RunState()
    await ex.execute(Plan((PlanStep("a", "a", {"x": "go"}), PlanStep("b", "b", {"x": "$steps.a.rows[0].x"}))), state)
    assert state.latest["a"].ok
    assert state.latest["b"].status is CallStatus.TIMEOUT
    assert "time budget (0.3s) ran out" in state.latest["b"].error
