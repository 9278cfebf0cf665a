"""Per-tenant caps on calls in progress shared through Redis by every replica that points at the same server.

:class:`RedisConcurrencyLimiter` has the semantics of :class:`~opsuite_common.ratelimit.ConcurrencyLimiter`
(one cap per slot kind, a call takes one slot of every capped kind its handler declares, all or none, no
queue, the same refusal with RetryInfo), but the slots are counted in Redis, so N replicas together give a
tenant the configured cap, not N times it.

A slot is a **lease**: a member of the sorted set ``<prefix>:{<service>:<tenant>}:<kind>`` whose score is
its expiry (milliseconds on the Redis clock, ``TIME``: the replicas' clocks do not matter). One Lua script
drops the expired members and adds the call's lease to every set only if each is under its cap. While the
call runs, this process renews its leases every third of ``lease_s``; when the call ends the lease is
removed (in the background: a call never waits for Redis on its way out). A replica that dies (SIGKILL,
OOM, a lost host) renews nothing, so its slots come back ``lease_s`` after its last renewal. The braces
put a tenant's sets in one Redis Cluster slot, so the script's keys are always co-located.

Redis out of reach (refused, timed out, any Redis error) never refuses a call for that: it is decided by
this process's own :class:`~opsuite_common.ratelimit.ConcurrencyLimiter` with the same caps (fail open),
which counts every call this process runs, those holding Redis leases included, so during an outage one
replica never runs more than the cap for a tenant (N replicas at most N times the cap, as without Redis);
counted in ``opsuite_concurrency_fail_open_total{service}`` and logged as a warning at most once a minute;
after a failure the next second's calls go to memory without trying Redis. Leases already taken are
renewed when Redis answers again; a lease whose renewals failed for longer than ``lease_s`` has expired
and is not taken again (the cap may then be exceeded by the calls in flight, never refused wrongly).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import math
import random
import time
import uuid
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError

from opsuite_common.errors import RateLimitedError
from opsuite_common.logging import get_logger
from opsuite_common.metrics import counter
from opsuite_common.ratelimit import STREAM, ConcurrencyLimiter, check_redis_url

__all__ = ["FAIL_OPEN", "KEY_PREFIX", "Lease", "RedisConcurrencyLimiter"]

log = get_logger("opsuite.concurrency")

#: Leases renewed per pipelined round trip.
_RENEW_BATCH = 500

#: Default first part of every lease set's key.
KEY_PREFIX = "opsuite:cc"

FAIL_OPEN = counter(
    "opsuite_concurrency_fail_open_total",
    "Per-tenant cap checks decided by this process's own counts because Redis could not be reached.",
    ("service",),
)

# KEYS: one lease set per capped kind. ARGV: lease (ms), member, then the caps in KEYS' order.
# Returns 0 when the lease was added to every set, else the 1-based index of the first set at its cap.
_ACQUIRE = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local lease = tonumber(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, ARGV[2])
  redis.call('PEXPIRE', key, lease)
end
return 0
"""
# KEYS: the lease's sets. ARGV: lease (ms), member. Pushes the expiry of a lease still present; returns how many.
_RENEW = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local lease = tonumber(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local kept = 0
for _, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, ARGV[2]) then
    redis.call('ZADD', key, now + lease, ARGV[2])
    redis.call('PEXPIRE', key, lease)
    kept = kept + 1
  end
