"""Ports the process tests give their servers: never one port to two servers.

A fresh-clone CI run once gave an ops replica and an api_manager replica of one stack the same port: the second
server could not bind, the first answered the health check for both, and every call meant for ops came back
UNIMPLEMENTED ("Method not found"). Ports are now handed out once per process, each pytest-xdist worker draws from
its own slice of a range, and a wait for a named service does not count another server's answer.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from opsuite_common.testing import processes
from opsuite_common.testing.processes import free_base_port, free_port, wait_serving


def test_a_port_is_handed_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "_HANDED", processes.deque(maxlen=512))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # the whole range (no other test uses 19000-19999)
    # 150 ports from a range of 240: random picks would repeat one (birthday odds ~100%) without the memory.
    ports = [free_base_port(19000, 19240, (0,)) for _ in range(150)]
    assert len(set(ports)) == len(ports)
    bases = [free_base_port(19300, 19700) for _ in range(3)]  # with the stack's offsets: no block overlaps
    blocks = [{b + o for o in processes.STACK_PORT_OFFSETS} for b in bases]
    assert all(not (a & b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])


def test_each_xdist_worker_draws_from_its_own_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "_HANDED", processes.deque(maxlen=512))
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "4")
    for worker in range(4):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", f"gw{worker}")
        low = 30200 + worker * 600
        assert all(low <= free_base_port(30200, 32600, (0,)) < low + 600 for _ in range(20))
        base = free_base_port(26000, 28000)  # a stack's block stays inside the slice too
        assert 26000 + worker * 500 <= base and base + max(processes.STACK_PORT_OFFSETS) < 26000 + (worker + 1) * 500


def test_waiting_for_a_named_service_ignores_another_server_on_the_port(tmp_path) -> None:
    port = free_port()
    code = (
        "import asyncio, grpc\n"
        "from grpc_health.v1 import health, health_pb2, health_pb2_grpc\n"
        "async def main():\n"
        "    server = grpc.aio.server()\n"
        "    servicer = health.aio.HealthServicer()\n"
        "    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)\n"
        f"    server.add_insecure_port('127.0.0.1:{port}')\n"
        "    await server.start()\n"
        "    await servicer.set('', health_pb2.HealthCheckResponse.SERVING)\n"
        "    await servicer.set('a.Other', health_pb2.HealthCheckResponse.SERVING)\n"
        "    await server.wait_for_termination()\n"
        "asyncio.run(main())\n"
    )
    other = subprocess.Popen([sys.executable, "-c", code])
    try:
        wait_serving(port, other, timeout=30)  # the port serves ...
        wait_serving(port, other, timeout=30, service="a.Other")
        with pytest.raises(TimeoutError):  # ... but not the service asked for
            wait_serving(port, other, timeout=1.5, service="opsuite.ops.v1.OpsService")
    finally:
        other.kill()
        other.wait()
