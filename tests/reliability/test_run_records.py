"""Every run leaves a record, whatever happens to the process. Real api_manager processes on SQLite.

* kill -9 mid-workflow (its second step a slow script), restart on the same database: the workflow
  and its running step are ABORTED, and every step's parent record exists.
* SIGTERM while a call runs past the grace period: the call is recorded CANCELLED before the exit.
* The same for ops: an Ask whose tool is slow is ``running`` while it runs, ``aborted`` after kill -9
  and a restart, ``cancelled`` when the shutdown grace cuts it off.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from pathlib import Path

import grpc

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.protoconv import dict_to_struct
from opsuite_common.testing.processes import Stack, stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack

MD = TokenFactory().metadata(tenant="records", roles=["admin"])
SLOW = "import time\ndef main(params, input, ctx):\n    time.sleep(5)\n    return 'late'\n"
QUICK = "def main(params, input, ctx):\n    return 'first'\n"


def _script(name: str, source: str) -> pb.ApiDefinition:
    api = pb.ApiDefinition(name=name, kind=pb.SCRIPT, enabled=True, script=pb.ScriptSpec(source=source))
    api.policy.timeout.FromSeconds(30)
    return api


def _rows(path: Path) -> list[dict[str, object]]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT id, api_name, status, parent_id, error_reason FROM am_executions")]
    db.close()
    return rows


async def _wait_for(path: Path, predicate: object, timeout: float = 20.0) -> list[dict[str, object]]:
    """Poll the execution table until ``predicate(rows)`` holds (a condition, never a timed assert)."""
    end = time.monotonic() + timeout
    while True:
        rows = _rows(path)
        if predicate(rows) or time.monotonic() > end:  # type: ignore[operator]
            return rows
        await asyncio.sleep(0.1)


async def _setup(stack: Stack) -> api_manager_pb2_grpc.ApiManagerServiceStub:
    channel = grpc.aio.insecure_channel(stack.target("api_manager"))
    stub = api_manager_pb2_grpc.ApiManagerServiceStub(channel)
    await stub.CreateApi(pb.CreateApiRequest(api=_script("quick", QUICK)), metadata=MD)
    await stub.CreateApi(pb.CreateApiRequest(api=_script("slow", SLOW)), metadata=MD)
    flow = {"steps": [{"id": "one", "api": "quick"}, {"id": "two", "api": "slow", "depends_on": ["one"]}]}
    wf = pb.ApiDefinition(
        name="flow", kind=pb.WORKFLOW, enabled=True, workflow=pb.WorkflowSpec(definition=dict_to_struct(flow))
    )
    wf.policy.timeout.FromSeconds(30)
    await stub.CreateApi(pb.CreateApiRequest(api=wf), metadata=MD)
    return stub


async def test_kill_mid_workflow_then_restart_aborts_the_run_and_orphans_no_step(tmp_path):
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager"])
    db = tmp_path / "api_manager.db"
    try:
        stub = await _setup(stack)
        call = asyncio.ensure_future(stub.ExecuteApi(pb.ExecuteApiRequest(name="flow"), metadata=MD, timeout=30))
        # The slow second step is running: the workflow and that step are RUNNING, the first step ended.
        rows = await _wait_for(db, lambda rs: any(r["api_name"] == "slow" and r["status"] == "RUNNING" for r in rs))
        statuses = {r["api_name"]: r["status"] for r in rows}
        assert statuses == {"flow": "RUNNING", "quick": "SUCCEEDED", "slow": "RUNNING"}, rows
        stack.procs["api_manager"].send_signal(signal.SIGKILL)
        await asyncio.to_thread(stack.procs["api_manager"].wait, 10)
        call.cancel()
        await asyncio.to_thread(stack.start, "api_manager")  # same database, same instance (host name)
        rows = _rows(db)
    finally:
        stop_stack(stack)
    statuses = {r["api_name"]: (r["status"], r["error_reason"]) for r in rows}
    assert statuses == {
        "flow": ("ABORTED", "PROCESS_ENDED"),
        "quick": ("SUCCEEDED", ""),
        "slow": ("ABORTED", "PROCESS_ENDED"),
    }, rows
    ids = {r["id"] for r in rows}
    flow_id = next(r["id"] for r in rows if r["api_name"] == "flow")
    steps = [r for r in rows if r["api_name"] != "flow"]
    assert all(r["parent_id"] == flow_id for r in steps) and flow_id in ids


async def test_restart_of_another_instance_leaves_running_runs_alone(tmp_path):
    # Two replicas on one database: a restart of "b" must not abort what "a" is running.
    stack = await asyncio.to_thread(
        start_test_stack, tmp_path, ["api_manager"], {"OPSUITE_API_MANAGER_INSTANCE_ID": "a"}
    )
    db = tmp_path / "api_manager.db"
    try:
        stub = await _setup(stack)
        call = asyncio.ensure_future(stub.ExecuteApi(pb.ExecuteApiRequest(name="slow"), metadata=MD, timeout=30))
        await _wait_for(db, lambda rs: any(r["status"] == "RUNNING" for r in rs))
        stack.procs["api_manager"].send_signal(signal.SIGKILL)
        await asyncio.to_thread(stack.procs["api_manager"].wait, 10)
        call.cancel()
        stack.env["OPSUITE_API_MANAGER_INSTANCE_ID"] = "b"
        await asyncio.to_thread(stack.start, "api_manager")
        after_b = _rows(db)
        stack.procs["api_manager"].send_signal(signal.SIGKILL)
        await asyncio.to_thread(stack.procs["api_manager"].wait, 10)
        stack.env["OPSUITE_API_MANAGER_INSTANCE_ID"] = "a"
        await asyncio.to_thread(stack.start, "api_manager")
        after_a = _rows(db)
    finally:
        stop_stack(stack)
    assert [r["status"] for r in after_b] == ["RUNNING"], after_b
    assert [r["status"] for r in after_a] == ["ABORTED"], after_a


async def test_call_past_the_shutdown_grace_is_recorded_cancelled(tmp_path):
    env = {"OPSUITE_API_MANAGER_GRACE_S": "1"}
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager"], env)
    db = tmp_path / "api_manager.db"
    proc = stack.procs["api_manager"]
    try:
        stub = await _setup(stack)
        call = asyncio.ensure_future(stub.ExecuteApi(pb.ExecuteApiRequest(name="slow"), metadata=MD, timeout=30))
        await _wait_for(db, lambda rs: any(r["status"] == "RUNNING" for r in rs))
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 30)
        try:
            await call
        except grpc.aio.AioRpcError as err:
            assert err.code() in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE), err
    finally:
        stop_stack(stack)
    assert code == 0
    rows = _rows(db)
    assert [(r["api_name"], r["status"], r["error_reason"]) for r in rows] == [("slow", "CANCELLED", "SHUTDOWN")], rows


def _ops_rows(path: Path) -> list[dict[str, object]]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT id, status, error_reason FROM ops_runs")]
    db.close()
    return rows


async def _slow_tool_stack(tmp_path: Path, env: dict[str, str] | None = None) -> Stack:
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager", "ops"], env)
    async with grpc.aio.insecure_channel(stack.target("api_manager")) as channel:
        api = _script("sleepy_lookup", SLOW)
        api.description = "sleepy lookup of the slow estate"
        api.expose_as_tool = True
        await api_manager_pb2_grpc.ApiManagerServiceStub(channel).CreateApi(pb.CreateApiRequest(api=api), metadata=MD)
    return stack


async def _ask_until_running(stack: Stack) -> tuple[grpc.aio.Channel, asyncio.Future[object]]:
    channel = grpc.aio.insecure_channel(stack.target("ops"))
    ask = ops_pb2_grpc.OpsServiceStub(channel).Ask(
        ops_pb2.AskRequest(question="sleepy lookup of the slow estate"), metadata=MD, timeout=30
    )
    call = asyncio.ensure_future(ask)
    # The tool call is in api_manager (RUNNING there) while the ops run is running.
    await _wait_for(stack.run_dir / "api_manager.db", lambda rs: any(r["status"] == "RUNNING" for r in rs))
    return channel, call


async def test_ops_run_killed_mid_ask_is_aborted_after_restart(tmp_path):
    stack = await _slow_tool_stack(tmp_path)
    db = tmp_path / "ops.db"
    try:
        channel, call = await _ask_until_running(stack)
        assert [r["status"] for r in _ops_rows(db)] == ["running"]
        stack.procs["ops"].send_signal(signal.SIGKILL)
        await asyncio.to_thread(stack.procs["ops"].wait, 10)
        call.cancel()
        await channel.close()
        await asyncio.to_thread(stack.start, "ops")
        rows = _ops_rows(db)
    finally:
        stop_stack(stack)
    assert [(r["status"], r["error_reason"]) for r in rows] == [("aborted", "PROCESS_ENDED")], rows


async def test_ops_run_past_the_shutdown_grace_is_recorded_cancelled(tmp_path):
    stack = await _slow_tool_stack(tmp_path, {"OPSUITE_OPS_GRACE_S": "1"})
    db = tmp_path / "ops.db"
    proc = stack.procs["ops"]
    try:
        channel, call = await _ask_until_running(stack)
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 30)
        try:
            await call
        except grpc.aio.AioRpcError as err:
            assert err.code() in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE), err
        await channel.close()
    finally:
        stop_stack(stack)
    assert code == 0
    rows = _ops_rows(db)
    assert [(r["status"], r["error_reason"]) for r in rows] == [("cancelled", "SHUTDOWN")], rows
