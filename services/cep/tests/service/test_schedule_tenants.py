"""A tenant whose scheduled API hangs holds back no other tenant (real server, real ExecuteApi over gRPC)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import pytest_asyncio
from structlog.testing import capture_logs

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.background_runs import BackgroundRuns, fair_order
from opsuite_common.protoconv import py_to_value
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually

from .conftest import Cep, advance_clock


def _rule(name: str, api: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "SCHEDULE",
        "spec": {"interval": "10s", "api": api, "condition": {"field": "queue_depth", "op": ">", "value": 100}},
    }


class HangingApiManager(api_manager_pb2_grpc.ApiManagerServiceServicer):
    """``hang`` waits until released (or cancelled); any other API answers a deep queue at once."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.hanging = 0
        self.release = asyncio.Event()

    async def ExecuteApi(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        self.calls.append(request.name)
        if request.name == "hang":
            self.hanging += 1
            try:
                await self.release.wait()
            finally:
                self.hanging -= 1
        return api_manager_pb2.ExecuteApiResponse(
            status=api_manager_pb2.SUCCEEDED, json=py_to_value({"queue_depth": 500})
        )


@pytest_asyncio.fixture
async def api_manager() -> AsyncIterator[tuple[HangingApiManager, int]]:
    fake = HangingApiManager()
    server = grpc.aio.server()
    api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield fake, port
    fake.release.set()
    await server.stop(0)


@pytest.mark.asyncio
async def test_a_hanging_tenant_api_delays_no_other_tenant_and_runs_at_most_its_share(
    sqlite_url: str, api_manager: tuple[HangingApiManager, int], start_cep: Any
) -> None:
    fake, port = api_manager
    clock = FakeClock()
    cep: Cep = await start_cep(
        sqlite_url,
        clock=clock,
        api_manager_target=f"127.0.0.1:{port}",
        schedule_first_run_at_once=True,
        schedule_round_wait_s=0.2,
        schedule_max_runs_per_tenant=4,
        delivery_timeout_s=300,
        schedule_claim_timeout_s=3600,
    )
    for i in range(10):
        await cep.rule(_rule(f"slow-{i}", "hang"), tenant="tenant-a")
    await advance_clock(clock, 1.0)  # the tick that starts tenant-a's runs returns after the round wait
    await eventually(lambda: fake.hanging == 4, what="tenant-a's share of runs in flight")

    await cep.rule(_rule("queue-deep", "queue-depth"), tenant="tenant-b")
    await advance_clock(clock, 1.0)
    # Ran in the tick that saw it, beside tenant-a's hanging runs (eventually: the round waits 0.2 s at most).
    await eventually(lambda: fake.calls.count("queue-depth") == 1, what="tenant-b's run")

    async def firing(tenant: str) -> int:
        return sum(a.state == cep_pb2.FIRING for a in await cep.alerts(tenant=tenant))

    await eventually(lambda: firing("tenant-b"), what="tenant-b's alert")
    await advance_clock(clock, 1.0)
    assert fake.calls.count("hang") == 4  # the hanging runs are not started again; the other six wait their turn

    fake.release.set()
    await eventually(lambda: fake.hanging == 0, what="the hanging runs to end")
    for _ in range(30):  # the deferred six start as places come free, four at most at a time
        if fake.calls.count("hang") == 10:
            break
        await advance_clock(clock, 1.0)
    assert fake.calls.count("hang") == 10
    await eventually(lambda: firing("tenant-a"), until=lambda n: n == 10, what="tenant-a's alerts")


def test_fair_order_takes_the_tenants_in_turn() -> None:
    items = [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1), ("c", 2)]
    assert fair_order(items, lambda i: i[0]) == [("a", 1), ("b", 1), ("c", 1), ("a", 2), ("c", 2), ("a", 3)]
    # Each round starts one tenant further: no tenant is always first to the free places.
    assert fair_order(items, lambda i: i[0], 1) == [("b", 1), ("c", 1), ("a", 1), ("c", 2), ("a", 2), ("a", 3)]
    assert fair_order(items, lambda i: i[0], 5)[0] == ("c", 1)


@pytest.mark.asyncio
async def test_a_run_that_fails_is_logged_and_a_key_never_runs_twice() -> None:
    runs = BackgroundRuns(2, 10, "test")

    async def fail() -> None:
        raise ValueError("boom")

    async def wait() -> None:
        await asyncio.sleep(30)

    with capture_logs() as logs:
        task = runs.start("k1", "t", fail())
        with pytest.raises(ValueError):
            await task
        await asyncio.sleep(0)  # the done callback
    assert [e["event"] for e in logs if e.get("key") == "k1"] == ["background run failed"]
    assert not runs.busy("k1") and runs.in_flight("t") == 0
    runs.start("k2", "t", wait())
    coro = wait()
    with pytest.raises(RuntimeError):
        runs.start("k2", "t", coro)
    assert runs.busy("k2") and runs.in_flight("t") == 1
    await runs.stop()
    assert not runs.busy("k2")
