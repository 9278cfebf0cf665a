"""Each tenant's share of the evaluation time: a tenant whose batches used up its budget is refused, with
RetryInfo and without a trace of the refused batch, while another tenant goes on (real server, SQLite)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.engine_budget import EngineBudget
from opsuite_common.errors import RateLimitedError
from opsuite_common.rpc_status import from_grpc_error

from .conftest import CPU, ev


async def test_a_tenant_past_its_evaluation_share_is_refused_and_its_batch_leaves_no_trace(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    # A budget of a millisecond that refills at a microsecond a second: the first real batch spends it.
    cep = await start_cep(sqlite_url, tenant_engine_share=0.000001, tenant_engine_burst_s=0.001)
    for tenant in ("tenant-a", "tenant-b"):
        for i in range(5):
            await cep.rule({**CPU, "name": f"cpu-high-{i}"}, tenant=tenant)
    big = [ev(f"e{i}", "metric", i * 0.001, cpu=10, host=f"h{i % 50}") for i in range(3000)]
    reply = await cep.publish(big)  # admitted: the bucket was full; its evaluation puts the tenant in debt
    assert reply.accepted == 3000

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await cep.publish([ev("hot", "metric", 10, cpu=99, host="h1")])
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    err = from_grpc_error(refused.value)
    assert isinstance(err, RateLimitedError) and err.reason == "ENGINE_BUDGET", err
    assert err.retry_after is not None and err.retry_after > 0
    assert await cep.alerts() == []  # the refused batch's hot event was never applied

    hot = await cep.publish([ev("hot", "metric", 10, cpu=99, host="h1")], tenant="tenant-b")
    assert hot.accepted == 1 and len(hot.alerts) == 5  # the other tenant's budget is its own


def test_the_bucket_refills_at_the_share_and_holds_at_most_the_burst() -> None:
    budget = EngineBudget(0.25, 1.0)
    budget.check("t", now=0.0)
    budget.charge("t", 1.5, now=0.0)  # one batch may overdraw: it was admitted with the bucket full
    assert budget.left("t", now=0.0) == pytest.approx(-0.5)
    with pytest.raises(RateLimitedError) as refused:
        budget.check("t", now=1.0)  # -0.5 + 0.25
    assert refused.value.retry_after == pytest.approx(1.0)  # 0.25 s of debt at 0.25 s per s
    budget.check("t", now=2.0)  # back at zero
    assert budget.left("t", now=100.0) == 1.0  # never above the burst
    EngineBudget(0, 1.0).check("t")  # share 0: no budget


async def _stream(cep: Any, batches: list[list[Any]], timeout: float) -> Any:
    async def requests() -> Any:
        for events in batches:
            yield cep_pb2.PublishEventsRequest(events=events)

    return await cep.stub.StreamEvents(requests(), metadata=cep.md(), timeout=timeout)


async def test_a_stream_over_its_share_waits_and_goes_on(sqlite_url: str, start_cep: Callable[..., Any]) -> None:
    # A full second per second: a big batch's debt is paid off in well under a second.
    cep = await start_cep(sqlite_url, tenant_engine_share=1.0, tenant_engine_burst_s=0.0001)
    await cep.rule(CPU)
    batches = [[ev(f"{b}-{i}", "metric", b * 10 + i * 0.001, cpu=10, host="h1") for i in range(2000)] for b in range(3)]
    reply = await _stream(cep, batches, timeout=60)
    assert reply.batches == 3 and reply.accepted == 6000


async def test_a_stream_whose_deadline_comes_first_ends_saying_what_was_applied(
    sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep = await start_cep(sqlite_url, tenant_engine_share=0.000001, tenant_engine_burst_s=0.0001)
    await cep.rule(CPU)
    batches = [[ev(f"{b}-{i}", "metric", b * 10 + i * 0.001, cpu=10, host="h1") for i in range(2000)] for b in range(2)]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _stream(cep, batches, timeout=30)
    err = from_grpc_error(refused.value)
    assert isinstance(err, RateLimitedError) and err.reason == "ENGINE_BUDGET", err
    assert err.metadata["method"] == "StreamEvents" and err.metadata["batches_applied"] == "1"


def test_a_floor_bounds_one_charge_and_keeps_a_deeper_debt() -> None:
    from opsuite_cep.app.engine_budget import EngineBudget

    budget = EngineBudget(0.25, 0.05)
    budget.charge("t", 5.0, now=100.0)  # a TestRule's charge: no floor
    budget.charge("t", 0.01, now=100.0, floor=-0.05)  # an owner's charge must not wipe that debt
    assert budget.left("t", now=100.0) < -4.9
    fresh = EngineBudget(0.25, 0.05)
    fresh.charge("u", 5.0, now=100.0, floor=-0.05)
    assert fresh.left("u", now=100.0) == -0.05
