"""ops and api_manager as real processes with the demo tenant: answers, references, ids, recovery."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf import duration_pb2

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import Stack
from opsuite_common.testing.servers import TokenFactory

from .conftest import seeded_stack

TOKENS = TokenFactory()
DEMO = (("authorization", f"Bearer {TOKENS.mint(tenant='demo', roles=['viewer'], subject='dana')}"),)
OTHER = (("authorization", f"Bearer {TOKENS.mint(tenant='other', roles=['admin'], subject='eve')}"),)


@pytest.fixture
def demo_stack(stack: Stack) -> Stack:
    """The shared stack (seeded with the demo tenant; breaker threshold 2, reset 1 s: see ``SHARED_ENV``)."""
    return stack


@pytest.fixture
def own_demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A seeded stack of this test's own, with the shared stack's settings: the test kills a process."""
    with seeded_stack(tmp_path_factory.mktemp("xsvc")) as (stack, _):
        yield stack


def _ask(stack: Stack, question: str, metadata=DEMO, timeout: float = 30) -> ops_pb2.AskResponse:
    with grpc.insecure_channel(stack.target("ops")) as ch:
        return ops_pb2_grpc.OpsServiceStub(ch).Ask(
            ops_pb2.AskRequest(question=question), metadata=metadata, timeout=timeout
        )


def test_ops_answers_a_demo_question_with_references_into_the_execution_log(demo_stack):
    resp = _ask(demo_stack, "what is the cpu on web-02 over the last 2 hours")
    assert not resp.partial, resp.answer
    tools = {r.tool for r in resp.references}
    assert "cpu_by_host" in tools
    ref = next(r for r in resp.references if r.tool == "cpu_by_host")
    assert ref.execution_id
    with grpc.insecure_channel(demo_stack.target("api_manager")) as ch:
        am = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
        execution = am.GetExecution(api_manager_pb2.GetExecutionRequest(id=ref.execution_id), metadata=DEMO)
        assert execution.api_name == "cpu_by_host"
        assert execution.caller == "dana"  # ops called api_manager as the asking user
        with pytest.raises(grpc.RpcError) as info:
            am.GetExecution(api_manager_pb2.GetExecutionRequest(id=ref.execution_id), metadata=OTHER)
        assert info.value.code() == grpc.StatusCode.NOT_FOUND
    with grpc.insecure_channel(demo_stack.target("ops")) as ch:
        run = ops_pb2_grpc.OpsServiceStub(ch).GetRun(ops_pb2.GetRunRequest(run_id=resp.run_id), metadata=DEMO)
        assert run.answer == resp.answer


def test_another_tenant_sees_no_demo_tools(demo_stack):
    with grpc.insecure_channel(demo_stack.target("ops")) as ch:
        tools = ops_pb2_grpc.OpsServiceStub(ch).ListTools(ops_pb2.ListToolsRequest(), metadata=OTHER)
    assert list(tools.tools) == []


def test_a_callers_request_id_appears_in_every_services_access_log(demo_stack):
    rid = f"xsvc-{time.time_ns()}"
    _ask(demo_stack, "what is the error rate of checkout", metadata=(*DEMO, ("x-request-id", rid)))
    for name in ("ops", "api_manager"):
        lines = [json.loads(line) for line in demo_stack.log(name).read_text().splitlines() if rid in line]
        assert any(line.get("event") == "rpc" for line in lines), f"{rid} not in {name}'s access log"


def test_one_tenants_failing_api_never_opens_the_breaker_every_tenant_shares(demo_stack):
    # ops keeps one breaker for api_manager (fail_max=2 here). A tenant's API that times out is that
    # tenant's dependency failing, not api_manager: counting it would cut every tenant off their tools.
    api = api_manager_pb2.ApiDefinition(
        name="spin_forever",
        description="spin forever burning cpu",
        kind=api_manager_pb2.SCRIPT,
        script=api_manager_pb2.ScriptSpec(source="def main(params, input, ctx):\n    while True:\n        pass\n"),
        policy=api_manager_pb2.RuntimePolicy(timeout=duration_pb2.Duration(nanos=300_000_000)),
        enabled=True,
        expose_as_tool=True,
    )
    third = (("authorization", f"Bearer {TOKENS.mint(tenant='third', roles=['admin'], subject='tom')}"),)
    ops_log = demo_stack.log("ops")
    seen = ops_log.stat().st_size
    with grpc.insecure_channel(demo_stack.target("api_manager")) as ch:
        am = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
        am.CreateApi(api_manager_pb2.CreateApiRequest(api=api), metadata=third)
        with pytest.raises(grpc.RpcError) as info:
            am.ExecuteApi(api_manager_pb2.ExecuteApiRequest(name="spin_forever"), metadata=third)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert from_grpc_error(info.value).dependency == "api:spin_forever"
    for _ in range(3):
        failed = _ask(demo_stack, "spin forever burning cpu", metadata=third)
        assert [c.error_reason for c in failed.trace.calls] == ["SCRIPT_TIMEOUT"], failed.answer
    assert not _ask(demo_stack, "what is the error rate of checkout").partial  # the demo tenant is unaffected
    with ops_log.open() as log:
        log.seek(seen)
        assert "circuit breaker state changed" not in log.read()


def test_api_manager_killed_then_restarted_partial_answer_then_recovery(own_demo_stack):
    question = "what is the error rate of checkout"
    assert not _ask(own_demo_stack, question).partial  # warm the catalogue
    proc = own_demo_stack.procs["api_manager"]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    down = _ask(own_demo_stack, question)
    assert down.partial
    assert down.gaps and "error_rate" in down.answer + "".join(g.tool for g in down.gaps)
    reasons = {c.error_reason for c in down.trace.calls}
    assert reasons & {"SERVICE_UNAVAILABLE", "CIRCUIT_OPEN"}, reasons
    own_demo_stack.start("api_manager")
    answer = eventually_sync(  # ops recovers by itself: no restart of ops
        lambda: _ask(own_demo_stack, question),
        until=lambda answer: not answer.partial,
        timeout=15,
        interval=0.5,
        what="a full answer once api_manager is back",
    )
    assert any(r.tool == "error_rate" for r in answer.references)
