"""Run services as real processes (dev stack, cross-service tests, soak benchmarks).

The library knows no service: the caller passes a :class:`ServiceTable` (each service's module, env
prefix and proto service name, plus a ``wiring`` function that tells the services how to find each
other). The repository's table is ``tests/service_table.py``.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite_common.settings import ClientSettings
from opsuite_common.tls import sync_channel

__all__ = [
    "ServiceProcess",
    "ServiceTable",
    "Stack",
    "Wiring",
    "free_base_port",
    "free_port",
    "stack_env",
    "start_stack",
    "stop_stack",
    "wait_serving",
]

#: Extra environment wiring services together: ``(run_dir, ports, env so far) -> defaults to add``.
Wiring = Callable[[Path, Mapping[str, int], Mapping[str, str]], Mapping[str, str]]

#: Reconnect quickly while a server starts (gRPC's default first backoff is 1 s).
_FAST_RECONNECT = [
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 200),
]


@dataclass(frozen=True)
class ServiceProcess:
    """How to run one service: its module, env prefix and proto service name."""

    name: str
    module: str
    prefix: str
    proto_service: str
    default_port: int


def _no_wiring(run_dir: Path, ports: Mapping[str, int], env: Mapping[str, str]) -> Mapping[str, str]:
    return {}


class ServiceTable(Mapping[str, ServiceProcess]):
    """The services a stack can run, by name in start order, and how they are wired to each other."""

    def __init__(self, processes: Iterable[ServiceProcess], wiring: Wiring = _no_wiring) -> None:
        self._processes = {p.name: p for p in processes}
        self.wiring = wiring

    def __getitem__(self, name: str) -> ServiceProcess:
        return self._processes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._processes)

    def __len__(self) -> int:
        return len(self._processes)


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The ports ``./dev up --base-port B`` takes: the three services and the demo status page (B..B+3), and
#: the services' metrics (B+100, B+110, B+120).
STACK_PORT_OFFSETS = (0, 1, 2, 3, 100, 110, 120)


#: Ports :func:`free_base_port` handed out lately in this process (never handed out twice while remembered).
_HANDED: deque[int] = deque(maxlen=512)


def free_base_port(low: int, high: int, offsets: Iterable[int] = STACK_PORT_OFFSETS) -> int:
    """A base port in ``[low, high)`` whose ``base + offset`` ports are all free now, tried in random order:
    parallel test workers scanning one range in order would race to the same base. Keep the range below
    the ephemeral ports (32768) so no port-0 server takes one meanwhile.

    A free port is free only until someone binds it, and gRPC servers bind with SO_REUSEPORT: two servers
    given one port both start and share its calls (one answers UNIMPLEMENTED for the other's methods). So
    under pytest-xdist each worker draws from its own slice of the range, and a port this process handed out
    lately is not handed out again (the replicas of one stack are given their ports before any starts)."""
    wanted = tuple(offsets)
    worker, count = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("PYTEST_XDIST_WORKER_COUNT", "")
    if worker[:2] == "gw" and worker[2:].isdigit() and count.isdigit() and int(count) > 1:
        span = (high - low) // int(count)
        low += int(worker[2:]) % int(count) * span
        high = low + span
    top = high - max(wanted, default=0)
    if top <= low:
        raise RuntimeError(f"no room for ports {wanted} in [{low}, {high}): give the range more ports")
    for base in random.sample(range(low, top), min(400, top - low)):
        ports = [base + offset for offset in wanted]
        if any(p in _HANDED for p in ports):
            continue
        socks: list[socket.socket] = []
        try:
            for port in ports:
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
            _HANDED.extend(ports)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"no free block of ports in {low}-{high}")


def wait_serving(
    port: int,
    proc: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    timeout: float = 40,
    tls: ClientSettings | None = None,
    service: str = "",
) -> None:
    """Wait until the server on ``port`` reports SERVING (for ``service``, a proto service name, when given:
    another server answering on the port does not count); fail early (with its log) if the process died.
    ``tls``: client settings for a server that serves TLS."""
    deadline = time.monotonic() + timeout
    with sync_channel(f"127.0.0.1:{port}", tls, options=_FAST_RECONNECT) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                out = log.read_text()[-3000:] if log and log.exists() else ""
                raise RuntimeError(f"server on port {port} exited early ({proc.returncode}): {out}")
            try:
                resp = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=1)
                if resp.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.05)
    raise TimeoutError(f"port {port} did not report SERVING within {timeout}s")


@dataclass
class Stack:
    """Running service processes: ports, processes, their environment and state folder."""

    services: ServiceTable
    ports: dict[str, int]
    env: dict[str, str]
    run_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: How to reach the services when they serve TLS (their ``<P>TLS_*`` settings in ``env``).
    tls: ClientSettings | None = None

    def target(self, name: str) -> str:
        """host:port of a service."""
        return f"127.0.0.1:{self.ports[name]}"

    def log(self, name: str) -> Path:
        """The log file of a service."""
        return self.run_dir / f"{name}.log"

    def data_source_dir(self, tenant: str) -> Path:
        """The folder (created) for ``tenant``'s data files: ``run_dir/data_sources/<tenant>``."""
        path = self.run_dir / "data_sources" / tenant
        path.mkdir(parents=True, exist_ok=True)
        return path

    def launch(self, name: str) -> subprocess.Popen[bytes]:
        """(Re)start one service process without waiting for it (see :meth:`wait`)."""
        with open(self.log(name), "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", self.services[name].module],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.procs[name] = proc
        return proc

    def wait(self, name: str) -> None:
        """Wait until a launched service serves; fail with its log if it exited."""
        wait_serving(
            self.ports[name], self.procs[name], self.log(name), tls=self.tls, service=self.services[name].proto_service
        )

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """(Re)start one service process and wait until it serves."""
        proc = self.launch(name)
        self.wait(name)
        return proc


def stack_env(
    services: ServiceTable, run_dir: Path, ports: Mapping[str, int], secret: str, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a stack: ``base`` (default: this process's), then per service its port, a SQLite
    database in ``run_dir`` and JSON logs, then the table's wiring; a variable already set is kept."""
    env = dict(base if base is not None else os.environ)
    env.setdefault("OPSUITE_AUTH_JWT_SECRET", secret)
    for s in services.values():
        env.setdefault(f"{s.prefix}PORT", str(ports[s.name]))
        env.setdefault(f"{s.prefix}DATABASE_URL", f"sqlite:///{run_dir / (s.name + '.db')}")
        env.setdefault(f"{s.prefix}LOG_FORMAT", "json")
    for key, value in services.wiring(run_dir, ports, env).items():
        env.setdefault(key, value)
    return env


def start_stack(
    services: ServiceTable,
    run_dir: Path,
    secret: str,
    names: list[str] | None = None,
    *,
    ports: dict[str, int] | None = None,
    extra_env: dict[str, str] | None = None,
    tls: ClientSettings | None = None,
) -> Stack:
    """Start services as real processes (free ports unless given), all at once, and wait until each serves
    (``tls``: how to reach them when ``extra_env`` makes them serve TLS)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = ports or {name: free_port() for name in services}
    env = stack_env(services, run_dir, ports, secret, {**os.environ, **(extra_env or {})})
    stack = Stack(services=services, ports=ports, env=env, run_dir=run_dir, tls=tls)
    try:
        chosen = names or list(services)
        for name in chosen:
            stack.launch(name)
        for name in chosen:
            stack.wait(name)
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
