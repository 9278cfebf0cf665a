"""``--workers N``: the services as real processes, N workers on one port (SO_REUSEPORT).

Which worker holds a connection is read from ``/proc``: the worker processes' socket inodes against the
established TCP connections on the port (Linux, like SO_REUSEPORT's load balancing itself).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa

from opsuite.common.v1 import common_pb2
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.servers import TEST_SECRET, TokenFactory

from .conftest import SERVICES

#: The env of each service run with two workers: cep needs partitions (a JetStream stream of its own).
WORKER_ENV = {
    "api_manager": {"OPSUITE_API_MANAGER_INSTANCE_ID": "am-test"},
    "ops": {"OPSUITE_OPS_INSTANCE_ID": "ops-test", "OPSUITE_OPS_API_MANAGER_TARGET": "127.0.0.1:1"},
    "cep": {
        "OPSUITE_CEP_EVENT_LOG": "nats://127.0.0.1:4222",
        "OPSUITE_CEP_PARTITIONS": "2",
        "OPSUITE_CEP_LEASE_TTL_S": "2",
    },
}


class Workers:
    """A service started with ``--workers 2`` on port 0: its parent, port and log."""

    def __init__(self, tmp: Path, name: str, extra: dict[str, str] | None = None) -> None:
        prefix = SERVICES[name].prefix
        env = {
            **os.environ,
            "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET,
            f"{prefix}PORT": "0",
            f"{prefix}DATABASE_URL": f"sqlite:///{tmp / (name + '.db')}",
            f"{prefix}LOG_FORMAT": "json",
            f"{prefix}GRACE_S": "3",
            **WORKER_ENV[name],
            **(extra or {}),
        }
        if name == "cep":
            env["OPSUITE_CEP_STREAM_NAMESPACE"] = f"w{uuid.uuid4().hex[:10]}"
        self.name, self.db = name, tmp / f"{name}.db"
        self.log = tmp / f"{name}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", SERVICES[name].module, "--workers", "2"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.port = int(eventually_sync(self._listening, timeout=90, what=f"{name} listening with 2 workers"))

    def _listening(self) -> str | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited ({self.proc.returncode}): {self.log.read_text()[-3000:]}")
        found = re.search(r"listening on 127\.0\.0\.1:(\d+) \(2 workers\)", self.log.read_text())
        return found.group(1) if found else None

    def events(self, event: str) -> list[dict[str, Any]]:
        """The parent's and workers' log lines of the worker runner with this ``event``."""
        lines = [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]
        return [e for e in lines if e.get("logger") == "opsuite.server.workers" and e.get("event") == event]

    def worker_pid(self, index: int) -> int:
        """The pid of worker ``index`` (its latest start)."""
        return int([e for e in self.events("worker started") if e["worker"] == index][-1]["pid"])

    def call(self, channel: grpc.Channel) -> common_pb2.ServerInfo:
        """GetServerInfo, authenticated."""
        rpc = channel.unary_unary(
            f"/{SERVICES[self.name].proto_service}/GetServerInfo",
            request_serializer=common_pb2.GetServerInfoRequest.SerializeToString,
            response_deserializer=common_pb2.ServerInfo.FromString,
        )
        token = TokenFactory().mint(tenant="workers", roles=["viewer"])
        reply: common_pb2.ServerInfo = rpc(
            common_pb2.GetServerInfoRequest(), metadata=[("authorization", f"Bearer {token}")], timeout=10
        )
        return reply

    def stop(self) -> int:
        """SIGTERM to the parent; its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    started: list[Workers] = []

    def _start(name: str, extra: dict[str, str] | None = None) -> Workers:
        started.append(Workers(tmp_path, name, extra))
        return started[-1]

    yield _start
    for w in started:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait()


def _channel(port: int) -> grpc.Channel:
    # A pool of its own: channels to one target otherwise share one connection.
    return grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)])


