"""The JetStream event log against the NATS server of this machine (127.0.0.1:4222): positions are
stream sequences, a tenant reads only its own records in order, a trim drops what a checkpoint includes,
and a cep restarted after a crash replays from JetStream."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.adapters.natslog import JetStreamLog
from opsuite_cep.domain import Event

from .conftest import ev
from .test_event_log import CPU, crash

pytestmark = pytest.mark.asyncio

NATS_URL = "nats://127.0.0.1:4222"


def _tenant(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"  # the stream outlives the test


async def test_records_are_read_back_in_order_per_tenant_and_trimmed() -> None:
    log = JetStreamLog(NATS_URL)
    a, b = _tenant("a"), _tenant("b")
    try:
        p1 = await log.append(a, "events", 10.0, [Event("e1", "metric", 10.0, key="k", attributes={"cpu": 1})])
        p2 = await log.append(b, "events", 11.0, [Event("e2", "metric", 11.0)])
        p3 = await log.append(a, "tick", 12.0)
        assert p1 < p2 < p3
        records = await log.read(a, 0, 100)
        assert [(r.position, r.kind, r.now) for r in records] == [(p1, "events", 10.0), (p3, "tick", 12.0)]
        assert records[0].events == (Event("e1", "metric", 10.0, key="k", attributes={"cpu": 1}),)
        assert [r.position for r in await log.read(a, p1, 100)] == [p3]
        assert await log.read(a, p3, 100) == []
        assert {a, b} <= set(await log.tenants())
        await log.trim(a, p1)
        assert [r.position for r in await log.read(a, 0, 100)] == [p3]
        await log.trim(a, p3)
        await log.trim(b, p2)
        assert a not in await log.tenants() and await log.read(a, 0, 100) == []
    finally:
        await log.close()


async def test_a_cep_on_jetstream_replays_after_a_crash(sqlite_url: str, start_cep: Callable[..., Any]) -> None:
    tenant = _tenant("crash")
    first = await start_cep(sqlite_url, background_tasks=False, event_log=NATS_URL)
    await first.rule(CPU, tenant)
    await first.publish([ev("e1", "metric", 10, host="web-1", cpu=95)], tenant)
    await crash(first)
    second = await start_cep(sqlite_url, background_tasks=False, event_log=NATS_URL)
    assert (await second.publish([ev("e1", "metric", 10, host="web-1", cpu=95)], tenant)).duplicate_event_ids == ["e1"]
    await second.publish([ev("e2", "metric", 20, host="web-1", cpu=10)], tenant)
    [alert] = await second.alerts(tenant)
    assert alert.state == cep_pb2.RESOLVED
