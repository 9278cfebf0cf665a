"""How complete an answer is (COMPLETE / PARTIAL / UNANSWERED with reasons) over real gRPC against the fake
api_manager: from what the run did, stated at the top of the answer, kept by GetRun/ListRuns, and the CLI's
exit code."""

from __future__ import annotations

import asyncio
from typing import Any

from typer.testing import CliRunner

from opsuite.ops.v1 import ops_pb2
from opsuite_cli.ask import EXIT_NO_ANSWER, EXIT_PARTIAL
from opsuite_cli.main import app as cli
from opsuite_ops.domain import Tool
from opsuite_ops.domain.in_memory import Script

from .demo_estate import demo_tools

TENANT = "acme"  # the tenant the fake api_manager shows the demo tools to (conftest.py)
CPU_Q = "what is the cpu on web-01 over the last 2 hours"
TWO_Q = "memory of web-01 and error rate of checkout"  # plans exactly memory_by_host and error_rate

S = ops_pb2
COMPLETE, PARTIAL, UNANSWERED = S.ANSWER_STATUS_COMPLETE, S.ANSWER_STATUS_PARTIAL, S.ANSWER_STATUS_UNANSWERED


def only_tools(fake_am: Any, *names: str) -> None:
    """Expose only ``names`` as tools, so that recovery finds no other tool to call."""
    fake_am.servicer.hidden = {t.name for t in demo_tools()} - set(names)


def fail(fake_am: Any, name: str, message: str) -> None:
    fake_am.catalogue.script(name, Script(fail_times=-1, retryable=False, message=message))


def reasons(resp: Any) -> list[tuple[int, str]]:
    return [(r.reason, r.tool) for r in resp.answer_reasons]


async def ask_and_read_back(ops: Any, md: Any, question: str) -> ops_pb2.AskResponse:
    """Ask, then check that GetRun and ListRuns return the same status and reasons."""
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=question), metadata=md)
    run = await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=resp.run_id), metadata=md)
    assert run.answer_status == resp.answer_status and list(run.answer_reasons) == list(resp.answer_reasons)
    assert run.answer == resp.answer
    listed = (await ops.stub.ListRuns(ops_pb2.ListRunsRequest(), metadata=md)).runs[0]
    assert listed.run_id == resp.run_id and listed.answer_status == resp.answer_status
    assert list(listed.answer_reasons) == list(resp.answer_reasons)
    return resp


