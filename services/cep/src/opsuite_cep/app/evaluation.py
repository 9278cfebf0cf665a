"""Where a batch is evaluated: small ones on the event loop, big ones in a worker thread.

``Engine.ingest`` runs a batch in one piece (a 10,000-event batch against 20 rules: about 0.7 s). On the
event loop that would hold every other tenant's calls for as long. In a worker thread the loop keeps
serving them: the thread gives up the GIL at least every ``sys.getswitchinterval()`` (5 ms). Used on the
embedded path (PublishEvents, replay at load, TestRule) and by partition owners, whose whole record step
(evaluation, position, commit) runs to its end once started (:func:`run_whole`), so that a partition's
position and checkpoint never see half of a record. The engine is only touched under its tenant's lock (a
partition runner's lock), which the caller holds across the await, and
the evaluation is the same call either way, so live results and replays do not differ. Small batches stay
on the loop: the hop to a thread costs more than evaluating them.

The worker threads are cep's own (``EVAL_THREADS``), not the loop's default executor: tenants' big batches
queue there instead of taking every thread the loop lends to other work (DNS lookups of channel deliveries,
file reads). A tenant is charged for its evaluation's CPU time (``CpuMeter``, the evaluating thread's clock),
not the wall time around it, which counted the waits for a thread or the GIL that other tenants caused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from opsuite_cep.domain import Engine, Event, IngestResult
from opsuite_common.logging import get_logger

__all__ = ["EVAL_THREADS", "INLINE_EVENTS", "CpuMeter", "evaluate", "replay_page", "run_to_end", "run_whole"]

T = TypeVar("T")
log = get_logger("opsuite.cep.evaluation")

#: Batches of up to this many events are evaluated on the event loop.
INLINE_EVENTS = 64
#: Worker threads for evaluations off the loop, per process (evaluation holds the GIL: more would not run
#: more of it at once, only let more tenants' batches interleave).
EVAL_THREADS = 2

_executor: concurrent.futures.ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _eval_executor() -> concurrent.futures.ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(EVAL_THREADS, thread_name_prefix="cep-eval")
        return _executor


class CpuMeter:
    """CPU seconds spent by the functions it wraps, on whichever thread ran them."""

    __slots__ = ("seconds",)

    def __init__(self) -> None:
        """Nothing measured yet."""
        self.seconds = 0.0

    def wrap(self, fn: Callable[[], T]) -> Callable[[], T]:
        """``fn``, adding its thread's CPU time to ``seconds`` however it ends."""

        def run() -> T:
            started = time.thread_time()
            try:
                return fn()
            finally:
                self.seconds += time.thread_time() - started

        return run


async def evaluate(engine: Engine, events: Sequence[Event], now: float, meter: CpuMeter) -> IngestResult:
    """``engine.ingest(events, now=now)``, in a worker thread when the batch is big; hold the engine's lock.
    Its CPU time is added to ``meter``."""
    ingest = meter.wrap(functools.partial(engine.ingest, events, now=now))
    if len(events) <= INLINE_EVENTS:
        return ingest()
    return await run_to_end(ingest)


async def run_to_end(fn: Callable[[], T]) -> T:
    """``fn()`` in one of cep's evaluation threads. A cancel of the caller waits for the thread to finish
    before it is raised: the engine is never left half-applied while the caller's lock is given back (a
    checkpoint taken then would save a batch in the middle)."""
    return await run_whole(asyncio.get_running_loop().run_in_executor(_eval_executor(), fn))


async def run_whole(step: Awaitable[T]) -> T:
    """Await ``step`` (a coroutine or future) to its end: a cancel of the caller is raised only once the step
    finished (or failed), never in its middle."""
    fut = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(fut)
    except asyncio.CancelledError:
        while not fut.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait({fut})
        if not fut.cancelled() and (error := fut.exception()) is not None:
            # the caller's cancel is what it sees; the step's own failure is logged, not lost
            log.warning("a step finished with an error after its caller was cancelled", error=repr(error))
        raise


def replay_page(te: Any, records: Sequence[Any], applied: int) -> int:
    """Apply a page of log records to the engine of ``te`` (a ``TenantEngine``, its lock held; run in a worker
    thread) and keep the results not yet written (records after ``applied``); returns how many it applied."""
    for record in records:
        if record.kind == "tick":
            result = te.engine.idle_advance(record.now)
        else:
            result = te.engine.ingest(record.events, now=record.now)
        if record.position > applied and (result.transitions or result.notifications):
            te.unwritten.append((result, record.position))
        te.position = record.position
    return len(records)
