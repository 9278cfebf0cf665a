"""Run the services as real processes (dev stack, cross-service tests, soak benchmarks).

Services are named here only by module path (no imports), so the library stays independent of them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

__all__ = ["SERVICE_PROCESSES", "ServiceProcess", "Stack", "free_port", "start_stack", "stop_stack", "wait_serving"]


@dataclass(frozen=True)
class ServiceProcess:
    """How to run one service: its module, env prefix and proto service name."""

    name: str
    module: str
    prefix: str
    proto_service: str
    default_port: int


SERVICE_PROCESSES: dict[str, ServiceProcess] = {
    s.name: s
    for s in (
        ServiceProcess("api_manager", "opsuite_api_manager.main", "OPSUITE_API_MANAGER_",
                       "opsuite.apimanager.v1.ApiManagerService", 50051),
        ServiceProcess("cep", "opsuite_cep.main", "OPSUITE_CEP_", "opsuite.cep.v1.CepService", 50052),
        ServiceProcess("ops", "opsuite_ops.main", "OPSUITE_OPS_", "opsuite.ops.v1.OpsService", 50053),
    )
}  # fmt: skip


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_serving(
    port: int, proc: subprocess.Popen[bytes] | None = None, log: Path | None = None, timeout: float = 40
) -> None:
    """Wait until the server on ``port`` reports SERVING; fail early (with its log) if the process died."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                out = log.read_text()[-3000:] if log and log.exists() else ""
                raise RuntimeError(f"server on port {port} exited early ({proc.returncode}): {out}")
            try:
                resp = stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if resp.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
    raise TimeoutError(f"port {port} did not report SERVING within {timeout}s")


@dataclass
class Stack:
    """Running service processes: ports, processes, their environment and state folder."""

    ports: dict[str, int]
    env: dict[str, str]
    run_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def target(self, name: str) -> str:
        """host:port of a service."""
        return f"127.0.0.1:{self.ports[name]}"

    def log(self, name: str) -> Path:
        """The log file of a service."""
        return self.run_dir / f"{name}.log"

    def data_source_dir(self, tenant: str) -> Path:
        """The folder (created) where ``tenant``'s SQLite data sources may live (see ``stack_env``)."""
        path = self.run_dir / "data_sources" / tenant
        path.mkdir(parents=True, exist_ok=True)
        return path

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """(Re)start one service process and wait until it serves."""
        with open(self.log(name), "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", SERVICE_PROCESSES[name].module],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.procs[name] = proc
        wait_serving(self.ports[name], proc, self.log(name))
        return proc


def stack_env(run_dir: Path, ports: dict[str, int], secret: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the services need to find each other, with SQLite state in ``run_dir``."""
    env = dict(base if base is not None else os.environ)
    env.setdefault("OPSUITE_AUTH_JWT_SECRET", secret)
    for s in SERVICE_PROCESSES.values():
        env.setdefault(f"{s.prefix}PORT", str(ports[s.name]))
        env.setdefault(f"{s.prefix}DATABASE_URL", f"sqlite:///{run_dir / (s.name + '.db')}")
        env.setdefault(f"{s.prefix}LOG_FORMAT", "json")
    # api_manager data sources: SQLite files under run_dir/data_sources/<tenant>, never the other stores.
    env.setdefault("OPSUITE_API_MANAGER_SQLITE_ROOTS", json.dumps([str(run_dir / "data_sources" / "{tenant}")]))
    others = [env[f"{s.prefix}DATABASE_URL"] for s in SERVICE_PROCESSES.values() if s.name != "api_manager"]
    env.setdefault("OPSUITE_API_MANAGER_PROTECTED_DATABASE_URLS", json.dumps(others))
    env.setdefault("OPSUITE_OPS_API_MANAGER_TARGET", f"127.0.0.1:{ports['api_manager']}")
    env.setdefault("OPSUITE_CEP_API_MANAGER_TARGET", f"127.0.0.1:{ports['api_manager']}")
    env.setdefault("OPSUITE_CEP_OPS_TARGET", f"127.0.0.1:{ports['ops']}")
    return env


def start_stack(
    run_dir: Path,
    secret: str,
    names: list[str] | None = None,
    *,
    ports: dict[str, int] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Stack:
    """Start services as real processes (free ports unless given) and wait until each serves."""
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = ports or {name: free_port() for name in SERVICE_PROCESSES}
    env = stack_env(run_dir, ports, secret, {**os.environ, **(extra_env or {})})
    stack = Stack(ports=ports, env=env, run_dir=run_dir)
    try:
        for name in names or list(SERVICE_PROCESSES):
            stack.start(name)
    except BaseException:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: Stack, *, graceful: bool = False, timeout: float = 15) -> dict[str, int]:
    """Stop every process (SIGTERM when graceful, else SIGKILL); returns their exit codes."""
    for p in stack.procs.values():
        if p.poll() is None:
            p.terminate() if graceful else p.kill()
    codes = {}
    for name, p in stack.procs.items():
        try:
            codes[name] = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            codes[name] = p.wait()
    return codes
