"""Age-based retention: a background sweep that deletes rows past their retention, in bounded batches.

A service lists what it keeps for a limited time as :class:`Purge` rules (the execution log, runs, delivered
notifications ...) and starts one :class:`RetentionSweeper` with its other background tasks. The first sweep
runs :data:`FIRST_SWEEP_S` after the start, then one every :data:`SWEEP_INTERVAL_S`. A sweep takes each rule
in turn and deletes at most ``batch_size`` rows per transaction, with a short pause between transactions, so
it never holds the SQLite write lock (or PostgreSQL row locks) for long and other writers interleave. It
logs how many rows it deleted per table.

Several replicas may sweep one database at the same time: every delete names rows by a condition that stays
true once they are gone, so a row deleted by another replica is simply not deleted twice. A failed sweep
(database unavailable) is logged and retried at the next interval; nothing depends on it having run.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.cancellation import cancel_and_wait, raise_if_cancel_lost
from opsuite_common.db.columns import utcnow
from opsuite_common.db.session import Database
from opsuite_common.logging import get_logger

__all__ = [
    "BATCH_PAUSE_S",
    "BATCH_SIZE",
    "FIRST_SWEEP_S",
    "SWEEP_INTERVAL_S",
    "Purge",
    "RetentionSweeper",
    "delete_batch_where",
]

log = get_logger("opsuite.db.retention")

#: Seconds between the start and the first sweep, and between sweeps.
FIRST_SWEEP_S = 60.0
SWEEP_INTERVAL_S = 600.0
#: Rows deleted per transaction, and the pause between two transactions of one sweep, seconds.
BATCH_SIZE = 1000
BATCH_PAUSE_S = 0.05

#: ``delete(session, cutoff, limit)``: delete at most ``limit`` rows older than ``cutoff`` in the session's
#: transaction and return how many; 0 means there is nothing more to delete (fewer than ``limit`` does not: a
#: replica sweeping at the same time may have deleted part of the batch).
DeleteBatch = Callable[[AsyncSession, datetime, int], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Purge:
    """One kind of row kept for ``retention_s`` seconds (0: for ever); ``table`` names it in the logs."""

    table: str
    retention_s: float
    delete: DeleteBatch


async def delete_batch_where(
    session: AsyncSession, model: type[Any], where: Sequence[ColumnElement[bool]], limit: int
) -> int:
    """Delete at most ``limit`` rows of ``model`` (a single-column primary key) matching ``where``.

    The keys are read first and then deleted by key, in the same transaction; a row another replica deleted
    in between is not counted.
    """
    key = model.__table__.primary_key.columns.values()[0]
    ids = list((await session.execute(select(key).where(*where).limit(limit))).scalars())
    if not ids:
        return 0
    result = cast(CursorResult[Any], await session.execute(delete(model).where(key.in_(ids), *where)))
    count = result.rowcount
    return count if count is not None and count >= 0 else len(ids)


class RetentionSweeper:
    """Runs the :class:`Purge` rules of one service periodically (``start``/``stop``) or once (``sweep``)."""

    def __init__(
        self,
        db: Database,
        purges: Sequence[Purge],
        *,
        name: str,
        interval_s: float = SWEEP_INTERVAL_S,
        first_sweep_s: float = FIRST_SWEEP_S,
        batch_size: int = BATCH_SIZE,
        batch_pause_s: float = BATCH_PAUSE_S,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        """``name`` (the service) goes into the log lines; ``now`` is the clock the cutoffs are taken from."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.db, self.name = db, name
        self.purges = tuple(p for p in purges if p.retention_s > 0)
        self.interval_s, self.first_sweep_s = interval_s, first_sweep_s
        self.batch_size, self.batch_pause_s = batch_size, batch_pause_s
        self._now = now
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        """Whether any rule deletes anything (every retention 0: no task is started)."""
        return bool(self.purges)

    async def sweep(self) -> dict[str, int]:
        """Run every rule until nothing more is past its retention; the rows deleted, per table."""
        deleted: dict[str, int] = {}
        for purge in self.purges:
            cutoff = self._now() - timedelta(seconds=purge.retention_s)
            total = 0
            while True:
                raise_if_cancel_lost()
                async with self.db.session() as s:
                    n = await purge.delete(s, cutoff, self.batch_size)
                total += n
                if n == 0:
                    # Not "fewer than a batch": a replica sweeping at the same time may have deleted part of
                    # this batch's rows, and more past the cutoff may remain; one more (indexed) read ends it.
                    break
                await asyncio.sleep(self.batch_pause_s)  # let other writers take the lock
            deleted[purge.table] = deleted.get(purge.table, 0) + total
            if total:
                log.info(
                    "retention deleted rows",
                    service=self.name,
                    table=purge.table,
                    rows=total,
                    older_than=cutoff.isoformat(),
                )
        return deleted

    def start(self) -> None:
        """Start the periodic sweep (nothing when every retention is 0, or when already started)."""
        if self._task is not None or not self.enabled:
            return
        # A context of its own: the task outlives whatever call started it.
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"{self.name}-retention", context=contextvars.Context()
        )

    async def _run(self) -> None:
        await asyncio.sleep(self.first_sweep_s)
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database is down, locked past its busy timeout ...: the next sweep tries again.
                log.warning("retention sweep failed", service=self.name, exc_info=True)
            await asyncio.sleep(self.interval_s)

    async def stop(self, timeout: float = 5.0) -> None:
        """Cancel the sweep (a batch in flight is rolled back) and wait at most ``timeout`` s for it."""
        task, self._task = self._task, None
        if task is None:
            return
        left = await cancel_and_wait([task], timeout)
        if left:
            log.warning("retention sweep did not stop in time", service=self.name)
