"""Ask / AskStream / ListTools over real gRPC against a fake api_manager (identity forwarded, paging, events)."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from opsuite.ops.v1 import ops_pb2
from opsuite_common.auth import Identity, Role
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.eventually import eventually
from opsuite_ops.adapters import ApiManagerCatalogue
from opsuite_ops.domain.in_memory import Script

TENANT = "acme"  # the tenant the fake api_manager shows the demo tools to (conftest.py)

CPU_Q = "what is the cpu on web-01 over the last 2 hours"


async def test_ask_answers_with_blocks_references_and_trace(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=tokens.metadata(TENANT, ["viewer"]))
    assert not resp.partial and resp.run_id
    assert "cpu_by_host" in resp.answer
    kinds = [b.WhichOneof("content") for b in resp.blocks]
    assert kinds[0] == "timeseries" and kinds[-1] == "references"
    assert len(resp.blocks[0].timeseries.points) == 6 and resp.blocks[0].timeseries.points[0].time.seconds > 0
    ref = resp.references[0]
    assert ref.tool == "cpu_by_host" and ref.execution_id.startswith("am-exec-") and "latest" in ref.fact
    trace = resp.trace
    assert [p.phase for p in trace.phases] == list(range(1, 8))  # initialise .. compose, in order
    assert trace.planner == "deterministic" and trace.tool_count == 11
    call = trace.calls[0]
    assert call.tool == "cpu_by_host" and call.status == ops_pb2.CALL_OK
    assert call.arguments["host"] == "web-01" and call.duration.ToNanoseconds() > 0
    assert len(call.output.struct_value["series"]) == 6  # the full output is in the trace
    # Every call reached api_manager as the caller: the forwarded token authenticated as alice@acme.
    assert {(t, s) for _, t, s in fake_am.servicer.seen} == {(TENANT, "alice")}


async def test_list_tools_pages_through_discovery_as_the_caller(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    resp = await ops.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=tokens.metadata(TENANT, ["viewer"]))
    assert len(resp.tools) == 11 and not resp.stale  # the fake serves 4 per page: 3 pages
    assert sum(1 for rpc, _, _ in fake_am.servicer.seen if rpc == "ListApis") == 3
    host = next(t for t in resp.tools if t.name == "host_lookup")
    assert host.idempotent and "config" in host.tags and host.input_schema["required"] == ["host"]
    assert "x-output-hints" not in host.input_schema  # moved to the tool's output hints


async def test_stale_catalogue_when_api_manager_goes_away(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target, catalogue_ttl_s=0)
    md = tokens.metadata(TENANT, ["viewer"])
    await ops.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=md)
    await fake_am.kill()
    resp = await ops.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=md)
    assert resp.stale and "last good catalogue" in resp.note and len(resp.tools) == 11


async def test_no_catalogue_at_all_is_unavailable_and_recorded(start_ops, tokens) -> None:
    ops = await start_ops("127.0.0.1:1")  # nothing listens there
    md = tokens.metadata(TENANT, ["viewer"])
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=md)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert from_grpc_error(err.value).reason == "TOOL_CATALOGUE_UNAVAILABLE"
    runs = await ops.stub.ListRuns(ops_pb2.ListRunsRequest(), metadata=md)
    assert runs.runs[0].status == ops_pb2.RUN_FAILED and runs.runs[0].error_reason == "TOOL_CATALOGUE_UNAVAILABLE"


async def test_ask_stream_events_in_order_then_the_run_is_readable(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    md = tokens.metadata(TENANT, ["viewer"])
    events = [e async for e in ops.stub.AskStream(ops_pb2.AskRequest(question=CPU_Q), metadata=md)]
    kinds = [e.WhichOneof("event") for e in events]
    assert kinds[0] == "phase_started" and events[0].phase_started.phase == ops_pb2.PHASE_INITIALISE
    assert kinds[-1] == "answer" and kinds.count("answer") == 1
    assert kinds.index("plan") < kinds.index("call_started") < kinds.index("call_finished") < kinds.index("block")
    started = next(e.call_started for e in events if e.WhichOneof("event") == "call_started")
    finished = next(e.call_finished for e in events if e.WhichOneof("event") == "call_finished")
    assert started.status == ops_pb2.CALL_RUNNING and started.call_id == finished.call_id
    assert finished.status == ops_pb2.CALL_OK and finished.duration.ToNanoseconds() > 0
    phases = [(k, getattr(e, k).phase) for e, k in zip(events, kinds, strict=True) if k.startswith("phase_")]
    assert [p for k, p in phases if k == "phase_finished"] == list(range(1, 8))
    assert [e.seq for e in events] == sorted(e.seq for e in events) and len({e.run_id for e in events}) == 1
    answer = events[-1].answer
    assert answer.references[0].tool == "cpu_by_host"
    run = await ops.stub.GetRun(ops_pb2.GetRunRequest(run_id=answer.run_id), metadata=md)  # persisted already
    assert run.answer == answer.answer and run.status == ops_pb2.RUN_SUCCEEDED


async def test_parallel_calls_one_fails_the_others_are_kept(fake_am, start_ops, tokens) -> None:
    fake_am.catalogue.script("error_rate", Script(fail_times=-1, retryable=False, message="error store unavailable"))
    ops = await start_ops(fake_am.target)
    q = "what changed on checkout before the error spike"
    resp = await ops.stub.Ask(ops_pb2.AskRequest(question=q), metadata=tokens.metadata(TENANT, ["viewer"]))
    ok = {c.tool for c in resp.trace.calls if c.status == ops_pb2.CALL_OK}
    assert {"recent_deployments", "config_changes"} <= ok
    failed = next(c for c in resp.trace.calls if c.tool == "error_rate")
    assert failed.error_reason == "API_EXECUTION_FAILED" and "error store unavailable" in failed.error
    assert resp.partial and [g.tool for g in resp.gaps] == ["error_rate"]
    assert "error store unavailable" in resp.answer
    assert {r.tool for r in resp.references} >= {"recent_deployments", "config_changes"}


async def test_api_manager_killed_mid_run_gives_a_partial_answer_and_an_open_breaker(
    fake_am, start_ops, tokens
) -> None:
    # Longer than the run's 10 s call timeout: the call cannot end by itself before the kill cancels it.
    fake_am.catalogue.script("cpu_by_host", Script(delay_s=30.0))
    ops = await start_ops(fake_am.target)
    md = tokens.metadata(TENANT, ["viewer"])
    ask = asyncio.ensure_future(ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q), metadata=md))
    await eventually(lambda: fake_am.catalogue.in_flight, what="the tool call in flight in the fake")
    assert fake_am.catalogue.in_flight == 1
    await fake_am.kill()
    resp = await ask
    assert resp.partial and resp.gaps[0].tool == "cpu_by_host"
    assert "could not find" in resp.answer.lower() and "cpu_by_host" in resp.answer
    reasons = [c.error_reason for c in resp.trace.calls]
    assert "CIRCUIT_OPEN" in reasons, reasons
    assert ops.app.runs.catalogue.source.breaker_state == "open"
    # The open breaker's error still names the cause (api_manager's, not only that a breaker is open).
    opened = next(c for c in resp.trace.calls if c.error_reason == "CIRCUIT_OPEN")
    assert opened.error.startswith("api_manager unreachable: ") and "(circuit open, retrying after " in opened.error


async def test_a_breaker_registry_passed_in_is_used_even_while_empty(fake_am, start_ops) -> None:
    """An empty registry is falsy: build_app must still use it rather than make its own."""
    breakers = BreakerRegistry(fail_max=1, reset_timeout=60)
    assert not breakers  # the case the wiring must not mistake for "none given"
    ops = await start_ops(fake_am.target, breakers=breakers)
    name = f"api_manager@{fake_am.target}"
    assert breakers.states() == {name: "closed"}
    assert ops.app.runs.catalogue.source.client.breaker is breakers.get(name)


async def test_identity_is_forwarded_explicitly_outside_an_rpc(fake_am, tokens) -> None:
    """The adapter sends the identity's own token, so it needs no RPC context (e.g. in a detached task)."""
    cat = ApiManagerCatalogue(fake_am.target)
    try:
        who = Identity("bob", TENANT, frozenset({Role.VIEWER}), token=tokens.mint(TENANT, ["viewer"], subject="bob"))
        tools = await asyncio.create_task(cat.list_tools(who))
        result = await cat.invoke(who, "error_rate", {"service": "checkout"}, 5.0)
    finally:
        await cat.close()
    assert len(tools) == 11 and result.success and result.execution_id.startswith("am-exec-")
    assert result.data["unit"] == "%"
    assert set(fake_am.servicer.seen) == {("ListApis", TENANT, "bob"), ("ExecuteApi", TENANT, "bob")}
