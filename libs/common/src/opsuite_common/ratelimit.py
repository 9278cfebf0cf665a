"""Fair sharing between tenants: per-tenant token buckets and per-tenant concurrency caps.

:class:`RateLimiter` (calls per second, per tenant and method) and :class:`ConcurrencyLimiter`
(calls in progress per tenant, for the handlers that declare slots with :func:`holds_slots`) are
applied by the server pipeline's rate-limit and concurrency stages. Over either, the caller gets
RESOURCE_EXHAUSTED with RetryInfo (:class:`~opsuite_common.errors.RateLimitedError`).

Both live in this process (one set per replica): with N replicas behind a balancer a tenant gets
up to N times the configured rate and caps. Both can be shared instead, in Redis, by every replica that
points at the same server: :class:`opsuite_common.ratelimit_redis.RedisRateLimiter` keeps the token buckets
(behind the :class:`SharedRateLimiter` protocol) and
:class:`opsuite_common.concurrency_redis.RedisConcurrencyLimiter` the slots, as leases that expire when a
replica dies (behind :class:`SharedConcurrencyLimiter`).

A refusal is not answered at once: :class:`RefusalPause` holds it for nine tenths of its RetryInfo delay (at
most a quarter of a second, never past half the call's time left) and announces only the rest. A caller that
honours RetryInfo waits as long as before; one that ignores it (a runaway script retrying in a tight
loop) can no longer turn refusals into a flood that keeps the server's event loop busy, and so slow
every other tenant's calls: each of its callers is refused at most a few times a second, barely more often than
a caller that honours RetryInfo (up to 256 held refusals per tenant; beyond that, refusals are answered at
once).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from cachetools import LRUCache

from opsuite_common.errors import RateLimitedError

__all__ = [
    "EXECUTION",
    "REDIS_SCHEMES",
    "STREAM",
    "ConcurrencyLimiter",
    "RateLimit",
    "RateLimiter",
    "RefusalPause",
    "SharedConcurrencyLimiter",
    "SharedRateLimiter",
    "check_redis_url",
    "declared_slots",
    "holds_slots",
    "over_limit",
]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``rate`` tokens per second with bursts of up to ``burst``."""

    rate: float
    burst: float


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, now: float) -> None:
        self.tokens = tokens
        self.updated = now


class RateLimiter:
    """Token buckets keyed by (tenant, method); the limit is chosen per method with a default."""

    def __init__(
        self,
        default: RateLimit | None,
        per_method: Mapping[str, RateLimit] | None = None,
        *,
        max_buckets: int = 100_000,
    ) -> None:
        self._default = default
        self._per_method = dict(per_method or {})
        # Least recently used first out: a tenant that comes back after eviction starts with a full burst.
        self._buckets: LRUCache[tuple[str, str], _Bucket] = LRUCache(maxsize=max_buckets)

    def limit_for(self, method: str) -> RateLimit | None:
        """The limit for a full method name (``/pkg.Service/Method``) or its short name."""
        short = method.rsplit("/", 1)[-1]
        return self._per_method.get(method) or self._per_method.get(short) or self._default

    def acquire(self, tenant: str, method: str, now: float | None = None) -> None:
        """Take one token or raise RateLimitedError with the time until one is available."""
        limit = self.limit_for(method)
        if limit is None or limit.rate <= 0:
            return
        now = time.monotonic() if now is None else now
        key = (tenant, method)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(limit.burst, now)
        else:
            bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.updated) * limit.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return
        raise over_limit(limit, bucket.tokens, method)


class SharedRateLimiter(Protocol):
    """Token buckets kept outside this process (see :mod:`opsuite_common.ratelimit_redis`).

    Same contract as :meth:`RateLimiter.acquire`, awaited: return when a token was taken, raise
    :class:`RateLimitedError` (from :func:`over_limit`) when the tenant's bucket is empty.
    """

    async def acquire(self, tenant: str, method: str) -> None:
        """Take one token of ``tenant``'s bucket for ``method`` or raise RateLimitedError."""
        ...

    async def close(self) -> None:
        """Release the connections to the store."""
        ...


