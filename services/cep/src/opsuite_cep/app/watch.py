"""WatchAlerts fan-out: one reader of alert changes per tenant, broadcast to that tenant's watchers.

A tenant with watchers has one :class:`_TenantFeed` task. It wakes when this process commits a change
of the tenant (the :class:`Notifier`), or every ``poll_s`` for changes committed by other replicas
(``poll_s`` = 0: never), reads what is new once, and puts each change in every watcher's queue. An
idle watcher is a queue and a set entry: no task, no timer, no database query of its own.

A watcher's queue is bounded. When a watcher reads too slowly and its queue is full, the feed drops
it (and empties its queue) and its stream ends with RESOURCE_EXHAUSTED (reason ``WATCHER_TOO_SLOW``,
RetryInfo, and the cursor to resume after): the documented resume contract (``after_cursor``)
replays what it missed from the database, and the other watchers never wait for it. A feed whose
last watcher is dropped ends. A client that reads nothing at all is ended earlier by the server
pipeline (``stream_write_timeout_s``, DEADLINE_EXCEEDED ``CLIENT_NOT_READING``).

Changes older than the retention (``OPSUITE_CEP_HISTORY_RETENTION_S``) are deleted as a prefix of the
tenant's history (``db.retention``). A replay from a cursor whose following changes are gone ends at once
with OUT_OF_RANGE (reason ``CURSOR_PURGED``, the cursor to resume after once the alerts have been read
again with ListAlerts), never with a silent gap; ``after_cursor`` 0 replays from the oldest change kept.

When the server starts stopping, :meth:`AlertFeed.drain` ends every watcher at once with UNAVAILABLE
(reason ``SHUTTING_DOWN``, the cursor to resume after), so open streams never hold the shutdown for
the whole grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

from opsuite_cep.app._session import read
from opsuite_cep.app.engines import Notifier
from opsuite_cep.db.alerts import AlertChange, AlertRepository
from opsuite_common.db import Database
from opsuite_common.errors import CursorPurgedError, RateLimitedError, ServiceUnavailableError
from opsuite_common.logging import get_logger

__all__ = ["AlertFeed", "CursorPurgedError", "Watcher", "watch_changes"]

log = get_logger("opsuite.cep.watch")
_BATCH = 500


def _purged(after: int, purged: int) -> CursorPurgedError:
    return CursorPurgedError(
        f"the alert changes after cursor {after} up to cursor {purged} were deleted by the retention "
        f"(OPSUITE_CEP_HISTORY_RETENTION_S); read the current alerts with ListAlerts, then watch again with "
        f"after_cursor={purged}",
        metadata={"after_cursor": str(purged), "purged_through": str(purged)},
    )


class Watcher:
    """One WatchAlerts stream's subscription: a bounded queue of the tenant's live changes."""

    __slots__ = ("_queue", "closing", "dropped", "tenant")

    def __init__(self, tenant: str, size: int) -> None:
        self.tenant = tenant
        self._queue: asyncio.Queue[AlertChange | None] = asyncio.Queue(size)
        #: Set when the feed dropped this watcher because its queue was full.
        self.dropped = False
        #: Set when the server is stopping.
        self.closing = False

    def offer(self, change: AlertChange) -> bool:
        """Queue a change; False (and the watcher is dropped, its queue emptied) when the queue is full."""
        try:
            self._queue.put_nowait(change)
        except asyncio.QueueFull:
            self.dropped = True
            while not self._queue.empty():  # what it would have read is replayed on resume: hold nothing
                self._queue.get_nowait()
            return False
        return True

    async def next(self, resume_after: int) -> AlertChange:
        """The next live change; raises once the feed has dropped this watcher or the server is stopping."""
        if not (self.dropped or self.closing):
            change = await self._queue.get()
            if change is not None:
                return change
        if self.closing:
            raise ServiceUnavailableError(
                f"the service is stopping; reconnect with after_cursor={resume_after} to resume",
                reason="SHUTTING_DOWN",
                metadata={"after_cursor": str(resume_after)},
                retry_after=1.0,
            )
        raise RateLimitedError(
            f"this watcher read alert changes too slowly and fell behind; "
            f"reconnect with after_cursor={resume_after} to resume",
            reason="WATCHER_TOO_SLOW",
            metadata={"after_cursor": str(resume_after)},
            retry_after=0.1,
        )

    def wake(self) -> None:
        """Wake a reader blocked on an empty queue (its watcher has just been dropped or closed)."""
        with contextlib.suppress(asyncio.QueueFull):  # a full queue has no reader waiting on it
            self._queue.put_nowait(None)


class _TenantFeed:
    """The tenant's watchers and the one task that reads its changes for all of them."""

    def __init__(self, tenant: str, cursor: int) -> None:
        self.tenant = tenant
        self.cursor = cursor
        self.watchers: set[Watcher] = set()
        self.task: asyncio.Task[None] | None = None