def _established(port: int) -> set[str]:
    """Socket inodes of the established TCP connections whose local port is ``port`` (the server side)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    return inodes


def _sockets(pid: int) -> set[str]:
    """Socket inodes open in process ``pid``."""
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[len("socket:[") : -1])
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]  # a zombie is dead, only not yet reaped


@pytest.mark.parametrize("name", list(SERVICES))
def test_two_workers_serve_calls_on_one_port_and_sigterm_stops_both(start, name):
    service = start(name)
    pids = [service.worker_pid(0), service.worker_pid(1)]
    channels: list[grpc.Channel] = []
    try:
        # New connections until each worker holds one (the kernel picks a worker per connection).
        def both_serve() -> bool:
            channel = _channel(service.port)
            channels.append(channel)
            assert service.call(channel).service == name
            established = _established(service.port)
            return all(_sockets(pid) & established for pid in pids)

        eventually_sync(both_serve, timeout=60, interval=0.01, what="connections on both workers")
        for channel in channels:  # every connection, whichever worker holds it, is served
            assert service.call(channel).caller.tenant == "workers"
    finally:
        for channel in channels:
            channel.close()
    assert service.stop() == 0, service.log.read_text()[-3000:]
    assert sorted(e["worker"] for e in service.events("shutting down") if "worker" in e) == [0, 1]
    assert sorted(e["worker"] for e in service.events("stopped") if "worker" in e) == [0, 1]
    assert not any(_alive(pid) for pid in pids)


def _execution(exec_id: str, owner: str) -> dict[str, Any]:
    return {
        "id": exec_id,
        "tenant": "workers",
        "api_id": "a1",
        "api_name": "slow",
        "api_version": 1,
        "kind": "SQL",
        "caller": "t",
        "params": {},
        "status": "RUNNING",
        "error_reason": "",
        "error_message": "",
        "started_at": datetime.now(UTC),
        "duration_ms": 0.0,
        "row_count": 0,
        "request_id": "",
        "depth": 0,
        "parent_id": None,
        "steps": [],
        "logs": [],
        "owner": owner,
    }


def test_a_killed_worker_is_restarted_and_aborts_only_its_own_runs(start):
    """Worker 1 dies mid-run (kill -9): the port keeps serving through worker 0, worker 1 comes back with
    its instance id, and marks ABORTED its own RUNNING execution, never worker 0's (still running)."""
    from opsuite_api_manager.db.models import ExecutionRow

    service = start("api_manager")
    engine = sa.create_engine(f"sqlite:///{service.db}")
    table = ExecutionRow.__table__
    try:
        with engine.begin() as conn:  # one execution in flight on each worker
            conn.execute(sa.insert(table), [_execution("on-w0", "am-test"), _execution("on-w1", "am-test/worker-1")])
        victim = service.worker_pid(1)
        os.kill(victim, signal.SIGKILL)

        (exited,) = eventually_sync(lambda: service.events("worker exited"), what="the death reported")
        assert (exited["worker"], exited["pid"], exited["exit"]) == (1, victim, "killed by SIGKILL")
        assert (exited["restart_in_s"], exited["attempt"]) == (1.0, 1)
        with _channel(service.port) as channel:  # worker 0 serves meanwhile
            assert service.call(channel).service == "api_manager"

        eventually_sync(lambda: service.events("worker serving again"), timeout=60, what="worker 1 back")
        assert service.worker_pid(1) != victim
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(sa.select(table.c.id, table.c.status, table.c.error_reason))}
        assert (rows["on-w1"].status, rows["on-w1"].error_reason) == ("ABORTED", "PROCESS_ENDED")
        assert rows["on-w0"].status == "RUNNING"  # a sibling's live run is not touched
    finally:
        engine.dispose()
    assert service.stop() == 0, service.log.read_text()[-3000:]


def test_workers_stop_gracefully_when_their_parent_is_killed(start):
    service = start("ops")
    pids = [service.worker_pid(0), service.worker_pid(1)]
    service.proc.kill()
    service.proc.wait(timeout=30)
    eventually_sync(lambda: not any(_alive(pid) for pid in pids), timeout=60, what="orphaned workers gone")
    assert sorted(e["worker"] for e in service.events("stopped") if "worker" in e) == [0, 1]


def test_cep_refuses_workers_without_partitions(tmp_path):
    env = {
        **os.environ,
        "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET,
        "OPSUITE_CEP_DATABASE_URL": f"sqlite:///{tmp_path}/c.db",
    }
    r = subprocess.run(
        [sys.executable, "-m", "opsuite_cep.main", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "OPSUITE_CEP_PARTITIONS > 0" in r.stderr and "Traceback" not in r.stderr


def test_workers_flag_is_in_the_help():
    r = subprocess.run([sys.executable, "-m", "opsuite_ops.main", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert "--workers N" in r.stdout and "OPSUITE_OPS_WORKERS" in r.stdout