end
return kept
"""
_SCRIPTS = {
    name: (src, hashlib.sha1(src.encode()).hexdigest())  # noqa: S324 (the script cache's own key, not security)
    for name, src in (("acquire", _ACQUIRE), ("renew", _RENEW))
}


@dataclass(frozen=True, slots=True)
class Lease:
    """The slots one call holds: in Redis (``keys`` and ``member``) or, when Redis failed, in this process."""

    kinds: tuple[str, ...]
    keys: tuple[str, ...] = ()
    member: str = ""
    local: bool = False
    #: Whose slots (a Redis lease's local count is given back at close too).
    tenant: str = ""


class RedisConcurrencyLimiter:
    """Per-tenant caps counted in Redis as leases, renewed while the call runs (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        service: str,
        caps: Mapping[str, int],
        lease_s: float = 30.0,
        key_prefix: str = KEY_PREFIX,
        timeout_s: float = 0.2,
        retry_after_s: float = 0.5,
        warn_every_s: float = 60.0,
        skip_after_failure_s: float = 1.0,
    ) -> None:
        check_redis_url(url)
        #: The caps, and the counts that decide while Redis is out of reach.
        self.local = ConcurrencyLimiter(caps, retry_after_s=retry_after_s)
        self._caps = {kind: cap for kind, cap in caps.items() if cap > 0}
        parts = urlsplit(url)
        self._where = f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"  # no credentials in logs
        self._redis = Redis.from_url(
            url,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        )
        self._service = service
        self._prefix = f"{key_prefix}:"
        self._lease_ms = max(int(lease_s * 1000), 100)
        self._retry_after = retry_after_s
        self._warn_every = warn_every_s
        self._skip_for = skip_after_failure_s
        self._skip_until = 0.0
        self._warned_at = -math.inf
        self._unwarned = 0
        self._fail_open = FAIL_OPEN.labels(service)
        self._me = uuid.uuid4().hex  # this process, in every member it adds
        self._seq = itertools.count()
        #: Leases of calls in progress (renewed), by member.
        self._held: dict[str, Lease] = {}
        self._renewer: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()

    def key(self, tenant: str, kind: str) -> str:
        """The Redis key of ``tenant``'s lease set for slots of ``kind``."""
        return f"{self._prefix}{{{self._service}:{tenant}}}:{kind}"

    def held(self) -> int:
        """Leases this process holds in Redis now (calls in progress)."""
        return len(self._held)

    async def acquire(self, tenant: str, kinds: Sequence[str], method: str) -> Lease:
        """Take one slot of each capped kind (the lease, for :meth:`release`) or raise RateLimitedError."""
        taken = tuple(kind for kind in kinds if kind in self._caps)
        if not taken:
            return Lease(())
        if self._skip_until and time.monotonic() < self._skip_until:
            return self._decide_locally(tenant, taken, method, None)
        keys = tuple(self.key(tenant, kind) for kind in taken)
        lease = Lease(taken, keys, f"{self._me}:{next(self._seq)}", tenant=tenant)
        try:
            full = await self._script("acquire", keys, self._lease_ms, lease.member, *(self._caps[k] for k in taken))
        except (RedisError, OSError) as exc:
            self._skip_until = time.monotonic() + self._skip_for
            self._forget(lease)  # the script may have run before the reply was lost
            return self._decide_locally(tenant, taken, method, exc)
        except BaseException:  # cancelled while the script ran: it may have added the lease
            self._forget(lease)
            raise
        self._skip_until = 0.0
        if int(full):
            raise self._refusal(taken[int(full) - 1], method)
        try:  # this process's own count holds every call it runs, so a fallback bounds them all (module doc)
            self.local.acquire(tenant, taken, method)
        except RateLimitedError:  # its fallback calls already fill the cap here
            self._forget(lease)
            raise
        self._held[lease.member] = lease
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.get_running_loop().create_task(self._renew_forever())
        return lease

    def release(self, tenant: str, lease: Lease) -> None:
        """Give the slots back: at once in this process's count, in Redis in the background."""
        if lease.local:
            self.local.release(tenant, lease.kinds)
        elif lease.keys and self._held.pop(lease.member, None) is not None:
            self.local.release(tenant, lease.kinds)
            self._forget(lease)

    async def close(self) -> None:
        """Stop renewing, give back the leases still held (best effort) and close the connections."""
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
        for lease in list(self._held.values()):
            self.local.release(lease.tenant, lease.kinds)
            self._forget(lease)
        self._held.clear()
        if self._background:
            await asyncio.wait(self._background, timeout=1.0)
        await self._redis.aclose()

    def _refusal(self, kind: str, method: str) -> RateLimitedError:
        cap = self._caps[kind]
        what = "open streams" if kind == STREAM else f"{kind}s in progress"
        return RateLimitedError(
            f"this tenant already has {cap} {what} across this service's replicas (the per-tenant cap); "
            f"retry when one of them has finished",
            reason="CONCURRENCY_LIMITED",
            metadata={"method": method.rsplit("/", 1)[-1], "slot": kind, "limit": str(cap)},
            retry_after=self._retry_after * random.uniform(1.0, 1.5),
        )

    def _forget(self, lease: Lease) -> None:
        """Remove ``lease`` from its sets in the background (a failure leaves it to expire)."""
        self._spawn(self._remove(lease))

    def _spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _remove(self, lease: Lease) -> None:
        with contextlib.suppress(RedisError, OSError):
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in lease.keys:
                    pipe.zrem(key, lease.member)
                await pipe.execute()

    async def _renew_forever(self) -> None:
        every = self._lease_ms / 3000.0
        while self._held:
            await asyncio.sleep(every)
            leases = list(self._held.values())
            # One round trip per batch, not per lease: thousands of calls in progress renew within a few round
            # trips, far inside the lease (a renewal of a lease released meanwhile finds nothing and adds nothing).
            for start in range(0, len(leases), _RENEW_BATCH):
                try:
                    await self._renew(leases[start : start + _RENEW_BATCH])
                except (RedisError, OSError) as exc:
                    self._warn(exc, "renewing leases")
                    break  # the next round tries again

    async def _renew(self, leases: Sequence[Lease]) -> None:
        source, sha = _SCRIPTS["renew"]
        for attempt in (1, 2):
            async with self._redis.pipeline(transaction=False) as pipe:
                for lease in leases:
                    pipe.evalsha(sha, len(lease.keys), *lease.keys, self._lease_ms, lease.member)
                try:
                    await pipe.execute()
                    return
                except NoScriptError:  # a new or restarted server, or SCRIPT FLUSH: load it once and redo
                    if attempt == 2:
                        raise
                    await self._redis.script_load(source)

    async def _script(self, name: str, keys: Sequence[str], *args: Any) -> Any:
        source, sha = _SCRIPTS[name]
        try:
            return await self._redis.evalsha(sha, len(keys), *keys, *args)
        except NoScriptError:  # a new or restarted server, or SCRIPT FLUSH: load it and go on
            await self._redis.script_load(source)
            return await self._redis.evalsha(sha, len(keys), *keys, *args)

    def _decide_locally(self, tenant: str, kinds: tuple[str, ...], method: str, exc: BaseException | None) -> Lease:
        self._fail_open.inc()
        self._warn(exc, "checking a cap")
        return Lease(self.local.acquire(tenant, kinds, method), local=True)

    def _warn(self, exc: BaseException | None, doing: str) -> None:
        self._unwarned += 1
        now = time.monotonic()
        if now - self._warned_at >= self._warn_every:
            log.warning(
                "Redis for shared per-tenant caps is out of reach; this process's own counts decide meanwhile",
                redis=self._where,
                doing=doing,
                error=f"{type(exc).__name__}: {exc}" if exc is not None else "failed within the last second",
                checks=self._unwarned,
            )
            self._warned_at = now
            self._unwarned = 0
