"""A clock a test moves by hand, for code that takes its time (and its sleeps) from an injected clock.

:class:`FakeClock` offers the three readings production code uses (``monotonic()`` for intervals such
as a breaker's reset timeout, ``time()`` and ``now()`` for wall-clock instants) and an async
``sleep()`` that returns only once the test has moved the clock (:meth:`~FakeClock.advance`) far enough.
Nothing else about the code under test changes: its servers, database and gRPC calls stay real; only
waiting for time to pass is skipped.

``sleepers`` counts the sleeps in progress, so a test can tell that a background loop has finished a
round and is waiting for the clock again (``await eventually(lambda: clock.sleepers)``).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

__all__ = ["FakeClock"]


class FakeClock:
    """Monotonic and wall time that only move when :meth:`advance` is called."""

    def __init__(self, start: datetime | None = None, *, monotonic_start: float = 1_000.0) -> None:
        self._wall0 = (start or datetime.now(UTC)).astimezone(UTC)
        self._mono0 = monotonic_start
        self._elapsed = 0.0
        self._sleeps: list[tuple[float, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (a stand-in for :func:`time.monotonic`)."""
        return self._mono0 + self._elapsed

    def time(self) -> float:
        """Wall-clock seconds since the epoch (a stand-in for :func:`time.time`)."""
        return self.now().timestamp()

    def now(self) -> datetime:
        """The wall-clock instant, timezone-aware UTC (a stand-in for ``datetime.now(UTC)``)."""
        return self._wall0 + timedelta(seconds=self._elapsed)

    async def sleep(self, seconds: float) -> None:
        """Return once the clock has been advanced by ``seconds`` from now (at once when ``seconds <= 0``)."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._elapsed + seconds, fut)
        self._sleeps.append(entry)
        try:
            await fut
        finally:
            if entry in self._sleeps:  # cancelled before its time came
                self._sleeps.remove(entry)

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting for the clock to move."""
        return len(self._sleeps)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by ``seconds`` and wake every sleep that is now over."""
        if seconds < 0:
            raise ValueError(f"a clock cannot go back ({seconds}s)")
        self._elapsed += seconds
        due = [entry for entry in self._sleeps if entry[0] <= self._elapsed]
        for entry in due:
            self._sleeps.remove(entry)
            if not entry[1].done():
                entry[1].set_result(None)
