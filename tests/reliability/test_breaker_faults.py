"""A downstream service is killed and restarted (a real process); the caller's breaker is timed.

The breaker opens after its threshold, fails fast while open without touching the network, and a
half-open probe closes it within reset_timeout + 1 s once the service is back. The timings are
written to bench/results/breaker_faults.json.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import pytest

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite_common import errors
from opsuite_common.client import ClientSettings, ServiceClient
from opsuite_common.resilience import BreakerRegistry, RetryPolicy
from opsuite_common.testing.processes import stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "reliability" / "breaker_faults.json"
SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]
FAIL_MAX, RESET_S = 3, 2.0


async def test_breaker_opens_fails_fast_and_recovers_when_the_downstream_restarts(tmp_path):
    stack = start_test_stack(tmp_path, ["api_manager"])
    settings = ClientSettings(
        token=TokenFactory().mint(roles=["viewer"]),
        default_timeout_s=2.0,
        retry=RetryPolicy(max_attempts=1),
        breaker_fail_max=FAIL_MAX,
        breaker_reset_timeout_s=RESET_S,
    )
    registry = BreakerRegistry(fail_max=FAIL_MAX, reset_timeout=RESET_S)
    client = ServiceClient(
        stack.target("api_manager"),
        api_manager_pb2_grpc.ApiManagerServiceStub,
        SERVICE,
        settings=settings,
        breakers=registry,
    )
    req = api_manager_pb2.GetServerInfoRequest()
    figures: dict[str, float | int] = {"fail_max": FAIL_MAX, "reset_timeout_s": RESET_S}
    try:
        assert (await client.GetServerInfo(req)).service == "api_manager"
        proc = stack.procs["api_manager"]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = time.monotonic()

        failures = 0
        while client.breaker.state != "open":
            with pytest.raises(errors.ServiceUnavailableError):
                await client.GetServerInfo(req)
            failures += 1
            assert failures <= FAIL_MAX
        figures["failures_to_open"] = failures
        figures["seconds_to_open"] = round(time.monotonic() - killed_at, 3)

        fast = []
        for _ in range(20):
            t0 = time.perf_counter()
            with pytest.raises(errors.CircuitOpenError):
                await client.GetServerInfo(req)
            fast.append(time.perf_counter() - t0)
        fast.sort()
        figures["fail_fast_p50_ms"] = round(fast[len(fast) // 2] * 1000, 3)
        figures["fail_fast_max_ms"] = round(fast[-1] * 1000, 3)
        assert fast[-1] < 0.05  # milliseconds, not a network timeout

        stack.start("api_manager")
        back_at = time.monotonic()
        while True:
            try:
                await client.GetServerInfo(req)
                break
            except errors.ServiceUnavailableError:
                await asyncio.sleep(0.05)
            assert time.monotonic() - back_at < RESET_S + 1.0, "breaker did not close within reset_timeout + 1 s"
        figures["seconds_to_close_after_restart"] = round(time.monotonic() - back_at, 3)
        assert client.breaker.state == "closed"
    finally:
        await client.close()
        stop_stack(stack)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
