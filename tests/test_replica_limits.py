"""A tenant's cap on executions in progress holds across two api_manager replicas sharing Redis, and the slots
of a replica killed with SIGKILL come back once their leases expire (``opsuite_common.concurrency_redis``).

Two real api_manager processes on one SQLite file and the Redis server of this machine, each with
``TENANT_MAX_EXECUTIONS=2``. The API's calls wait in a loopback HTTP server until the test lets them go, so
the calls in progress are exactly those the test started. Without the shared count each replica would admit
two, four in all.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import pytest
import redis

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc as am_grpc
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.servers import TokenFactory

from .replica_stack import ReplicaStack, start_replicas

pytestmark = pytest.mark.xdist_group("replica_limits")

TOKENS = TokenFactory()
REDIS_URL = "redis://127.0.0.1:6379/0"
CAP = 2
LEASE_S = 4.0


class _Gate:
    """A loopback HTTP server whose requests wait until :meth:`open` (or 60 s)."""

    def __init__(self) -> None:
        self.arrived = 0
        self._open = threading.Event()
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                gate.arrived += 1
                gate._open.wait(60)
                body = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slow"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def open(self) -> None:
        self._open.set()

    def close(self) -> None:
        self._open.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gate() -> Iterator[_Gate]:
    g = _Gate()
    try:
        yield g
    finally:
        g.close()


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[ReplicaStack]:
    """api_manager-a and -b on one SQLite file, sharing their caps through Redis."""
    env = {
        "OPSUITE_API_MANAGER_RATE_LIMIT_REDIS_URL": REDIS_URL,
        "OPSUITE_API_MANAGER_TENANT_MAX_EXECUTIONS": str(CAP),
        "OPSUITE_API_MANAGER_TENANT_SLOT_LEASE_S": str(LEASE_S),
        "OPSUITE_API_MANAGER_RATE_LIMIT_REFUSAL_HOLD_S": "0",
        "OPSUITE_OUTBOUND_ALLOW": '["127.0.0.1"]',
    }
    stack = start_replicas(
        tmp_path, f"sqlite:///{tmp_path / 'api_manager.db'}", services=("api_manager",), extra_env=env
    )
    try:
        yield stack
    finally:
        stack.stop(graceful=False)


def _setup(stack: ReplicaStack, tenant: str, url: str) -> dict[str, Any]:
    stubs = {
        n[-1]: am_grpc.ApiManagerServiceStub(grpc.insecure_channel(stack.target(n))) for n in stack.names("api_manager")
    }
    stubs["a"].CreateApi(am.CreateApiRequest(api=_slow_api(url)), metadata=TOKENS.metadata(tenant, ["admin"]))
    return stubs


def _slow_api(url: str) -> am.ApiDefinition:
    api = am.ApiDefinition(name="slow", kind=am.HTTP, http=am.HttpSpec(method="GET", url=url), enabled=True)
    api.policy.timeout.FromSeconds(60)
    api.policy.network_allow_list.append("127.0.0.1")
    return api


def _execute(stub: Any, tenant: str) -> tuple[grpc.StatusCode, str]:
    try:
        stub.ExecuteApi(am.ExecuteApiRequest(name="slow"), metadata=TOKENS.metadata(tenant, ["admin"]), timeout=90)
    except grpc.RpcError as exc:
        return exc.code(), from_grpc_error(exc).reason
    return grpc.StatusCode.OK, ""


REFUSED = (grpc.StatusCode.RESOURCE_EXHAUSTED, "CONCURRENCY_LIMITED")


def _forget_keys(tenant: str) -> None:
    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"opsuite:cc:{{api_manager:{tenant}}}:*"))
        if keys:
            client.delete(*keys)


def test_the_cap_holds_across_both_replicas_for_longer_than_a_lease(capped: ReplicaStack, gate: _Gate) -> None:
    tenant = f"capped-{uuid.uuid4().hex[:8]}"
    stubs = _setup(capped, tenant, gate.url)
    try:
        with ThreadPoolExecutor(4) as pool:
            held: list[Future[tuple[grpc.StatusCode, str]]] = [pool.submit(_execute, stubs[r], tenant) for r in "ab"]
            eventually_sync(lambda: gate.arrived, until=lambda n: n == CAP, what="one call in progress on each replica")
            assert _execute(stubs["a"], tenant) == REFUSED
            assert _execute(stubs["b"], tenant) == REFUSED
            other = f"{tenant}-x"  # another tenant's calls are not counted against this one's cap
            stubs["a"].CreateApi(
                am.CreateApiRequest(api=_slow_api(gate.url)), metadata=TOKENS.metadata(other, ["admin"])
            )
            held.append(pool.submit(_execute, stubs["b"], other))
            eventually_sync(lambda: gate.arrived, until=lambda n: n == CAP + 1, what="the other tenant's call admitted")
            time.sleep(LEASE_S * 1.5)  # past the first lease: only renewals keep the slots taken
            assert _execute(stubs["b"], tenant) == REFUSED
            assert gate.arrived == CAP + 1  # the refused calls never reached the API
            gate.open()
            assert [f.result() for f in held] == [(grpc.StatusCode.OK, "")] * (CAP + 1)
        assert _execute(stubs["b"], tenant) == (grpc.StatusCode.OK, "")
        assert _execute(stubs["a"], tenant) == (grpc.StatusCode.OK, "")
    finally:
        _forget_keys(tenant)


def test_a_replica_killed_with_sigkill_gives_its_slots_back_after_the_lease(capped: ReplicaStack, gate: _Gate) -> None:
    tenant = f"killed-{uuid.uuid4().hex[:8]}"
    stubs = _setup(capped, tenant, gate.url)
    try:
        with ThreadPoolExecutor(2) as pool:
            held = [pool.submit(_execute, stubs["b"], tenant) for _ in range(CAP)]
            eventually_sync(lambda: gate.arrived, until=lambda n: n == CAP, what="two calls in progress on replica b")
            capped.kill("api_manager-b")
            assert {f.result()[0] for f in held} == {grpc.StatusCode.UNAVAILABLE}
        gate.open()  # the next calls run to the end
        # Right after the kill, the dead replica's leases still count: a's own calls are refused.
        assert _execute(stubs["a"], tenant) == REFUSED
        # Once they expire (no one renews them), a admits the tenant again: both slots are back.
        eventually_sync(
            lambda: _execute(stubs["a"], tenant),
            until=lambda outcome: outcome == (grpc.StatusCode.OK, ""),
            timeout=LEASE_S * 5,
            interval=0.25,
            what="the killed replica's slots back after their lease",
        )
        with ThreadPoolExecutor(CAP) as pool:
            assert (
                list(pool.map(lambda _: _execute(stubs["a"], tenant), range(CAP))) == [(grpc.StatusCode.OK, "")] * CAP
            )
    finally:
        _forget_keys(tenant)
