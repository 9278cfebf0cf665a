import pytest

from opsuite_common.auth import Identity
from opsuite_common.errors import ServiceUnavailableError, ValidationError
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner, PlannerConfig
from opsuite_ops.domain.in_memory import InMemoryCatalogue, Script
from opsuite_ops.domain.model import BlockKind, Budget, EventKind, Phase, RunEvent, Tool, to_jsonable
from opsuite_ops.domain.orchestrator import Orchestrator
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest


class RecordingPlanner:
    """Wraps the deterministic planner and keeps every request it was given."""

    def __init__(self, **cfg: object) -> None:
        self.inner = DeterministicPlanner(PlannerConfig(**cfg))
        self.requests: list[PlanRequest] = []

    async def plan(self, request: PlanRequest) -> PlanOutcome:
        self.requests.append(request)
        return await self.inner.plan(request)


def orchestrator(cat: InMemoryCatalogue, planner: RecordingPlanner | None = None) -> Orchestrator:
    return Orchestrator(CachedCatalogue(cat), planner or RecordingPlanner(), retry_backoff_s=0.01)


async def test_demo_question_end_to_end_with_events(demo: InMemoryCatalogue, identity: Identity) -> None:
    events: list[RunEvent] = []

    async def emit(e: RunEvent) -> None:
        events.append(e)

    result = await orchestrator(demo).run("cpu on web 1 over the last 2 hours", "metric", None, identity, emit)
    assert not result.partial
    assert [p.phase for p in result.trace.phases] == list(Phase)
    assert result.trace.calls[0].tool == "cpu_by_host" and result.trace.calls[0].arguments["host"] == "web-01"
    assert result.blocks[0].kind is BlockKind.TIMESERIES and result.blocks[-1].kind is BlockKind.REFERENCES
    ref = result.references[0]
    assert ref.tool == "cpu_by_host" and ref.execution_id.startswith("exec-") and "latest" in ref.fact
    assert "cpu_by_host" in result.answer
    kinds = [e.kind for e in events]
    assert kinds[0] is EventKind.PHASE_STARTED and kinds[-1] is EventKind.ANSWER
    assert kinds.index(EventKind.PLAN) < kinds.index(EventKind.CALL_STARTED) < kinds.index(EventKind.CALL_FINISHED)
    assert kinds.index(EventKind.CALL_FINISHED) < kinds.index(EventKind.BLOCK)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    finished = next(e for e in events if e.kind is EventKind.CALL_FINISHED)
    assert finished.status == "ok" and finished.call is not None and finished.call.duration_ms > 0
    assert to_jsonable(result.trace)["calls"][0]["status"] == "ok"  # persistable as JSON


async def test_alternative_tool_with_the_same_tags(demo: InMemoryCatalogue, identity: Identity) -> None:
    alt = Tool("node_exporter_stats", "Processor statistics from the node exporter", frozenset({"metric", "cpu"}),
               input_schema={"type": "object", "properties": {"host": {"type": "string"},
                             "since": {"type": "string"}}, "required": ["host"]}, idempotent=True)  # fmt: skip
    demo.add(alt)
    demo.script("cpu_by_host", Script(fail_times=-1, retryable=False, message="metrics store offline"))
    planner = RecordingPlanner(max_tools=1)  # the plan picks only the best tool
    result = await orchestrator(demo, planner).run("cpu on web-01 over the last hour", "metric", None, identity)
    assert not result.partial
    assert [c.tool for c in result.trace.calls] == ["cpu_by_host", "node_exporter_stats"]
    assert result.trace.calls[1].recovery == "alternative"
    assert result.references[0].tool == "node_exporter_stats"


async def test_one_replan_given_the_failure_then_a_partial_answer(identity: Identity) -> None:
    schema = {"type": "object", "properties": {"service": {"type": "string"}}, "required": ["service"]}
    cat = InMemoryCatalogue([
        (Tool("deploy_log", "Deployments of a service: what changed", frozenset({"history", "changes", "deploy"}),
              input_schema=schema), None),
        (Tool("release_notes", "Release notes of a service", frozenset({"history", "changes", "release"}),
              input_schema=schema), None),
    ])  # fmt: skip
    cat.script("deploy_log", Script(fail_times=-1, message="deploy database is down"))
    cat.script("release_notes", Script(fail_times=-1, message="notes service timed out"))
    planner = RecordingPlanner(max_tools=1)
    result = await orchestrator(cat, planner).run("what changed on checkout", None, None, identity)
    assert len(planner.requests) == 2  # the first plan and exactly one replan
    replan = planner.requests[1]
    assert replan.failure is not None and replan.failure.failed_tools == {"deploy_log"}
    assert [c.tool for c in result.trace.calls] == ["deploy_log", "release_notes"]
    assert result.partial
    assert "Could not find" in result.answer and "deploy database is down" in result.answer
    assert "Deployments of a service" in result.answer and "service=checkout" in result.answer


