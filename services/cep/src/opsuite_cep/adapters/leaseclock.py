"""The clock partition leases are counted by (apart from ``partitions.py`` so that reading it needs no nats-py)."""

from __future__ import annotations

import time

__all__ = ["lease_clock"]

_BOOTTIME = getattr(time, "CLOCK_BOOTTIME", None)


def lease_clock() -> float:
    """Seconds on the clock lease expiries are counted by: ``CLOCK_BOOTTIME`` on Linux, which (unlike
    ``time.monotonic()``) also advances while the system is suspended, so a replica resumed after a
    suspend does not take a lease that ran out meanwhile for one still held; ``time.monotonic()`` elsewhere."""
    if _BOOTTIME is not None:
        return time.clock_gettime(_BOOTTIME)
    return time.monotonic()
