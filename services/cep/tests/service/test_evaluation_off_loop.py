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
        self.entered_on = threading.current_thread().name.split("_")[0]
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


async def test_a_big_batch_runs_on_ceps_own_threads_and_is_charged_its_cpu_time_not_its_wait(
    sqlite_url: str,
) -> None:
    # The held ingest waits 0.3 s for its release without using CPU: that wait (standing for a wait on a thread
    # or the GIL that another tenant caused) must not be charged to the tenant; and it runs on a cep-eval thread.
    settings = make_settings(sqlite_url, idle_progress=False, tenant_engine_share=0.0001, tenant_engine_burst_s=1.0)
    db = Database.from_url(sqlite_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    host = EngineHost(db, settings, Notifier(), log=open_event_log(settings, db))
    threads: list[str] = []
    try:
        held = _Held((await host.get("big")).engine)
        (await host.get("big")).engine = held  # type: ignore[assignment]
        before = host.budget.left("big")
        big = asyncio.create_task(host.publish("big", _batch("b", INLINE_EVENTS + 1)))
        await asyncio.to_thread(held.entered.wait, 20)
        threads.append(held.entered_on)
        await asyncio.sleep(0.3)
        held.release.set()
        await big
        charged = before - host.budget.left("big")
        assert threads == ["cep-eval"], threads
        assert 0 < charged < 0.2, charged  # its CPU time; the wall time around it was over 0.3 s
    finally:
        held.release.set()
        await host.log.close()
        await db.engine.dispose()
