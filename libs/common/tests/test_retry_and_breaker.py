"""Retries only for transient errors on idempotent methods, bounded by the deadline; breaker semantics."""

from __future__ import annotations

import asyncio

import pytest

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.resilience import AsyncCircuitBreaker, BreakerRegistry, RetryPolicy
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client


async def test_transient_error_on_idempotent_method_is_retried(echo_server, tokens):
    handle, servicer = echo_server
    client = make_client(handle.port, tokens.mint())
    resp = await client.rpc.Echo(echo_pb2.EchoRequest(message="r1", raise_error="ServiceUnavailableError:2"))
    await client.close()
    assert resp.attempt == 3
    assert servicer.attempts["r1"] == 3


async def test_non_idempotent_method_is_never_retried(echo_server, tokens):
    handle, servicer = echo_server
    client = make_client(handle.port, tokens.mint())
    with pytest.raises(errors.ServiceUnavailableError):
        await client.rpc.Mutate(echo_pb2.EchoRequest(message="r2", raise_error="ServiceUnavailableError:2"))
    await client.close()
    assert servicer.attempts["r2"] == 1


@pytest.mark.parametrize("name", ["NotFoundError", "ValidationError", "InternalError", "StaleEtagError"])
async def test_non_transient_errors_are_not_retried(echo_server, tokens, name):
    handle, servicer = echo_server
    client = make_client(handle.port, tokens.mint())
    with pytest.raises(errors.OpsuiteError):
        await client.rpc.Echo(echo_pb2.EchoRequest(message=name, raise_error=f"{name}:2"))
    await client.close()
    assert servicer.attempts[name] == 1


async def test_retry_honours_retry_info(echo_server, tokens):
    handle, servicer = echo_server
    policy = RetryPolicy(max_attempts=3, initial_backoff_s=0.0, max_backoff_s=0.0)
    assert policy.backoff(1, retry_after=0.05) == 0.05  # server's RetryInfo is the minimum wait
    client = make_client(handle.port, tokens.mint(), retry=policy)
    resp = await client.rpc.Echo(echo_pb2.EchoRequest(message="ri", raise_error="RateLimitedError:1"))
    await client.close()
    assert resp.attempt == 2


async def test_retries_stop_at_the_deadline(echo_server, tokens):
    handle, servicer = echo_server
    policy = RetryPolicy(max_attempts=10, initial_backoff_s=0.05, max_backoff_s=0.05)
    client = make_client(handle.port, tokens.mint(), retry=policy, breaker_fail_max=1000)
    with pytest.raises((errors.ServiceUnavailableError, errors.DeadlineExceededError)):
        await client.rpc.Echo(
            echo_pb2.EchoRequest(message="dl", raise_error="ServiceUnavailableError:1000", sleep_ms=40), timeout=0.3
        )
    await client.close()
    # 10 attempts were allowed (the most the settings take); 10 of 40 ms cannot fit in the 0.3 s deadline.
    assert 1 < servicer.attempts["dl"] < 10


async def test_breaker_opens_after_fail_max_and_fails_fast(echo_server, tokens):
    handle, servicer = echo_server
    client = make_client(handle.port, tokens.mint(), breaker_fail_max=3, breaker_reset_timeout_s=60)
    for _ in range(3):
        with pytest.raises(errors.ServiceUnavailableError):
            await client.rpc.Mutate(echo_pb2.EchoRequest(message="bf", raise_error="ServiceUnavailableError"))
    assert client.breaker.state == "open"
    calls_before = servicer.calls
    with pytest.raises(errors.CircuitOpenError) as info:
        await client.rpc.Mutate(echo_pb2.EchoRequest(message="bf"))
    await client.close()
    assert servicer.calls == calls_before  # never touched the network
    assert info.value.reason == "CIRCUIT_OPEN"
    assert info.value.retry_after is not None


async def test_a_client_uses_the_breaker_registry_it_is_given_even_an_empty_one():
    """Found with the fake clock: an empty registry is falsy, and the client fell back to the process-wide one."""
    from opsuite.testing.v1 import echo_pb2_grpc
    from opsuite_common.client import ServiceClient
    from opsuite_common.testing.echo import ECHO_SERVICE

    registry = BreakerRegistry(fail_max=1)
    assert len(registry) == 0
    client = ServiceClient("127.0.0.1:1", echo_pb2_grpc.EchoServiceStub, ECHO_SERVICE, breakers=registry)
    try:
        assert registry.get(client.name) is client.breaker
    finally:
        await client.close()