def over_limit(limit: RateLimit, tokens: float, method: str) -> RateLimitedError:
    """The refusal for a bucket of ``limit`` that holds ``tokens`` (< 1), with its RetryInfo delay."""
    # Not just until the next token: until a tenth of the burst is back. A client that honours
    # RetryInfo then comes back a few times a second instead of hammering at the refill rate
    # (each refusal costs the server nearly as much CPU as a cheap call), and the jitter keeps
    # a tenant's refused callers from all coming back at the same instant.
    wait = max(1.0 - tokens, 0.1 * limit.burst) / limit.rate * random.uniform(1.0, 1.5)
    return RateLimitedError(
        f"rate limit of {limit.rate:g}/s (burst {limit.burst:g}) exceeded for this tenant; retry in {wait:.2f}s",
        metadata={"method": method.rsplit("/", 1)[-1], "limit_per_second": f"{limit.rate:g}"},
        retry_after=wait,
    )


class SharedConcurrencyLimiter(Protocol):
    """Per-tenant caps counted outside this process (see :mod:`opsuite_common.concurrency_redis`).

    :meth:`acquire` is :meth:`ConcurrencyLimiter.acquire` awaited; what it returns is given back to
    :meth:`release`, which does not wait (a call's end never waits for the store).
    """

    async def acquire(self, tenant: str, kinds: Sequence[str], method: str) -> Any:
        """Take one slot of each capped kind of ``kinds`` or raise RateLimitedError."""
        ...

    def release(self, tenant: str, taken: Any) -> None:
        """Give back what :meth:`acquire` returned."""
        ...

    async def close(self) -> None:
        """Release the connections to the store."""
        ...


#: URL schemes of the store a :class:`SharedRateLimiter` may use (Redis over TCP, and over TLS).
REDIS_SCHEMES = ("redis", "rediss")


