"""The scheduler on an injected fake clock: a real server, a real ExecuteApi call, no wait on the wall clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import pytest_asyncio

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.server import create_server
from opsuite_common.protoconv import py_to_value
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import TokenFactory

from .conftest import Cep, make_settings

pytestmark = pytest.mark.asyncio

RULE = {
    "name": "queue-deep",
    "kind": "SCHEDULE",
    "spec": {"interval": "10s", "api": "queue-depth", "condition": {"field": "queue_depth", "op": ">", "value": 100}},
}


class FakeApiManager(api_manager_pb2_grpc.ApiManagerServiceServicer):
    """Answers ExecuteApi with a deep queue and counts the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def ExecuteApi(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        self.calls.append(request.name)
        return api_manager_pb2.ExecuteApiResponse(
            status=api_manager_pb2.SUCCEEDED, json=py_to_value({"queue_depth": 500})
        )


@pytest_asyncio.fixture
async def api_manager() -> AsyncIterator[tuple[FakeApiManager, int]]:
    fake = FakeApiManager()
    server = grpc.aio.server()
    api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield fake, port
    await server.stop(0)


@pytest_asyncio.fixture
async def start_on_clock() -> AsyncIterator[Callable[..., Awaitable[Cep]]]:
    """Start cep servers whose scheduler runs on the given clock; each is stopped at the end."""
    running: list[Cep] = []

    async def start(clock: FakeClock, **kw: Any) -> Cep:
        settings = make_settings(**kw)
        handle = await create_server(settings, clock=clock)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        cep = Cep(handle, channel, cep_pb2_grpc.CepServiceStub(channel), TokenFactory(), settings)
        running.append(cep)
        return cep

    yield start
    for cep in running:
        await cep.channel.close()
        await cep.handle.stop(0)


async def _tick(clock: FakeClock, seconds: float) -> None:
    """Move the clock once the scheduler sleeps, and return when its tick is done and it sleeps again."""
    await eventually(lambda: clock.sleepers == 1, what="the scheduler asleep")
    clock.advance(seconds)  # wakes it: its sleep is no longer counted until the next one starts
    await eventually(lambda: clock.sleepers == 1, what="the scheduler's tick to end")


async def _next_run(cep: Cep, rule: cep_pb2.Rule) -> datetime:
    stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=rule.meta.id), metadata=cep.md())
    return stats.schedule_next_run.ToDatetime(tzinfo=UTC)


def _same_instant(a: datetime, b: datetime) -> bool:
    """Equal up to the rounding of float epoch seconds on the way to a protobuf Timestamp."""
    return abs(a - b) < timedelta(milliseconds=1)


async def test_a_rule_first_runs_one_interval_after_creation_on_the_injected_clock(
    sqlite_url: str, api_manager: tuple[FakeApiManager, int], start_on_clock: Callable[..., Awaitable[Cep]]
) -> None:
    fake, port = api_manager
    clock = FakeClock(datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
    cep = await start_on_clock(clock, db_url=sqlite_url, api_manager_target=f"127.0.0.1:{port}")
    await eventually(lambda: clock.sleepers == 1, what="the scheduler's first tick")  # before the rule exists
    rule = await cep.rule(RULE)
    await _tick(clock, cep.settings.schedule_tick_s)  # the first tick that sees the rule plans it
    planned_at = clock.now()
    assert _same_instant(await _next_run(cep, rule), planned_at + timedelta(seconds=10))

    await _tick(clock, 9.9)
    assert fake.calls == [] and await cep.alerts() == []  # 9.9 s on the scheduler's clock: not due yet

    await _tick(clock, 0.1)
    assert fake.calls == ["queue-depth"]  # through the real client, over gRPC
    (alert,) = await cep.alerts()
    assert alert.state == cep_pb2.FIRING
    # The alert is stamped with the scheduler's clock, not with the wall clock.
    assert _same_instant(alert.fired_at.ToDatetime(tzinfo=UTC), planned_at + timedelta(seconds=10))
    assert _same_instant(await _next_run(cep, rule), clock.now() + timedelta(seconds=10))


async def test_first_run_at_once_runs_a_new_rule_at_the_next_tick(
    sqlite_url: str, api_manager: tuple[FakeApiManager, int], start_on_clock: Callable[..., Awaitable[Cep]]
) -> None:
    fake, port = api_manager
    clock = FakeClock()
    cep = await start_on_clock(
        clock, db_url=sqlite_url, api_manager_target=f"127.0.0.1:{port}", schedule_first_run_at_once=True
    )
    await eventually(lambda: clock.sleepers == 1, what="the scheduler's first tick")
    rule = await cep.rule(RULE)
    await _tick(clock, cep.settings.schedule_tick_s)
    assert fake.calls == ["queue-depth"]
    assert [a.state for a in await cep.alerts()] == [cep_pb2.FIRING]
    assert _same_instant(await _next_run(cep, rule), clock.now() + timedelta(seconds=10))  # later runs: the interval
    await _tick(clock, 9.9)
    assert fake.calls == ["queue-depth"]
