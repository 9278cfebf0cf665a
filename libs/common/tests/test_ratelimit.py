"""Per-tenant rate limit: RESOURCE_EXHAUSTED with RetryInfo, honoured by the client's retry."""

from __future__ import annotations

import pytest

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.ratelimit import RateLimit, RateLimiter
from opsuite_common.resilience import RetryPolicy
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client


def test_bucket_refills_at_rate():
    limiter = RateLimiter(RateLimit(rate=10, burst=2))
    limiter.acquire("t", "/s/M", now=0.0)
    limiter.acquire("t", "/s/M", now=0.0)
    with pytest.raises(errors.RateLimitedError) as info:
        limiter.acquire("t", "/s/M", now=0.0)
    # Until a token is back (0.1 s), with up to 50% jitter so refused callers do not return together.
    assert 0.1 <= info.value.retry_after <= 0.15
    limiter.acquire("other-tenant", "/s/M", now=0.0)  # tenants do not share buckets
    limiter.acquire("t", "/s/M", now=0.1)


def test_per_method_override():
    limiter = RateLimiter(None, {"Mutate": RateLimit(1, 1)})
    for _ in range(100):
        limiter.acquire("t", "/pkg.S/Echo")
    limiter.acquire("t", "/pkg.S/Mutate", now=0.0)
    with pytest.raises(errors.RateLimitedError):
        limiter.acquire("t", "/pkg.S/Mutate", now=0.0)


async def test_over_limit_is_resource_exhausted_and_client_retry_honours_it(tokens):
    async with running_echo_server(rate_limit_per_s=20, rate_limit_burst=1) as (handle, servicer):
        no_retry = make_client(handle.port, tokens.mint(), retry=RetryPolicy(max_attempts=1))
        await no_retry.rpc.Echo(echo_pb2.EchoRequest(message="a"))
        with pytest.raises(errors.RateLimitedError) as info:
            await no_retry.rpc.Echo(echo_pb2.EchoRequest(message="b"))
        assert info.value.retry_after and info.value.retry_after > 0
        await no_retry.close()
        retrying = make_client(handle.port, tokens.mint(), retry=RetryPolicy(max_attempts=5, initial_backoff_s=0.0))
        for i in range(3):
            await retrying.rpc.Echo(echo_pb2.EchoRequest(message=f"c{i}"))
        await retrying.close()
        assert servicer.attempts["b"] == 0
        assert all(servicer.attempts[f"c{i}"] == 1 for i in range(3))
