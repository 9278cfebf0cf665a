"""Fencing of partition runners (docs/architecture/cep.md, Replicas and partitions): a runner that lost its
partition without noticing (paused, slow renew, cut off from NATS but not from the database) cannot double
an alert change nor move a checkpoint back, because the database decides. Two runners of one partition on
one database, each with its own host as two replicas would have, read a real JetStream stream of this
test's own (NATS at 127.0.0.1:4222); "paused" is holding a runner's lock, which its consumer and timer
take for every record and round. The alert history must equal that of one uninterrupted runner (on a
database and stream of its own, fed the same records), and the stored checkpoints never move back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from opsuite_cep.adapters.partitions import PartitionStream
from opsuite_cep.app.engines import EngineHost, FencedError, Notifier, TenantEngine, rule_from_row
from opsuite_cep.app.partition_ingest import Stream
from opsuite_cep.app.partitions import PartitionedIngest, PartitionRunner
from opsuite_cep.config import Settings
from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.db.eventlog import LogCursorRepository
from opsuite_cep.db.models import AlertChangeRow, CheckpointRow, LogCursorRow, PartitionEpochRow, RuleRow
from opsuite_cep.db.repositories import CheckpointRepository
from opsuite_cep.domain import Event, IngestResult
from opsuite_common.db import Database, run_migrations
from opsuite_common.testing.eventually import eventually

from .conftest import T0, make_settings

pytestmark = pytest.mark.asyncio

NATS_URL = "nats://127.0.0.1:4222"
TENANT = "tenant-a"
UNIT = "p0.keyed"
BY_KEY = {
    "name": "errors-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "errors", "op": ">", "value": 5}, "group_by": ["key"]},
}
KEYS = [f"svc-{i}" for i in range(4)]


def _settings(db_url: str) -> Settings:
    # No idle progress (no tick records), checkpoints and rule refreshes only when the test asks.
    return make_settings(
        db_url,
        event_log=NATS_URL,
        partitions=1,
        idle_progress=False,
        checkpoint_interval_s=3600,
        partition_refresh_s=60,
    )


async def _database(url: str) -> Database:
    """A migrated database with the keyed rule."""
    db = Database.from_url(url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    definition = json.dumps(BY_KEY)
    async with db.session() as s:
        s.add(RuleRow(id=uuid.uuid4().hex, tenant=TENANT, name="errors-high", kind="THRESHOLD", definition=definition))
    return db


@pytest_asyncio.fixture
async def streams() -> AsyncIterator[tuple[PartitionStream, PartitionStream]]:
    """The partition stream of the runners under test and the reference runner's own (one partition each)."""
    made = []
    for role in ("main", "ref"):
        name = f"{role}{uuid.uuid4().hex[:10]}"
        made.append(PartitionStream(NATS_URL, 1, stream=f"TEST_{name}", prefix=f"test.{name}.part"))
    try:
        yield made[0], made[1]
    finally:
        nc = await nats.connect(NATS_URL)
        for ps in made:
            await ps.close()
            with contextlib.suppress(Exception):
                await nc.jetstream().delete_stream(ps.stream)
        await nc.close()


