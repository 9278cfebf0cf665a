"""Per-tenant token buckets shared through Redis by every replica that points at the same server.

:class:`RedisRateLimiter` has the semantics of :class:`~opsuite_common.ratelimit.RateLimiter` (one bucket
per tenant and method, the same limits and per-method overrides, the same refusal with RetryInfo), but
the buckets live in Redis, so N replicas together give a tenant the configured budget, not N times it.

One Lua script takes a token atomically (EVALSHA; loaded again when Redis answers NOSCRIPT). It reads
the time from Redis (``TIME``), so the replicas' clocks do not matter. A bucket is a hash at
``<prefix>:<service>:<tenant>:<method>`` (tenants are ``[a-z0-9_-]``, methods start with ``/``, so keys
cannot collide) that expires once it would have refilled completely: an idle bucket vanishes and comes
back full, as it would have been.

Redis out of reach (refused, timed out, any Redis error) never refuses a call: the call is decided by
this process's in-memory buckets with the same limits (fail open), counted in
``opsuite_rate_limit_fail_open_total{service}``, and logged as a warning at most once a minute. After a
failure the next second's checks go to memory without trying Redis, so an unreachable server costs one
connect timeout a second, not one per call.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError

from opsuite_common.logging import get_logger
from opsuite_common.metrics import counter
from opsuite_common.ratelimit import RateLimit, RateLimiter, check_redis_url, over_limit

__all__ = ["FAIL_OPEN", "KEY_PREFIX", "RedisRateLimiter"]

log = get_logger("opsuite.ratelimit")

#: Default first part of every bucket key.
KEY_PREFIX = "opsuite:rl"

FAIL_OPEN = counter(
    "opsuite_rate_limit_fail_open_total",
    "Rate-limit checks decided by this process's in-memory buckets because Redis could not be reached.",
    ("service",),
)

# KEYS[1]: the bucket. ARGV: rate (tokens/s), burst, expiry (ms). Returns {taken (0/1), tokens left}.
# Numbers are written with string.format: Lua's own conversion keeps 14 digits, too few for the time.
# A refusal writes nothing: the stored (tokens, ts) then refill to the same value later, and a flood
# of refused calls costs no writes.
_SCRIPT = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
if tokens == nil then
  tokens = burst
else
  local elapsed = now - (tonumber(state[2]) or now)
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(burst, tokens + elapsed * rate)
end
if tokens < 1 then
  return {0, string.format('%.17g', tokens)}
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, string.format('%.17g', tokens)}
"""
_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()  # noqa: S324 (the script cache's own key, not security)


class RedisRateLimiter:
    """Token buckets in Redis, keyed by (service, tenant, method); same limits as :class:`RateLimiter`."""

    def __init__(
        self,
        url: str,
        *,
        service: str,
        default: RateLimit | None,
        per_method: Mapping[str, RateLimit] | None = None,
        key_prefix: str = KEY_PREFIX,
        timeout_s: float = 0.2,
        warn_every_s: float = 60.0,
        skip_after_failure_s: float = 1.0,
    ) -> None:
        check_redis_url(url)
        #: The limits, and the buckets that decide while Redis is out of reach.
        self.local = RateLimiter(default, per_method)
        parts = urlsplit(url)
        self._where = f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"  # no credentials in logs
        self._redis = Redis.from_url(
            url,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            # One more try on a broken connection (Redis restarted), none after a timeout: the script
            # may have run, and a second run would take a second token.
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        )
        self._service = service
        self._prefix = f"{key_prefix}:{service}:"
        self._warn_every = warn_every_s
        self._skip_for = skip_after_failure_s
        self._skip_until = 0.0
        self._warned_at = -math.inf
        self._unwarned = 0
        self._fail_open = FAIL_OPEN.labels(service)

    def key(self, tenant: str, method: str) -> str:
        """The Redis key of ``tenant``'s bucket for ``method``."""
        return f"{self._prefix}{tenant}:{method}"

    async def acquire(self, tenant: str, method: str) -> None:
        """Take one token from the shared bucket or raise RateLimitedError; memory decides if Redis fails."""
        limit = self.local.limit_for(method)
        if limit is None or limit.rate <= 0:
            return
        if self._skip_until and time.monotonic() < self._skip_until:
            self._decide_locally(tenant, method, None)
            return
        # The bucket is full again burst/rate seconds after its last token was taken: expire it then.
        expire_ms = math.ceil(limit.burst / limit.rate * 1000.0) + 1000
        try:
            taken, tokens = await self._take(self.key(tenant, method), limit, expire_ms)
        except (RedisError, OSError) as exc:
            self._skip_until = time.monotonic() + self._skip_for
            self._decide_locally(tenant, method, exc)
            return
        self._skip_until = 0.0
        if not taken:
            raise over_limit(limit, tokens, method)

    async def close(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()

    async def _take(self, key: str, limit: RateLimit, expire_ms: int) -> tuple[bool, float]:
        args = (key, repr(float(limit.rate)), repr(float(limit.burst)), expire_ms)
        try:
            reply = await self._redis.evalsha(_SHA, 1, *args)
        except NoScriptError:  # a new or restarted server, or SCRIPT FLUSH: load it and go on
            await self._redis.script_load(_SCRIPT)
            reply = await self._redis.evalsha(_SHA, 1, *args)
        taken, tokens = reply
        return int(taken) == 1, float(tokens)

    def _decide_locally(self, tenant: str, method: str, exc: BaseException | None) -> None:
        self._fail_open.inc()
        self._unwarned += 1
        now = time.monotonic()
        if now - self._warned_at >= self._warn_every:
            log.warning(
                "Redis for shared rate limits is out of reach; this process's own buckets decide meanwhile",
                redis=self._where,
                error=f"{type(exc).__name__}: {exc}" if exc is not None else "failed within the last second",
                checks=self._unwarned,
            )
            self._warned_at = now
            self._unwarned = 0
        self.local.acquire(tenant, method)
