"""eventually()/eventually_sync(): return the first value that holds, fail with what was awaited; FakeClock."""

from __future__ import annotations

import asyncio
import threading

import pytest

from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually, eventually_sync


class _Counter:
    """A probe whose value is its call count; what it returns is up to the test."""

    def __init__(self, answer: object = None, ready_at: int = 1) -> None:
        self.calls = 0
        self.answer, self.ready_at = answer, ready_at

    def __call__(self) -> object:
        self.calls += 1
        return self.answer if self.calls >= self.ready_at else 0


async def test_returns_the_first_truthy_value_of_a_sync_probe() -> None:
    probe = _Counter(answer="ready", ready_at=3)
    assert await eventually(probe, interval=0.001) == "ready"
    assert probe.calls == 3


async def test_awaits_an_async_probe() -> None:
    calls = 0

    async def probe() -> list[int]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return [calls] if calls >= 2 else []

    assert await eventually(probe, interval=0.001) == [2]


async def test_until_tests_the_value_and_the_value_is_returned() -> None:
    seen = iter([{"state": "pending"}, {"state": "pending"}, {"state": "done"}])
    got = await eventually(lambda: next(seen), until=lambda v: v["state"] == "done", interval=0.001)
    assert got == {"state": "done"}
    # A falsy value that satisfies `until` is returned too.
    assert await eventually(lambda: 0, until=lambda v: v == 0) == 0


async def test_times_out_saying_what_was_awaited_and_the_last_value() -> None:
    with pytest.raises(AssertionError) as info:
        await eventually(lambda: [], timeout=0.02, interval=0.005, what="the queue fills")
    message = str(info.value)
    assert "timed out after 0.02s" in message and "waiting for the queue fills" in message
    assert "last value: []" in message


async def test_an_ignored_exception_is_retried_and_reported_when_it_never_stops() -> None:
    attempts = 0

    def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ConnectionError("refused")
        return "up"

    assert await eventually(flaky, ignoring=ConnectionError, interval=0.001) == "up"

    def down() -> str:
        raise ConnectionError("still refused")

    with pytest.raises(AssertionError) as info:
        await eventually(down, ignoring=(ConnectionError,), timeout=0.01, interval=0.005, what="the server")
    assert "last error" in str(info.value) and "ConnectionError: still refused" in str(info.value)
    assert isinstance(info.value.__cause__, ConnectionError)


async def test_other_exceptions_propagate_at_once() -> None:
    probe = _Counter()

    def broken() -> None:
        probe()
        raise KeyError("typo in the test")

    with pytest.raises(KeyError):
        await eventually(broken, timeout=5, ignoring=ConnectionError)
    assert probe.calls == 1


async def test_the_probe_is_tried_at_least_once_with_no_time_left() -> None:
    assert await eventually(lambda: "now", timeout=0) == "now"
    assert eventually_sync(lambda: "now", timeout=0) == "now"


async def test_a_short_deadline_is_not_overslept() -> None:
    # The last try is at the deadline, not an interval after it: the wait ends although interval is huge.
    probe = _Counter(answer=None)
    with pytest.raises(AssertionError):
        await eventually(probe, timeout=0.01, interval=3600)
    assert probe.calls >= 2  # once at the start, once more at the deadline


def test_sync_variant_waits_for_another_thread() -> None:
    done = threading.Event()
    timer = threading.Timer(0.01, done.set)
    timer.start()
    try:
        assert eventually_sync(done.is_set, interval=0.001, what="the timer") is True
    finally:
        timer.cancel()


def test_sync_variant_fails_with_the_last_value() -> None:
    with pytest.raises(AssertionError, match=r"waiting for the flag; last value: False"):
        eventually_sync(lambda: False, timeout=0.01, interval=0.005, what="the flag")


def test_sync_variant_refuses_an_async_probe() -> None:
    async def probe() -> bool:
        return True

    with pytest.raises(TypeError, match="await eventually"):
        eventually_sync(probe)


@pytest.mark.parametrize(("timeout", "interval"), [(-1, 0.1), (1, 0), (1, -0.1)])
async def test_nonsense_timings_are_refused(timeout: float, interval: float) -> None:
    with pytest.raises(ValueError):
        await eventually(lambda: True, timeout=timeout, interval=interval)


async def test_fake_clock_moves_only_when_advanced_and_wakes_the_sleeps_that_are_over() -> None:
    clock = FakeClock(monotonic_start=50.0)
    wall = clock.now()
    woken: list[str] = []

    async def nap(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woken.append(name)

    short = asyncio.create_task(nap("short", 5))
    long = asyncio.create_task(nap("long", 30))
    await eventually(lambda: clock.sleepers == 2)
    clock.advance(4.9)
    await asyncio.sleep(0)
    assert woken == [] and clock.sleepers == 2
    clock.advance(0.1)
    await short
    assert woken == ["short"] and clock.sleepers == 1
    assert clock.monotonic() == 55.0 and (clock.now() - wall).total_seconds() == 5.0
    assert clock.time() == clock.now().timestamp()
    long.cancel()
    with pytest.raises(asyncio.CancelledError):
        await long
    assert clock.sleepers == 0  # a cancelled sleep leaves nothing behind
    with pytest.raises(ValueError):
        clock.advance(-1)
