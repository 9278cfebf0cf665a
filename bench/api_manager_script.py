"""Light scripts through api_manager: single-call p50, and a 40-step workflow vs a naive runner.

The service runs in-process on port 0 (SQLite metadata store, execution log written for every step).
The naive runner is what the platform we replace did: a fresh ``python -c`` process per step, params as
JSON on stdin, the result as JSON on stdout, steps one after another. Both run the same fib(10) code.
Goal: the workflow through the service is >= 4x faster than the naive runner. Absolute times are printed
(for reference, Windmill publishes 2.09-4.38 s and Hatchet 1.22 s for 40 light steps, other hardware).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import grpc

from bench.harness import UNLIMITED, percentile, write_result

FIB_MAIN = """
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def main(params, input, ctx):
    return {"fib": fib(params.get("n", 10)), "step": params.get("step", 0)}
"""
STEPS = 40
NAIVE_CODE = FIB_MAIN + "\nimport json, sys\nprint(json.dumps(main(json.load(sys.stdin), None, None)))\n"


def naive_workflow() -> float:
    """40 sequential steps, one fresh interpreter each; returns seconds."""
    t0 = time.perf_counter()
    previous = 0
    for _ in range(STEPS):
        out = subprocess.run(
            [sys.executable, "-c", NAIVE_CODE],
            input=json.dumps({"n": 10, "step": previous}),
            capture_output=True,
            text=True,
            check=True,
        )
        previous = json.loads(out.stdout)["step"] + 1
    assert previous == STEPS
    return time.perf_counter() - t0


async def run(single_calls: int, workflow_runs: int) -> dict[str, Any]:
    """Measure; returns the JSON payload."""
    from cryptography.fernet import Fernet
    from google.protobuf import json_format

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_api_manager.config import Settings
    from opsuite_api_manager.server import create_server
    from opsuite_common.logging import configure_logging
    from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests

    configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
    workdir = tempfile.mkdtemp(prefix="bench-am-script-")
    handle = await create_server(
        Settings(
            port=0,
            database_url=f"sqlite:///{workdir}/am.db",
            auth=auth_settings_for_tests(),
            secret_key=Fernet.generate_key().decode(),
            **UNLIMITED,
        )
    )
    md = TokenFactory().metadata(roles=["admin"])
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            fib = pb.ApiDefinition(name="fib", kind=pb.SCRIPT, enabled=True, script=pb.ScriptSpec(source=FIB_MAIN))
            await stub.CreateApi(pb.CreateApiRequest(api=fib), metadata=md)
            steps = [
                {
                    "id": f"s{i}",
                    "api": "fib",
                    "input": {"n": 10, "step": f"$steps.s{i - 1}.output.step" if i else 0},
                }
                for i in range(STEPS)
            ]
            flow = pb.ApiDefinition(name="flow40", kind=pb.WORKFLOW, enabled=True)
            json_format.ParseDict({"steps": steps, "output": f"$steps.s{STEPS - 1}.output"}, flow.workflow.definition)
            flow.policy.timeout.FromSeconds(60)
            await stub.CreateApi(pb.CreateApiRequest(api=flow), metadata=md)
            lat = []
            for _ in range(single_calls):
                t0 = time.perf_counter()
                await stub.ExecuteApi(pb.ExecuteApiRequest(name="fib"), metadata=md)
                lat.append((time.perf_counter() - t0) * 1000)
            lat.sort()
            wf = []
            for _ in range(workflow_runs):
                t0 = time.perf_counter()
                r = await stub.ExecuteApi(pb.ExecuteApiRequest(name="flow40"), metadata=md)
                wf.append(time.perf_counter() - t0)
                ok = [st for st in r.steps if st.status == "SUCCEEDED"]
                assert json_format.MessageToDict(r.json)["fib"] == 55, r.status
                assert len(ok) == STEPS, r.status
    finally:
        await handle.stop(0)
    naive = [await asyncio.to_thread(naive_workflow) for _ in range(max(1, workflow_runs // 2))]
    service_s, naive_s = statistics.median(wf), statistics.median(naive)
    return {
        "goal": "40-step workflow through the service >= 4x faster than a process-per-step runner",
        "single_script_p50_ms": round(percentile(lat, 50), 2),
        "single_script_p99_ms": round(percentile(lat, 99), 2),
        "workflow_steps": STEPS,
        "workflow_service_s": round(service_s, 3),
        "workflow_naive_s": round(naive_s, 3),
        "speedup": round(naive_s / service_s, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run, print and write bench/results/api_manager_script.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    payload = asyncio.run(run(single_calls=30 if quick else 200, workflow_runs=2 if quick else 6))
    path = write_result("api_manager_script", payload)
    print(f"light script (fib(10)) p50 {payload['single_script_p50_ms']} ms, p99 {payload['single_script_p99_ms']} ms")
    print(
        f"{STEPS}-step workflow: service {payload['workflow_service_s']} s, naive process-per-step "
        f"{payload['workflow_naive_s']} s, speedup {payload['speedup']}x (goal >= 4x)"
    )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
