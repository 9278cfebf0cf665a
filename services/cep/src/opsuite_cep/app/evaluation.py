"""Where a batch is evaluated: small ones on the event loop, big ones in a worker thread.

``Engine.ingest`` runs a batch in one piece (a 10,000-event batch against 20 rules: about 0.7 s). On the
event loop that would hold every other tenant's calls for as long. In a worker thread the loop keeps
serving them: the thread gives up the GIL at least every ``sys.getswitchinterval()`` (5 ms). The engine is
only touched under its tenant's (or partition unit's) lock, which the caller holds across the await, and
the evaluation is the same call either way, so live results and replays do not differ. Small batches stay
on the loop: the hop to a thread costs more than evaluating them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from opsuite_cep.domain import Engine, Event, IngestResult

__all__ = ["INLINE_EVENTS", "evaluate", "replay_page"]

#: Batches of up to this many events are evaluated on the event loop.
INLINE_EVENTS = 64


async def evaluate(engine: Engine, events: Sequence[Event], now: float) -> IngestResult:
    """``engine.ingest(events, now=now)``, in a worker thread when the batch is big; hold the engine's lock."""
    if len(events) <= INLINE_EVENTS:
        return engine.ingest(events, now=now)
    return await asyncio.to_thread(engine.ingest, events, now=now)


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