def check_redis_url(url: str) -> str:
    """``url`` if it is a ``redis://`` or ``rediss://`` URL with a host, else ValueError."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"not a Redis URL ({exc})") from None
    if parts.scheme not in REDIS_SCHEMES or not host:
        raise ValueError("must be redis://host[:port][/db] or rediss://... (TLS)")
    return url


#: Slot kinds a handler can declare with :func:`holds_slots`.
EXECUTION = "execution"
STREAM = "stream"
_SLOTS_ATTR = "__opsuite_slots__"
_F = TypeVar("_F", bound=Callable[..., Any])


def holds_slots(*kinds: str) -> Callable[[_F], _F]:
    """Declare that each call of an RPC handler holds one per-tenant slot of each kind until it ends."""

    def mark(fn: _F) -> _F:
        setattr(fn, _SLOTS_ATTR, tuple(kinds))
        return fn

    return mark


def declared_slots(handler: object) -> tuple[str, ...]:
    """The slot kinds declared on a handler with :func:`holds_slots` (empty when none)."""
    kinds: tuple[str, ...] = getattr(handler, _SLOTS_ATTR, ())
    return kinds


class ConcurrencyLimiter:
    """Per-tenant caps on calls in progress, one cap per slot kind (a cap of 0 means no cap).

    A call takes one slot of every kind its handler declares, all or none, and gives them back when
    it ends, however it ends (success, error, cancellation). There is no queue: a tenant at its cap
    is refused at once, so one tenant's backlog never holds a worker another tenant needs.
    """

    def __init__(self, caps: Mapping[str, int], *, retry_after_s: float = 0.5) -> None:
        self._caps = {kind: cap for kind, cap in caps.items() if cap > 0}
        self._in_use: dict[tuple[str, str], int] = {}
        self._retry_after = retry_after_s

    def in_use(self, tenant: str, kind: str) -> int:
        """Slots of ``kind`` that ``tenant`` holds now."""
        return self._in_use.get((tenant, kind), 0)

    def acquire(self, tenant: str, kinds: Sequence[str], method: str) -> tuple[str, ...]:
        """Take one slot of each capped kind (returned, for :meth:`release`) or raise RateLimitedError."""
        taken = tuple(kind for kind in kinds if kind in self._caps)
        for kind in taken:
            cap = self._caps[kind]
            if self._in_use.get((tenant, kind), 0) >= cap:
                what = "open streams" if kind == STREAM else f"{kind}s in progress"
                raise RateLimitedError(
                    f"this tenant already has {cap} {what} on this server (the per-tenant cap); "
                    f"retry when one of them has finished",
                    reason="CONCURRENCY_LIMITED",
                    metadata={"method": method.rsplit("/", 1)[-1], "slot": kind, "limit": str(cap)},
                    # Jittered, so that a tenant's refused callers do not all come back at the same instant.
                    retry_after=self._retry_after * random.uniform(1.0, 1.5),
                )
        for kind in taken:
            key = (tenant, kind)
            self._in_use[key] = self._in_use.get(key, 0) + 1
        return taken

    def release(self, tenant: str, kinds: Sequence[str]) -> None:
        """Give back the slots :meth:`acquire` returned."""
        for kind in kinds:
            key = (tenant, kind)
            left = self._in_use.get(key, 0) - 1
            if left > 0:
                self._in_use[key] = left
            else:
                self._in_use.pop(key, None)


_RETRY_IN = re.compile(r"retry in [0-9.]+s$")


#: The part of a refusal's RetryInfo delay that :class:`RefusalPause` holds it (within its bounds).
HOLD_FRACTION = 0.9


class RefusalPause:
    """Holds refused calls for most of their RetryInfo delay, within bounds, before they are answered.

    A refusal held ``h`` seconds of a ``d``-second delay announces ``d - h``: a caller that honours
    RetryInfo comes back when it would have anyway. The hold is nine tenths of the delay (``HOLD_FRACTION``:
    a caller that ignores RetryInfo comes back barely sooner than one that honours it, and the answer still
    announces a delay; until 2026-12-07 it was half, and such a caller made nearly twice the refusals, each
    costing the server nearly a cheap call's CPU), at most ``max_hold_s`` and half the time the call has left
    before its deadline. A
    tenant with ``max_held_per_tenant`` refusals already held is answered at once (a held refusal
    costs a timer and an open stream, not CPU).
    """

    def __init__(self, max_hold_s: float = 0.25, *, max_held_per_tenant: int = 256) -> None:
        self._max_hold = max_hold_s
        self._max_held = max_held_per_tenant
        self._held: dict[str, int] = {}

    def held(self, tenant: str) -> int:
        """Refusals of ``tenant`` being held now."""
        return self._held.get(tenant, 0)

    def hold_for(self, exc: RateLimitedError, tenant: str, time_remaining: float | None) -> float:
        """How long to hold ``exc`` (0: answer at once)."""
        delay = exc.retry_after or 0.0
        if self._max_hold <= 0 or delay <= 0 or self._held.get(tenant, 0) >= self._max_held:
            return 0.0
        hold = min(delay * HOLD_FRACTION, self._max_hold)
        if time_remaining is not None:
            hold = min(hold, time_remaining / 2)
        return max(hold, 0.0)

    async def pause(self, exc: RateLimitedError, tenant: str, time_remaining: float | None) -> None:
        """Wait before ``exc`` is raised, and take the wait off the delay it announces."""
        hold = self.hold_for(exc, tenant, time_remaining)
        if hold <= 0:
            return
        self._held[tenant] = self._held.get(tenant, 0) + 1
        try:
            await asyncio.sleep(hold)
        finally:
            left = self._held[tenant] - 1
            if left > 0:
                self._held[tenant] = left
            else:
                del self._held[tenant]
        rest = max((exc.retry_after or 0.0) - hold, 0.0)
        exc.retry_after = rest
        exc.message = _RETRY_IN.sub(f"retry in {rest:.2f}s", exc.message)
