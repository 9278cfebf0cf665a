"""Two (or more) replicas of api_manager and ops as real processes on one database, for the replica tests
(tests/test_replicas.py, tests/test_replica_limits.py) and the ``replicas`` benchmark.

Replica ``<service>-a`` and ``<service>-b`` get the same environment (``stack_env`` of the repository's
service table: one database, the same secret) except their port, metrics port and instance id (replicas
on one database need distinct ids, see ``opsuite_common.db.instance``). ops calls api_manager through
:meth:`ReplicaStack.balanced`: gRPC's ``round_robin`` over every api_manager replica.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from opsuite_common.testing.processes import free_base_port, stack_env, wait_serving
from opsuite_common.testing.servers import TEST_SECRET

from .service_table import SERVICES

__all__ = ["ROUND_ROBIN", "ReplicaStack", "balanced_options", "start_replicas"]

#: The client side of the replicas: gRPC's round_robin over every address of the target.
ROUND_ROBIN = json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})


def balanced_options() -> list[tuple[str, str | int]]:
    """Channel options spreading calls over every address of an ``ipv4:a,b`` target (one call each in turn)."""
    return [("grpc.service_config", ROUND_ROBIN), ("grpc.enable_retries", 0)]


@dataclass
class ReplicaStack:
    """Running replicas by name (``api_manager-a``...), their ports, metrics ports and environments."""

    run_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)
    envs: dict[str, dict[str, str]] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def names(self, service: str) -> list[str]:
        """The replicas of ``service``, in order."""
        return sorted(n for n in self.ports if n.rsplit("-", 1)[0] == service)

    def target(self, name: str) -> str:
        """host:port of one replica."""
        return f"127.0.0.1:{self.ports[name]}"

    def balanced(self, service: str) -> str:
        """The target naming every replica of ``service`` (``ipv4:127.0.0.1:p1,127.0.0.1:p2``)."""
        return "ipv4:" + ",".join(self.target(n) for n in self.names(service))

    def log(self, name: str) -> Path:
        """The log file of one replica."""
        return self.run_dir / f"{name}.log"

    def launch(self, name: str) -> subprocess.Popen[bytes]:
        """(Re)start one replica without waiting for it."""
        module = SERVICES[name.rsplit("-", 1)[0]].module
        with open(self.log(name), "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", module], env=self.envs[name], stdout=out, stderr=subprocess.STDOUT
            )
        self.procs[name] = proc
        return proc

    def wait(self, name: str) -> None:
        """Wait until one replica serves; fail with its log if it exited."""
        service = SERVICES[name.rsplit("-", 1)[0]].proto_service
        wait_serving(self.ports[name], self.procs[name], self.log(name), timeout=60, service=service)

    def kill(self, name: str) -> None:
        """SIGKILL one replica and reap it."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def started(self, name: str, method: str) -> int:
        """How many calls of ``method`` (short name) replica ``name`` started (its Prometheus counter)."""
        url = f"http://127.0.0.1:{self.metrics_ports[name]}/metrics"
        with urllib.request.urlopen(url, timeout=5) as reply:
            text = reply.read().decode()
        total = 0
        for m in re.finditer(r"^grpc_server_started_total\{([^}]*)\} ([0-9.e+]+)$", text, re.MULTILINE):
            if f'grpc_method="{method}"' in m.group(1):
                total += int(float(m.group(2)))
        return total

    def stop(self, *, graceful: bool = True, timeout: float = 15) -> None:
        """Stop every replica (SIGTERM when graceful, SIGKILL after ``timeout``)."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate() if graceful else proc.kill()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_replicas(
    run_dir: Path,
    database_url: str | Mapping[str, str],
    *,
    services: Iterable[str] = ("api_manager", "ops"),
    count: int = 2,
    extra_env: dict[str, str] | None = None,
    secret: str = TEST_SECRET,
) -> ReplicaStack:
    """Start ``count`` replicas of each of ``services``, all on ``database_url`` (or, given a mapping, each
    service's replicas on its own), and wait until each serves.

    ``extra_env`` applies to every replica (``OPSUITE_...`` settings); a replica's own port, metrics port and
    instance id are set here. ops (when started) calls api_manager through round_robin over its replicas.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    chosen = list(services)
    stack = ReplicaStack(run_dir=run_dir)
    for service in chosen:
        for i in range(count):
            name = f"{service}-{chr(ord('a') + i)}"
            # Below the ephemeral range (a port-0 socket elsewhere cannot take it meanwhile), in a range no
            # other process test uses.
            stack.ports[name] = free_base_port(30200, 32600, (0,))
            stack.metrics_ports[name] = free_base_port(30200, 32600, (0,))
    first = {s: stack.ports.get(f"{s}-a", 0) for s in SERVICES}
    base = {
        "OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW": json.dumps(["127.0.0.1:5432"]),
        **{
            f"{s.prefix}DATABASE_URL": database_url if isinstance(database_url, str) else database_url[name]
            for name, s in SERVICES.items()
            if isinstance(database_url, str) or name in database_url
        },
        **{f"{s.prefix}GRACE_S": "5" for s in SERVICES.values()},
        **(extra_env or {}),
    }
    if "api_manager" in chosen:
        base.setdefault("OPSUITE_OPS_API_MANAGER_TARGET", stack.balanced("api_manager"))
    env = stack_env(SERVICES, run_dir, first, secret, {**os.environ, **base})
    for name in stack.ports:
        prefix = SERVICES[name.rsplit("-", 1)[0]].prefix
        stack.envs[name] = {
            **env,
            f"{prefix}PORT": str(stack.ports[name]),
            f"{prefix}METRICS_PORT": str(stack.metrics_ports[name]),
            f"{prefix}INSTANCE_ID": name,
        }
    try:
        for name in stack.ports:
            stack.launch(name)
        for name in stack.ports:
            stack.wait(name)
    except BaseException:
        stack.stop(graceful=False)
        raise
    return stack
