"""Each tenant's share of the process's evaluation time (PublishEvents, TestRule, partition owners' records).

The rate limit counts calls, and a batch may hold up to ``max_batch_events`` events; evaluating one batch
against a tenant's rules takes the process's CPU (the GIL), whichever thread runs it (a 10,000-event batch
against 20 rules took about 0.7 s on the bench machine; big batches run in a worker thread, see
:mod:`opsuite_cep.app.evaluation`). A tenant sending big batches at its call rate would so take most of
the process's time, and every other tenant's calls would wait. :class:`EngineBudget` gives each tenant a
bucket of evaluation seconds that refills at ``share`` seconds per second (0.25: a quarter of the loop),
holding at most ``burst_s``: each batch's measured evaluation time is taken out after it ran, and while a
tenant's bucket is below zero its next PublishEvents is refused with RESOURCE_EXHAUSTED (reason
``ENGINE_BUDGET``) and RetryInfo saying when it is back above zero. Nothing of a refused batch is logged or
applied. A batch already admitted is never cut; the most one tenant can take in a row is one batch past
its burst, then it waits its debt off.

With ``OPSUITE_CEP_PARTITIONS``, the partition owners charge the records they evaluate (PublishEvents only
appends them, so many batches may be admitted before any is charged): their charges take a tenant's debt no
lower than minus the burst, so once the admitted backlog is evaluated the tenant is refused for about
``burst_s / share`` seconds more, not minutes; records replayed after a takeover are charged again (their CPU is
spent again).

Buckets are this process's (one per replica), like :class:`opsuite_common.ratelimit.RateLimiter`.
"""

from __future__ import annotations

import time

from cachetools import LRUCache

from opsuite_common.errors import RateLimitedError

__all__ = ["EngineBudget"]


class EngineBudget:
    """Per-tenant buckets of evaluation seconds (see the module docstring); ``share`` 0 admits everything."""

    def __init__(self, share: float, burst_s: float, *, max_tenants: int = 100_000) -> None:
        self.share, self.burst_s = share, burst_s
        #: tenant -> [seconds left (may be negative), when last refilled]
        self._buckets: LRUCache[str, list[float]] = LRUCache(maxsize=max_tenants)

    def _bucket(self, tenant: str, now: float) -> list[float]:
        bucket = self._buckets.get(tenant)
        if bucket is None:
            bucket = self._buckets[tenant] = [self.burst_s, now]
        else:
            bucket[0] = min(self.burst_s, bucket[0] + (now - bucket[1]) * self.share)
            bucket[1] = now
        return bucket

    def left(self, tenant: str, now: float | None = None) -> float:
        """Seconds of evaluation ``tenant`` has left (negative: in debt)."""
        return self._bucket(tenant, time.monotonic() if now is None else now)[0]

    def check(self, tenant: str, method: str = "PublishEvents", now: float | None = None) -> None:
        """Refuse (RateLimitedError, reason ENGINE_BUDGET) while ``tenant``'s bucket is below zero."""
        if self.share <= 0:
            return
        left = self.left(tenant, now)
        if left >= 0:
            return
        wait = -left / self.share
        raise RateLimitedError(
            f"this tenant's events used more than its share of the evaluation time ({self.share:g} s per s, "
            f"bursts of {self.burst_s:g} s); retry in {wait:.2f}s, or send smaller batches less often",
            reason="ENGINE_BUDGET",
            metadata={"method": method, "share": f"{self.share:g}"},
            retry_after=wait,
        )

    def charge(self, tenant: str, seconds: float, now: float | None = None, *, floor: float | None = None) -> None:
        """Take ``seconds`` of evaluation out of ``tenant``'s bucket (not below ``floor``, when given)."""
        if self.share <= 0:
            return
        bucket = self._bucket(tenant, time.monotonic() if now is None else now)
        # A floor bounds this charge only: a debt already below it (a TestRule's, say) stays.
        bucket[0] = bucket[0] - seconds if floor is None else max(bucket[0] - seconds, min(bucket[0], floor))
