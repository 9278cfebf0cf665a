"""A rule saved while its tenant's engine is loading (the rules read, the log still replaying) is in the
engine that load installs: the stored rules are applied to it once more before it is used, without a second
load or replay (a tenant saving changes all the time must not keep its engine loading for ever)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest

from opsuite_cep.app.engines import EngineHost, Notifier
from opsuite_cep.app.wiring import open_event_log
from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.db.models import RuleRow
from opsuite_common.db import Database, run_migrations

from .conftest import make_settings

pytestmark = pytest.mark.asyncio

RULE = {
    "name": "errors-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "errors", "op": ">", "value": 5}},
}


class _GatedLog:
    """The real event log, whose reads wait for ``gate`` (the load then holds between its rule read and replay)."""

    def __init__(self, log: Any) -> None:
        self._log, self.gate, self.entered = log, asyncio.Event(), asyncio.Event()
        self.reads = 0

    async def read(self, *args: Any, **kw: Any) -> Any:
        self.reads += 1
        self.entered.set()
        await self.gate.wait()
        return await self._log.read(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)


@pytest.mark.parametrize("change", ["created", "deleted"])
async def test_a_rule_changed_while_the_engine_loads_is_in_the_engine_it_loads(sqlite_url: str, change: str) -> None:
    settings = make_settings(sqlite_url, idle_progress=False)
    db = Database.from_url(sqlite_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    row = RuleRow(id=uuid.uuid4().hex, tenant="t", name="errors-high", kind="THRESHOLD", definition=json.dumps(RULE))
    if change == "deleted":
        async with db.session() as s:
            s.add(row)
    log = _GatedLog(open_event_log(settings, db))
    host = EngineHost(db, settings, Notifier(), log=log)  # type: ignore[arg-type]
    try:
        loading = asyncio.create_task(host.get("t"))
        await asyncio.wait_for(log.entered.wait(), 20)  # the load has read the rules; it waits to replay
        async with db.session() as s:
            if change == "created":
                s.add(row)
            else:
                await s.delete(await s.get(RuleRow, row.id))
        await host.rule_changed("t", row if change == "created" else None, "errors-high")
        log.gate.set()
        te = await asyncio.wait_for(loading, 20)
        names = [r.name for r in te.engine.rules]
        assert names == (["errors-high"] if change == "created" else []), names
        assert log.reads == 1  # one replay: the change was applied to the loaded engine, not by loading again
    finally:
        log.gate.set()
        await log.close()
        await db.engine.dispose()


async def test_a_caller_cancelled_while_the_engine_loads_does_not_cut_the_load_short(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, idle_progress=False)
    db = Database.from_url(sqlite_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    log = _GatedLog(open_event_log(settings, db))
    host = EngineHost(db, settings, Notifier(), log=log)  # type: ignore[arg-type]
    try:
        first = asyncio.create_task(host.get("t"))
        await asyncio.wait_for(log.entered.wait(), 20)
        first.cancel()  # the caller's deadline passes while the log replays
        with pytest.raises(asyncio.CancelledError):
            await first
        log.gate.set()
        te = await asyncio.wait_for(host.get("t"), 20)
        assert host.loaded("t") is te
        assert log.reads == 1  # the load the cancelled caller started went on and was installed; no second one
    finally:
        log.gate.set()
        await log.close()
        await db.engine.dispose()
