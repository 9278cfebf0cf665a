"""Event-time timers of one rule, ordered by (deadline, phase, sequence).

Timers are plain data (kind, key, token) so that checkpoints can store them; a handler decides whether
a timer is still current (lazy cancellation: a stale token is ignored).

Phases order a timer against events with the same timestamp: ``BEFORE_EVENTS`` timers fire before
events at their deadline (docs/cep-semantics.md, Event time and watermarks #4); ``AFTER_EVENTS``
(session close only) fire after them, so that a session gap is inclusive (Windows #16).

A timer that repeats on a grid (``start + k * step``: an absent key's check, an alert's ``repeat_interval``)
never steps through the instants the watermark passed at once: its handler goes to the latest of them or
the first one after (:func:`last_on_grid`, :func:`next_on_grid`, and :attr:`TimerQueue.horizon`, the
watermark the timers are being fired up to), so a long quiet span costs one or two firings, not one per step.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["AFTER_EVENTS", "BEFORE_EVENTS", "EVENT_PHASE", "Timer", "TimerQueue", "last_on_grid", "next_on_grid"]

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


_EXACT = 2.0**52  # beyond this many steps a grid is finer than floating point can tell apart


def _last_k(start: float, step: float, until: float) -> int:
    """The largest ``k >= 0`` with ``start + k * step <= until`` (``step > 0``, ``start < until`` finite, fewer
    than ``_EXACT`` steps); rounding is corrected a bounded number of times."""
    k = math.floor((until - start) / step)
    for _ in range(2):
        if k > 0 and start + k * step > until:
            k -= 1
    for _ in range(2):
        if start + (k + 1) * step <= until:
            k += 1
    return k


def last_on_grid(start: float, step: float, until: float) -> float:
    """The latest ``start + k * step`` (``k >= 0``) at or before ``until``; ``start`` when there is none later.
    A grid finer than floating point at ``until`` gives ``until`` itself."""
    if not step > 0 or not until > start or not math.isfinite(until):
        return start
    if (until - start) / step >= _EXACT:
        return until
    tick = start + _last_k(start, step, until) * step
    return tick if start < tick <= until else start


def next_on_grid(start: float, step: float, after: float) -> float | None:
    """The first ``start + k * step`` (``k >= 1``) after ``after``, or None when there is none: ``step`` too
    small to move the time in floating point (``start + step == start``), or ``after`` not finite."""
    if not step > 0 or not start + step > start or not after < math.inf:
        return None
    if not after >= start + step:  # the usual case (and a NaN or -inf ``after``)
        return start + step
    if (after - start) / step >= _EXACT:
        return after + step if after + step > after else None
    tick = start + (_last_k(start, step, after) + 1) * step
    return tick if tick > after else None


class TimerQueue:
    """A min-heap of timers with stable ordering for equal deadlines."""

    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._seq = 0
        #: The watermark the due timers are being fired up to (set by the rule's processor as it advances):
        #: a repeating timer's handler jumps over the grid instants at or before it (module docstring).
        self.horizon = -math.inf

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
