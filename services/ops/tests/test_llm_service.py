"""The LLM planner and composer behind the ops server, against a fake OpenAI-compatible server (real HTTP)."""

from __future__ import annotations

from opsuite.ops.v1 import ops_pb2

TENANT = "acme"
CPU_Q = "what is the cpu on web-01 over the last 2 hours"
GOOD = {
    "rationale": "resolve the host, then its cpu",
    "steps": [
        {"id": "s1", "tool": "host_lookup", "arguments": {"host": "web-01"}},
        {"id": "s2", "tool": "cpu_by_host", "depends_on": ["s1"],
         "arguments": {"host": "$steps.s1.rows[0].host", "since": "2024-05-01T10:00:00Z"}},
    ],
}  # fmt: skip


def llm_settings(fake_llm, **kw):
    return {"llm_base_url": fake_llm.base_url, "llm_model": "fake", "llm_max_attempts": 1,
            "llm_breaker_fail_max": 2, "llm_breaker_reset_s": 60} | kw  # fmt: skip


async def test_good_llm_plan_runs_as_a_dag_and_the_llm_writes_the_answer(fake_am, start_ops, tokens, fake_llm) -> None:
    fake_llm.plan = GOOD
    ops = await start_ops(fake_am.target, **llm_settings(fake_llm))
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=tokens.metadata(TENANT, ["viewer"]))
    assert resp.trace.planner == "llm" and not resp.trace.planner_fallback_reason
    assert [c.tool for c in resp.trace.calls] == ["host_lookup", "cpu_by_host"]
    assert resp.trace.calls[1].arguments["host"] == "web-01"  # mapped from host_lookup's SQL-shaped rows
    assert resp.trace.composer == "llm" and resp.answer.startswith(fake_llm.summary)
    plan_request = fake_llm.requests[0]
    assert plan_request["model"] == "fake" and "cpu_by_host" in plan_request["messages"][1]["content"]


async def test_malformed_tool_call_json_falls_back_to_the_deterministic_planner(
    fake_am, start_ops, tokens, fake_llm
) -> None:
    fake_llm.behaviour = "malformed"
    ops = await start_ops(fake_am.target, **llm_settings(fake_llm))
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=tokens.metadata(TENANT, ["viewer"]))
    assert resp.trace.planner == "deterministic" and "not JSON" in resp.trace.planner_fallback_reason
    assert resp.trace.calls[0].tool == "cpu_by_host" and not resp.partial
    assert any("fell back to the deterministic planner" in w for w in resp.trace.warnings)


async def test_llm_down_opens_its_breaker_and_later_runs_fail_fast_to_deterministic(
    fake_am, start_ops, tokens, fake_llm
) -> None:
    fake_llm.stop()
    ops = await start_ops(fake_am.target, **llm_settings(fake_llm, llm_compose=False))
    md = tokens.metadata(TENANT, ["viewer"])
    reasons = []
    for _ in range(3):
        resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=md)
        assert resp.trace.planner == "deterministic" and resp.references[0].tool == "cpu_by_host"
        reasons.append(resp.trace.planner_fallback_reason)
    assert "unreachable" in reasons[0] and "unreachable" in reasons[1]
    assert "circuit breaker open" in reasons[2]
    run = await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=resp.run_id), metadata=md)
    assert "circuit breaker open" in run.trace.planner_fallback_reason  # persisted with the run


async def test_slow_llm_times_out_and_the_answer_is_still_given(fake_am, start_ops, tokens, fake_llm) -> None:
    fake_llm.behaviour, fake_llm.delay_s = "slow", 2.0
    ops = await start_ops(fake_am.target, **llm_settings(fake_llm, llm_timeout_s=0.3))
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=tokens.metadata(TENANT, ["viewer"]))
    assert resp.trace.planner == "deterministic" and "timed out" in resp.trace.planner_fallback_reason
    assert resp.trace.composer == "deterministic" and "cpu_by_host" in resp.answer
    assert any("LLM summary failed" in w for w in resp.trace.warnings)