class World:
    """The runners under test (one database), the reference runner (another), and the publishing side."""

    def __init__(self, db_url: str, tmp_path: Path, main: PartitionStream, ref: PartitionStream) -> None:
        self.db_url, self.settings = db_url, _settings(db_url)
        self.ref_url = f"sqlite:///{tmp_path / 'reference.db'}"
        self.main, self.ref = main, ref
        clock = lambda: T0 + 1_000  # noqa: E731 - one reading for both streams: their records are equal
        self.ingest = [PartitionedIngest(main, self.settings, clock), PartitionedIngest(ref, self.settings, clock)]
        self.runners: list[PartitionRunner] = []
        self.databases: list[Database] = []
        self.last = 0  # the main stream's last record

    async def setup(self) -> None:
        self.db = await _database(self.db_url)
        ref_db = await _database(self.ref_url)
        self.databases += [self.db, ref_db]
        self.reference = await self._runner(ref_db, self.ref, "reference")

    async def runner(self, owner: str, stream: Stream | None = None) -> PartitionRunner:
        """A runner with a host and a database connection of its own, on the shared database (reading the
        main stream, or ``stream``: a :class:`Tap` of it)."""
        db = Database.from_url(self.db_url)
        self.databases.append(db)
        return await self._runner(db, stream or self.main, owner)

    async def _runner(self, db: Database, stream: Stream, owner: str) -> PartitionRunner:
        runner = PartitionRunner(0, EngineHost(db, self.settings, Notifier()), stream, self.settings, owner=owner)
        await runner.start()
        self.runners.append(runner)
        return runner

    async def publish(self, t: float, errors: int) -> None:
        """One batch, every key at event time ``t``, to both streams."""
        events = [Event(f"{k}-{t}", "metric", T0 + t, key=k, attributes={"errors": errors}) for k in KEYS]
        for ingest in self.ingest:
            await ingest.publish(TENANT, events)
        self.last = await self.main.last_sequence(0)

    async def caught_up(self, runner: PartitionRunner) -> None:
        await eventually(lambda: runner.position >= self.last, timeout=20, what=f"{runner.owner} at {self.last}")

    async def positions(self) -> dict[str, int]:
        async with self.db.session(readonly=True) as s:
            rows = (await s.execute(select(CheckpointRow.unit, CheckpointRow.log_position))).all()
        return {unit: int(p) for unit, p in rows}

    async def close(self) -> None:
        for runner in self.runners:
            with contextlib.suppress(Exception):
                await runner.stop(checkpoint=False)
        for db in self.databases:
            await db.dispose()


class Tap:
    """A stream as one runner reads it: ``read`` is the last record its consumer took (and holds, while it
    waits for the runner's lock)."""

    def __init__(self, inner: PartitionStream) -> None:
        self.inner, self.read = inner, 0

    async def publish(self, partition: int, body: bytes, headers: dict[str, str] | None = None) -> int:
        return await self.inner.publish(partition, body, headers)

    async def publish_many(self, items: Sequence[tuple[int, bytes, dict[str, str] | None]]) -> list[int]:
        return await self.inner.publish_many(items)

    async def records(self, partition: int, after: int) -> AsyncIterator[tuple[int, bytes, dict[str, str]]]:
        async with contextlib.aclosing(self.inner.records(partition, after)) as records:
            async for seq, body, headers in records:
                self.read = seq
                yield seq, body, headers

    async def purge_below(self, partition: int, seq: int) -> None:
        await self.inner.purge_below(partition, seq)

    async def close(self) -> None:
        """The inner stream is the world's: the streams fixture closes it."""


@pytest_asyncio.fixture
async def world(db_url: str, tmp_path: Path, streams: tuple[PartitionStream, PartitionStream]) -> AsyncIterator[World]:
    w = World(db_url, tmp_path, *streams)
    await w.setup()
    try:
        yield w
    finally:
        await w.close()


async def _history(db: Database) -> list[tuple[Any, ...]]:
    """The alert history as a user reads it (ids and commit times aside), in cursor order."""
    async with db.session(readonly=True) as s:
        stmt = select(AlertChangeRow.change, AlertChangeRow.snapshot).order_by(AlertChangeRow.seq)
        rows = (await s.execute(stmt)).all()
    out = []
    for change, snapshot in rows:
        a = json.loads(snapshot)
        out.append((change, a["rule"], a["labels"].get("key"), a["state"], a["starts_at"], a["ends_at"]))
    return out


async def _same_history_as_the_reference(w: World) -> None:
    ref_last = await w.ref.last_sequence(0)
    await eventually(lambda: w.reference.position >= ref_last, timeout=20, what="the reference at the end")
    expected = await _history(w.databases[1])
    assert len(expected) == 4 * len(KEYS)  # fired, resolved, fired, resolved: the batches did their part
    got = await eventually(
        lambda: _history(w.db), until=lambda h: len(h) >= len(expected), timeout=20, what="the history"
    )
    assert got == expected  # nothing doubled, nothing lost, in the same order