async def test_client_mistakes_never_open_the_breaker(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(roles=["viewer"]), breaker_fail_max=2)
    for name in ["NotFoundError", "ValidationError", "PermissionDeniedError", "StaleEtagError"] * 3:
        with pytest.raises(errors.OpsuiteError):
            await client.rpc.Echo(echo_pb2.EchoRequest(message="cm", raise_error=name))
    with pytest.raises(errors.PermissionDeniedError):
        await client.rpc.Mutate(echo_pb2.EchoRequest(message="cm"))
    assert client.breaker.state == "closed"
    await client.close()


async def test_failures_blamed_on_a_dependency_never_open_the_breaker(echo_server, tokens):
    # The server answered: what failed is something it called for this caller (say one tenant's data
    # source). Counting that would let one caller's broken dependency cut every caller off the server.
    handle, servicer = echo_server
    client = make_client(handle.port, tokens.mint(), breaker_fail_max=2)
    for name in ["ServiceUnavailableError/reports-db", "DeadlineExceededError/slow-report-api"] * 3:
        with pytest.raises(errors.OpsuiteError) as info:
            await client.rpc.Mutate(echo_pb2.EchoRequest(message="dep", raise_error=name))
        assert info.value.dependency == name.split("/", 1)[1]
        assert info.value.metadata == {"resource": "echo", "dependency": info.value.dependency}
    assert client.breaker.state == "closed" and client.breaker.fail_counter == 0
    with pytest.raises(errors.ServiceUnavailableError):  # the same code without the blame still counts
        await client.rpc.Mutate(echo_pb2.EchoRequest(message="own", raise_error="ServiceUnavailableError"))
    assert client.breaker.fail_counter == 1
    await client.close()


async def test_breaker_opens_when_server_is_down(tokens):
    async with running_echo_server() as (handle, _):
        port = handle.port
    client = make_client(port, tokens.mint(), breaker_fail_max=2, retry=RetryPolicy(max_attempts=1))
    for _ in range(2):
        with pytest.raises(errors.ServiceUnavailableError) as info:
            await client.rpc.Echo(echo_pb2.EchoRequest(message="down"), timeout=1)
        assert info.value.reason == "SERVICE_UNAVAILABLE"
    with pytest.raises(errors.CircuitOpenError):
        await client.rpc.Echo(echo_pb2.EchoRequest(message="down"))
    assert client.breaker.state == "open"
    await client.close()


class _Fault(errors.ServiceUnavailableError):
    pass


async def test_half_open_lets_exactly_the_allowed_trials_through_under_concurrency():
    clock = FakeClock()
    breaker = AsyncCircuitBreaker(
        "t", fail_max=1, reset_timeout=30, success_threshold=2, half_open_max_calls=2, clock=clock.monotonic
    )

    async def fail() -> None:
        raise _Fault("down")

    with pytest.raises(_Fault):
        await breaker.call(fail)
    assert breaker.state == "open"
    clock.advance(30)

    entered = 0
    release = asyncio.Event()

    async def slow_ok() -> str:
        nonlocal entered
        entered += 1
        await release.wait()
        return "ok"

    tasks = [asyncio.create_task(breaker.call(slow_ok)) for _ in range(10)]
    await eventually(lambda: sum(t.done() for t in tasks) == 8, what="8 calls refused")
    assert entered == 2  # only the allowed trials reached the dependency
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert sum(r == "ok" for r in results) == 2
    assert sum(isinstance(r, errors.CircuitOpenError) for r in results) == 8
    # Two successful trials reached success_threshold=2: closed again, calls flow.
    assert breaker.state == "closed"
    assert await breaker.call(slow_ok) == "ok"


async def test_half_open_stays_until_success_threshold_and_reopens_on_failure():
    clock = FakeClock()
    breaker = AsyncCircuitBreaker("t2", fail_max=1, reset_timeout=30, success_threshold=3, clock=clock.monotonic)

    async def fail() -> None:
        raise _Fault("down")

    async def ok() -> str:
        return "ok"

    with pytest.raises(_Fault):
        await breaker.call(fail)
    clock.advance(30)
    assert await breaker.call(ok) == "ok"
    assert breaker.state == "half-open"
    assert await breaker.call(ok) == "ok"
    assert breaker.state == "half-open"
    with pytest.raises(_Fault):
        await breaker.call(fail)
    assert breaker.state == "open"
    with pytest.raises(errors.CircuitOpenError):
        await breaker.call(ok)
    clock.advance(30)  # timed from the reopening, not from the first opening
    for _ in range(3):
        assert await breaker.call(ok) == "ok"
    assert breaker.state == "closed"


