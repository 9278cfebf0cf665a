"""Every run leaves a record, whatever happens to the process. Real api_manager and ops processes, their own
stores on SQLite files and, in the ``[postgresql]`` runs, on PostgreSQL (a fresh database per service and test).

* kill -9 mid-workflow (its second step a slow script), restart on the same database: the workflow
  and its running step are ABORTED, and every step's parent record exists. Then SIGTERM to the restarted
  process while a call runs past the grace period: the call is recorded CANCELLED before the exit.
* A restart of another instance on the same database leaves the first one's running executions alone.
* The same for ops: an Ask whose tool is slow is ``running`` while it runs, ``aborted`` after kill -9
  and a restart, and (on the restarted process) ``cancelled`` when the shutdown grace cuts it off.

Each test starts as few processes as it can: the restarted process is the one the grace period is tested on.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import psycopg
import pytest
from psycopg.rows import dict_row
from sqlalchemy import make_url

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.protoconv import dict_to_struct
from opsuite_common.testing.db import fresh_pg_database
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.processes import Stack, stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack
from ..service_table import SERVICES

MD = TokenFactory().metadata(tenant="records", roles=["admin"])
SLOW = "import time\ndef main(params, input, ctx):\n    time.sleep(5)\n    return 'late'\n"
QUICK = "def main(params, input, ctx):\n    return 'first'\n"
EXECUTIONS = "SELECT id, api_name, status, parent_id, error_reason FROM am_executions"
RUNS = "SELECT id, status, error_reason FROM ops_runs"
Rows = list[dict[str, object]]


@dataclass(frozen=True)
class Store:
    """The services' own databases in one test: the URLs the processes are given, and their rows read back."""

    urls: dict[str, str]

    def env(self) -> dict[str, str]:
        """``<P>DATABASE_URL`` of each service."""
        return {f"{SERVICES[name].prefix}DATABASE_URL": url for name, url in self.urls.items()}

    def rows(self, service: str, query: str) -> Rows:
        """The rows of ``query`` on ``service``'s database, as dicts."""
        url = make_url(self.urls[service])
        if url.get_backend_name() == "sqlite":
            db = sqlite3.connect(url.database or "")
            db.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in db.execute(query)]
            finally:
                db.close()
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, row_factory=dict_row) as conn:
            return list(conn.execute(query).fetchall())

    def reader(self, service: str, query: str) -> Callable[[], Rows]:
        """A function reading the rows of ``query`` on ``service``'s database again at each call."""
        return lambda: self.rows(service, query)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """api_manager's and ops's stores: SQLite files in the test's folder, or two fresh PostgreSQL databases."""
    if request.param == "sqlite":
        yield Store({name: f"sqlite:///{tmp_path / (name + '.db')}" for name in ("api_manager", "ops")})
        return
    with fresh_pg_database() as api_manager, fresh_pg_database() as ops:
        yield Store({"api_manager": api_manager, "ops": ops})


def _script(name: str, source: str) -> pb.ApiDefinition:
    api = pb.ApiDefinition(name=name, kind=pb.SCRIPT, enabled=True, script=pb.ScriptSpec(source=source))
    api.policy.timeout.FromSeconds(30)
    return api


def _running(before: set[object]) -> Callable[[Rows], bool]:
    """A predicate: some execution not among ``before`` is RUNNING."""
    return lambda rows: any(r["status"] == "RUNNING" and r["id"] not in before for r in rows)


async def _setup(stub: api_manager_pb2_grpc.ApiManagerServiceStub) -> None:
    await stub.CreateApi(pb.CreateApiRequest(api=_script("quick", QUICK)), metadata=MD)
    await stub.CreateApi(pb.CreateApiRequest(api=_script("slow", SLOW)), metadata=MD)
    flow = {"steps": [{"id": "one", "api": "quick"}, {"id": "two", "api": "slow", "depends_on": ["one"]}]}
    wf = pb.ApiDefinition(
        name="flow", kind=pb.WORKFLOW, enabled=True, workflow=pb.WorkflowSpec(definition=dict_to_struct(flow))
    )
    wf.policy.timeout.FromSeconds(30)
    await stub.CreateApi(pb.CreateApiRequest(api=wf), metadata=MD)