async def test_a_paused_owner_that_resumes_writes_nothing_and_is_fenced(world: World) -> None:
    w = world
    tap = Tap(w.main)
    a = await w.runner("a", tap)
    await w.publish(1, 9)
    await w.caught_up(a)
    async with a.lock:
        assert await a.checkpoint()
    before = await w.positions()

    async with a.lock:  # a pauses (its lease runs out meanwhile); b takes the partition over
        read = w.last
        await w.publish(10, 0)
        # a pauses holding the batch's first record (the keyed one, with the resolutions), read and waiting
        # for its lock: b's checkpoint below purges the batch from the stream, and a record a had not read
        # by then it would never read, apply, nor be fenced by (a's poll of the stream loses that race under
        # load).
        await eventually(lambda: tap.read > read, timeout=20, what="a holding the batch's first record")
        b = await w.runner("b")
        await w.caught_up(b)
        async with b.lock:
            assert await b.checkpoint()
        after_b = await w.positions()
        assert all(after_b[u] > p for u, p in before.items())
        assert (a.epoch, b.epoch) == (1, 2)

    # a resumes: its first commit finds the resolutions committed by b, writes nothing and stops.
    await eventually(lambda: a.fenced, timeout=20, what="a fenced by the log cursor")
    await eventually(lambda: all(t.done() for t in a._tasks), timeout=20, what="a's consumer and timer ended")
    with pytest.raises(FencedError):  # and none of its units writes again
        te = next(iter(a.units.values()))
        await a.host.commit(te, IngestResult(), a.position + 1)
    async with a.lock:
        assert not await a.checkpoint()  # nor checkpoints
    assert await w.positions() == after_b

    await w.publish(20, 9)
    await w.publish(30, 0)
    await w.caught_up(b)
    async with b.lock:
        assert await b.checkpoint()
    final = await w.positions()
    assert all(final[u] >= p for u, p in after_b.items())
    await _same_history_as_the_reference(w)


async def test_a_stale_owner_ahead_of_its_successor_cannot_double_a_change_nor_move_a_checkpoint_back(
    world: World,
) -> None:
    w = world
    a = await w.runner("a")
    await w.publish(1, 9)
    await w.caught_up(a)
    async with a.lock:
        assert await a.checkpoint()
    first = await w.positions()
    await w.publish(10, 0)
    await w.caught_up(a)  # a committed the resolutions; its checkpoint is still the older one

    b = await w.runner("b")  # takes over from a's checkpoint while a goes on: split brain
    await w.caught_up(b)  # b's replay of the resolutions writes nothing: the cursor says they are there
    assert len(await _history(w.db)) == 2 * len(KEYS)

    async with b.lock:  # b is slow: a commits the next batch first
        await w.publish(20, 9)
        await w.caught_up(a)
        assert not a.fenced  # nobody had committed these records: a's commit is the only one
    await eventually(lambda: b.fenced, timeout=20, what="b fenced by the log cursor")

    async with a.lock:  # a's checkpoint would move the partition past what its successor claimed
        assert not await a.checkpoint()
    assert a.fenced
    assert await w.positions() == first

    c = await w.runner("c")  # the coordinator's next round: a fresh runner for the lease still held
    await w.caught_up(c)
    await w.publish(30, 0)
    await w.caught_up(c)
    async with c.lock:
        assert await c.checkpoint()
    final = await w.positions()
    assert all(final[u] >= p for u, p in first.items())
    async with w.db.session(readonly=True) as s:
        claimed = (await s.execute(select(PartitionEpochRow.epoch, PartitionEpochRow.owner))).one()
    assert (*claimed, c.epoch) == (3, "c", 3)
    await _same_history_as_the_reference(w)


async def test_no_record_is_applied_while_the_lease_is_not_surely_held(
    sqlite_url: str, tmp_path: Path, streams: tuple[PartitionStream, PartitionStream]
) -> None:
    w = World(sqlite_url, tmp_path, *streams)
    await w.setup()
    try:
        held, looked = [True], [0]

        def lease_held() -> bool:
            looked[0] += 1
            return held[0]

        host = EngineHost(w.db, w.settings, Notifier())
        runner = PartitionRunner(0, host, w.main, w.settings, owner="a", lease_held=lease_held)
        await runner.start()
        w.runners.append(runner)
        await w.publish(1, 9)
        await w.caught_up(runner)
        position = runner.position

        held[0] = False  # the renew is late: the next record waits
        seen = looked[0]
        await w.publish(10, 0)
        await eventually(lambda: looked[0] >= seen + 3, timeout=20, what="the runner waiting for its lease")
        assert runner.position == position  # read, not applied
        async with w.db.session(readonly=True) as s:
            cursor = (await s.execute(select(func.max(LogCursorRow.applied)))).scalar_one()
        assert cursor is None or cursor <= position

        held[0] = True  # renewed: it goes on
        await w.caught_up(runner)
    finally:
        await w.close()


