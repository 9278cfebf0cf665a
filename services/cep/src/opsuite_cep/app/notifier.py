"""Wakes the WatchAlerts streams of a tenant when this process committed alert changes."""

from __future__ import annotations

import asyncio

__all__ = ["Notifier"]


class Notifier:
    """Wakes WatchAlerts streams of a tenant when changes were committed in this process."""

    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = {}

    def subscribe(self, tenant: str) -> asyncio.Event:
        """An event set on every commit of ``tenant`` (clear it after waking)."""
        ev = asyncio.Event()
        self._waiters.setdefault(tenant, set()).add(ev)
        return ev

    def unsubscribe(self, tenant: str, ev: asyncio.Event) -> None:
        """Stop waking ``ev``."""
        self._waiters.get(tenant, set()).discard(ev)

    def notify(self, tenant: str) -> None:
        """Wake every watcher of ``tenant``."""
        for ev in self._waiters.get(tenant, ()):
            ev.set()
