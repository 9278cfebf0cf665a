"""Fixtures: a real cep server on port 0 over a real channel, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import nats
import pytest_asyncio
from google.protobuf import struct_pb2, timestamp_pb2

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.adapters.partitions import PartitionStream, delete_namespace
from opsuite_cep.config import Settings
from opsuite_cep.server import create_server
from opsuite_common.server import ServerHandle
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests

T0 = 1_700_000_000.0

#: Two rules the event-time and event-log tests share: a heartbeat that stops, and cpu over 90 per host.
HEARTBEAT = {
    "name": "heartbeat-lost",
    "kind": "ABSENCE",
    "spec": {
        "trigger": {"alias": "a", "event_type": "heartbeat"},
        "expected": {"alias": "b", "event_type": "heartbeat"},
        "within": "20s",
    },
}
CPU = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}
#: The NATS server (JetStream) of this machine.
NATS_URL = "nats://127.0.0.1:4222"


def struct(data: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(data)
    return out


def ev(eid: str, etype: str, t: float, key: str = "", **attrs: Any) -> cep_pb2.Event:
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int((T0 + t) * 1e9))
    return cep_pb2.Event(id=eid, type=etype, key=key, source="test", time=ts, attributes=struct(attrs))


async def advance_clock(clock: FakeClock, seconds: float) -> None:
    """Move a server's fake clock once its scheduler sleeps; return when that tick (schedule rules and idle
    progress, committed) is done and the scheduler sleeps again."""
    await eventually(lambda: clock.sleepers == 1, what="the scheduler asleep")
    clock.advance(seconds)  # wakes it: its sleep is no longer counted until the next one starts
    await eventually(lambda: clock.sleepers == 1, what="the scheduler's tick to end")


@dataclass
class Cep:
    """A running server plus stubs per tenant."""

    handle: ServerHandle
    channel: grpc.aio.Channel
    stub: cep_pb2_grpc.CepServiceStub
    tokens: TokenFactory
    settings: Settings

    def md(self, tenant: str = "tenant-a", role: str = "admin") -> tuple[tuple[str, str], ...]:
        return self.tokens.metadata(tenant, [role])

    async def rule(self, definition: dict[str, Any], tenant: str = "tenant-a") -> cep_pb2.Rule:
        return await self.stub.CreateRule(
            cep_pb2.CreateRuleRequest(definition=struct(definition)), metadata=self.md(tenant)
        )

    async def publish(self, events: list[cep_pb2.Event], tenant: str = "tenant-a") -> cep_pb2.PublishEventsResponse:
        return await self.stub.PublishEvents(cep_pb2.PublishEventsRequest(events=events), metadata=self.md(tenant))

    async def alerts(self, tenant: str = "tenant-a", **kw: Any) -> list[cep_pb2.Alert]:
        reply = await self.stub.ListAlerts(cep_pb2.ListAlertsRequest(**kw), metadata=self.md(tenant))
        return list(reply.alerts)


def make_settings(db_url: str, **kw: Any) -> Settings:
    base: dict[str, Any] = {
        "port": 0,
        "database_url": db_url,
        "auth": auth_settings_for_tests(),
        "dispatch_poll_s": 0.05,
        "delivery_backoff_initial_s": 0.05,
        "delivery_backoff_max_s": 0.2,
        "watch_poll_s": 0.2,
        "schedule_tick_s": 0.05,
        # A fake-clock tick returns once its runs are done (advance_clock relies on it), however loaded CI is.
        "schedule_round_wait_s": 60.0,
        "channel_breaker_reset_s": 0.3,
        "outbound_allow": ["127.0.0.1", "localhost"],
        "api_manager_target": "127.0.0.1:1",
        "ops_target": "127.0.0.1:1",
    }
    base.update(kw)
    return Settings(**base)


@pytest_asyncio.fixture
async def start_cep() -> AsyncIterator[Callable[..., Any]]:
    """Start servers on demand; every one still running is stopped at the end."""
    running: list[Cep] = []

    async def start(db_url: str, resolver: Any = None, clock: FakeClock | None = None, **kw: Any) -> Cep:
        settings = make_settings(db_url, **kw)
        handle = await create_server(settings, resolver=resolver, clock=clock)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        cep = Cep(handle, channel, cep_pb2_grpc.CepServiceStub(channel), TokenFactory(), settings)
        running.append(cep)
        return cep

    yield start
    for cep in running:
        await cep.channel.close()
        await cep.handle.stop(0)


@pytest_asyncio.fixture
async def cep(db_url: str, start_cep: Callable[..., Any]) -> Cep:
    """A server on SQLite and on PostgreSQL."""
    return await start_cep(db_url)


@pytest_asyncio.fixture
async def cep_sqlite(sqlite_url: str, start_cep: Callable[..., Any]) -> Cep:
    """A server on SQLite only (for tests whose storage path is the same on both)."""
    return await start_cep(sqlite_url)


@pytest_asyncio.fixture
async def stream_namespace() -> AsyncIterator[str]:
    """A ``stream_namespace`` of this test's own for partitioned servers on the NATS server of this machine;
    its partition stream and lease bucket are deleted at the end. Request it before ``start_cep``, so that
    the servers stop (checkpointing and handing their leases back) before the deletion."""
    ns = f"t{uuid.uuid4().hex[:10]}"
    yield ns
    with contextlib.suppress(Exception):  # no NATS server: the test did not use it
        await delete_namespace(NATS_URL, ns)


@contextlib.asynccontextmanager
async def own_partition_stream(partitions: int) -> AsyncIterator[PartitionStream]:
    """A partition stream of the caller's own on the NATS server of this machine, deleted at the end."""
    name = uuid.uuid4().hex[:12]
    ps = PartitionStream(NATS_URL, partitions, stream=f"TEST_{name}", prefix=f"test.{name}.part")
    try:
        yield ps
    finally:
        await ps.close()
        nc = await nats.connect(NATS_URL)
        with contextlib.suppress(Exception):
            await nc.jetstream().delete_stream(ps.stream)
        await nc.close()
