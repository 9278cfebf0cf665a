"""The ``--workers 2`` columns of ``echo_stack`` and ``api_manager_sql``: a service run as worker processes on
one port (``opsuite_common.server.workers``), and a load generator that spreads over them.

- :class:`WorkerProcess` starts a command that serves with workers (``python -m opsuite_api_manager.main
  --workers 2``, or :func:`serve_echo_workers` below), waits for its ``listening on ... (N workers)`` line,
  finds the worker processes (children of the parent that ``multiprocessing`` spawned) and stops it with
  SIGTERM. Its log (stderr, an access-log line per call) goes to /dev/null, as the in-process servers' logs
  do in the same benches, so that both pay the same for logging.
- A grpc channel is one TCP connection, and SO_REUSEPORT pins a connection to one worker: the workers'
  column uses :func:`spread_channels`, one channel per concurrent caller, each its own connection
  (``grpc.use_local_subchannel_pool``: channels to one target otherwise share one), with the calls
  round-robined over them. :func:`connections_per_worker` reads from /proc which worker holds each one
  (the kernel picks a worker per connection, so the split varies from round to round).
- :func:`cpu_snapshot` / :func:`cpu_shares` read from /proc where the machine's cores went during a
  measurement (idle, the workers' process tree, PostgreSQL, the client, anything else): with idle near 0 the run was
  CPU-bound, and ``other`` is load the bench did not make.
- :func:`serve_echo_workers` is the pipelined echo server of ``echo_stack`` (the standard pipeline, a rate
  limit far above what the bench reaches, a trivial handler) run by ``run_workers``: the bench's own entry
  point, not the product's.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import grpc

from bench.harness import _cpus

REPO = Path(__file__).resolve().parents[1]
WORKERS = 2
#: How the workers' column's client reaches the workers (printed and written to the JSON).
CLIENT = (
    "one grpc.aio channel per concurrent caller (each its own TCP connection: grpc.use_local_subchannel_pool), "
    "calls round-robined over them; the kernel (SO_REUSEPORT) gives each connection to one worker"
)
#: What the ``workers2_cpu`` shares are (printed and written to the JSON).
CPU = (
    "median shares of the machine's CPU time (all cores) during the workers2 rounds, warm-up included: idle, "
    "the workers' process tree (parent, workers, their children), PostgreSQL's server processes, this client, "
    "and other (everything else: the bench's idle single-process servers, and load the bench did not make)"
)
_LISTENING = re.compile(r"listening on \S+:(\d+) \((\d+) workers\)")

T = TypeVar("T")


def cores_note() -> str:
    """The sentence printed next to the figures and written to the JSON."""
    return (
        f"this machine has {_cpus()} cores, shared by the load generator and the servers: "
        f"the {WORKERS} workers compete with the client (and each other) for them"
    )


def service_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any ``OPSUITE_*`` setting, plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}, **extra}


class WorkerProcess:
    """A command serving with workers on one port: started, waited for, its workers found, stopped."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], timeout_s: float = 120) -> None:
        self.name, self.argv = name, argv
        self._out = Path(tempfile.mkdtemp(prefix=f"bench-{name}-")) / "stdout.txt"
        with open(self._out, "wb") as out:
            self.proc = subprocess.Popen(argv, env=env, cwd=REPO, stdout=out, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while (found := _LISTENING.search(self._out.read_text())) is None:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited ({self.proc.returncode}) before listening; its log went to /dev/null: "
                    f"run {' '.join(argv)} with the same OPSUITE_* settings to see it"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"{name} did not report listening within {timeout_s}s")
            time.sleep(0.1)
        self.port, self.count = int(found.group(1)), int(found.group(2))
        self.pids = _spawned_children(self.proc.pid)
        if len(self.pids) != self.count:
            self.stop()
            raise RuntimeError(f"{name}: expected {self.count} worker processes, found {self.pids}")

    @property
    def target(self) -> str:
        """host:port of the shared port."""
        return f"127.0.0.1:{self.port}"

    def stop(self) -> int:
        """SIGTERM to the parent (it forwards it to the workers); its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            shutil.rmtree(self._out.parent, ignore_errors=True)


def _spawned_children(parent: int) -> list[int]:
    """The worker processes of ``parent``: its children started by multiprocessing's spawn (not its
    resource tracker)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == parent and "spawn_main" in cmdline:
            pids.append(int(entry.name))
    return sorted(pids)


