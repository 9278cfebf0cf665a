"""A tenant's big batch is evaluated off the event loop: another tenant's batch is served meanwhile."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from opsuite_cep.app.engines import EngineHost, Notifier
from opsuite_cep.app.evaluation import INLINE_EVENTS
from opsuite_cep.app.wiring import open_event_log
from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.domain import Event
from opsuite_common.db import Database, run_migrations

from .conftest import T0, make_settings

pytestmark = pytest.mark.asyncio


class _Held:
    """An engine whose ingest waits (in whatever thread runs it) until released, or 20 s at most."""

    def __init__(self, engine: Any) -> None:
        self._engine, self.release, self.entered = engine, threading.Event(), threading.Event()

    def ingest(self, *args: Any, **kw: Any) -> Any:
        self.entered.set()
        self.release.wait(20)
        return self._engine.ingest(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def _batch(prefix: str, n: int) -> list[Event]:
    return [Event(id=f"{prefix}{i}", type="metric", time=T0 + i, attributes={"cpu": 10}) for i in range(n)]


async def test_another_tenants_batch_is_served_while_a_big_batch_is_evaluated(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, idle_progress=False)
    db = Database.from_url(sqlite_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    host = EngineHost(db, settings, Notifier(), log=open_event_log(settings, db))
    try:
        held = _Held((await host.get("big")).engine)
        (await host.get("big")).engine = held  # type: ignore[assignment]
        big = asyncio.create_task(host.publish("big", _batch("b", INLINE_EVENTS + 1)))
        await asyncio.to_thread(held.entered.wait, 20)
        assert held.entered.is_set()
        result, _ = await host.publish("small", _batch("s", 3))  # served while the big batch is held
        assert result.accepted == 3
        assert not big.done()
        held.release.set()
        result, _ = await big
        assert result.accepted == INLINE_EVENTS + 1
    finally:
        held.release.set()
        await host.log.close()
        await db.engine.dispose()
