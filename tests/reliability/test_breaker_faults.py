"""A downstream service is killed and restarted (a real process); the caller's breaker is timed.

The breaker opens after its threshold, fails fast while open without touching the network (no call
reaches the channel), still refuses calls once the service is back until its reset timeout has
passed, and then a half-open probe closes it. The reset timeout runs on an injected fake clock, so
the test does not wait for it on the wall clock; every call is a real gRPC call. The timings are
written to bench/results/reliability/breaker_faults.json.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import grpc
import pytest

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.common.v1 import common_pb2
from opsuite_common import errors
from opsuite_common.client import ClientSettings, ServiceClient
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.processes import stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "reliability" / "breaker_faults.json"
SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]
FAIL_MAX, RESET_S = 3, 2.0


class _CallCounter(grpc.aio.UnaryUnaryClientInterceptor):
    """Counts the unary calls that reach the channel."""

    def __init__(self) -> None:
        self.calls = 0

    async def intercept_unary_unary(self, continuation, client_call_details, request):
        self.calls += 1
        return await continuation(client_call_details, request)


async def test_breaker_opens_fails_fast_and_recovers_when_the_downstream_restarts(tmp_path):
    stack = start_test_stack(tmp_path, ["api_manager"])
    clock = FakeClock()
    sent = _CallCounter()
    settings = ClientSettings(
        timeout_s=2.0, retry_attempts=1, breaker_fail_max=FAIL_MAX, breaker_reset_timeout_s=RESET_S
    )
    client = ServiceClient(
        stack.target("api_manager"),
        api_manager_pb2_grpc.ApiManagerServiceStub,
        SERVICE,
        settings=settings,
        token=TokenFactory().mint(roles=["viewer"]),
        breakers=settings.breaker_registry(clock=clock.monotonic),
        channel=grpc.aio.insecure_channel(stack.target("api_manager"), interceptors=[sent]),
    )
    req = common_pb2.GetServerInfoRequest()
    figures: dict[str, float | int] = {"fail_max": FAIL_MAX, "reset_timeout_s": RESET_S}
    try:
        assert (await client.rpc.GetServerInfo(req)).service == "api_manager"
        proc = stack.procs["api_manager"]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = time.monotonic()

        failures = 0
        while client.breaker.state != "open":
            with pytest.raises(errors.ServiceUnavailableError):
                await client.rpc.GetServerInfo(req)
            failures += 1
            assert failures <= FAIL_MAX
        figures["failures_to_open"] = failures
        figures["seconds_to_open"] = round(time.monotonic() - killed_at, 3)

        fast = []
        before = sent.calls
        for _ in range(20):
            t0 = time.perf_counter()
            with pytest.raises(errors.CircuitOpenError):
                await client.rpc.GetServerInfo(req)
            fast.append(time.perf_counter() - t0)
        assert sent.calls == before  # failed fast: not one call reached the network
        fast.sort()
        figures["fail_fast_p50_ms"] = round(fast[len(fast) // 2] * 1000, 3)
        figures["fail_fast_max_ms"] = round(fast[-1] * 1000, 3)

        stack.start("api_manager")
        back_at = time.monotonic()
        clock.advance(RESET_S - 0.1)
        with pytest.raises(errors.CircuitOpenError):  # back, but the reset timeout has not passed yet
            await client.rpc.GetServerInfo(req)
        assert sent.calls == before
        trials = 0

        async def trial() -> bool:
            nonlocal trials
            clock.advance(RESET_S)  # the reset timeout passes (again, if the last trial reopened it)
            trials += 1
            await client.rpc.GetServerInfo(req)  # the half-open probe: a real call
            return True

        # A probe may still fail while the channel reconnects; it reopens the breaker and the next one tries.
        await eventually(trial, ignoring=errors.ServiceUnavailableError, what="a half-open probe to succeed")
        figures["trials_to_close_after_restart"] = trials
        figures["seconds_to_close_after_restart"] = round(time.monotonic() - back_at, 3)
        assert client.breaker.state == "closed"
    finally:
        await client.close()
        stop_stack(stack)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
