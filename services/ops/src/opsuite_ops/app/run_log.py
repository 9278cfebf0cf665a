"""Run records that survive the process: a run is stored ``running`` when it starts, its end updates it.

The ``running`` row is committed before the orchestrator calls any tool, so a run that dies with the
process is still visible. When the service stops, ``stop`` marks runs still in flight after the grace
period ``cancelled``; after a crash, ``abort_orphans`` (at start-up) marks the ``running`` rows this
instance left ``aborted``. Rows carry the ``owner`` (instance id) that ran them, so a replica sharing
the database never aborts another replica's live runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from opsuite_common.db import Database, utcnow
from opsuite_common.logging import get_logger
from opsuite_ops.db import InstanceRuns, RunRepository, RunRow

__all__ = ["RunLog", "abort_orphans", "run_row"]

log = get_logger("opsuite.ops.run_log")

CANCELLED = ("SHUTDOWN", "the service stopped before the run finished (shutdown grace period over)")
_ABORTED = ("PROCESS_ENDED", "the service process ended (crash or kill) while the run was running")


@dataclass(slots=True)
class _Inflight:
    base: dict[str, Any]
    started: float  # time.monotonic() at begin
    saved: asyncio.Future[None]  # the running row's insert


class RunLog:
    """Writes each run's row: ``running`` at its start, its end state at its end."""

    def __init__(self, db: Database, owner: str) -> None:
        """Write through ``db``; ``owner`` is this instance's id, stored on every row."""
        self.db, self.owner = db, owner
        self._inflight: dict[str, _Inflight] = {}
        self._writes: set[asyncio.Future[None]] = set()
        #: When the shutdown grace period ends (``time.monotonic()``), once the service is stopping.
        self._grace_ends: float | None = None
        self._stopped = False

    async def begin(self, base: dict[str, Any]) -> None:
        """Insert the run RUNNING (``base``: id, tenant, subject, question, mode, created_at, request_id).

        Tracked before the insert is awaited (and the insert shielded): a caller cancelled meanwhile
        still has its row finished, after the insert, never left running.
        """
        saved = self._write(
            self._add(run_row(base, owner=self.owner, status="running", finished_at=base["created_at"]))
        )
        self._inflight[base["id"]] = _Inflight(base, time.monotonic(), saved)
        try:
            await asyncio.shield(saved)
        except asyncio.CancelledError:
            raise
        except BaseException:
            self._inflight.pop(base["id"], None)  # nothing was stored: nothing more to write
            raise

    async def discard(self, run_id: str) -> None:
        """Delete the running row of a run refused as the caller's mistake."""
        entry = self._inflight.pop(run_id, None)
        if entry is not None:
            with contextlib.suppress(Exception):
                await entry.saved
            async with self.db.session() as s:
                await RunRepository(s, entry.base["tenant"]).delete(run_id)

    async def finish(self, base: dict[str, Any], **fields: Any) -> RunRow:
        """Replace the running row with how the run ended (``fields``: status, answer, error...); written
        whole even if the caller is cancelled. Returns the row (not written again when ``stop`` already
        recorded the run cancelled)."""
        entry = self._inflight.pop(base["id"], None)
        started = entry.started if entry is not None else time.monotonic()
        fields.setdefault("duration_ms", (time.monotonic() - started) * 1000)
        row = run_row(base, owner=self.owner, finished_at=utcnow(), **fields)
        if entry is None:
            return row
        with contextlib.suppress(Exception):
            await asyncio.shield(entry.saved)  # the running row is in before its end replaces it
        await asyncio.shield(self._write(self._replace(row)))
        return row

    async def _add(self, row: RunRow) -> None:
        async with self.db.session() as s:
            await RunRepository(s, row.tenant).add(row)

    async def _replace(self, row: RunRow) -> None:
        async with self.db.session() as s:
            await RunRepository(s, row.tenant).replace(row)

    def _write(self, write: Any) -> asyncio.Future[None]:
        task: asyncio.Future[None] = asyncio.ensure_future(write)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return task

    def draining(self, grace_ends: float | None) -> None:
        """The service is stopping: runs cancelled after ``grace_ends`` were cut off by the shutdown."""
        self._grace_ends = grace_ends

    @property
    def past_grace(self) -> bool:
        """Whether a cancel now is the shutdown's (the grace period is over), not the caller's."""
        return self._stopped or (self._grace_ends is not None and time.monotonic() >= self._grace_ends)

    async def stop(self) -> None:
        """After the shutdown grace: finish pending writes, record runs still in flight cancelled."""
        self._stopped = True
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        for entry in list(self._inflight.values()):
            reason, message = CANCELLED
            try:
                await self.finish(
                    entry.base, status="cancelled", partial=True, error_reason=reason, error_message=message
                )
            except Exception:
                log.exception("recording a cancelled run failed", run_id=entry.base["id"])


def run_row(base: dict[str, Any], **fields: Any) -> RunRow:
    """A run's row: ``base`` (id, tenant, subject, question, ...) plus ``fields``, the rest empty."""
    empty: dict[str, Any] = {
        "partial": False,
        "answer": "",
        "blocks_json": "[]",
        "references_json": "[]",
        "gaps_json": "[]",
        "trace_json": "{}",
        "planner": "",
        "error_reason": "",
        "error_message": "",
        "duration_ms": 0.0,
        "owner": "",
        "answer_status": "",
        "answer_reasons_json": "[]",
    }
    return RunRow(**{**base, **empty, **fields})


async def abort_orphans(db: Database, owner: str) -> int:
    """At start-up: mark ``aborted`` the ``running`` rows ``owner`` left (it crashed); returns how many."""
    async with db.session() as s:
        count = await InstanceRuns(s).abort_running(owner, reason=_ABORTED[0], message=_ABORTED[1])
    if count:
        log.warning("runs left running by a previous process marked aborted", count=count, owner=owner)
    return count
