"""Runs persistence (SQLite and PostgreSQL), tenancy, budgets and deadlines over real gRPC."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import duration_pb2, timestamp_pb2

from opsuite.ops.v1 import ops_pb2
from opsuite_common.errors import ValidationError
from opsuite_common.rpc_status import from_grpc_error
from opsuite_ops.domain.in_memory import Script

TENANT, OTHER = "acme", "globex"  # see conftest.py: demo tools for acme, globex_inventory for globex
CPU_Q = "what is the cpu on web-01 over the last 2 hours"


def ts(dt: datetime) -> timestamp_pb2.Timestamp:
    out = timestamp_pb2.Timestamp()
    out.FromDatetime(dt)
    return out


async def test_get_run_and_list_runs_round_trip(fake_am, start_ops, tokens, db_url) -> None:
    ops = await start_ops(fake_am.target, db_url=db_url)
    md = tokens.metadata(TENANT, ["viewer"])
    fake_am.catalogue.script("error_rate", Script(fail_times=-1, retryable=False, message="error store unavailable"))
    first = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q, mode=ops_pb2.MODE_METRIC), metadata=md)
    second = await ops.stub.Ask(ops_pb2.AskRequest(question="error rate of checkout"), metadata=md)
    assert not first.partial and second.partial

    run = await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=first.run_id), metadata=md)
    assert run.tenant == TENANT and run.subject == "alice" and run.question == CPU_Q
    assert run.mode == ops_pb2.MODE_METRIC and run.status == ops_pb2.RUN_SUCCEEDED and run.request_id
    assert run.answer == first.answer and list(run.blocks) == list(first.blocks)
    assert list(run.references) == list(first.references)
    assert run.trace == first.trace  # phases, plans, calls with inputs/outputs/timings survive the round trip
    assert run.trace.calls[0].output == first.trace.calls[0].output and run.duration.ToNanoseconds() > 0
    failed = await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=second.run_id), metadata=md)
    assert failed.status == ops_pb2.RUN_PARTIAL and failed.gaps[0].tool == "error_rate"
    assert failed.trace.calls[0].error_reason == "API_EXECUTION_FAILED"

    page1 = await ops.stub.ListRuns(ops_pb2.ListRunsRequest(page={"page_size": 1}), metadata=md)
    assert [r.run_id for r in page1.runs] == [second.run_id] and page1.page.next_page_token
    assert not page1.runs[0].HasField("trace")
    page2 = await ops.stub.ListRuns(
        ops_pb2.ListRunsRequest(page={"page_size": 1, "page_token": page1.page.next_page_token}), metadata=md
    )
    assert [r.run_id for r in page2.runs] == [first.run_id] and not page2.page.next_page_token
    partial = await ops.stub.ListRuns(ops_pb2.ListRunsRequest(status=ops_pb2.RUN_PARTIAL), metadata=md)
    assert [r.run_id for r in partial.runs] == [second.run_id]
    future = datetime.now(UTC) + timedelta(hours=1)
    assert not (await ops.stub.ListRuns(ops_pb2.ListRunsRequest(since=ts(future)), metadata=md)).runs
    past = datetime.now(UTC) - timedelta(hours=1)
    assert len((await ops.stub.ListRuns(ops_pb2.ListRunsRequest(since=ts(past)), metadata=md)).runs) == 2
    with pytest.raises(grpc.aio.AioRpcError) as err:  # a token from another query
        await ops.stub.ListRuns(
            ops_pb2.ListRunsRequest(status=ops_pb2.RUN_PARTIAL, page={"page_token": page1.page.next_page_token}),
            metadata=md,
        )
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_tenant_never_sees_or_runs_another_tenants_tools_or_runs(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    acme, globex = tokens.metadata(TENANT, ["viewer"]), tokens.metadata(OTHER, ["admin"], subject="gina")
    acme_run = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=acme)

    tools = await ops.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=globex)
    assert [t.name for t in tools.tools] == ["globex_inventory"]
    other = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=globex)
    assert all(c.tool == "globex_inventory" for c in other.trace.calls) and other.trace.tool_count == 1
    # api_manager saw each caller as themselves: no globex call ever ran an acme tool, and vice versa.
    seen = fake_am.servicer.seen
    assert {(t, s) for _, t, s in seen} == {(TENANT, "alice"), (OTHER, "gina")}
    # Only acme's run used it (after reading the estate's names with list_hosts).
    assert [n for n, _ in fake_am.catalogue.calls].count("cpu_by_host") == 1

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=acme_run.run_id), metadata=globex)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    listed = await ops.stub.ListRuns(ops_pb2.ListRunsRequest(), metadata=globex)
    assert [r.run_id for r in listed.runs] == [other.run_id]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id="no-such-run"), metadata=acme)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_over_limit_budget_is_invalid_argument_with_field_violations(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    md = tokens.metadata(TENANT, ["viewer"])
    budget = ops_pb2.Budget(max_steps=1000, max_parallelism=-1, total_timeout=duration_pb2.Duration(seconds=3600))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q, budget=budget), metadata=md)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    typed = from_grpc_error(err.value)
    assert isinstance(typed, ValidationError)
    assert {v.field for v in typed.field_violations} == {
        "budget.max_steps", "budget.max_parallelism", "budget.total_timeout_s"
    }  # fmt: skip
    assert not (await ops.stub.ListRuns(ops_pb2.ListRunsRequest(), metadata=md)).runs  # nothing ran or persisted


async def test_budget_limits_the_plan(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    q = "what changed on checkout before the error spike"
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=q, budget=ops_pb2.Budget(max_steps=1)),
                              metadata=tokens.metadata(TENANT, ["viewer"]))  # fmt: skip
    assert len(resp.trace.plans[0].steps) == 1 and resp.trace.budget.max_steps == 1


async def test_the_callers_deadline_bounds_the_run(fake_am, start_ops, tokens) -> None:
    fake_am.catalogue.script("cpu_by_host", Script(delay_s=5.0))
    ops = await start_ops(fake_am.target)
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=tokens.metadata(TENANT, ["viewer"]),
                              timeout=2.0)  # fmt: skip
    # An answer (partial), not DEADLINE_EXCEEDED: the run's time budget was cut to fit the call's deadline.
    assert resp.partial and resp.gaps[0].tool == "cpu_by_host"
    assert resp.trace.budget.total_timeout.ToNanoseconds() < 2_000_000_000
    assert resp.trace.calls[0].status == ops_pb2.CALL_TIMEOUT


async def test_the_deadline_counts_from_the_call_not_from_after_the_run_row(
    fake_am, start_ops, tokens, monkeypatch
) -> None:
    # The run row's insert takes 0.8 s (a loaded disk): the run's time budget still counts from when the
    # caller's deadline was read, so the partial answer arrives inside the 2 s deadline, not after it.
    fake_am.catalogue.script("cpu_by_host", Script(delay_s=5.0))
    ops = await start_ops(fake_am.target)
    run_log = ops.app.runs.run_log
    begin = run_log.begin

    async def slow_begin(base: dict[str, object]) -> None:
        await asyncio.sleep(0.8)
        await begin(base)

    monkeypatch.setattr(run_log, "begin", slow_begin)
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=tokens.metadata(TENANT, ["viewer"]),
                              timeout=2.0)  # fmt: skip
    assert resp.partial and resp.trace.calls[0].status == ops_pb2.CALL_TIMEOUT


async def test_bad_mode_question_and_roles(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await ops.stub.Ask(ops_pb2.AskRequest(question="  "), metadata=tokens.metadata(TENANT, ["viewer"]))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
