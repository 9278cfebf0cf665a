"""Idle memory of each service: resident set size after start-up, as real processes.

Each service starts as ``./dev up`` starts it (``python -m <module>``, SQLite, JSON logs), is left idle
until it serves and two seconds more, and its ``VmRSS`` is read from ``/proc``. In the same run, side by
side:

- ``bare``: a grpc.aio server with health only, the floor that any Python gRPC service pays;
- ``eager``: the same service started with the optional libraries it now imports only when configured
  (``openai`` for ops's LLM, ``redis`` for shared rate limits, ``nats`` for cep's JetStream log) imported
  first, which is what every process paid before they became lazy.

Goal (issue 15): idle RSS per service <= 120 MB. ``./dev bench idle_memory``; writes
bench/results/idle_memory.json.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import write_result
from opsuite_common.testing.processes import free_port, start_stack, stop_stack, wait_serving
from tests.service_table import SERVICES

GOAL_MB = 120.0
SETTLE_S = 2.0
#: What each service imported at start-up before these imports became lazy.
EAGER = "import openai, redis, nats"

_BARE = """
import asyncio, sys
import grpc
from grpc_health.v1 import health, health_pb2_grpc
async def main():
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    server.add_insecure_port("127.0.0.1:" + sys.argv[1])
    await server.start()
    await server.wait_for_termination()
asyncio.run(main())
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _bare(run_dir: Path) -> float:
    port = free_port()
    with open(run_dir / "bare.log", "ab") as out:
        proc = subprocess.Popen([sys.executable, "-c", _BARE, str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_serving(port, proc, run_dir / "bare.log")
        time.sleep(SETTLE_S)
        return _rss_mb(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def _stack(run_dir: Path, *, eager: bool) -> dict[str, float]:
    stack = start_stack(SERVICES, run_dir, secrets.token_urlsafe(32))
    try:
        if eager:  # the same services again, each with the formerly eager imports done first
            for name in SERVICES:
                stack.procs[name].kill()
                stack.procs[name].wait()
                with open(stack.log(name), "ab") as out:
                    code = f"{EAGER}; import runpy; runpy.run_module({SERVICES[name].module!r}, run_name='__main__')"
                    stack.procs[name] = subprocess.Popen(
                        [sys.executable, "-c", code], env=stack.env, stdout=out, stderr=subprocess.STDOUT
                    )
            for name in SERVICES:
                stack.wait(name)
        time.sleep(SETTLE_S)
        return {name: round(_rss_mb(stack.procs[name].pid), 1) for name in SERVICES}
    finally:
        stop_stack(stack, graceful=True)


def run() -> dict[str, Any]:
    """Measure; returns the JSON payload."""
    root = Path(tempfile.mkdtemp(prefix="bench-idle-mem-"))
    bare = round(_bare(root), 1)
    now = _stack(root / "now", eager=False)
    before = _stack(root / "eager", eager=True)
    rows = [
        {
            "service": name,
            "idle_rss_mb": now[name],
            "eager_imports_rss_mb": before[name],
            "bare_grpc_rss_mb": bare,
            "ratio_to_bare": round(now[name] / bare, 2),
            "goal_met": now[name] <= GOAL_MB,
        }
        for name in SERVICES
    ]
    return {
        "goal": f"idle RSS per service <= {GOAL_MB:.0f} MB after start-up",
        "settle_s": SETTLE_S,
        "eager_imports": EAGER,
        "python": sys.version.split()[0],
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print the table; write bench/results/idle_memory.json."""
    payload = run()
    path = write_result("idle_memory", payload)
    print(f"idle RSS after start-up (goal <= {GOAL_MB:.0f} MB), same run")
    print(f"{'service':<12} {'now MB':>8} {'eager imports MB':>17} {'bare grpc MB':>13} {'x bare':>7} {'goal':>5}")
    for r in payload["rows"]:
        print(
            f"{r['service']:<12} {r['idle_rss_mb']:>8.1f} {r['eager_imports_rss_mb']:>17.1f} "
            f"{r['bare_grpc_rss_mb']:>13.1f} {r['ratio_to_bare']:>7.2f} {'met' if r['goal_met'] else 'no':>5}"
        )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
