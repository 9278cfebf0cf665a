"""A small TTL cache with single-flight loads, for the metadata the execute path reads on every call.

Why single-flight: with a plain TTL cache, every concurrent caller that arrives after an entry
expires loads it again (thirty-two concurrent ExecuteApi calls meant thirty-two metadata sessions
at once, competing for the pool, every TTL). Here the first caller loads and the others await it.
``clear()`` also bumps a generation, so a load that started before a write never stores the
pre-write value afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["TtlCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """``key -> value`` for ``ttl_s`` seconds; concurrent misses of one key share one load."""

    def __init__(self, ttl_s: float, *, max_entries: int = 10_000) -> None:
        """Empty cache; it is cleared whole when it would grow past ``max_entries``."""
        self._ttl_s = ttl_s
        self._max = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._generation = 0

    def clear(self) -> None:
        """Forget everything (a write happened); loads in flight will not store their result."""
        self._entries.clear()
        self._loading.clear()
        self._generation += 1

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, else the result of ``load()`` (shared with concurrent callers of ``key``)."""
        hit = self._entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        pending = self._loading.get(key)
        if pending is not None:
            # The leader's failure is its own: on error, load for ourselves (and raise our own error).
            with contextlib.suppress(Exception):
                return await asyncio.shield(pending)
        generation = self._generation
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("the load was cancelled"))
                future.exception()  # retrieved: nobody may be waiting
            raise
        finally:
            if self._loading.get(key) is future:
                del self._loading[key]
        if not future.done():
            future.set_result(value)
        if generation == self._generation:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self._ttl_s, value)
        return value
