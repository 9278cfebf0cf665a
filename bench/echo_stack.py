"""Unary calls through the full server pipeline vs a bare grpc.aio echo handler, in the same run.

The servers run in one child process (same handler code, same process, different ports): "bare"
has no interceptors; "stack" has the whole pipeline (request id + log context, access log to
/dev/null, error mapping, JWT auth, rate-limit stage with a limit high enough never to trigger),
applied once per method at registration; "interceptor" runs the very same stages from a
``grpc.aio.ServerInterceptor`` instead (the handler wrapped per call, cached per method), the other
way to make every handler fail closed. The faster of the two is what the services use.
The client (this process) sends identical requests (bearer token included) to both, at several
concurrency levels, alternating bare/stack rounds so drift affects both equally. Goal: stack QPS >= 0.8 x bare QPS.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import sys
from typing import Any

import grpc

from bench.harness import closed_loop, median, write_result
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
                bare_q, stack_q, icpt_q, bare_r, stack_r = [], [], [], [], []
                for _ in range(rounds):
                    # Identical requests (token included) to both: only the server side differs.
                    b = await closed_loop(
                        "bare", lambda: bare_stub.Echo(req, metadata=md), concurrency=c, duration_s=duration_s
                    )
                    s = await closed_loop(
                        "stack", lambda: stack_stub.Echo(req, metadata=md), concurrency=c, duration_s=duration_s
                    )
                    i = await closed_loop(
                        "interceptor", lambda: icpt_stub.Echo(req, metadata=md), concurrency=c, duration_s=duration_s
                    )
                    icpt_q.append(i.qps)
                    errors_icpt = i.errors
                    bare_q.append(b.qps)
                    stack_q.append(s.qps)
                    bare_r.append(b)
                    stack_r.append(s)
                ratio = median(stack_q) / median(bare_q)
                rows.append(
                    {
                        "concurrency": c,
                        "bare_qps": median(bare_q),
                        "stack_qps": median(stack_q),
                        "ratio": round(ratio, 3),
                        "interceptor_qps": median(icpt_q),
                        "interceptor_ratio": round(median(icpt_q) / median(bare_q), 3),
                        "bare_p50_ms": median([r.p50_ms for r in bare_r]),
                        "bare_p99_ms": median([r.p99_ms for r in bare_r]),
                        "stack_p50_ms": median([r.p50_ms for r in stack_r]),
                        "stack_p99_ms": median([r.p99_ms for r in stack_r]),
                        "errors": sum(r.errors for r in bare_r + stack_r) + errors_icpt,
                    }
                )
    finally:
        parent.send("stop")
        proc.join(10)
    return {
        "goal": "stack_qps >= 0.8 * bare_qps",
        "interceptor": "the same stages from a grpc.aio.ServerInterceptor (interceptor_ratio, for comparison)",
        "duration_s": duration_s,
        "rounds": rounds,
        "levels": rows,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print the table; write bench/results/echo_stack.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    payload = asyncio.run(run(duration_s=0.5 if quick else 2.0, levels=[1, 8, 32], rounds=1 if quick else 3))
    path = write_result("echo_stack", payload)
    print("echo: full pipeline (at registration, and from an interceptor) vs bare grpc.aio handler (same run)")
    print(
        f"{'conc':>5} {'bare qps':>10} {'stack qps':>10} {'ratio':>6} {'icpt ratio':>10} "
        f"{'bare p50/p99 ms':>17} {'stack p50/p99 ms':>17}"
    )
    for r in payload["levels"]:
        print(
            f"{r['concurrency']:>5} {r['bare_qps']:>10.0f} {r['stack_qps']:>10.0f} {r['ratio']:>6.2f} "
            f"{r['interceptor_ratio']:>10.2f} "
            f"{r['bare_p50_ms']:>8.2f}/{r['bare_p99_ms']:<8.2f} {r['stack_p50_ms']:>8.2f}/{r['stack_p99_ms']:<8.2f}"
        )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