async def test_state_changes_are_reported():
    seen: list[tuple[str, str, str]] = []
    clock = FakeClock()
    breaker = AsyncCircuitBreaker(
        "t3", fail_max=1, reset_timeout=30, on_state_change=[lambda *a: seen.append(a)], clock=clock.monotonic
    )

    async def fail() -> None:
        raise _Fault("down")

    async def ok() -> None:
        return None

    with pytest.raises(_Fault):
        await breaker.call(fail)
    clock.advance(30)
    await breaker.call(ok)
    assert [(s[1], s[2]) for s in seen] == [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]


async def test_the_reset_timeout_is_measured_on_the_injected_clock_only():
    clock = FakeClock()
    reg = BreakerRegistry(fail_max=1, reset_timeout=30, clock=clock.monotonic)  # defaults reach every breaker
    breaker = reg.get("dep")
    calls = 0

    async def fail() -> None:
        raise _Fault("down")

    async def ok() -> str:
        nonlocal calls
        calls += 1
        return "ok"

    with pytest.raises(_Fault):
        await breaker.call(fail)
    clock.advance(29.5)
    with pytest.raises(errors.CircuitOpenError) as info:
        await breaker.call(ok)
    assert info.value.retry_after == pytest.approx(0.5)
    assert info.value.message == "down (circuit open, retrying after 0.5s)"  # the cause, then the wait
    assert calls == 0
    # 30 s have passed on the breaker's clock, not on the wall clock: pybreaker's own check is not asked.
    clock.advance(0.5)
    assert await breaker.call(ok) == "ok" and calls == 1
    assert breaker.state == "closed"


async def test_retry_policy_accepts_a_lambda_returning_a_coroutine():
    attempts = 0
    breaker = AsyncCircuitBreaker("lam", fail_max=10)

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise errors.ServiceUnavailableError("down")
        return "ok"

    policy = RetryPolicy(max_attempts=5, initial_backoff_s=0.0)
    assert await policy.run(lambda: breaker.call(flaky)) == "ok"
    assert attempts == 3


async def test_callers_cancelling_their_own_calls_never_open_the_breaker():
    """Found in review: cancellations by impatient callers opened a breaker in front of a healthy dependency."""
    breaker = AsyncCircuitBreaker("cancel", fail_max=3, reset_timeout=30)

    async def slow() -> str:
        await asyncio.sleep(1)
        return "late"

    for _ in range(5):
        task = asyncio.create_task(breaker.call(slow))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert breaker.state == "closed"

    async def fast() -> str:
        return "ok"

    assert await breaker.call(fast) == "ok"


async def test_a_bounded_registry_forgets_the_least_recently_used_closed_breaker_never_an_open_one():
    reg = BreakerRegistry(max_breakers=3, fail_max=1, reset_timeout=60)

    async def fail() -> None:
        raise errors.ServiceUnavailableError("down")

    tripped = reg.get("a")
    with pytest.raises(errors.ServiceUnavailableError):
        await tripped.call(fail)
    assert tripped.state == "open"
    b, c = reg.get("b"), reg.get("c")
    reg.get("b")  # b is now more recently used than c
    reg.get("d")  # full: c goes (a is open, b was used since)
    assert set(reg.states()) == {"a", "b", "d"} and len(reg) == 3
    assert reg.get("a") is tripped and reg.get("b") is b and reg.get("c") is not c
    with pytest.raises(errors.CircuitOpenError):
        await reg.get("a").call(fail)


async def test_a_breaker_that_guards_the_dependency_itself_counts_the_blamed_failures():
    import functools

    from opsuite_common.resilience import is_server_fault

    breaker = AsyncCircuitBreaker(
        "channel", fail_max=2, reset_timeout=60, is_failure=functools.partial(is_server_fault, count_dependencies=True)
    )

    async def api_down() -> None:
        raise errors.ServiceUnavailableError("upstream down").blame_dependency("api:notify")

    for _ in range(2):
        with pytest.raises(errors.ServiceUnavailableError):
            await breaker.call(api_down)
    assert breaker.state == "open"


async def test_no_retry_is_started_that_could_not_finish_before_the_deadline():
    # A failure with 10 ms left: another attempt could only time out (and count twice against a
    # breaker); the caller gets the real error instead.
    import time

    policy = RetryPolicy(max_attempts=5, initial_backoff_s=0.0, max_backoff_s=0.0)
    deadline = time.monotonic() + 0.3
    calls = 0

    async def fails_late() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(max(0.0, deadline - time.monotonic() - 0.01))
        raise errors.ServiceUnavailableError("upstream answered 503")

    with pytest.raises(errors.ServiceUnavailableError, match="503"):
        await policy.run(fails_late, deadline=deadline)
    assert calls == 1
