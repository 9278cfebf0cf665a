"""Fair admission between tenants: while tenants compete, each has at most ``share`` calls in progress.

The rate limit bounds how many calls a tenant makes per second, not how many it has in progress at
once: a tenant calling from 16 workers runs 16 calls at a time on the server's one event loop, and
every other tenant's call waits its turn behind their steps. :class:`FairShare` bounds that number,
but only while another tenant is present (has calls in progress or waiting, or had one end less than
``linger_s`` ago): a tenant alone on the process is never held back, so one tenant's parallel
fan-out keeps its speed.

A call beyond its tenant's share waits in that tenant's FIFO queue (an asyncio future, no CPU) until
one of the tenant's calls ends, bounded by the call's deadline (then DEADLINE_EXCEEDED) and by
``max_waiting_per_tenant`` (beyond it, RESOURCE_EXHAUSTED with RetryInfo, like the per-tenant caps).
As calls end, the freed places go to the waiting tenants in turn (round robin), so a tenant with a
long queue cannot take them all.

Why the linger: a quiet tenant calling one call at a time is between two calls most of the time. If
only calls in progress counted, the busy tenant would get back all of its places between the quiet
tenant's calls, and each quiet call would arrive behind a full set of them. With the linger, a
tenant that called within the last ``linger_s`` still counts as present. When that linger ends while
another tenant's calls wait, a timer admits them: none of the waiting tenant's own calls need end first
(its one running call may take minutes).

A place is leave to run on the event loop, not to exist: a call that waits on something outside the
process (an upstream HTTP server, a data source's query, a script's sandbox, another service's RPC) hands
its place back for the wait, inside :func:`waiting_elsewhere`, and takes it back, ahead of its tenant's
queue, when the wait ends. So a tenant fanning out calls that each spend most of their time waiting keeps
its parallelism whatever the share, and the share bounds what competes with other tenants: the calls of a
tenant running on the process's one event loop at once. A wait that ends in cancellation takes the place back
at once, over the share if need be; the server pipeline's stage releases only a place still held. The waits
marked so: an HTTP API's request, an outbound call through ``ServiceClient`` (ops calling api_manager), ops' LLM
calls and a SQL API's query on a database server. Not marked: a script's sandbox run (the sandbox's slots are
shared and few: the place bounds how many a tenant holds), SQLite queries (this process's threads), and cep's
JetStream publishes (made under the tenant's engine lock).

The state is this process's (one per replica), like :class:`~opsuite_common.ratelimit.ConcurrencyLimiter`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token

from opsuite_common.errors import DeadlineExceededError, RateLimitedError

__all__ = ["FairShare", "Place", "waiting_elsewhere"]


class FairShare:
    """Per-process fair admission of calls between tenants (see the module docstring).

    :meth:`acquire` before the call's work, :meth:`release` after it, however it ended. ``share``
    of 0 admits everything at once (no fairness).
    """

    def __init__(
        self,
        share: int,
        *,
        linger_s: float = 0.1,
        max_waiting_per_tenant: int = 256,
        retry_after_s: float = 0.5,
    ) -> None:
        self._share = share
        self._linger = linger_s
        self._max_waiting = max_waiting_per_tenant
        self._retry_after = retry_after_s
        self._running: dict[str, int] = {}
        #: Waiting calls per tenant; the dict's order is the round-robin order.
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}
        #: Waiting calls coming back from a wait elsewhere (:meth:`take_back`): at the head of their queues.
        self._resuming: set[asyncio.Future[None]] = set()
        #: When each tenant's last call ended (tenants with none in progress), oldest first.
        self._recent: dict[str, float] = {}
        #: A dispatch due when the oldest lingering tenant stops counting as present (see :meth:`_arm`).
        self._linger_timer: asyncio.TimerHandle | None = None
        self._linger_loop: asyncio.AbstractEventLoop | None = None

    @property
    def share(self) -> int:
        """Calls in progress a tenant may have while other tenants are present (0: no limit)."""
        return self._share

    def running(self, tenant: str) -> int:
        """Calls of ``tenant`` admitted and not yet released."""
        return self._running.get(tenant, 0)

    def waiting(self, tenant: str) -> int:
        """Calls of ``tenant`` waiting for a place."""
        queue = self._waiting.get(tenant)
        return len(queue) if queue else 0

    def present(self) -> list[str]:
        """Tenants with calls in progress or waiting, or whose last call ended within the linger."""
        return sorted({*self._running, *self._waiting, *self._recent})

    def totals(self) -> tuple[int, int]:
        """(calls in progress, calls waiting) over all tenants."""
        return sum(self._running.values()), sum(len(q) for q in self._waiting.values())

    def _others_present(self, tenant: str, now: float) -> bool:
        """Whether a tenant other than ``tenant`` has calls in progress or waiting, or had one lately."""
        for other in self._running:
            if other != tenant:
                return True
        for other in self._waiting:
            if other != tenant:
                return True
        self._forget_old(now)
        return any(other != tenant for other in self._recent)

    def _forget_old(self, now: float) -> None:
        """Drop the tenants whose last call ended more than the linger ago (oldest first, so cheap)."""
        recent = self._recent
        while recent:
            oldest, ended = next(iter(recent.items()))
            if now - ended <= self._linger:
                return
            del recent[oldest]

    def _may_run(self, tenant: str, now: float) -> bool:
        return self._running.get(tenant, 0) < self._share or not self._others_present(tenant, now)

    def _admit(self, tenant: str) -> None:
        """Count one more call of ``tenant`` in progress (it is no longer only lingering)."""
        self._running[tenant] = self._running.get(tenant, 0) + 1
        self._recent.pop(tenant, None)

    def take_now(self, tenant: str) -> None:
        """Take a place for a call of ``tenant`` at once, whatever the share (a call coming back from a cancelled
        wait, which cannot wait again)."""
        if self._share <= 0:
            return
        self._admit(tenant)

    async def take_back(self, tenant: str) -> None:
        """Take a place again for a call of ``tenant`` that gave its own back for a wait elsewhere
        (:func:`waiting_elsewhere`): at once when the tenant may run, else first in its tenant's queue
        (the call is already under way), whatever the queue's length. No deadline of its own: the
        call's deadline cancels the wait."""
        if self._share <= 0:
            return
        now = time.monotonic()
        if self._may_run(tenant, now):
            self._admit(tenant)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._waiting.setdefault(tenant, deque())
        # First in its tenant's queue, after the calls already coming back (they came back first).
        at = 0
        while at < len(queue) and queue[at] in self._resuming:
            at += 1
        queue.insert(at, fut)
        self._resuming.add(fut)
        self._arm()
        try:
            await fut
        except BaseException:
            self._give_up(tenant, fut)
            raise

    async def acquire(self, tenant: str, method: str = "", time_remaining: float | None = None) -> None:
        """Take a place for one call of ``tenant``, waiting for it when the tenant is over its share.

        Raises RateLimitedError (its queue is full) or DeadlineExceededError (``time_remaining``
        seconds passed first); a cancelled wait leaves no trace.
        """
        if self._share <= 0:
            return
        now = time.monotonic()
        if tenant not in self._waiting and self._may_run(tenant, now):
            self._admit(tenant)
            return
        queue = self._waiting.get(tenant)
        if queue is None:
            queue = self._waiting[tenant] = deque()
        if len(queue) >= self._max_waiting:
            if not queue:
                del self._waiting[tenant]
            raise RateLimitedError(
                f"this tenant already has {len(queue)} calls waiting for their turn on this server "
                f"(other tenants are being served); retry when some of them have finished",
                reason="CONCURRENCY_LIMITED",
                metadata={"method": method.rsplit("/", 1)[-1], "slot": "fair_share", "limit": str(self._max_waiting)},
                retry_after=self._retry_after * random.uniform(1.0, 1.5),
            )
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(fut)
        self._arm()
        try:
            if time_remaining is None:
                await fut
            else:
                async with asyncio.timeout(max(time_remaining, 0.0)):
                    await fut
        except TimeoutError:
            self._give_up(tenant, fut)
            raise DeadlineExceededError(
                "the deadline passed while this call waited for its turn (other tenants are being served)",
                reason="DEADLINE_EXCEEDED",
                metadata={"method": method.rsplit("/", 1)[-1]},
            ) from None
        except BaseException:
            self._give_up(tenant, fut)
            raise

    def _give_up(self, tenant: str, fut: asyncio.Future[None]) -> None:
        """A waiting call leaves: out of its queue, or, when it was granted meanwhile, its place passes on."""
        if fut.done() and not fut.cancelled():
            self.release(tenant)
            return
        fut.cancel()
        self._resuming.discard(fut)
        queue = self._waiting.get(tenant)
        if queue is not None:
            try:
                queue.remove(fut)
            except ValueError:
                pass
            if not queue:
                del self._waiting[tenant]
        if self._waiting:
            # A tenant leaving the queue may end the contention that held the others back.
            self._dispatch(time.monotonic())
            self._arm()

    def release(self, tenant: str) -> None:
        """Give back a place taken by :meth:`acquire` and hand the free places to waiting tenants in turn."""
        if self._share <= 0:
            return
        now = time.monotonic()
        left = self._running.get(tenant, 0) - 1
        if left > 0:
            self._running[tenant] = left
        else:
            self._running.pop(tenant, None)
            if self._linger > 0:
                self._forget_old(now)
                self._recent.pop(tenant, None)
                self._recent[tenant] = now
        if self._waiting:
            self._dispatch(now)
            self._arm()

    def _arm(self) -> None:
        """While calls wait and some tenant counts as present only by its linger, make sure a dispatch runs
        when that linger ends: no call of the waiting tenant may end to trigger one (its one running call may
        take minutes), and the tenant must not stay held back by a tenant that has gone."""
        if self._linger_timer is not None and not self._linger_loop_closed():
            return  # armed (a loop closed before its timer ran, in tests reusing this object, leaves it to re-arm)
        if not self._waiting:
            return
        now = time.monotonic()
        self._forget_old(now)  # what is left ends its linger in the future: the timer cannot spin
        if not self._recent:
            return
        oldest = next(iter(self._recent.values()))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # released outside the loop (never in the server): the next call's end dispatches
            return
        self._linger_timer = loop.call_later(oldest + self._linger - now + 0.001, self._linger_ended)
        self._linger_loop = loop

    def _linger_loop_closed(self) -> bool:
        return self._linger_loop is None or self._linger_loop.is_closed()

    def _linger_ended(self) -> None:
        self._linger_timer = None
        if self._waiting:
            self._dispatch(time.monotonic())
            self._arm()

    def _dispatch(self, now: float) -> None:
        """Admit waiting calls, one per tenant per round, in round-robin order, while any may run."""
        progressed = True
        while progressed and self._waiting:
            progressed = False
            for tenant in list(self._waiting):
                if not self._may_run(tenant, now):
                    continue
                queue = self._waiting.pop(tenant)
                fut = queue.popleft()
                self._resuming.discard(fut)
                while fut.done() and queue:  # cancelled, its task not yet resumed to leave the queue
                    fut = queue.popleft()
                    self._resuming.discard(fut)
                if queue:
                    self._waiting[tenant] = queue  # to the back of the round
                if fut.done():
                    continue
                self._admit(tenant)
                fut.set_result(None)
                progressed = True


