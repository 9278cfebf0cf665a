"""Fair admission between tenants: a busy tenant is held to its share while another is present, never alone."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import pytest

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.auth import identity_var
from opsuite_common.fairness import FairShare
from opsuite_common.resilience import RetryPolicy
from opsuite_common.server.pipeline import Call, Proceed
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client


async def _settle() -> None:
    """Let every task that can run, run."""
    for _ in range(5):
        await asyncio.sleep(0)


def _start(
    fair: FairShare, tenant: str, order: list[str] | None = None, label: str = "", **kw: Any
) -> asyncio.Task[None]:
    async def take() -> None:
        await fair.acquire(tenant, "/s/M", **kw)
        if order is not None:
            order.append(label or tenant)

    return asyncio.create_task(take())


async def test_a_tenant_alone_is_not_limited():
    fair = FairShare(1)
    for _ in range(16):
        await fair.acquire("ops", "/s/M")
    assert fair.running("ops") == 16 and fair.waiting("ops") == 0
    for _ in range(16):
        fair.release("ops")
    assert fair.totals() == (0, 0)


async def test_the_busy_tenant_is_held_to_its_share_while_the_other_has_work():
    fair = FairShare(2, linger_s=0)
    for _ in range(3):
        await fair.acquire("noisy", "/s/M")  # alone: not limited
    await fair.acquire("quiet", "/s/M")  # under its share: admitted at once
    waiters = [_start(fair, "noisy") for _ in range(2)]
    await _settle()
    assert fair.waiting("noisy") == 2 and not any(w.done() for w in waiters)
    fair.release("noisy")  # 2 left in progress: still at its share
    await _settle()
    assert fair.running("noisy") == 2 and fair.waiting("noisy") == 2
    fair.release("noisy")  # 1 left: the first waiter takes the free place
    await _settle()
    assert waiters[0].done() and not waiters[1].done()
    assert fair.running("noisy") == 2
    fair.release("quiet")  # the other tenant is gone: the noisy one is alone and takes what it wants
    await _settle()
    assert waiters[1].done() and fair.running("noisy") == 3
    for _ in range(3):
        fair.release("noisy")
    assert fair.totals() == (0, 0)


async def test_a_tenant_that_called_lately_still_counts_as_present():
    fair = FairShare(1, linger_s=3600)
    await fair.acquire("quiet", "/s/M")
    fair.release("quiet")  # between two of its calls
    await fair.acquire("noisy", "/s/M")
    waiter = _start(fair, "noisy")
    await _settle()
    assert fair.waiting("noisy") == 1 and not waiter.done()
    fair.release("noisy")
    await _settle()
    assert waiter.done()
    fair.release("noisy")
    assert fair.totals() == (0, 0)


async def test_when_the_other_tenants_linger_ends_the_waiting_call_runs_without_any_call_ending():
    # The busy tenant's one running call may last minutes: its waiting call must not wait for it once the
    # quiet tenant, present only by its linger, has gone.
    fair = FairShare(1, linger_s=0.05)
    await fair.acquire("quiet", "/s/M")
    fair.release("quiet")
    await fair.acquire("busy", "/s/M")  # long-running
    waiter = _start(fair, "busy")
    await _settle()
    assert fair.waiting("busy") == 1 and not waiter.done()  # the quiet tenant still counts as present
    await asyncio.wait_for(waiter, timeout=5)
    assert fair.running("busy") == 2 and fair.present() == ["busy"]
    fair.release("busy")
    fair.release("busy")
    assert fair.totals() == (0, 0)


async def test_waiting_calls_are_admitted_in_arrival_order_and_tenants_in_turn():
    fair = FairShare(1, linger_s=0)
    order: list[str] = []
    await fair.acquire("a", "/s/M")
    await fair.acquire("b", "/s/M")
    tasks = [_start(fair, t, order, f"{t}{i}") for i in (1, 2, 3) for t in ("a", "b")]
    await _settle()
    assert fair.waiting("a") == 3 and fair.waiting("b") == 3
    for _ in range(3):
        fair.release("a")
        fair.release("b")
        await _settle()
    assert order == ["a1", "b1", "a2", "b2", "a3", "b3"]
    await asyncio.gather(*tasks)
    fair.release("a")
    fair.release("b")
    assert fair.totals() == (0, 0)


async def test_when_the_other_tenant_leaves_the_waiting_calls_all_run_in_arrival_order():
    fair = FairShare(1, linger_s=0)
    order: list[str] = []
    await fair.acquire("a", "/s/M")
    await fair.acquire("x", "/s/M")
    tasks = [_start(fair, "a", order, f"a{i}") for i in (1, 2, 3)]
    await _settle()
    assert fair.waiting("a") == 3
    fair.release("x")  # a is alone now: no share applies
    await asyncio.gather(*tasks)
    assert order == ["a1", "a2", "a3"] and fair.running("a") == 4
    for _ in range(4):
        fair.release("a")
    assert fair.totals() == (0, 0)


async def test_a_call_waiting_past_its_deadline_ends_deadline_exceeded_and_leaves_the_queue():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("noisy", "/s/M")
    await fair.acquire("quiet", "/s/M")
    with pytest.raises(errors.DeadlineExceededError):
        await fair.acquire("noisy", "/s/M", time_remaining=0.02)
    assert fair.waiting("noisy") == 0 and fair.running("noisy") == 1
    fair.release("noisy")
    fair.release("quiet")
    assert fair.totals() == (0, 0)


async def test_a_cancelled_wait_gives_up_its_place_in_the_queue():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("noisy", "/s/M")
    await fair.acquire("quiet", "/s/M")
    first, second = _start(fair, "noisy"), _start(fair, "noisy")
    await _settle()
    first.cancel()
    await _settle()
    assert fair.waiting("noisy") == 1
    fair.release("noisy")
    await _settle()
    assert second.done() and not second.cancelled()
    fair.release("noisy")
    fair.release("quiet")
    assert first.cancelled()
    assert fair.totals() == (0, 0)


async def test_a_call_cancelled_just_after_its_place_was_granted_passes_the_place_on():
    fair = FairShare(1, linger_s=0)
    await fair.acquire("noisy", "/s/M")
    await fair.acquire("quiet", "/s/M")
    first, second = _start(fair, "noisy"), _start(fair, "noisy")
    await _settle()
    fair.release("noisy")  # grants the first waiter its place...
    first.cancel()  # ...which is cancelled before it could run
    await _settle()
    assert first.cancelled()
    assert second.done() and not second.cancelled()
    assert fair.running("noisy") == 1 and fair.waiting("noisy") == 0
    fair.release("noisy")
    fair.release("quiet")
    assert fair.totals() == (0, 0)


async def test_a_full_queue_refuses_with_retry_info():
    fair = FairShare(1, linger_s=0, max_waiting_per_tenant=2)
    await fair.acquire("noisy", "/s/M")
    await fair.acquire("quiet", "/s/M")
    waiters = [_start(fair, "noisy") for _ in range(2)]
    await _settle()
    with pytest.raises(errors.RateLimitedError) as info:
        await fair.acquire("noisy", "/s/M")
    assert info.value.reason == "CONCURRENCY_LIMITED"
    assert info.value.retry_after and info.value.retry_after > 0
    fair.release("quiet")  # alone again: both waiters run
    await asyncio.gather(*waiters)
    for _ in range(3):
        fair.release("noisy")
    assert fair.totals() == (0, 0)


async def test_share_zero_admits_everything():
    fair = FairShare(0)
    await fair.acquire("a", "/s/M")
    await fair.acquire("b", "/s/M")
    fair.release("a")
    assert fair.totals() == (0, 0)


class _Gate:
    """Innermost stage: counts each tenant's calls in progress and holds them until opened."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.inside: dict[str, int] = defaultdict(int)
        self.most: dict[str, int] = defaultdict(int)

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        ident = identity_var.get()
        tenant = ident.tenant if ident else ""
        self.inside[tenant] += 1
        self.most[tenant] = max(self.most[tenant], self.inside[tenant])
        try:
            await self.open.wait()
            return await proceed()
        finally:
            self.inside[tenant] -= 1


