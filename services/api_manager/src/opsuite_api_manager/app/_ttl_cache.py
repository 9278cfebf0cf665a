"""A small TTL cache with single-flight loads, for the metadata the execute path reads on every call.

Why single-flight: with a plain TTL cache, every concurrent caller that arrives after an entry
expires loads it again (thirty-two concurrent ExecuteApi calls meant thirty-two metadata sessions
at once, competing for the pool, every TTL). Here the first caller loads and the others await it.
``clear()`` also bumps a generation, so a load that started before a write never stores the
pre-write value afterwards. Expiry and the size bound (least recently used first) are cachetools'.
A hit can also be checked (``fresh``): one that fails the check is dropped and loaded again, which is how
replicas sharing a database keep each other's writes visible (``opsuite_api_manager.adapters.freshness``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

__all__ = ["TtlCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """``key -> value`` for ``ttl_s`` seconds; concurrent misses of one key share one load."""

    def __init__(self, ttl_s: float, *, max_entries: int = 10_000) -> None:
        """Empty cache holding at most ``max_entries`` (the least recently used go first)."""
        self._entries: TTLCache[K, V] = TTLCache(maxsize=max_entries, ttl=ttl_s)
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._generation = 0

    def clear(self) -> None:
        """Forget everything (a write happened); loads in flight will not store their result."""
        self._entries.clear()
        self._loading.clear()
        self._generation += 1

    async def get(
        self, key: K, load: Callable[[], Awaitable[V]], fresh: Callable[[V], bool | Awaitable[bool]] | None = None
    ) -> V:
        """The cached value, else the result of ``load()`` (shared with concurrent callers of ``key``).

        ``fresh(value)`` (a bool, or awaited) False on a hit: the value is dropped and loaded again."""
        if key in self._entries:
            value = self._entries[key]
            current = True if fresh is None else fresh(value)
            if not isinstance(current, bool):
                current = await current
            if current:
                return value
            if self._entries.get(key) is value:
                self._entries.pop(key, None)
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
            self._entries[key] = value
        return value
