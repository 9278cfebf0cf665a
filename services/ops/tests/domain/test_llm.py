from datetime import UTC, datetime
from typing import Any as FakeLlm  # the fixture class lives in conftest.py

from opsuite_common.auth import Identity
from opsuite_ops.adapters.llm import LlmClient, LlmSettings
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.compose import LlmComposer
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.llm_planner import LlmPlanner
from opsuite_ops.domain.model import Budget
from opsuite_ops.domain.orchestrator import Orchestrator
from opsuite_ops.domain.planning import PlanRequest

from ..demo_estate import demo_tools

GOOD = {
    "rationale": "cpu of the host",
    "steps": [
        {"id": "s1", "tool": "host_lookup", "arguments": {"host": "web-01"}},
        {"id": "s2", "tool": "cpu_by_host", "depends_on": ["s1"],
         "arguments": {"host": "$steps.s1.rows[0].host", "since": "2024-05-01T10:00:00Z"}},
    ],
}  # fmt: skip


def client(llm: FakeLlm, **kw: float) -> LlmClient:
    return LlmClient(LlmSettings(base_url=llm.base_url, model="fake", timeout_s=kw.get("timeout", 5.0),
                                 max_attempts=1, breaker_fail_max=2, breaker_reset_s=60))  # fmt: skip


def request(question: str = "what is the cpu on web-01 over the last 2 hours") -> PlanRequest:
    return PlanRequest(question, demo_tools(), Budget(), datetime(2024, 5, 1, 12, tzinfo=UTC))


async def test_good_plan_from_the_llm(fake_llm: FakeLlm) -> None:
    fake_llm.plan = GOOD
    outcome = await LlmPlanner(client(fake_llm)).plan(request())
    assert outcome.planner == "llm" and outcome.fallback_reason == ""
    assert [s.tool for s in outcome.plan.steps] == ["host_lookup", "cpu_by_host"]
    sent = fake_llm.requests[0]
    assert sent["model"] == "fake" and sent["tools"][0]["function"]["name"] == "submit_plan"
    assert "cpu_by_host" in sent["messages"][1]["content"]


async def test_malformed_tool_call_json_falls_back(fake_llm: FakeLlm) -> None:
    fake_llm.behaviour = "malformed"
    outcome = await LlmPlanner(client(fake_llm)).plan(request())
    assert outcome.planner == "deterministic" and "not JSON" in outcome.fallback_reason
    assert outcome.plan.steps[0].tool == "cpu_by_host"


async def test_invalid_plan_falls_back(fake_llm: FakeLlm) -> None:
    fake_llm.plan = {"steps": [{"id": "s1", "tool": "drop_database", "arguments": {}}]}
    outcome = await LlmPlanner(client(fake_llm)).plan(request())
    assert outcome.planner == "deterministic"
    assert "plan invalid" in outcome.fallback_reason and "drop_database" in outcome.fallback_reason


async def test_llm_down_opens_the_breaker_and_later_calls_fail_fast(fake_llm: FakeLlm) -> None:
    fake_llm.stop()
    planner = LlmPlanner(client(fake_llm))
    first = await planner.plan(request())
    second = await planner.plan(request())
    assert "unreachable" in first.fallback_reason and "unreachable" in second.fallback_reason
    assert planner.client.breaker.state == "open"
    third = await planner.plan(request())
    assert "circuit breaker open" in third.fallback_reason
    assert third.plan.steps[0].tool == "cpu_by_host"  # still a useful answer


async def test_slow_llm_times_out_and_falls_back(fake_llm: FakeLlm) -> None:
    fake_llm.behaviour, fake_llm.delay_s = "slow", 2.0
    outcome = await LlmPlanner(client(fake_llm, timeout=0.3)).plan(request())
    assert outcome.planner == "deterministic" and "timed out" in outcome.fallback_reason


async def test_llm_plan_and_summary_through_the_orchestrator(
    fake_llm: FakeLlm, demo: InMemoryCatalogue, identity: Identity
) -> None:
    fake_llm.plan = GOOD
    llm = client(fake_llm)
    orch = Orchestrator(CachedCatalogue(demo), LlmPlanner(llm), composer=LlmComposer(llm))
    planned = await orch.run("cpu on web-01", None, None, identity)
    assert planned.trace.planner == "llm"
    assert [c.arguments.get("host") for c in planned.trace.calls] == ["web-01", "web-01"]
    fake_llm.behaviour = "summary"
    # The summary comes from the LLM; the plan call now gets text, not a tool call, and falls back.
    result = await orch.run("cpu on web-01 over the last hour", None, None, identity)
    assert result.trace.planner == "deterministic" and result.trace.planner_fallback_reason
    assert result.answer.startswith("CPU on web-01 is fine") and result.trace.composer == "llm"
    assert result.references and result.references[0].execution_id


async def test_summary_falls_back_to_deterministic_text_when_the_llm_fails(
    fake_llm: FakeLlm, demo: InMemoryCatalogue, identity: Identity
) -> None:
    fake_llm.behaviour = "error"
    llm = client(fake_llm)
    orch = Orchestrator(CachedCatalogue(demo), LlmPlanner(llm), composer=LlmComposer(llm))
    result = await orch.run("error rate of checkout", None, None, identity)
    assert result.trace.composer == "deterministic" and "error_rate" in result.answer
    assert any("LLM summary failed" in w for w in result.trace.warnings)


async def test_an_llm_call_hands_back_the_asks_fair_share_place_for_its_wait(fake_llm: FakeLlm) -> None:
    import asyncio

    from opsuite_common.fairness import FairShare, Place

    fair = FairShare(1, linger_s=0)
    await fair.acquire("other", "/s/M")  # another tenant present: tenant-a is held to 1 place
    place, token = await Place.enter(fair, "tenant-a", "/s/M")
    fake_llm.behaviour, fake_llm.delay_s = "slow", 0.5
    llm = client(fake_llm, timeout=5.0)
    call = asyncio.ensure_future(llm.chat([{"role": "user", "content": "hi"}]))
    while not fake_llm.requests:
        await asyncio.sleep(0.01)
    assert not place.held and fair.running("tenant-a") == 0  # the vendor is working: the place is free
    await fair.acquire("tenant-a", "/s/M")  # so another Ask of the tenant runs meanwhile
    fair.release("tenant-a")
    await asyncio.gather(call, return_exceptions=True)
    assert place.held and fair.running("tenant-a") == 1
    place.leave(token)
    fair.release("other")
    assert fair.totals() == (0, 0)
    await llm.aclose()
