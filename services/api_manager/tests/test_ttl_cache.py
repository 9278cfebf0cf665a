"""The single-flight TTL cache used for API and data-source lookups on the execute path."""

from __future__ import annotations

import asyncio

import pytest

from opsuite_api_manager.app._ttl_cache import TtlCache


async def test_concurrent_misses_share_one_load_and_clear_discards_in_flight_results() -> None:
    cache: TtlCache[str, int] = TtlCache(60)
    loads = 0
    gate = asyncio.Event()

    async def load() -> int:
        nonlocal loads
        loads += 1
        await gate.wait()
        return loads

    waiters = [asyncio.create_task(cache.get("k", load)) for _ in range(10)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiters) == [1] * 10 and loads == 1

    gate.clear()
    cache.clear()
    pending = asyncio.create_task(cache.get("k", load))
    await asyncio.sleep(0)
    cache.clear()  # a write happened while loading: the old value must not be stored
    gate.set()
    assert await pending == 2
    assert await cache.get("k", load) == 3


async def test_a_failed_load_is_not_shared_or_cached() -> None:
    cache: TtlCache[str, int] = TtlCache(60)
    calls = 0

    async def flaky() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        if calls == 1:
            raise LookupError("first")
        return calls

    first = asyncio.create_task(cache.get("k", flaky))
    second = asyncio.create_task(cache.get("k", flaky))
    with pytest.raises(LookupError):
        await first
    assert await second == 2
