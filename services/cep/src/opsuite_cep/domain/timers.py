"""Event-time timers of one rule, ordered by (deadline, phase, sequence).

Timers are plain data (kind, key, token) so that checkpoints can store them; a handler decides whether
a timer is still current (lazy cancellation: a stale token is ignored).

Phases order a timer against events with the same timestamp: ``BEFORE_EVENTS`` timers fire before
events at their deadline (docs/cep-semantics.md, Event time and watermarks #4); ``AFTER_EVENTS``
(session close only) fire after them, so that a session gap is inclusive (Windows #16).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["AFTER_EVENTS", "BEFORE_EVENTS", "EVENT_PHASE", "Timer", "TimerQueue"]

BEFORE_EVENTS: Final = 0
EVENT_PHASE: Final = 1
AFTER_EVENTS: Final = 2


@dataclass(frozen=True, slots=True, order=True)
class Timer:
    """A timer due when the watermark reaches ``deadline``."""

    deadline: float
    phase: int
    seq: int
    kind: str = field(compare=False)
    key: str = field(compare=False)
    token: Any = field(compare=False)


class TimerQueue:
    """A min-heap of timers with stable ordering for equal deadlines."""

    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._seq = 0

    @property
    def heap(self) -> list[Timer]:
        """The heap itself (``heap[0]`` is the next timer), for hot loops; read it, never modify it."""
        return self._heap

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, deadline: float, kind: str, key: str, token: Any = None, *, phase: int = BEFORE_EVENTS) -> None:
        """Add a timer; equal (deadline, phase) timers fire in scheduling order."""
        self._seq += 1
        heapq.heappush(self._heap, Timer(deadline, phase, self._seq, kind, key, token))

    def peek(self) -> Timer | None:
        """The next timer, or None."""
        return self._heap[0] if self._heap else None

    def pop(self) -> Timer:
        """Remove and return the next timer."""
        return heapq.heappop(self._heap)

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable state."""
        return {
            "seq": self._seq,
            "timers": [[t.deadline, t.phase, t.seq, t.kind, t.key, t.token] for t in sorted(self._heap)],
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Replace the state with a snapshot."""
        self._seq = int(data["seq"])
        # in place: hot loops hold on to ``heap``
        self._heap[:] = [Timer(float(d), int(p), int(s), k, key, tok) for d, p, s, k, key, tok in data["timers"]]
        heapq.heapify(self._heap)
