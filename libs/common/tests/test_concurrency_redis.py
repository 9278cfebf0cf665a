"""Per-tenant caps shared through the Redis server of this machine (127.0.0.1:6379) as leases.

Two limiters on one key prefix stand for two replicas. Redis being down is a failure, not a skip. The
end-to-end case (two real api_manager processes, one killed with SIGKILL) is tests/test_replica_limits.py.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from opsuite_common import errors
from opsuite_common.concurrency_redis import RedisConcurrencyLimiter
from opsuite_common.metrics import REGISTRY
from opsuite_common.ratelimit import EXECUTION, STREAM
from opsuite_common.testing.eventually import eventually

REDIS_URL = "redis://127.0.0.1:6379"
#: Nothing listens there: the limiter must fail open.
DEAD_URL = "redis://127.0.0.1:1"
M = "/pkg.S/Run"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    p = f"opsuite-test:cc:{uuid.uuid4().hex}"
    yield p
    keys = [k async for k in redis.scan_iter(match=f"{p}:*")]
    if keys:
        await redis.delete(*keys)


def replica(prefix: str, caps: dict[str, int], lease_s: float = 30.0) -> RedisConcurrencyLimiter:
    """One replica's limiter on the local Redis under ``prefix``."""
    return RedisConcurrencyLimiter(REDIS_URL, service="svc", caps=caps, lease_s=lease_s, key_prefix=prefix)


async def test_two_replicas_share_one_cap_and_a_release_frees_a_slot_for_either(prefix: str, redis: Redis) -> None:
    a, b = replica(prefix, {EXECUTION: 2}), replica(prefix, {EXECUTION: 2})
    try:
        first = await a.acquire("t", (EXECUTION,), M)
        await b.acquire("t", (EXECUTION,), M)
        for limiter in (a, b):
            with pytest.raises(errors.RateLimitedError) as info:
                await limiter.acquire("t", (EXECUTION,), M)
            assert info.value.reason == "CONCURRENCY_LIMITED"
            assert info.value.metadata == {"method": "Run", "slot": EXECUTION, "limit": "2"}
            assert info.value.retry_after is not None and info.value.retry_after > 0
        await a.acquire("other", (EXECUTION,), M)  # another tenant's slots
        a.release("t", first)
        await eventually(lambda: redis.zcard(a.key("t", EXECUTION)), until=lambda n: n == 1, what="the lease removed")
        await b.acquire("t", (EXECUTION,), M)
        # A lease set expires with its last lease: nothing is left behind for an idle tenant.
        assert 0 < await redis.pttl(a.key("t", EXECUTION)) <= 30_000
    finally:
        await a.close()
        await b.close()
    assert not [k async for k in redis.scan_iter(match=f"{prefix}:*")]  # close gave the leases back


async def test_a_call_takes_every_kind_or_none(prefix: str, redis: Redis) -> None:
    a, b = replica(prefix, {EXECUTION: 1, STREAM: 2}), replica(prefix, {EXECUTION: 1, STREAM: 2})
    try:
        both = await a.acquire("t", (EXECUTION, STREAM), M)
        with pytest.raises(errors.RateLimitedError) as info:
            await b.acquire("t", (STREAM, EXECUTION), M)
        assert info.value.metadata["slot"] == EXECUTION
        assert await redis.zcard(a.key("t", STREAM)) == 1  # the refused call took no stream slot
        await b.acquire("t", (STREAM, "uncapped"), M)
        a.release("t", both)
        await eventually(lambda: redis.zcard(a.key("t", EXECUTION)), until=lambda n: n == 0, what="the lease removed")
        assert (await b.acquire("t", (EXECUTION,), M)).keys == (b.key("t", EXECUTION),)
        assert (await b.acquire("t", ("uncapped",), M)).keys == ()  # no cap, no Redis call
    finally:
        await a.close()
        await b.close()