async def test_over_grpc_a_busy_tenant_waits_for_its_turn_while_another_tenant_is_served(tokens):
    gate = _Gate()
    async with running_echo_server(extra_stages=[gate], tenant_fair_share=2) as (handle, _servicer):
        fair: FairShare = handle.resources["fair_share"]
        busy = make_client(handle.port, tokens.mint(tenant="busy"), retry=RetryPolicy(max_attempts=1))
        quiet = make_client(handle.port, tokens.mint(tenant="quiet"), retry=RetryPolicy(max_attempts=1))
        first = [asyncio.create_task(busy.rpc.Echo(echo_pb2.EchoRequest(message=f"b{i}"))) for i in range(4)]
        await eventually(lambda: gate.inside["busy"] == 4)  # alone: all four run
        quiet_call = asyncio.create_task(quiet.rpc.Echo(echo_pb2.EchoRequest(message="q")))
        await eventually(lambda: gate.inside["quiet"] == 1)
        later = [asyncio.create_task(busy.rpc.Echo(echo_pb2.EchoRequest(message=f"l{i}"))) for i in range(3)]
        await eventually(lambda: fair.waiting("busy") == 3)  # over its share while quiet is served
        assert gate.inside["busy"] == 4
        gate.open.set()
        replies = await asyncio.gather(*first, quiet_call, *later)
        assert [r.message for r in replies] == ["b0", "b1", "b2", "b3", "q", "l0", "l1", "l2"]
        await busy.close()
        await quiet.close()
        await eventually(lambda: fair.totals() == (0, 0))


