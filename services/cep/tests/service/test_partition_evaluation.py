"""A partition owner evaluates a big batch off the event loop, charges the tenant's evaluation budget, and a
stop while the batch is evaluated waits for the whole record (evaluation and position) before it returns.

Before, an owner evaluated every record on the loop: a 10,000-event batch held every RPC and the renewal of
the replica's leases for as long. Real JetStream stream of this test's own (NATS at 127.0.0.1:4222), SQLite.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from opsuite_cep.adapters.partitions import PartitionStream
from opsuite_cep.app.engines import EngineHost, Notifier
from opsuite_cep.app.evaluation import INLINE_EVENTS
from opsuite_cep.app.partitions import PartitionedIngest, PartitionRunner
from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.domain import Event
from opsuite_common.db import Database, run_migrations
from opsuite_common.errors import RateLimitedError
from opsuite_common.testing.eventually import eventually

from .conftest import NATS_URL, T0, make_settings, own_partition_stream

pytestmark = pytest.mark.asyncio


class _Held:
    """An engine whose ingest waits (in whatever thread runs it) until released, or 20 s at most; it notes the
    thread that ran it and burns ``cpu_s`` of that thread's CPU time before returning."""

    def __init__(self, engine: Any, cpu_s: float = 0.0) -> None:
        self._engine, self.cpu_s = engine, cpu_s
        self.release, self.entered = threading.Event(), threading.Event()
        self.thread = ""

    def ingest(self, *args: Any, **kw: Any) -> Any:
        import time

        self.thread = threading.current_thread().name
        self.entered.set()
        self.release.wait(20)
        started = time.thread_time()
        while time.thread_time() - started < self.cpu_s:
            pass
        return self._engine.ingest(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


@pytest_asyncio.fixture
async def stream() -> AsyncIterator[PartitionStream]:
    async with own_partition_stream(1) as ps:
        yield ps


async def _runner(sqlite_url: str, stream: PartitionStream, **overrides: Any) -> tuple[PartitionRunner, Database]:
    settings = make_settings(
        sqlite_url, event_log=NATS_URL, partitions=1, idle_progress=False, checkpoint_interval_s=3600, **overrides
    )
    db = Database.from_url(sqlite_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    return PartitionRunner(0, EngineHost(db, settings, Notifier()), stream, settings, owner="test"), db


def _batch(n: int) -> list[Event]:
    return [Event(id=f"e{i}", type="metric", time=T0 + i, key=f"k{i % 5}", attributes={"cpu": 10}) for i in range(n)]


async def test_a_big_record_is_evaluated_off_the_loop_and_charged(sqlite_url: str, stream: PartitionStream) -> None:
    runner, db = await _runner(sqlite_url, stream, tenant_engine_share=0.01, tenant_engine_burst_s=0.05)
    ingest = PartitionedIngest(stream, runner.settings, lambda: T0 + 1_000, runner.host.budget)
    try:
        te = await runner._unit("big", "keyed")
        held = _Held(te.engine, cpu_s=0.2)
        te.engine = held  # type: ignore[assignment]
        await runner.start()
        await ingest.publish("big", _batch(INLINE_EVENTS + 1))
        await asyncio.to_thread(held.entered.wait, 20)
        assert held.entered.is_set()
        assert held.thread.startswith("cep-eval")  # not the loop's thread
        ticks = 0
        for _ in range(5):  # the loop runs while the record is held in the thread
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 5 and te.position == 0  # not applied yet
        held.release.set()
        last = await stream.last_sequence(0)
        await eventually(lambda: te.position >= last - 1, timeout=20, what="the big record applied")
        # 0.2 s of CPU charged against a 0.05 s burst: the tenant's next batch is refused before the stream
        assert -0.05 - 1e-6 <= runner.host.budget.left("big") < 0  # debt held at minus the burst
        with pytest.raises(RateLimitedError) as refused:
            await ingest.publish("big", _batch(1))
        assert refused.value.reason == "ENGINE_BUDGET"
        assert await stream.last_sequence(0) == last  # nothing of the refused batch was appended
        await ingest.publish("quiet", _batch(1))  # another tenant is not charged for it
    finally:
        held.release.set()
        await runner.stop(checkpoint=False)
        await db.dispose()


async def test_a_stop_during_a_big_record_waits_for_the_whole_record(sqlite_url: str, stream: PartitionStream) -> None:
    runner, db = await _runner(sqlite_url, stream)
    ingest = PartitionedIngest(stream, runner.settings, lambda: T0 + 1_000)
    try:
        te = await runner._unit("big", "keyed")
        held = _Held(te.engine)
        te.engine = held  # type: ignore[assignment]
        await runner.start()
        await ingest.publish("big", _batch(INLINE_EVENTS + 1))
        seq = await stream.last_sequence(0) - 1  # the keyed record (the tenant-wide one follows it)
        await asyncio.to_thread(held.entered.wait, 20)
        stopping = asyncio.create_task(runner.stop(checkpoint=True))
        await asyncio.sleep(0.1)
        assert not stopping.done()  # the stop waits for the record under evaluation
        held.release.set()
        await asyncio.wait_for(stopping, 20)
        # the engine holds the batch, and the unit's position (which the checkpoint saved) says so
        assert te.position == seq
        assert runner.checkpointed >= seq
    finally:
        held.release.set()
        await db.dispose()
