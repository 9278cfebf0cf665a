"""Per-tenant rate limit: RESOURCE_EXHAUSTED with RetryInfo, honoured by the client's retry."""

from __future__ import annotations

import asyncio

import pytest

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.ratelimit import EXECUTION, ConcurrencyLimiter, RateLimit, RateLimiter, RefusalPause
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


def test_refused_callers_are_told_different_delays():
    """A tenant's refused callers must not all come back at the same instant (rate and concurrency refusals)."""
    limiter = RateLimiter(RateLimit(rate=100, burst=200))
    for _ in range(200):
        limiter.acquire("t", "/s/M", now=0.0)
    rate_delays = set()
    for _ in range(16):
        with pytest.raises(errors.RateLimitedError) as info:
            limiter.acquire("t", "/s/M", now=0.0)
        rate_delays.add(info.value.retry_after)
    assert len(rate_delays) > 8
    assert all(d is not None and 0.2 <= d <= 0.3 for d in rate_delays)

    caps = ConcurrencyLimiter({EXECUTION: 1}, retry_after_s=0.5)
    caps.acquire("t", [EXECUTION], "/s/M")
    cap_delays = set()
    for _ in range(16):
        with pytest.raises(errors.RateLimitedError) as info:
            caps.acquire("t", [EXECUTION], "/s/M")
        cap_delays.add(info.value.retry_after)
    assert len(cap_delays) > 8
    assert all(d is not None and 0.5 <= d <= 0.75 for d in cap_delays)


def _refusal(delay: float) -> errors.RateLimitedError:
    return errors.RateLimitedError(f"over the limit; retry in {delay:.2f}s", retry_after=delay)


def test_a_refusal_is_held_for_its_delay_within_the_bounds():
    pause = RefusalPause(max_hold_s=0.25, max_held_per_tenant=2)
    assert pause.hold_for(_refusal(0.2), "t", None) == pytest.approx(0.18)  # nine tenths: announces the rest
    assert pause.hold_for(_refusal(3.0), "t", None) == pytest.approx(0.25)  # at most max_hold_s
    assert pause.hold_for(_refusal(3.0), "t", 0.3) == pytest.approx(0.15)  # half the time left to the deadline
    assert pause.hold_for(_refusal(3.0), "t", 0.0) == 0.0
    assert RefusalPause(0).hold_for(_refusal(3.0), "t", None) == 0.0  # holding turned off


async def test_a_held_refusal_announces_the_rest_of_its_delay_and_the_tenant_bound_answers_at_once():
    pause = RefusalPause(max_hold_s=0.02, max_held_per_tenant=2)
    held = [_refusal(1.0), _refusal(1.0)]
    waits = [asyncio.create_task(pause.pause(exc, "noisy", None)) for exc in held]
    await asyncio.sleep(0)  # both tasks run up to their hold
    assert pause.held("noisy") == 2
    # Two already held for this tenant: a third is answered at once, another tenant's is still held.
    assert pause.hold_for(_refusal(1.0), "noisy", None) == 0.0
    assert pause.hold_for(_refusal(1.0), "quiet", None) > 0
    await asyncio.gather(*waits)
    assert pause.held("noisy") == 0
    for exc in held:
        assert exc.retry_after == pytest.approx(0.98)
        assert exc.message == "over the limit; retry in 0.98s"


async def test_a_held_refusal_is_answered_before_the_callers_deadline(tokens):
    # The refusal's delay is ~100 s and holds may last 5 s, but the caller gives the call 2 s: it is
    # held for at most half of them and answered RESOURCE_EXHAUSTED, never DEADLINE_EXCEEDED.
    async with running_echo_server(rate_limit_per_s=0.01, rate_limit_burst=1, rate_limit_refusal_hold_s=5) as (
        handle,
        servicer,
    ):
        client = make_client(handle.port, tokens.mint(), timeout=2.0, retry=RetryPolicy(max_attempts=1))
        await client.rpc.Echo(echo_pb2.EchoRequest(message="a"))
        with pytest.raises(errors.RateLimitedError) as info:
            await client.rpc.Echo(echo_pb2.EchoRequest(message="b"))
        await client.close()
        assert info.value.retry_after is not None and info.value.retry_after > 90
        assert servicer.attempts["b"] == 0