async def test_the_log_cursor_is_a_compare_and_set(db_url: str) -> None:
    """On SQLite and PostgreSQL: of concurrent writers of one position exactly one moves the cursor (the
    first insert included); a commit whose records another host committed writes nothing."""
    dbs = [await _database(db_url)] + [Database.from_url(db_url) for _ in range(3)]
    try:

        async def advance(db: Database, position: int, first: int | None = None) -> bool:
            async with db.session() as s:
                return await LogCursorRepository(s, TENANT, UNIT).advance(position, first=first)

        assert sorted(await asyncio.gather(*(advance(db, 5) for db in dbs))) == [False, False, False, True]
        assert sorted(await asyncio.gather(*(advance(db, 9) for db in dbs))) == [False, False, False, True]
        assert not await advance(dbs[0], 4)  # never back
        assert not await advance(dbs[0], 12, first=9)  # 9 is committed already
        assert await advance(dbs[0], 12, first=10)

        # Two hosts apply the same record to a unit: the second commit is refused and writes nothing.
        settings = _settings(db_url)
        hosts = [EngineHost(db, settings, Notifier()) for db in dbs[:2]]
        async with dbs[0].session(readonly=True) as s:
            rule = rule_from_row((await s.execute(select(RuleRow))).scalar_one())
        units = [TenantEngine(TENANT, h.new_engine(TENANT, [rule], []), {}, unit=UNIT) for h in hosts]
        events = [Event(f"e{i}", "metric", T0 + i, key="svc-1", attributes={"errors": 9}) for i in range(3)]
        results = [te.engine.ingest(events, now=T0 + 3) for te in units]
        assert results[0].transitions
        written = await hosts[0].commit(units[0], results[0], 20)
        assert written
        with pytest.raises(FencedError):
            await hosts[1].commit(units[1], results[1], 20)
        assert units[1].fenced and not units[1].unwritten
        assert len(await _history(dbs[0])) == len(written)
        async with dbs[0].session(readonly=True) as s:
            assert await LogCursorRepository(s, TENANT, UNIT).applied() == 20
    finally:
        for db in dbs:
            await db.dispose()


async def test_a_stale_owner_with_a_carried_over_result_is_fenced_not_written_twice(db_url: str) -> None:
    """Host 0 commits r18 and r20; host 1's write of r18 had failed (kept unwritten): its commit of r23
    carries r18 and must be refused (the cursor is past 18), leaving host 0's history as it is."""
    dbs = [await _database(db_url), Database.from_url(db_url)]
    try:
        settings = _settings(db_url)
        hosts = [EngineHost(db, settings, Notifier()) for db in dbs]
        async with dbs[0].session(readonly=True) as s:
            rule = rule_from_row((await s.execute(select(RuleRow))).scalar_one())
        units = [TenantEngine(TENANT, h.new_engine(TENANT, [rule], []), {}, unit=UNIT) for h in hosts]
        fire = [Event("e1", "metric", T0 + 1, key="svc-1", attributes={"errors": 9})]
        calm = [Event("e2", "metric", T0 + 2, key="svc-1", attributes={"errors": 0})]
        r18 = [te.engine.ingest(fire, now=T0 + 1) for te in units]
        r20 = [te.engine.ingest(calm, now=T0 + 2) for te in units]
        assert r18[0].transitions and r20[0].transitions
        await hosts[0].commit(units[0], r18[0], 18)
        await hosts[0].commit(units[0], r20[0], 20)
        history = await _history(dbs[0])
        assert len(history) == len(r18[0].transitions) + len(r20[0].transitions)

        units[1].unwritten.append((r18[1], 18))  # host 1's write of record 18 had failed
        with pytest.raises(FencedError):
            await hosts[1].commit(units[1], r20[1], 23)
        assert await _history(dbs[0]) == history
        async with dbs[0].session(readonly=True) as s:
            assert await LogCursorRepository(s, TENANT, UNIT).applied() == 20
    finally:
        for db in dbs:
            await db.dispose()