async def test_leases_are_renewed_while_held_and_a_dead_replicas_expire(prefix: str) -> None:
    lease_s = 0.3
    a, b = replica(prefix, {EXECUTION: 1}, lease_s), replica(prefix, {EXECUTION: 1}, lease_s)
    try:
        await a.acquire("t", (EXECUTION,), M)
        await asyncio.sleep(lease_s * 4)  # four lease lengths: only renewals keep it
        with pytest.raises(errors.RateLimitedError):
            await b.acquire("t", (EXECUTION,), M)
        # a "dies": it stops renewing and never releases (as a process killed with SIGKILL).
        assert a._renewer is not None
        a._renewer.cancel()
        a._held.clear()

        async def admitted() -> bool:
            try:
                await b.acquire("t", (EXECUTION,), M)
            except errors.RateLimitedError:
                return False
            return True

        await eventually(admitted, timeout=10, interval=0.05, what="the dead replica's slot back after its lease")
    finally:
        await a.close()
        await b.close()


async def test_scripts_are_loaded_again_after_the_server_forgets_them(prefix: str, redis: Redis) -> None:
    a = replica(prefix, {EXECUTION: 1})
    try:
        lease = await a.acquire("t", (EXECUTION,), M)
        a.release("t", lease)
        await redis.script_flush()  # as after a Redis restart: EVALSHA answers NOSCRIPT
        await eventually(lambda: redis.zcard(a.key("t", EXECUTION)), until=lambda n: n == 0, what="the lease removed")
        await a.acquire("t", (EXECUTION,), M)
        with pytest.raises(errors.RateLimitedError):
            await a.acquire("t", (EXECUTION,), M)
    finally:
        await a.close()


async def test_unreachable_redis_fails_open_to_this_processs_counts() -> None:
    service = f"failopen-{uuid.uuid4().hex[:8]}"
    limiter = RedisConcurrencyLimiter(DEAD_URL, service=service, caps={EXECUTION: 1}, skip_after_failure_s=0.0)
    try:
        lease = await limiter.acquire("t", (EXECUTION,), M)
        assert lease.local
        with pytest.raises(errors.RateLimitedError):  # the process's own cap still holds
            await limiter.acquire("t", (EXECUTION,), M)
        limiter.release("t", lease)
        assert limiter.local.in_use("t", EXECUTION) == 0
        limiter.release("t", await limiter.acquire("t", (EXECUTION,), M))
    finally:
        await limiter.close()
    assert REGISTRY.get_sample_value("opsuite_concurrency_fail_open_total", {"service": service}) == 3


async def test_calls_holding_redis_leases_count_when_redis_goes_away(prefix: str) -> None:
    # Cap 2: one call holds a Redis lease when Redis becomes unreachable; the fallback admits one more, not two.
    limiter = replica(prefix, {EXECUTION: 2})
    try:
        held = await limiter.acquire("t", (EXECUTION,), M)
        assert not held.local and limiter.local.in_use("t", EXECUTION) == 1
        reachable = limiter._redis
        limiter._redis = Redis.from_url(DEAD_URL, socket_connect_timeout=0.2, socket_timeout=0.2)
        try:
            fallback = await limiter.acquire("t", (EXECUTION,), M)
            assert fallback.local
            with pytest.raises(errors.RateLimitedError):
                await limiter.acquire("t", (EXECUTION,), M)
            limiter.release("t", fallback)
        finally:
            await limiter._redis.aclose()
            limiter._redis = reachable
        limiter.release("t", held)
        assert limiter.local.in_use("t", EXECUTION) == 0
    finally:
        await limiter.close()


async def test_many_leases_are_renewed_in_batches_within_the_lease(prefix: str, redis: Redis) -> None:
    # A lease long enough that a renewal delayed by a loaded machine (2 cores, 4 test workers) is still in time:
    # at 0.6 s one fresh-clone run lost 60 of 1,200 leases to a late renewal.
    lease_s, calls = 1.5, 1200  # more than two renewal batches
    limiter = replica(prefix, {EXECUTION: calls}, lease_s)
    try:
        for _ in range(calls):
            await limiter.acquire("t", (EXECUTION,), M)
        await asyncio.sleep(lease_s * 4)  # only renewals keep them
        assert await redis.zcard(limiter.key("t", EXECUTION)) == calls
        with pytest.raises(errors.RateLimitedError):
            await limiter.acquire("t", (EXECUTION,), M)
    finally:
        await limiter.close()