async def _ended_by_the_signal(call: asyncio.Future[object]) -> None:
    """The call a stopping or killed server was running ends CANCELLED or UNAVAILABLE, never with a result."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    assert info.value.code() in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE), info.value


async def test_kill_mid_workflow_aborts_it_at_restart_and_a_call_past_the_grace_is_recorded_cancelled(
    tmp_path: Path, store: Store
) -> None:
    executions = store.reader("api_manager", EXECUTIONS)
    env = {**store.env(), "OPSUITE_API_MANAGER_GRACE_S": "1"}
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager"], env)
    try:
        async with grpc.aio.insecure_channel(stack.target("api_manager")) as channel:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(channel)
            await _setup(stub)
            call = asyncio.ensure_future(stub.ExecuteApi(pb.ExecuteApiRequest(name="flow"), metadata=MD, timeout=30))
            # The slow second step is running: the workflow and that step are RUNNING, the first step ended.
            rows = await eventually(
                executions,
                until=lambda rs: any(r["api_name"] == "slow" and r["status"] == "RUNNING" for r in rs),
                timeout=20,
                what="the workflow's slow step RUNNING",
            )
            statuses = {r["api_name"]: r["status"] for r in rows}
            assert statuses == {"flow": "RUNNING", "quick": "SUCCEEDED", "slow": "RUNNING"}, rows
            stack.procs["api_manager"].send_signal(signal.SIGKILL)
            await asyncio.to_thread(stack.procs["api_manager"].wait, 10)
            await _ended_by_the_signal(call)
        await asyncio.to_thread(stack.start, "api_manager")  # same database, same instance (host name)
        after_restart = executions()
        # The restarted process: SIGTERM while a call runs past its 1 s grace period.
        proc = stack.procs["api_manager"]
        async with grpc.aio.insecure_channel(stack.target("api_manager")) as channel:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(channel)
            call = asyncio.ensure_future(stub.ExecuteApi(pb.ExecuteApiRequest(name="slow"), metadata=MD, timeout=30))
            await eventually(
                executions, until=_running({r["id"] for r in after_restart}), timeout=20, what="the new call RUNNING"
            )
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(proc.wait, 30)
            await _ended_by_the_signal(call)
    finally:
        stop_stack(stack)
    statuses = {r["api_name"]: (r["status"], r["error_reason"]) for r in after_restart}
    assert statuses == {
        "flow": ("ABORTED", "PROCESS_ENDED"),
        "quick": ("SUCCEEDED", ""),
        "slow": ("ABORTED", "PROCESS_ENDED"),
    }, after_restart
    flow_id = next(r["id"] for r in after_restart if r["api_name"] == "flow")
    steps = [r for r in after_restart if r["api_name"] != "flow"]
    assert len(steps) == 2 and all(r["parent_id"] == flow_id for r in steps), after_restart
    assert code == 0
    after_shutdown = executions()
    cut = [r for r in after_shutdown if r not in after_restart]
    assert [(r["api_name"], r["status"], r["error_reason"]) for r in cut] == [("slow", "CANCELLED", "SHUTDOWN")], cut
    assert len(after_shutdown) == len(after_restart) + 1  # the aborted records were left as they were


async def test_restart_of_another_instance_leaves_running_runs_alone(tmp_path: Path, store: Store) -> None:
    # Two replicas on one database: a restart of "b" must not abort what "a" is running.
    executions = store.reader("api_manager", EXECUTIONS)
    env = {**store.env(), "OPSUITE_API_MANAGER_INSTANCE_ID": "a"}
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager"], env)
    try:
        async with grpc.aio.insecure_channel(stack.target("api_manager")) as channel:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(channel)
            await _setup(stub)
            call = asyncio.ensure_future(stub.ExecuteApi(pb.ExecuteApiRequest(name="slow"), metadata=MD, timeout=30))
            await eventually(executions, until=_running(set()), timeout=20, what="the call RUNNING")
            stack.procs["api_manager"].send_signal(signal.SIGKILL)
            await asyncio.to_thread(stack.procs["api_manager"].wait, 10)
            await _ended_by_the_signal(call)
        stack.env["OPSUITE_API_MANAGER_INSTANCE_ID"] = "b"
        await asyncio.to_thread(stack.start, "api_manager")
        after_b = executions()
        stack.procs["api_manager"].send_signal(signal.SIGKILL)
        await asyncio.to_thread(stack.procs["api_manager"].wait, 10)
        stack.env["OPSUITE_API_MANAGER_INSTANCE_ID"] = "a"
        await asyncio.to_thread(stack.start, "api_manager")
        after_a = executions()
    finally:
        stop_stack(stack)
    assert [r["status"] for r in after_b] == ["RUNNING"], after_b
    assert [r["status"] for r in after_a] == ["ABORTED"], after_a


async def _slow_tool_stack(tmp_path: Path, env: dict[str, str]) -> Stack:
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager", "ops"], env)
    async with grpc.aio.insecure_channel(stack.target("api_manager")) as channel:
        api = _script("sleepy_lookup", SLOW)
        api.description = "sleepy lookup of the slow estate"
        api.expose_as_tool = True
        await api_manager_pb2_grpc.ApiManagerServiceStub(channel).CreateApi(pb.CreateApiRequest(api=api), metadata=MD)
    return stack


async def _ask_until_running(stack: Stack, store: Store) -> tuple[grpc.aio.Channel, asyncio.Future[object]]:
    """Ask ops about the slow estate; return once its tool call is RUNNING in api_manager."""
    before = {r["id"] for r in store.rows("api_manager", EXECUTIONS)}
    channel = grpc.aio.insecure_channel(stack.target("ops"))
    ask = ops_pb2_grpc.OpsServiceStub(channel).Ask(
        ops_pb2.AskRequest(question="sleepy lookup of the slow estate"), metadata=MD, timeout=30
    )
    call = asyncio.ensure_future(ask)
    # The tool call is in api_manager (RUNNING there) while the ops run is running.
    reader = store.reader("api_manager", EXECUTIONS)
    await eventually(reader, until=_running(before), timeout=20, what="the tool call RUNNING")
    return channel, call


async def test_ops_run_killed_mid_ask_is_aborted_at_restart_and_one_past_the_grace_is_recorded_cancelled(
    tmp_path: Path, store: Store
) -> None:
    runs = store.reader("ops", RUNS)
    stack = await _slow_tool_stack(tmp_path, {**store.env(), "OPSUITE_OPS_GRACE_S": "1"})
    try:
        channel, call = await _ask_until_running(stack, store)
        assert [r["status"] for r in runs()] == ["running"]
        stack.procs["ops"].send_signal(signal.SIGKILL)
        await asyncio.to_thread(stack.procs["ops"].wait, 10)
        await _ended_by_the_signal(call)
        await channel.close()
        await asyncio.to_thread(stack.start, "ops")
        after_restart = runs()
        # The restarted process: SIGTERM while an Ask runs past its 1 s grace period.
        proc = stack.procs["ops"]
        channel, call = await _ask_until_running(stack, store)
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 30)
        await _ended_by_the_signal(call)
        await channel.close()
    finally:
        stop_stack(stack)
    assert [(r["status"], r["error_reason"]) for r in after_restart] == [("aborted", "PROCESS_ENDED")], after_restart
    assert code == 0
    after_shutdown = runs()
    cut = [r for r in after_shutdown if r not in after_restart]
    assert [(r["status"], r["error_reason"]) for r in cut] == [("cancelled", "SHUTDOWN")], after_shutdown
    assert len(after_shutdown) == 2  # the aborted run was left as it was