async def test_a_fully_answered_question_is_complete(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    resp = await ask_and_read_back(ops, tokens.metadata(TENANT, ["viewer"]), CPU_Q)
    assert resp.answer_status == COMPLETE and not resp.answer_reasons
    assert resp.answer.startswith(f'For "{CPU_Q}":')  # no status line on a complete answer


async def test_one_of_two_calls_fails_partial_tool_failed(fake_am, start_ops, tokens) -> None:
    only_tools(fake_am, "memory_by_host", "error_rate")
    fail(fake_am, "error_rate", "error store unavailable")
    ops = await start_ops(fake_am.target)
    md = tokens.metadata(TENANT, ["viewer"])
    resp = await ask_and_read_back(ops, md, TWO_Q)
    assert [(c.tool, c.status) for c in resp.trace.calls] == [("error_rate", S.CALL_FAILED),
                                                              ("memory_by_host", S.CALL_OK)]  # fmt: skip
    assert resp.answer_status == PARTIAL and reasons(resp) == [(S.ANSWER_REASON_TOOL_FAILED, "error_rate")]
    reason = resp.answer_reasons[0]
    assert reason.step_id == resp.trace.calls[0].step_id
    assert "error store unavailable" in reason.detail and "missing: Current error rate" in reason.detail
    first_line = resp.answer.splitlines()[0]
    assert first_line == "Partial answer: the call to error_rate failed (error store unavailable)."
    assert [r.tool for r in resp.references] == ["memory_by_host"] and "memory_by_host(" in resp.answer  # kept

    # The streamed run's final answer event carries the same verdict.
    events = [e async for e in ops.stub.AskStream(ops_pb2.AskRequest(question=TWO_Q), metadata=md)]
    answer = events[-1].answer
    assert answer.answer_status == PARTIAL and reasons(answer) == reasons(resp)


async def test_every_call_fails_unanswered_all_failed(fake_am, start_ops, tokens) -> None:
    only_tools(fake_am, "memory_by_host", "error_rate")
    fail(fake_am, "error_rate", "error store unavailable")
    fail(fake_am, "memory_by_host", "metrics store offline")
    ops = await start_ops(fake_am.target)
    resp = await ask_and_read_back(ops, tokens.metadata(TENANT, ["viewer"]), TWO_Q)
    assert resp.answer_status == UNANSWERED
    assert reasons(resp) == [
        (S.ANSWER_REASON_ALL_FAILED, ""),
        (S.ANSWER_REASON_TOOL_FAILED, "error_rate"),
        (S.ANSWER_REASON_TOOL_FAILED, "memory_by_host"),
    ]
    assert resp.answer_reasons[0].detail == "none of the 2 calls succeeded (2 failed: error_rate, memory_by_host)"
    assert resp.answer.startswith(
        "No answer: none of the 2 calls succeeded (2 failed: error_rate, memory_by_host); the call to error_rate "
        "failed (error store unavailable); the call to memory_by_host failed (metrics store offline).\n"
    )
    assert not resp.references


async def test_a_question_no_tool_matches_is_unanswered_no_tool(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    resp = await ask_and_read_back(ops, tokens.metadata(TENANT, ["viewer"]), "favourite pizza topping")
    assert resp.answer_status == UNANSWERED and reasons(resp) == [(S.ANSWER_REASON_NO_TOOL, "")]
    assert resp.answer_reasons[0].detail == "no tool matched the question" and not resp.trace.calls
    assert resp.answer.startswith("No answer: no tool matched the question.\n")


async def test_matching_tools_left_out_for_a_missing_argument_are_not_covered(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    resp = await ask_and_read_back(ops, tokens.metadata(TENANT, ["viewer"]), "cpu usage")
    assert not resp.trace.calls and resp.answer_status == UNANSWERED
    assert reasons(resp) == [(S.ANSWER_REASON_NOT_COVERED, "cpu_by_host"),
                             (S.ANSWER_REASON_NOT_COVERED, "memory_by_host")]  # fmt: skip
    assert "it needs 'host', which the question does not give" in resp.answer_reasons[0].detail
    assert resp.answer.startswith("No answer: cpu_by_host matched the question but was not run: it needs 'host'")


async def test_a_cut_result_is_partial_truncated(fake_am, start_ops, tokens) -> None:
    audit = Tool("audit_trail", "Audit trail entries: who did what on which host", frozenset({"history"}),
                 input_schema={"type": "object", "properties": {}}, idempotent=True)  # fmt: skip

    async def entries(_: dict[str, Any]) -> Any:
        # 120 rows, and marked truncated as api_manager marks a result cut at the API's row limit.
        return {"rows": [{"n": i, "who": "ci", "host": "web-01"} for i in range(120)], "truncated": True}

    fake_am.catalogue.add(audit, entries, tenants=[TENANT])
    ops = await start_ops(fake_am.target)
    resp = await ask_and_read_back(ops, tokens.metadata(TENANT, ["viewer"]), "show the audit trail entries")
    assert [c.tool for c in resp.trace.calls] == ["audit_trail"] and resp.trace.calls[0].status == S.CALL_OK
    assert resp.answer_status == PARTIAL
    assert reasons(resp) == [(S.ANSWER_REASON_TRUNCATED, "audit_trail"), (S.ANSWER_REASON_TRUNCATED, "audit_trail")]
    by_api_manager, by_composer = (r.detail for r in resp.answer_reasons)
    assert by_api_manager.startswith("api_manager marked the result of audit_trail truncated: 120 rows came back")
    assert by_composer.startswith("the table from audit_trail() has 120 rows and the answer shows the first 50")
    assert len(resp.blocks[0].table.rows) == 50 and len(resp.trace.calls[0].output.struct_value["rows"]) == 120
    assert resp.answer.startswith(
        "Partial answer: api_manager marked the result of audit_trail truncated: 120 rows came back; "
        "the table from audit_trail() has 120 rows and the answer shows the first 50.\n"
    )


async def test_the_cli_exits_non_zero_unless_the_answer_is_complete(fake_am, start_ops, tokens) -> None:
    fail(fake_am, "error_rate", "error store unavailable")
    ops = await start_ops(fake_am.target)
    base = ["--ops", f"127.0.0.1:{ops.handle.port}", "--token", tokens.mint(TENANT, ["viewer"]), "ask"]

    async def cli_ask(question: str) -> tuple[int, str]:
        # The CLI runs its own event loop: in a thread, so this loop keeps serving the ops server.
        result = await asyncio.to_thread(CliRunner().invoke, cli, [*base, question])
        return result.exit_code, result.output

    code, out = await cli_ask(CPU_Q)
    assert code == 0, out
    assert "status: COMPLETE" in out
    code, out = await cli_ask("error rate of checkout and memory of web-01")
    assert code == EXIT_PARTIAL == 3, out
    assert "status: PARTIAL" in out and "TOOL_FAILED: the call to error_rate failed (error store unavailable)" in out
    code, out = await cli_ask("favourite pizza topping")
    assert code == EXIT_NO_ANSWER == 4, out
    assert "status: UNANSWERED" in out and "NO_TOOL: no tool matched the question" in out