async def test_replan_that_succeeds_closes_the_gap(identity: Identity) -> None:
    schema = {"type": "object", "properties": {"service": {"type": "string"}}, "required": ["service"]}
    cat = InMemoryCatalogue([
        (Tool("deploy_log", "Deployments of a service: what changed", frozenset({"history", "changes", "deploy"}),
              input_schema=schema), None),
        (Tool("release_notes", "Release notes of a service", frozenset({"history", "changes", "release"}),
              input_schema=schema), None),
    ])  # fmt: skip
    cat.script("deploy_log", Script(fail_times=-1))
    result = await orchestrator(cat, RecordingPlanner(max_tools=1)).run(
        "what changed on checkout", None, None, identity
    )
    assert not result.partial and result.trace.gaps == []
    assert result.trace.calls[-1].recovery == "replan" and len(result.trace.plans) == 2


async def test_recovery_state_is_per_run(identity: Identity) -> None:
    import asyncio

    schema = {"type": "object", "properties": {"service": {"type": "string"}}, "required": ["service"]}
    cat = InMemoryCatalogue([
        (Tool("deploy_log", "Deployments of a service", frozenset({"history"}), input_schema=schema), None),
    ])  # fmt: skip
    cat.script("deploy_log", Script(fail_times=-1))
    planner = RecordingPlanner()
    orch = orchestrator(cat, planner)
    results = await asyncio.gather(*(orch.run("deployments of checkout", None, None, identity) for _ in range(3)))
    assert all(r.partial for r in results)
    assert len(planner.requests) == 6  # every run got its own one replan


async def test_parallel_failure_keeps_siblings_and_names_the_gap(demo: InMemoryCatalogue, identity: Identity) -> None:
    demo.script("error_rate", Script(fail_times=-1, retryable=False, message="error store unavailable"))
    result = await orchestrator(demo).run("what changed on checkout before the error spike", None, None, identity)
    ok = {c.tool for c in result.trace.calls if c.ok}
    assert {"recent_deployments", "config_changes"} <= ok
    assert result.partial and [g.tool for g in result.trace.gaps] == ["error_rate"]
    assert "error store unavailable" in result.answer


async def test_budget_is_enforced(demo: InMemoryCatalogue, identity: Identity) -> None:
    orch = orchestrator(demo)
    with pytest.raises(ValidationError) as err:
        await orch.run("cpu on web-01", None, Budget(max_steps=1000), identity)
    assert err.value.field_violations[0].field == "budget.max_steps"
    result = await orch.run("what changed on checkout before the error spike", None, Budget(max_steps=1), identity)
    assert len(result.trace.plans[0].steps) == 1
    with pytest.raises(ValidationError):
        await orch.run("cpu", "nonsense-mode", None, identity)


async def test_stale_catalogue_is_recorded_and_missing_catalogue_is_unavailable(
    demo: InMemoryCatalogue, identity: Identity
) -> None:
    cached = CachedCatalogue(demo, ttl_s=0)
    orch = Orchestrator(cached, RecordingPlanner())
    await orch.run("error rate of checkout", None, None, identity)
    demo.down = True
    result = await orch.run("error rate of checkout", None, None, identity)
    assert result.trace.catalogue_stale and "last good catalogue" in result.trace.catalogue_note
    assert any("last good catalogue" in w for w in result.trace.warnings)
    with pytest.raises(ServiceUnavailableError) as err:
        await Orchestrator(CachedCatalogue(demo), RecordingPlanner()).run("x y", None, None, identity)
    assert err.value.reason == "TOOL_CATALOGUE_UNAVAILABLE"


async def test_unanswerable_question_is_a_partial_answer(demo: InMemoryCatalogue, identity: Identity) -> None:
    result = await orchestrator(demo).run("favourite pizza topping", None, None, identity)
    assert result.partial and "could not answer" in result.answer and result.trace.calls == []
