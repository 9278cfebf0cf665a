"""Per-tenant token buckets, used by the rate-limit server stage.

Buckets live in this process (one set per replica): with N replicas behind a balancer a tenant
gets up to N times the configured rate. A shared store (Redis) can replace :class:`RateLimiter`
behind the same ``acquire`` call when that matters.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from opsuite_common.errors import RateLimitedError

__all__ = ["RateLimit", "RateLimiter"]


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
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()
        self._max = max_buckets

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
            if len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.updated) * limit.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return
        wait = (1.0 - bucket.tokens) / limit.rate
        raise RateLimitedError(
            f"rate limit of {limit.rate:g}/s (burst {limit.burst:g}) exceeded for this tenant; retry in {wait:.2f}s",
            metadata={"method": method.rsplit("/", 1)[-1], "limit_per_second": f"{limit.rate:g}"},
            retry_after=wait,
        )