def connections_per_worker(port: int, pids: list[int]) -> list[int]:
    """How many established connections on ``port`` each of ``pids`` holds (server side), most first."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])
    counts = []
    for pid in pids:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
        counts.append(len(inodes & established))
    return sorted(counts, reverse=True)


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_root: int) -> dict[str, float]:
    """CPU seconds so far: the machine's (all cores, and idle), the process tree under ``server_root``'s
    (the workers' parent, its workers and theirs), PostgreSQL's server processes', and this process's (the
    load generator)."""
    ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    out = {"total": sum(ticks[:8]) / _TICKS, "idle": (ticks[3] + ticks[4]) / _TICKS, "servers": 0.0, "postgres": 0.0}
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        pid, rest = int(entry.name), stat[stat.rindex(")") + 2 :].split()
        # ppid; utime + stime + the reaped children's (cutime + cstime): PostgreSQL's backends come and go
        # (a pool's overflow connections are closed when returned), their time then moves to the postmaster.
        parents[pid], used[pid] = int(rest[1]), sum(int(v) for v in rest[11:15]) / _TICKS
        if stat[stat.index("(") + 1 : stat.rindex(")")].startswith("postgres"):
            out["postgres"] += used[pid]
    for pid in used:
        ancestor = pid
        while ancestor > 1 and ancestor != server_root:
            ancestor = parents.get(ancestor, 0)
        if ancestor == server_root:
            out["servers"] += used[pid]
    times = os.times()
    out["client"] = times.user + times.system
    return out


def cpu_shares(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Shares of the machine's CPU time between two snapshots: idle, the servers, PostgreSQL, the client,
    and ``other`` (load this bench did not make); they add up to 1, up to rounding."""
    total = max(after["total"] - before["total"], 1e-9)
    d = {k: max(after[k] - before[k], 0.0) / total for k in ("idle", "servers", "postgres", "client")}
    d["other"] = max(1.0 - sum(d.values()), 0.0)
    return {k: round(v, 2) for k, v in d.items()}


def median_shares(rounds: list[dict[str, float]]) -> dict[str, float]:
    """The per-key median of several :func:`cpu_shares`."""
    return {k: round(statistics.median(r[k] for r in rounds), 2) for k in rounds[0]} if rounds else {}


def spread_channels(target: str, n: int) -> list[grpc.aio.Channel]:
    """``n`` channels to ``target``, each its own TCP connection."""
    return [grpc.aio.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)]) for _ in range(n)]


def round_robin(stubs: list[T]) -> Callable[[], T]:
    """The next stub on each call, in turn."""
    turn: Iterator[T] = itertools.cycle(stubs)
    return lambda: next(turn)


async def close_all(channels: list[grpc.aio.Channel]) -> None:
    """Close the channels of :func:`spread_channels`."""
    for channel in channels:
        await channel.close()


# ------------------------------------------------------------------------------ echo_stack's server as workers
def echo_settings(workers: int) -> Any:
    """The settings of ``echo_stack``'s pipelined echo server (as ``running_echo_server`` builds it)."""
    from opsuite_common.testing.servers import EchoSettings, auth_settings_for_tests

    return EchoSettings(
        port=0,
        workers=workers,
        auth=auth_settings_for_tests(),
        rate_limit_per_s=1e9,
        rate_limit_burst=1e9,
        log_format="json",
    )


async def create_echo(settings: Any) -> Any:
    """One worker's server: the standard pipeline around the trivial echo handler."""
    from opsuite_common.server import build_server
    from opsuite_common.testing.echo import EchoServicer, echo_registration

    return await build_server(service="echo", settings=settings, registrations=[echo_registration(EchoServicer())])


def serve_echo_workers(workers: int = WORKERS) -> None:
    """Serve the echo server with ``workers`` processes until SIGTERM (run by :func:`echo_workers`)."""
    from opsuite_common.logging import configure_logging
    from opsuite_common.server.workers import run_workers

    configure_logging("echo", fmt="json")

    def ready(port: int) -> None:
        print(f"echo listening on 127.0.0.1:{port} ({workers} workers)", flush=True)

    raise SystemExit(run_workers("echo", echo_settings(workers), create_echo, ready=ready))


def echo_workers(workers: int = WORKERS) -> WorkerProcess:
    """Start :func:`serve_echo_workers` as a process of its own (the workers' parent) and wait for it."""
    code = f"from bench._workers import serve_echo_workers; serve_echo_workers({workers})"
    return WorkerProcess("echo-workers", [sys.executable, "-c", code], service_env({}))