class AlertFeed:
    """Per-tenant broadcast of committed alert changes to WatchAlerts streams."""

    def __init__(self, db: Database, notifier: Notifier, *, poll_s: float, queue_size: int) -> None:
        self._db, self._notifier = db, notifier
        self._poll_s, self._queue_size = poll_s, queue_size
        self._feeds: dict[str, _TenantFeed] = {}
        self._starting: dict[str, asyncio.Task[_TenantFeed]] = {}

    def watchers(self, tenant: str) -> int:
        """How many watchers ``tenant`` has in this process."""
        feed = self._feeds.get(tenant)
        return len(feed.watchers) if feed else 0

    async def subscribe(self, tenant: str) -> Watcher:
        """A watcher that receives every change of ``tenant`` committed from now on."""
        while True:
            feed = self._feeds.get(tenant) or await self._start(tenant)
            # The feed may have ended (its last watcher left) while this one waited for it to start.
            if self._feeds.get(tenant) is feed:
                break
        watcher = Watcher(tenant, self._queue_size)
        feed.watchers.add(watcher)
        return watcher

    def unsubscribe(self, watcher: Watcher) -> None:
        """Forget ``watcher``; the tenant's feed task ends with its last watcher."""
        feed = self._feeds.get(watcher.tenant)
        if feed is None:
            return
        feed.watchers.discard(watcher)
        if not feed.watchers and feed.task is not None:
            feed.task.cancel()
            del self._feeds[watcher.tenant]

    def drain(self, _grace_ends: float | None = None) -> None:
        """The server is stopping: end every watcher now (UNAVAILABLE with its resume cursor)."""
        for feed in self._feeds.values():
            for w in feed.watchers:
                w.closing = True
                w.wake()

    async def close(self) -> None:
        """Stop every feed task (server shutdown, after the streams have ended)."""
        feeds, self._feeds = list(self._feeds.values()), {}
        for feed in feeds:
            if feed.task is not None:
                feed.task.cancel()
        for feed in feeds:
            if feed.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await feed.task

    async def _start(self, tenant: str) -> _TenantFeed:
        # Concurrent first watchers of a tenant share one start (one cursor query, one task). The start
        # is a task of its own: a watcher cancelled while it runs never fails the others.
        task = self._starting.get(tenant)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._open(tenant), name=f"alert-feed-start-{tenant}")
            self._starting[tenant] = task

            def done(t: asyncio.Task[_TenantFeed]) -> None:
                if self._starting.get(tenant) is t:
                    del self._starting[tenant]
                if not t.cancelled():
                    t.exception()  # retrieved, so a start nobody waits for any more logs nothing

            task.add_done_callback(done)
        return await asyncio.shield(task)

    async def _open(self, tenant: str) -> _TenantFeed:
        # Subscribed before the cursor is read: a commit in between wakes the task, which reads it.
        wake = self._notifier.subscribe(tenant)
        try:
            async with read(self._db) as s:
                cursor = await AlertRepository(s, tenant).last_cursor()
        except BaseException:
            self._notifier.unsubscribe(tenant, wake)
            raise
        feed = _TenantFeed(tenant, cursor)
        self._feeds[tenant] = feed
        feed.task = asyncio.get_running_loop().create_task(self._run(feed, wake), name=f"alert-feed-{tenant}")
        return feed

    async def _run(self, feed: _TenantFeed, wake: asyncio.Event) -> None:
        try:
            while True:
                if self._poll_s > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self._poll_s)
                else:
                    await wake.wait()
                wake.clear()
                try:
                    await self._read_new(feed)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # The database is down: keep the watchers; the next wake or poll tries again.
                    log.warning("alert feed could not read changes", tenant=feed.tenant, exc_info=True)
                if not feed.watchers:  # every watcher was dropped: nothing left to read for
                    if self._feeds.get(feed.tenant) is feed:
                        del self._feeds[feed.tenant]
                    return
        finally:
            self._notifier.unsubscribe(feed.tenant, wake)

    async def _read_new(self, feed: _TenantFeed) -> None:
        while feed.watchers:
            async with read(self._db) as s:
                batch = await AlertRepository(s, feed.tenant).changes_after(feed.cursor, _BATCH)
            for change in batch:
                feed.cursor = change.cursor
                for w in [w for w in feed.watchers if not w.offer(change)]:
                    feed.watchers.discard(w)
                    w.wake()
                    log.info("slow watcher dropped", tenant=feed.tenant, cursor=change.cursor)
            if len(batch) < _BATCH:
                return


async def watch_changes(db: Database, feed: AlertFeed, tenant: str, after: int) -> AsyncGenerator[AlertChange, None]:
    """Every change of ``tenant`` after cursor ``after``: replayed from the database, then live."""
    watcher = await feed.subscribe(tenant)
    try:
        cursor = after
        # Subscribed first, so nothing committed during the replay is missed; duplicates are skipped.
        while True:
            async with read(db) as s:
                repo = AlertRepository(s, tenant)
                batch = await repo.changes_after(cursor, _BATCH)
                # Read after the batch: if no change after ``cursor`` had been deleted by then, the batch is
                # whole (the retention deletes a prefix). 0 is "from the oldest change kept".
                purged = await repo.purged_through() if cursor else 0
            if cursor and purged > cursor:
                raise _purged(cursor, purged)
            for change in batch:
                cursor = change.cursor
                yield change
            if len(batch) < _BATCH:
                break
        while True:
            change = await watcher.next(cursor)
            if change.cursor > cursor:
                cursor = change.cursor
                yield change
    finally:
        feed.unsubscribe(watcher)
