"""Shared fixtures for cross-service tests: the three services as real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite_common.testing.servers import TEST_SECRET

GRPCURL = str(Path(sys.executable).parent / "grpcurl")

#: name -> (module, env prefix, full proto service name)
SERVICES = {
    "api_manager": ("opsuite_api_manager.main", "OPSUITE_API_MANAGER_", "opsuite.apimanager.v1.ApiManagerService"),
    "cep": ("opsuite_cep.main", "OPSUITE_CEP_", "opsuite.cep.v1.CepService"),
    "ops": ("opsuite_ops.main", "OPSUITE_OPS_", "opsuite.ops.v1.OpsService"),
}


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_serving(port: int, proc: subprocess.Popen[str], log: Path | None = None, timeout: float = 40) -> None:
    """Wait until the server on ``port`` reports SERVING (fail early if the process died)."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = log.read_text() if log and log.exists() else ""
                raise AssertionError(f"server exited early ({proc.returncode}): {out[-3000:]}")
            try:
                if (
                    stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise AssertionError(f"port {port} never became healthy")


@dataclass
class Stack:
    """Running service processes: ports, processes and the directory holding their state and logs."""

    ports: dict[str, int]
    procs: dict[str, subprocess.Popen[str]]
    env: dict[str, str]
    tmp: Path

    def target(self, name: str) -> str:
        """host:port of a service."""
        return f"127.0.0.1:{self.ports[name]}"


def start_stack(tmp: Path, names: list[str] | None = None, extra_env: dict[str, str] | None = None) -> Stack:
    """Start services as real processes on free ports, with SQLite files in ``tmp``."""
    names = names or list(SERVICES)
    ports = {name: free_port() for name in SERVICES}
    env = dict(os.environ, OPSUITE_AUTH_JWT_SECRET=TEST_SECRET)
    for name, (_, prefix, _) in SERVICES.items():
        env[f"{prefix}PORT"] = str(ports[name])
        env[f"{prefix}DATABASE_URL"] = f"sqlite:///{tmp / name}.db"
        env[f"{prefix}LOG_FORMAT"] = "json"
        env[f"{prefix}GRACE_S"] = "5"
    env["OPSUITE_OPS_API_MANAGER_TARGET"] = f"127.0.0.1:{ports['api_manager']}"
    env["OPSUITE_CEP_API_MANAGER_TARGET"] = f"127.0.0.1:{ports['api_manager']}"
    env["OPSUITE_CEP_OPS_TARGET"] = f"127.0.0.1:{ports['ops']}"
    env.update(extra_env or {})
    procs: dict[str, subprocess.Popen[str]] = {}
    for name in names:
        log = open(tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", SERVICES[name][0]], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
    stack = Stack(ports=ports, procs=procs, env=env, tmp=tmp)
    try:
        for name in names:
            wait_serving(ports[name], procs[name], tmp / f"{name}.log")
    except BaseException:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: Stack) -> None:
    """Kill every process of the stack."""
    for p in stack.procs.values():
        if p.poll() is None:
            p.kill()
        p.wait()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The three services as real processes for the whole test session."""
    s = start_stack(tmp_path_factory.mktemp("stack"))
    yield s
    stop_stack(s)