class Place:
    """One call's place under a :class:`FairShare`, made current for the call's tasks by :meth:`enter`.

    ``held``: whether the call holds its place now (it gives it back while all of its tasks that wait
    elsewhere are waiting, see :func:`waiting_elsewhere`); ``away``: how many of its tasks are waiting
    elsewhere now. While one task of a call waits elsewhere, its other tasks (a workflow's parallel steps) run
    without the place: a limit of this scheme, bounded by the per-tenant cap on executions.
    """

    __slots__ = ("_fair", "_tenant", "away", "ended", "held", "taking")

    def __init__(self, fair: FairShare, tenant: str) -> None:
        self._fair, self._tenant = fair, tenant
        self.held, self.taking, self.ended, self.away = True, False, False, 0

    @classmethod
    async def enter(
        cls, fair: FairShare, tenant: str, method: str = "", time_remaining: float | None = None
    ) -> tuple[Place, Token[Place | None]]:
        """Acquire a place for a call of ``tenant`` and make it the current one; returns it and the token
        that :meth:`leave` needs."""
        await fair.acquire(tenant, method, time_remaining)
        place = cls(fair, tenant)
        return place, _current.set(place)

    def leave(self, token: Token[Place | None]) -> None:
        """The call ended: give back its place if it holds it, and forget it as the current one."""
        self.ended = True
        try:
            if self.held:
                self.held = False
                self._fair.release(self._tenant)
        finally:
            _current.reset(token)

    def _step_out(self) -> None:
        self.away += 1
        if self.away == 1 and self.held:
            self.held = False
            self._fair.release(self._tenant)

    async def _step_in(self, *, wait: bool) -> None:
        self.away -= 1
        if self.away or self.held or self.taking or self.ended:
            return  # another task still waits elsewhere or is taking the place back, or the call is over
        if not wait:
            # A cancelled wait: the call may still go on (a timeout caught as such), so it takes its place back at
            # once, over the share if need be, rather than run on unaccounted; its end gives it back.
            self._fair.take_now(self._tenant)
            self.held = True
            return
        self.taking = True
        try:
            await self._fair.take_back(self._tenant)
        finally:
            self.taking = False
        self.held = True
        if self.away or self.ended:  # another task went off to wait meanwhile, or the call is over
            self.held = False
            self._fair.release(self._tenant)


_current: ContextVar[Place | None] = ContextVar("opsuite_fair_place", default=None)


@asynccontextmanager
async def waiting_elsewhere() -> AsyncIterator[None]:
    """Around a wait on something outside the process: the current call's place (if it has one) is given
    back for the wait and taken back after it (see the module docstring). Nested or concurrent waits of one
    call give the place back once and take it back when the last of them ends; after a cancelled wait the
    place is taken back at once, over the share if need be (the call may go on: a timeout caught as such).

    Put it around the whole wait, outside the caller's own timeout, breaker and retries (the wait for a place
    must not count as the upstream's time), and never inside a lock that the tenant's other calls wait for
    while holding their places (they would wait for each other)."""
    place = _current.get()
    if place is None:
        yield
        return
    place._step_out()
    try:
        yield
    except asyncio.CancelledError:
        await place._step_in(wait=False)
        raise
    except BaseException:
        await place._step_in(wait=True)
        raise
    await place._step_in(wait=True)
