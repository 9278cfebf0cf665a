"""Rate limits shared through the Redis server of this machine (127.0.0.1:6379): replicas share one budget.

Every test uses its own key prefix (or tenant) and deletes its keys. Redis being down is a failure, not
a skip (``.ci/run`` starts it). Refill is shown by moving a bucket's stored time back on the server,
never by sleeping.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import ValidationError
from redis.asyncio import Redis

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.logging import configure_logging
from opsuite_common.metrics import REGISTRY
from opsuite_common.ratelimit import RateLimit
from opsuite_common.ratelimit_redis import RedisRateLimiter
from opsuite_common.resilience import RetryPolicy
from opsuite_common.testing.servers import EchoSettings, TokenFactory, running_echo_server

from .conftest import make_client

REDIS_URL = "redis://127.0.0.1:6379"
#: Nothing listens there: the limiter must fail open.
DEAD_URL = "redis://127.0.0.1:1"
M = "/pkg.S/Echo"
#: One token every 1000 s: no refill can happen while a test runs, however slow the machine.
SLOW = 0.001


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    p = f"opsuite-test:rl:{uuid.uuid4().hex}"
    yield p
    keys = [k async for k in redis.scan_iter(match=f"{p}:*")]
    if keys:
        await redis.delete(*keys)


def limiter(prefix: str, default: RateLimit) -> RedisRateLimiter:
    """A limiter on the local Redis under ``prefix`` (one per replica in a test)."""
    return RedisRateLimiter(REDIS_URL, service="svc", default=default, key_prefix=prefix)


async def test_two_replicas_share_one_budget(prefix: str) -> None:
    a, b = limiter(prefix, RateLimit(SLOW, 3)), limiter(prefix, RateLimit(SLOW, 3))
    try:
        await a.acquire("t", M)
        await b.acquire("t", M)
        await a.acquire("t", M)
        for replica in (a, b):
            with pytest.raises(errors.RateLimitedError):
                await replica.acquire("t", M)
        await b.acquire("other-tenant", M)  # tenants do not share buckets
        await b.acquire("t", "/pkg.S/Other")  # nor do methods
    finally:
        await a.close()
        await b.close()


async def test_refusal_carries_retry_after_from_the_bucket(prefix: str) -> None:
    shared = limiter(prefix, RateLimit(0.01, 1))
    try:
        await shared.acquire("t", M)
        with pytest.raises(errors.RateLimitedError) as info:
            await shared.acquire("t", M)
    finally:
        await shared.close()
    # A whole token is missing at 0.01/s: 100 s, plus up to 50% jitter (what the in-memory limiter says).
    assert info.value.retry_after is not None and 95 <= info.value.retry_after <= 150
    assert info.value.reason == "RATE_LIMITED"
    assert info.value.metadata == {"method": "Echo", "limit_per_second": "0.01"}


async def test_bucket_refills_at_rate_on_the_servers_clock(prefix: str, redis: Redis) -> None:
    shared = limiter(prefix, RateLimit(0.5, 2))
    key = shared.key("t", M)

    async def age(seconds: float) -> None:
        """Move the bucket's last update back, as if ``seconds`` had passed on Redis's clock."""
        ts = float(await redis.hget(key, "ts"))  # type: ignore[arg-type]
        await redis.hset(key, "ts", f"{ts - seconds:.6f}")

    try:
        await shared.acquire("t", M)
        await shared.acquire("t", M)
        with pytest.raises(errors.RateLimitedError):
            await shared.acquire("t", M)
        # A bucket expires once it would be full again (burst / rate = 4 s, plus 1 s).
        assert 0 < await redis.pttl(key) <= 5000
        await age(2.0)  # 0.5/s for 2 s: one token back
        await shared.acquire("t", M)
        with pytest.raises(errors.RateLimitedError):
            await shared.acquire("t", M)
        await age(1000.0)  # never more than the burst
        await shared.acquire("t", M)
        await shared.acquire("t", M)
        with pytest.raises(errors.RateLimitedError):
            await shared.acquire("t", M)
    finally:
        await shared.close()


async def test_per_method_override_and_unlimited_methods_touch_no_key(prefix: str, redis: Redis) -> None:
    shared = RedisRateLimiter(
        REDIS_URL, service="svc", default=None, per_method={"Mutate": RateLimit(SLOW, 1)}, key_prefix=prefix
    )
    try:
        for _ in range(20):
            await shared.acquire("t", M)
        assert not [k async for k in redis.scan_iter(match=f"{prefix}:*")]
        await shared.acquire("t", "/pkg.S/Mutate")
        with pytest.raises(errors.RateLimitedError):
            await shared.acquire("t", "/pkg.S/Mutate")
        assert await redis.exists(shared.key("t", "/pkg.S/Mutate")) == 1
    finally:
        await shared.close()


async def test_script_is_loaded_again_after_the_server_forgets_it(prefix: str, redis: Redis) -> None:
    shared = limiter(prefix, RateLimit(SLOW, 2))
    try:
        await shared.acquire("t", M)
        await redis.script_flush()  # as after a Redis restart: EVALSHA answers NOSCRIPT
        await shared.acquire("t", M)
        with pytest.raises(errors.RateLimitedError):
            await shared.acquire("t", M)
    finally:
        await shared.close()


async def test_unreachable_redis_fails_open_to_memory_counted_and_warned_once() -> None:
    buf = io.StringIO()
    configure_logging("rl", fmt="json", stream=buf)
    service = f"failopen-{uuid.uuid4().hex[:8]}"
    shared = RedisRateLimiter(DEAD_URL, service=service, default=RateLimit(SLOW, 2), skip_after_failure_s=0.0)
    try:
        await shared.acquire("t", M)
        await shared.acquire("t", M)
        with pytest.raises(errors.RateLimitedError) as info:  # this process's buckets still limit
            await shared.acquire("t", M)
        assert info.value.retry_after is not None and info.value.retry_after > 0
    finally:
        await shared.close()
        configure_logging("test", fmt="json")
    assert REGISTRY.get_sample_value("opsuite_rate_limit_fail_open_total", {"service": service}) == 3
    warnings = [json.loads(line) for line in buf.getvalue().splitlines() if "out of reach" in line]
    assert len(warnings) == 1
    assert warnings[0]["level"] == "warning"
    assert warnings[0]["redis"] == "redis://127.0.0.1:1"
    assert "ConnectionError" in warnings[0]["error"]


def test_setting_accepts_only_redis_urls() -> None:
    assert EchoSettings().rate_limit_redis_url == ""
    assert EchoSettings(rate_limit_redis_url="rediss://:pw@cache.internal:6380/2").rate_limit_redis_url
    for bad in ("http://127.0.0.1:6379", "127.0.0.1:6379", "redis://", "unix:///tmp/redis.sock"):
        with pytest.raises(ValidationError, match="redis://"):
            EchoSettings(rate_limit_redis_url=bad)


async def test_two_servers_sharing_redis_refuse_together_once_the_burst_is_spent(
    tokens: TokenFactory, redis: Redis
) -> None:
    tenant = f"rl-{uuid.uuid4().hex[:12]}"  # the servers' keys are opsuite:rl:echo:<tenant>:<method>
    limits: dict[str, Any] = {"rate_limit_per_s": SLOW, "rate_limit_burst": 3, "rate_limit_redis_url": REDIS_URL}
    try:
        async with (
            running_echo_server(**limits) as (first, first_servicer),
            running_echo_server(**limits) as (second, second_servicer),
        ):
            token = tokens.mint(tenant=tenant)
            once = RetryPolicy(max_attempts=1)
            a, b = make_client(first.port, token, retry=once), make_client(second.port, token, retry=once)
            try:
                await a.rpc.Echo(echo_pb2.EchoRequest(message="a1"))
                await b.rpc.Echo(echo_pb2.EchoRequest(message="b1"))
                await a.rpc.Echo(echo_pb2.EchoRequest(message="a2"))
                for client, message in ((a, "a3"), (b, "b2")):
                    with pytest.raises(errors.RateLimitedError) as info:
                        await client.rpc.Echo(echo_pb2.EchoRequest(message=message))
                    assert info.value.retry_after and info.value.retry_after > 0  # RetryInfo on the wire
                other = make_client(second.port, tokens.mint(tenant=f"{tenant}-x"), retry=once)
                await other.rpc.Echo(echo_pb2.EchoRequest(message="other"))  # another tenant's budget
                await other.close()
            finally:
                await a.close()
                await b.close()
            assert first_servicer.attempts["a3"] == 0 and second_servicer.attempts["b2"] == 0
    finally:
        keys = [k async for k in redis.scan_iter(match=f"opsuite:rl:echo:{tenant}*")]
        if keys:
            await redis.delete(*keys)
