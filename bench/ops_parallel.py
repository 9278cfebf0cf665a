"""ops: k independent tools of L ms each, run through a real ops server; and deterministic planning with 500 tools.

Parallel execution: an in-process fake api_manager (real gRPC, real auth) whose ExecuteApi sleeps L ms
serves k tools; a loopback fake OpenAI-compatible server hands ops a plan of k independent steps (the
LLM summary is off). Each round runs the same Ask twice: with ``max_parallelism = k`` and with
``max_parallelism = 1`` (the serial baseline, measured in the same run). Reported: the execute phase
(from the run's trace) and the whole Ask round trip, next to the theoretical serial k x L.
Goal: parallel execute phase <= L + 50 ms.

Planning: ``demo.plan_with_many_tools`` (BM25 ranking + argument filling) over 500 tools, against the
11 demo tools as the baseline.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc

from bench.harness import UNLIMITED, write_result
from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc as am_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.auth import Role, requires
from opsuite_common.protoconv import dict_to_struct, py_to_value
from opsuite_common.server import ServiceRegistration, build_server
from opsuite_common.settings import ServiceSettings
from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests


class _SleepyApiManager(am_grpc.ApiManagerServiceServicer):
    """k tools named t0..t{k-1}; ExecuteApi sleeps ``latency_s`` and returns a number."""

    def __init__(self, k: int, latency_s: float) -> None:
        self.k, self.latency_s = k, latency_s

    @requires(Role.VIEWER)
    async def ListApis(self, request: am.ListApisRequest, context: Any) -> am.ListApisResponse:
        resp = am.ListApisResponse()
        for i in range(self.k):
            api = resp.apis.add(version=1, idempotent=True)
            api.meta.id = f"api-{i}"
            d = api.definition
            d.name, d.description, d.kind, d.enabled, d.expose_as_tool = f"t{i}", f"sleepy tool {i}", am.SQL, True, True
            d.tags.append("metric")
            d.param_schema.CopyFrom(dict_to_struct({"type": "object", "properties": {}}))
        return resp

    @requires(Role.VIEWER)
    async def ExecuteApi(self, request: am.ExecuteApiRequest, context: Any) -> am.ExecuteApiResponse:
        await asyncio.sleep(self.latency_s)
        return am.ExecuteApiResponse(
            execution_id=f"x-{request.name}", status=am.SUCCEEDED, json=py_to_value({"value": 1, "unit": "ms"})
        )


def _fake_llm(plan: dict[str, Any]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            call = {"id": "c", "type": "function", "function": {"name": "submit_plan", "arguments": json.dumps(plan)}}
            body = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "fake",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": None, "tool_calls": [call]},
                        }
                    ],
                }
            ).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _phase_ms(resp: ops_pb2.AskResponse, phase: int) -> float:
    return next(p.duration.ToNanoseconds() / 1e6 for p in resp.trace.phases if p.phase == phase)


async def run_parallel(k: int, latency_ms: float, rounds: int) -> dict[str, Any]:
    """One (k, L) point: parallel vs serial (max_parallelism=1) Ask, medians over ``rounds``."""
    from opsuite_ops.config import Settings
    from opsuite_ops.server import create_server

    class _AmSettings(ServiceSettings):
        pass

    fake = _SleepyApiManager(k, latency_ms / 1000)
    am_handle = await build_server(
        service="api_manager",
        settings=_AmSettings(port=0, auth=auth_settings_for_tests(), **UNLIMITED),
        registrations=[
            ServiceRegistration(
                "opsuite.apimanager.v1.ApiManagerService",
                lambda s: am_grpc.add_ApiManagerServiceServicer_to_server(fake, s),
            )
        ],
    )
    plan = {"steps": [{"id": f"s{i}", "tool": f"t{i}", "arguments": {}} for i in range(k)]}
    llm = _fake_llm(plan)
    tmp = tempfile.mkdtemp(prefix="ops-bench-")
    settings = Settings(
        port=0,
        database_url=f"sqlite:///{tmp}/ops.db",
        auth=auth_settings_for_tests(),
        api_manager_target=f"127.0.0.1:{am_handle.port}",
        llm_base_url=f"http://127.0.0.1:{llm.server_address[1]}/v1",
        llm_model="fake",
        llm_compose=False,
        limit_max_steps=max(20, k),
        limit_max_parallelism=max(16, k),
        **UNLIMITED,
    )
    ops_handle = await create_server(settings)
    md = TokenFactory().metadata("bench", ["viewer"])
    rows: dict[str, list[float]] = {"par_exec": [], "par_total": [], "ser_exec": [], "ser_total": []}
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{ops_handle.port}") as ch:
            stub = ops_pb2_grpc.OpsServiceStub(ch)

            async def ask(par: int) -> tuple[float, float]:
                req = ops_pb2.AskRequest(
                    question="run every sleepy tool", budget=ops_pb2.Budget(max_steps=k, max_parallelism=par)
                )
                t0 = time.perf_counter()
                resp = await stub.Ask(req, metadata=md)
                total = (time.perf_counter() - t0) * 1000
                assert len(resp.trace.calls) == k
                assert all(c.status == ops_pb2.CALL_OK for c in resp.trace.calls)
                return _phase_ms(resp, ops_pb2.PHASE_EXECUTE), total

            await ask(k)  # warm-up: discovery cache, channels, SQLite
            for _ in range(rounds):
                e, t = await ask(k)
                rows["par_exec"].append(e)
                rows["par_total"].append(t)
                e, t = await ask(1)
                rows["ser_exec"].append(e)
                rows["ser_total"].append(t)
    finally:
        await ops_handle.stop(0)
        await am_handle.stop(0)
        llm.shutdown()
    med = {key: round(statistics.median(v), 1) for key, v in rows.items()}
    return {
        "k": k,
        "latency_ms": latency_ms,
        "serial_theoretical_ms": k * latency_ms,
        "parallel_execute_ms": med["par_exec"],
        "parallel_ask_ms": med["par_total"],
        "serial_execute_ms": med["ser_exec"],
        "serial_ask_ms": med["ser_total"],
        "speedup": round(med["ser_exec"] / med["par_exec"], 2),
        "goal_ms": latency_ms + 50,
        "goal_met": med["par_exec"] <= latency_ms + 50,
    }


def run_planning(repeats: int) -> dict[str, Any]:
    """Median deterministic planning time with 500 tools vs the 11 demo tools."""
    from services.ops.tests.demo_estate import demo_tools, plan_with_many_tools, synthetic_tools

    many, few = synthetic_tools(500), demo_tools()

    def timed(tools: list[Any]) -> float:
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            outcome = plan_with_many_tools(tools=tools)
            samples.append((time.perf_counter() - t0) * 1000)
            assert outcome.plan.steps
            assert outcome.plan.steps[0].tool == "cpu_by_host"
        return round(statistics.median(samples), 3)

    timed(few)  # warm-up (stemmer caches, regex compilation)
    t500, t11 = timed(many), timed(few)
    return {
        "tools": 500,
        "median_ms": t500,
        "baseline_tools": len(few),
        "baseline_median_ms": t11,
        "ratio": round(t500 / t11, 1) if t11 else None,
        "repeats": repeats,
    }


def main(flags: list[str] | None = None) -> dict[str, Any]:
    """Run both scenarios, print them and write bench/results/ops_parallel.json."""
    quick = "--quick" in (flags if flags is not None else sys.argv[1:])
    os.environ.setdefault("OPSUITE_OPS_LOG_LEVEL", "WARNING")
    from opsuite_common.logging import configure_logging

    configure_logging("bench", level="WARNING", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
    points = [(8, 100.0)] if quick else [(4, 100.0), (8, 100.0), (16, 100.0), (8, 250.0)]
    rounds = 3 if quick else 7
    parallel = [asyncio.run(run_parallel(k, lat, rounds)) for k, lat in points]
    planning = run_planning(20 if quick else 100)
    payload = {
        "goal": "parallel execute phase <= L + 50 ms",
        "rounds": rounds,
        "parallel": parallel,
        "planning": planning,
    }
    path = write_result("ops_parallel", payload)
    print("ops: k independent tools of L ms (execute phase from the trace; Ask = whole round trip)")
    print(
        f"{'k':>3} {'L ms':>6} {'k*L ms':>7} {'par exec':>9} {'par Ask':>8} {'ser exec':>9} {'ser Ask':>8} "
        f"{'speedup':>8} {'goal':>6}"
    )
    for r in parallel:
        print(
            f"{r['k']:>3} {r['latency_ms']:>6.0f} {r['serial_theoretical_ms']:>7.0f} {r['parallel_execute_ms']:>9.1f} "
            f"{r['parallel_ask_ms']:>8.1f} {r['serial_execute_ms']:>9.1f} {r['serial_ask_ms']:>8.1f} "
            f"{r['speedup']:>7.1f}x {'met' if r['goal_met'] else 'MISSED':>6}"
        )
    p = planning
    print(
        f"deterministic planning: {p['tools']} tools {p['median_ms']:.2f} ms (median of {p['repeats']}); "
        f"{p['baseline_tools']} tools {p['baseline_median_ms']:.2f} ms; ratio {p['ratio']}x"
    )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