async def test_a_checkpoint_before_the_replay_reaches_a_unit_keeps_that_units_later_position(
    sqlite_url: str, tmp_path: Path, streams: tuple[PartitionStream, PartitionStream]
) -> None:
    """Tenants x (checkpoint at its first record) and y (at a later one) share the partition; a new runner
    resumes from x's and checkpoints before it has replayed up to y's: y's stored position does not go
    down (its state there is that of its own checkpoint, not of the partition's position)."""
    w = World(sqlite_url, tmp_path, *streams)
    await w.setup()
    try:
        seqs: dict[str, list[int]] = {"x": [], "y": []}
        for tenant in ("x", "y", "x", "y", "x"):
            event = Event(f"{tenant}-{len(seqs[tenant])}", "metric", T0 + 1, key="k", attributes={"errors": 1})
            record = {"tenant": tenant, "scope": "keyed", "kind": "events", "now": T0 + 1, "events": [event.to_dict()]}
            seqs[tenant].append(await w.main.publish(0, json.dumps(record).encode()))
        host = EngineHost(w.db, w.settings, Notifier())
        async with w.db.session() as s:
            for tenant, position in (("x", seqs["x"][0]), ("y", seqs["y"][1])):
                snapshot = host.new_engine(tenant, [], []).snapshot()
                await CheckpointRepository(s, tenant).save(snapshot, position, UNIT)
        stop_at = seqs["x"][1]  # the runner applies records up to x's second, then waits for its lease
        holder: list[PartitionRunner] = []
        runner = PartitionRunner(
            0, host, w.main, w.settings, owner="b", lease_held=lambda: holder[0].position < stop_at
        )
        holder.append(runner)
        await runner.start()
        w.runners.append(runner)
        assert runner.position == seqs["x"][0]
        await eventually(lambda: runner.position >= stop_at, timeout=20, what="the runner at x's second record")
        async with runner.lock:
            assert runner.position == stop_at < seqs["y"][1]
            assert await runner.checkpoint()
        async with w.db.session(readonly=True) as s:
            stmt = select(CheckpointRow.tenant, CheckpointRow.log_position).where(CheckpointRow.unit == UNIT)
            stored = {tenant: int(p) for tenant, p in (await s.execute(stmt)).all()}
        assert stored == {"x": stop_at, "y": seqs["y"][1]}
    finally:
        await w.close()


async def test_the_lease_is_looked_at_again_once_the_lock_is_taken(
    sqlite_url: str, tmp_path: Path, streams: tuple[PartitionStream, PartitionStream]
) -> None:
    """A record read while the lease held but applied only after the timer let go of the lock waits if the
    lease is no longer surely held by then."""
    w = World(sqlite_url, tmp_path, *streams)
    await w.setup()
    try:
        held, looked = [True], [0]

        def lease_held() -> bool:
            looked[0] += 1
            return held[0]

        settings = make_settings(
            sqlite_url, event_log=NATS_URL, partitions=1, idle_progress=False, schedule_tick_s=3600
        )  # the timer never looks at the lease: every look is the consumer's
        host = EngineHost(w.db, settings, Notifier())
        runner = PartitionRunner(0, host, w.main, settings, owner="a", lease_held=lease_held)
        await runner.start()
        w.runners.append(runner)
        await w.publish(1, 9)
        await w.caught_up(runner)
        position = runner.position

        async with runner.lock:  # the timer holds the lock (a long checkpoint); the lease runs short
            seen = looked[0]
            await w.publish(10, 0)
            await eventually(lambda: looked[0] > seen, timeout=20, what="the consumer waiting for the lock")
            held[0] = False
            seen = looked[0]
        await eventually(lambda: looked[0] >= seen + 3, timeout=20, what="the runner waiting for its lease")
        assert runner.position == position  # not applied

        held[0] = True
        await w.caught_up(runner)
    finally:
        await w.close()
