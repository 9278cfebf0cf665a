"""Load and soak: each service's main RPC at ~80% of its measured maximum, p50/p99 and RSS over time.

The three services run as real processes with the demo tenant seeded. For each scenario the driver
first measures the maximum rate (closed loop), then offers 80% of it as an open-loop, fixed-rate
load for the given duration, recording latency percentiles and the service's resident memory per
window. Goal: p99 stable across windows and RSS growth under 10% from the first window to the last.

``./dev bench soak --quick`` (about 30 s, what CI may run) or ``./dev bench soak --minutes 10``.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc

from bench.harness import closed_loop, percentile, unlimited_env, write_result
from demo.seed import StatusPage, seed_async
from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.auth import TokenIssuer
from opsuite_common.protoconv import dict_to_struct
from opsuite_common.testing.processes import start_stack, stop_stack
from tests.service_table import SERVICES


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _fixed_rate(
    call: Callable[[], Awaitable[Any]], rate: float, duration: float, window: float, pid: int
) -> list[dict[str, float]]:
    """Offer ``rate`` calls per second for ``duration``; per-window p50/p99, errors and RSS."""
    windows: list[dict[str, float]] = []
    started = time.perf_counter()
    interval = 1.0 / rate
    pending: set[asyncio.Task[None]] = set()
    lat: list[float] = []
    errors = 0

    async def one() -> None:
        nonlocal errors
        t0 = time.perf_counter()
        try:
            await call()
        except Exception:
            errors += 1
        lat.append(time.perf_counter() - t0)

    next_window = started + window
    n = 0
    while (now := time.perf_counter()) < started + duration:
        due = started + n * interval
        if due > now:
            await asyncio.sleep(due - now)
        task = asyncio.create_task(one())
        pending.add(task)
        task.add_done_callback(pending.discard)
        n += 1
        if time.perf_counter() >= next_window:
            lat.sort()
            windows.append(
                {
                    "t_s": round(time.perf_counter() - started, 1),
                    "calls": len(lat),
                    "errors": errors,
                    "p50_ms": round(percentile(lat, 50) * 1000, 2),
                    "p99_ms": round(percentile(lat, 99) * 1000, 2),
                    "rss_mib": round(_rss_kib(pid) / 1024, 1),
                }
            )
            lat, errors = [], 0
            next_window += window
    await asyncio.gather(*pending)
    return windows


async def _scenarios(targets: dict[str, str], token: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    md = (("authorization", f"Bearer {token}"),)
    am = api_manager_pb2_grpc.ApiManagerServiceStub(grpc.aio.insecure_channel(targets["api_manager"]))
    ops = ops_pb2_grpc.OpsServiceStub(grpc.aio.insecure_channel(targets["ops"]))
    cep = cep_pb2_grpc.CepServiceStub(grpc.aio.insecure_channel(targets["cep"]))
    execute = api_manager_pb2.ExecuteApiRequest(name="error_rate", params=dict_to_struct({"service": "checkout"}))
    ask = ops_pb2.AskRequest(question="what is the error rate of checkout")
    counter = itertools.count()
    base = time.time() - 3600

    def batch() -> cep_pb2.PublishEventsRequest:
        # 20 in-order metric events per call, unique ids, event time moving forward.
        events = []
        for _ in range(20):
            n = next(counter)
            ev = cep_pb2.Event(id=f"soak-{n}", type="metric", key=f"web-{n % 50:02d}")
            ev.time.FromSeconds(int(base + n // 10))
            ev.attributes.update({"metric": "cpu", "host": f"web-{n % 50:02d}", "value": 50 + n % 40})
            events.append(ev)
        return cep_pb2.PublishEventsRequest(events=events)

    return {
        "api_manager.ExecuteApi": lambda: am.ExecuteApi(execute, metadata=md, timeout=10),
        "cep.PublishEvents": lambda: cep.PublishEvents(batch(), metadata=md, timeout=10),
        "ops.Ask": lambda: ops.Ask(ask, metadata=md, timeout=30),
    }


async def run(duration_s: float, window_s: float) -> dict[str, Any]:
    """Start the stack, seed, and soak each scenario."""
    tmp = Path(tempfile.mkdtemp(prefix="opsuite-soak-"))
    secret = secrets.token_urlsafe(24)
    env = {"OPSUITE_CEP_OUTBOUND_ALLOW": '["127.0.0.1"]'}
    env |= unlimited_env("OPSUITE_API_MANAGER_", "OPSUITE_CEP_", "OPSUITE_OPS_")
    stack = start_stack(SERVICES, tmp, secret, extra_env=env)
    status = StatusPage()
    token = TokenIssuer(key=secret).mint(subject="soak", tenant="demo", roles=["admin"], ttl_s=24 * 3600)
    results: dict[str, Any] = {}
    try:
        targets = {n: stack.target(n) for n in stack.ports}
        await seed_async(targets, token, tmp, status.url)
        for name, call in (await _scenarios(targets, token)).items():
            service = name.split(".")[0]
            pid = stack.procs[service].pid
            peak = await closed_loop(name, call, concurrency=8, duration_s=min(5.0, duration_s / 4))
            rate = max(1.0, 0.8 * peak.qps)
            windows = await _fixed_rate(call, rate, duration_s, window_s, pid)
            first, last = windows[0], windows[-1]
            p99s = [w["p99_ms"] for w in windows]
            results[name] = {
                "max_qps": peak.qps,
                "offered_qps": round(rate, 1),
                "windows": windows,
                "p99_first_ms": first["p99_ms"],
                "p99_last_ms": last["p99_ms"],
                "p99_max_ms": max(p99s),
                "rss_first_mib": first["rss_mib"],
                "rss_last_mib": last["rss_mib"],
                "rss_growth_pct": round(100 * (last["rss_mib"] - first["rss_mib"]) / max(first["rss_mib"], 1), 2),
                "errors": sum(w["errors"] for w in windows),
            }
    finally:
        status.close()
        stop_stack(stack, graceful=True)
    return {"goal": "p99 stable, RSS growth < 10%", "duration_s": duration_s, "scenarios": results}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print; write bench/results/soak.json."""
    args = argv if argv is not None else sys.argv[1:]
    minutes = next((float(a.split("=", 1)[1]) for a in args if a.startswith("--minutes=")), None)
    duration = 20.0 if "--quick" in args else (minutes or 2.0) * 60
    payload = asyncio.run(run(duration, window_s=max(2.0, duration / 10)))
    path = write_result("soak", payload)
    for name, r in payload["scenarios"].items():
        print(
            f"{name}: max {r['max_qps']:.0f}/s, offered {r['offered_qps']:.0f}/s; p99 first {r['p99_first_ms']} ms, "
            f"last {r['p99_last_ms']} ms, max {r['p99_max_ms']} ms; RSS {r['rss_first_mib']} -> "
            f"{r['rss_last_mib']} MiB ({r['rss_growth_pct']:+.1f}%); errors {r['errors']}"
        )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
