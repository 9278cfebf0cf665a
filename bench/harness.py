"""Shared benchmark pieces: a closed-loop load generator, percentiles, and the JSON result writer."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

#: Settings that lift the per-tenant fair-sharing limits: a throughput benchmark drives one tenant
#: far past a real team's rate on purpose (``noisy_neighbour`` measures those limits instead).
UNLIMITED: dict[str, Any] = {
    "rate_limit_per_s": 0,
    "tenant_max_executions": 0,
    "tenant_max_streams": 0,
    "tenant_fair_share": 0,
}
#: cep's own limit on top: each tenant's share of the evaluation time (``tenant_engine_share``) lifted too.
CEP_UNLIMITED: dict[str, Any] = {**UNLIMITED, "tenant_engine_share": 0}


def unlimited_env(*prefixes: str) -> dict[str, str]:
    """:data:`UNLIMITED` as environment variables for services started as processes."""
    return {
        f"{p}{k.upper()}": str(v)
        for p in prefixes
        for k, v in (CEP_UNLIMITED if p == "OPSUITE_CEP_" else UNLIMITED).items()
    }


@dataclass
class LoadResult:
    """Throughput and latency of one closed-loop run."""

    label: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    qps: float
    p50_ms: float
    p99_ms: float


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


async def closed_loop(
    label: str, call: Callable[[], Awaitable[Any]], *, concurrency: int, duration_s: float, warmup_s: float = 0.3
) -> LoadResult:
    """``concurrency`` workers call ``call`` back to back for ``duration_s`` (after a warm-up)."""
    latencies: list[float] = []
    errors = 0
    stop_at = 0.0
    recording = False

    async def worker() -> None:
        nonlocal errors
        while True:
            now = time.perf_counter()
            if recording and now >= stop_at:
                return
            try:
                await call()
            except Exception:
                errors += 1
            if recording:
                latencies.append(time.perf_counter() - now)

    warm_end = time.perf_counter() + warmup_s
    warm = [asyncio.create_task(_until(call, warm_end)) for _ in range(concurrency)]
    await asyncio.gather(*warm)
    recording = True
    started = time.perf_counter()
    stop_at = started + duration_s
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return LoadResult(
        label=label,
        concurrency=concurrency,
        requests=len(latencies),
        errors=errors,
        seconds=round(elapsed, 3),
        qps=round(len(latencies) / elapsed, 1),
        p50_ms=round(percentile(latencies, 50) * 1000, 3),
        p99_ms=round(percentile(latencies, 99) * 1000, 3),
    )


async def paced(
    label: str,
    call: Callable[[], Awaitable[Any]],
    *,
    rate: float,
    duration_s: float,
    samples: list[float] | None = None,
) -> LoadResult:
    """One call every ``1/rate`` seconds (never two at once) for ``duration_s``: a steady, modest client.

    ``samples``, when given, also receives every latency (seconds), to pool several runs' samples."""
    latencies: list[float] = []
    errors = 0
    interval = 1.0 / rate
    started = time.perf_counter()
    next_at = started
    while (now := time.perf_counter()) < started + duration_s:
        if now < next_at:
            await asyncio.sleep(next_at - now)
        t0 = time.perf_counter()
        try:
            await call()
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - t0)
        next_at += interval
    elapsed = time.perf_counter() - started
    if samples is not None:
        samples.extend(latencies)
    latencies.sort()
    return LoadResult(
        label=label,
        concurrency=1,
        requests=len(latencies),
        errors=errors,
        seconds=round(elapsed, 3),
        qps=round(len(latencies) / elapsed, 1),
        p50_ms=round(percentile(latencies, 50) * 1000, 3),
        p99_ms=round(percentile(latencies, 99) * 1000, 3),
    )


async def _until(call: Callable[[], Awaitable[Any]], end: float) -> None:
    while time.perf_counter() < end:
        try:
            await call()
        except Exception:
            pass


def write_result(name: str, payload: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` with machine details and return its path."""
    RESULTS.mkdir(exist_ok=True)
    doc = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "platform": platform.platform()},
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2, default=_default) + "\n")
    return path


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _default(o: Any) -> Any:
    if hasattr(o, "__dataclass_fields__"):
        return asdict(o)
    raise TypeError(type(o))


def median(values: list[float]) -> float:
    """Median (for repeated rounds)."""
    return statistics.median(values) if values else 0.0


def host_servers(conn: Any, build: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    """Body of a child process that hosts servers for a benchmark: ``build()`` starts them (a name ->
    ``ServerHandle`` dict, after this process's logging went to /dev/null), their ports go back through
    ``conn``, and they are stopped when the parent sends anything."""

    async def main() -> None:
        from opsuite_common.logging import configure_logging

        configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
        from opsuite_common.server.bootstrap import freeze_startup_heap

        handles = await build()
        freeze_startup_heap()  # as a service's own process does once its server is built (serve)
        conn.send({name: handle.port for name, handle in handles.items()})
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        for handle in handles.values():
            await handle.stop(0)

    asyncio.run(main())
