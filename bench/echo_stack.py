"""Unary calls through the full server pipeline vs a bare grpc.aio echo handler, in the same run.

The servers run in one child process (same handler code, same process, different ports): "bare"
has no interceptors; "stack" has the whole pipeline (request id + log context, access log to
/dev/null, error mapping, JWT auth, rate-limit stage with a limit high enough never to trigger),
applied once per method at registration; "interceptor" runs the very same stages from a
``grpc.aio.ServerInterceptor`` instead (the handler wrapped per call, cached per method), the other
way to make every handler fail closed. The faster of the two is what the services use.
The client (this process) sends identical requests (bearer token included) to both, at several
concurrency levels, alternating bare/stack rounds so drift affects both equally. Goal: stack QPS >= 0.8 x bare QPS.

Two more columns, in the same rounds and against the same bare baseline: ``workers2``, the same pipelined
echo server run with ``--workers 2`` (``run_workers``: two processes on one SO_REUSEPORT port, see
``bench/_workers.py``), reached through one channel (one TCP connection) per concurrent caller, since one
connection is served by one worker only; and ``stack_spread``, the single-process stack server reached
through the same number of channels, which separates the client's channel count from the second worker.
The machine's cores are shared by this client and the servers: 2 workers compete with the client.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import sys
from collections.abc import Callable
from typing import Any

import grpc

from bench._workers import (
    CLIENT,
    CPU,
    WORKERS,
    close_all,
    connections_per_worker,
    cores_note,
    cpu_shares,
    cpu_snapshot,
    echo_workers,
    median_shares,
    round_robin,
    spread_channels,
)
from bench.harness import LoadResult, closed_loop, median, write_result
from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc


def _serve(conn: Any) -> None:
    async def main() -> None:
        from opsuite_common.logging import configure_logging
        from opsuite_common.testing.echo import EchoServicer
        from opsuite_common.testing.servers import running_echo_server

        configure_logging("echo", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
        bare = grpc.aio.server()
        echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoServicer(), bare)
        bare_port = bare.add_insecure_port("127.0.0.1:0")
        await bare.start()
        intercepted = grpc.aio.server(interceptors=[_StagesInterceptor()])
        echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoServicer(), intercepted)
        intercepted_port = intercepted.add_insecure_port("127.0.0.1:0")
        await intercepted.start()
        async with running_echo_server(EchoServicer(), rate_limit_per_s=1e9, rate_limit_burst=1e9) as (handle, _):
            conn.send((bare_port, handle.port, intercepted_port))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await bare.stop(0)
        await intercepted.stop(0)

    asyncio.run(main())


class _StagesInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """The standard stages (as ``running_echo_server`` configures them) applied by an interceptor."""

    def __init__(self) -> None:
        from opsuite_common.ratelimit import RateLimit, RateLimiter
        from opsuite_common.server import Pipeline, default_stages, in_slot_order
        from opsuite_common.testing.servers import auth_settings_for_tests

        limiter = RateLimiter(RateLimit(1e9, 1e9))
        stages = in_slot_order(default_stages("echo", auth_settings_for_tests().verifier(), limiter))
        self._pipeline = Pipeline(stages)
        self._wrapped: dict[str, Any] = {}

    async def intercept_service(self, continuation: Any, details: Any) -> Any:
        wrapped = self._wrapped.get(details.method)
        if wrapped is None:
            handler = await continuation(details)
            if handler is None:
                return None
            wrapped = self._wrapped[details.method] = self._pipeline.wrap_handler(details.method, handler)
        return wrapped


async def run(duration_s: float, levels: list[int], rounds: int) -> dict[str, Any]:
    """Measure; returns the JSON payload."""
    from opsuite_common.testing.servers import TokenFactory

    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    proc.start()
    bare_port, stack_port, intercepted_port = parent.recv()
    try:
        workers = echo_workers()
    except BaseException:
        parent.send("stop")
        raise
    md = TokenFactory().metadata(roles=["viewer"])
    req = echo_pb2.EchoRequest(message="ping", payload=b"x" * 64)
    rows = []
    try:
        async with (
            grpc.aio.insecure_channel(f"127.0.0.1:{bare_port}") as bc,
            grpc.aio.insecure_channel(f"127.0.0.1:{stack_port}") as sc,
            grpc.aio.insecure_channel(f"127.0.0.1:{intercepted_port}") as ic,
        ):
            bare_stub, stack_stub = echo_pb2_grpc.EchoServiceStub(bc), echo_pb2_grpc.EchoServiceStub(sc)
            icpt_stub = echo_pb2_grpc.EchoServiceStub(ic)
            for c in levels:
                res: dict[str, list[LoadResult]] = {k: [] for k in ("bare", "stack", "icpt", "spread", "workers")}
                splits: list[list[int]] = []
                cpu: list[dict[str, float]] = []
                for _ in range(rounds):
                    # Identical requests (token included) to all: only the server side (and, for the last
                    # two, the client's number of connections) differs.
                    res["bare"].append(await _loop(lambda: bare_stub, req, md, c, duration_s))
                    res["stack"].append(await _loop(lambda: stack_stub, req, md, c, duration_s))
                    res["icpt"].append(await _loop(lambda: icpt_stub, req, md, c, duration_s))
                    spread = spread_channels(f"127.0.0.1:{stack_port}", c)
                    try:
                        res["spread"].append(await _loop(_stubs(spread), req, md, c, duration_s))
                    finally:
                        await close_all(spread)
                    spread = spread_channels(workers.target, c)
                    try:
                        mark = cpu_snapshot(workers.proc.pid)
                        res["workers"].append(await _loop(_stubs(spread), req, md, c, duration_s))
                        cpu.append(cpu_shares(mark, cpu_snapshot(workers.proc.pid)))
                        splits.append(connections_per_worker(workers.port, workers.pids))
                    finally:
                        await close_all(spread)
                q = {k: [r.qps for r in rs] for k, rs in res.items()}
                bare = median(q["bare"])
                rows.append(
                    {
                        "concurrency": c,
                        "bare_qps": bare,
                        "stack_qps": median(q["stack"]),
                        "ratio": round(median(q["stack"]) / bare, 3),
                        "interceptor_qps": median(q["icpt"]),
                        "interceptor_ratio": round(median(q["icpt"]) / bare, 3),
                        "stack_spread_qps": median(q["spread"]),
                        "stack_spread_ratio": round(median(q["spread"]) / bare, 3),
                        "workers2_qps": median(q["workers"]),
                        "workers2_ratio": round(median(q["workers"]) / bare, 3),
                        "workers2_channels": c,
                        "workers2_connections_per_worker": splits,
                        "workers2_cpu": median_shares(cpu),
                        "bare_p50_ms": median([r.p50_ms for r in res["bare"]]),
                        "bare_p99_ms": median([r.p99_ms for r in res["bare"]]),
                        "stack_p50_ms": median([r.p50_ms for r in res["stack"]]),
                        "stack_p99_ms": median([r.p99_ms for r in res["stack"]]),
                        "workers2_p50_ms": median([r.p50_ms for r in res["workers"]]),
                        "workers2_p99_ms": median([r.p99_ms for r in res["workers"]]),
                        "errors": sum(r.errors for rs in res.values() for r in rs),
                    }
                )
    finally:
        parent.send("stop")
        proc.join(10)
        stopped = workers.stop()
    return {
        "goal": "stack_qps >= 0.8 * bare_qps",
        "note": cores_note(),
        "interceptor": "the same stages from a grpc.aio.ServerInterceptor (interceptor_ratio, for comparison)",
        "workers2": f"the stack server run as {WORKERS} worker processes on one port (SO_REUSEPORT)",
        "workers2_client": CLIENT,
        "workers2_cpu": CPU,
        "stack_spread": "the single-process stack server through the same channels as workers2 (control)",
        "workers2_exit_code": stopped,
        "duration_s": duration_s,
        "rounds": rounds,
        "levels": rows,
    }


def _stubs(channels: list[grpc.aio.Channel]) -> Callable[[], Any]:
    """The echo stubs of ``channels``, in turn."""
    return round_robin([echo_pb2_grpc.EchoServiceStub(ch) for ch in channels])


async def _loop(pick: Callable[[], Any], req: echo_pb2.EchoRequest, md: Any, c: int, duration_s: float) -> LoadResult:
    """A closed loop of Echo calls, each on the stub ``pick()`` returns."""
    return await closed_loop("echo", lambda: pick().Echo(req, metadata=md), concurrency=c, duration_s=duration_s)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print the table; write bench/results/echo_stack.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    payload = asyncio.run(run(duration_s=0.5 if quick else 2.0, levels=[1, 8, 32], rounds=1 if quick else 3))
    path = write_result("echo_stack", payload)
    print("echo: full pipeline (at registration, and from an interceptor) vs bare grpc.aio handler (same run)")
    print(f"note: {payload['note']}")
    print(f"workers2: {payload['workers2']}; client: {CLIENT}")
    print("spread: the 1-process stack through the same channels as workers2 (control); ratios are to bare")
    print(
        f"{'conc':>5} {'bare qps':>9} {'stack qps':>9} {'ratio':>6} {'icpt':>5} {'spread':>6} "
        f"{'w2 qps':>7} {'w2 ratio':>8} {'conns/worker':>14} {'stack p50/p99 ms':>17} {'w2 p50/p99 ms':>15}"
    )
    for r in payload["levels"]:
        split = " ".join("/".join(map(str, s)) for s in r["workers2_connections_per_worker"])
        print(
            f"{r['concurrency']:>5} {r['bare_qps']:>9.0f} {r['stack_qps']:>9.0f} {r['ratio']:>6.2f} "
            f"{r['interceptor_ratio']:>5.2f} {r['stack_spread_ratio']:>6.2f} "
            f"{r['workers2_qps']:>7.0f} {r['workers2_ratio']:>8.2f} {split:>14} "
            f"{r['stack_p50_ms']:>8.2f}/{r['stack_p99_ms']:<8.2f} "
            f"{r['workers2_p50_ms']:>7.2f}/{r['workers2_p99_ms']:<7.2f}"
        )
    for r in payload["levels"]:
        shares = " ".join(f"{k} {v:.2f}" for k, v in r["workers2_cpu"].items() if k != "postgres")
        print(f"{r['concurrency']:>5} cpu during workers2: {shares}")
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