async def test_over_grpc_a_call_waiting_past_its_deadline_is_deadline_exceeded(tokens):
    gate = _Gate()
    async with running_echo_server(extra_stages=[gate], tenant_fair_share=1) as (handle, servicer):
        fair: FairShare = handle.resources["fair_share"]
        busy = make_client(handle.port, tokens.mint(tenant="busy"), retry=RetryPolicy(max_attempts=1))
        late = make_client(handle.port, tokens.mint(tenant="busy"), timeout=0.3, retry=RetryPolicy(max_attempts=1))
        quiet = make_client(handle.port, tokens.mint(tenant="quiet"), retry=RetryPolicy(max_attempts=1))
        held = asyncio.create_task(busy.rpc.Echo(echo_pb2.EchoRequest(message="held")))
        quiet_call = asyncio.create_task(quiet.rpc.Echo(echo_pb2.EchoRequest(message="q")))
        await eventually(lambda: gate.inside["busy"] == 1 and gate.inside["quiet"] == 1)
        with pytest.raises(errors.DeadlineExceededError):
            await late.rpc.Echo(echo_pb2.EchoRequest(message="late"))
        # The server's deadline for the call ends a little after the client's (it counts from the call's
        # arrival): only once the server has given the waiting call up is its place sure never to come.
        await eventually(lambda: fair.waiting("busy") == 0)
        gate.open.set()
        await asyncio.gather(held, quiet_call)
        assert servicer.attempts["late"] == 0
        for client in (busy, late, quiet):
            await client.close()
        await eventually(lambda: fair.totals() == (0, 0))


async def test_tenants_seen_long_ago_are_forgotten():
    fair = FairShare(1, linger_s=0.01)
    for i in range(100):
        await fair.acquire(f"t{i}", "/s/M")
        fair.release(f"t{i}")
    await asyncio.sleep(0.02)  # past the linger of every one of them
    await fair.acquire("last", "/s/M")
    fair.release("last")
    assert fair.present() == ["last"]
