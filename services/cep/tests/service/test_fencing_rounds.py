"""Fencing of partition runners, continued (test_fencing.py): a coordinator's round after one of its runners was
fenced or ended on an error, and the clock lease times are read on."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from opsuite_cep.adapters.partitions import Leases, PartitionStream, delete_namespace, lease_clock, namespace_names
from opsuite_cep.app.engines import EngineHost, Notifier
from opsuite_cep.app.ownership import PartitionCoordinator
from opsuite_cep.app.partitions import PartitionRunner
from opsuite_common.testing.eventually import eventually

from .conftest import make_settings
from .test_fencing import NATS_URL, _database

pytestmark = pytest.mark.asyncio


async def test_a_fenced_runners_partition_is_restarted_or_handed_back_in_the_same_round(sqlite_url: str) -> None:
    """Replica a owns both partitions; replica b appears (a's share drops to one) while a's runner of
    partition 0 is fenced. After a's next round every partition has a live runner of a or a free lease:
    none is held by a without a runner until its lease expires."""
    namespace = f"fence{uuid.uuid4().hex[:10]}"
    names = namespace_names(namespace)
    # Leases long enough that none expires between the rounds, however slow the machine.
    settings = make_settings(sqlite_url, event_log=NATS_URL, partitions=2, idle_progress=False, lease_ttl_s=120)
    db = await _database(sqlite_url)
    stream = PartitionStream(NATS_URL, 2, stream=names.stream, prefix=names.prefix)
    leases = [Leases(NATS_URL, r, bucket=names.bucket, ttl_s=settings.lease_ttl_s) for r in ("a", "b")]
    coordinator = PartitionCoordinator(EngineHost(db, settings, Notifier()), stream, leases[0], settings, "a")
    other: PartitionRunner | None = None
    try:
        await coordinator.round()
        assert set(coordinator.runners) == {0, 1}
        fenced = coordinator.runners[0]
        other = PartitionRunner(0, EngineHost(db, settings, Notifier()), stream, settings, owner="x")
        await other.start()  # claims partition 0's next epoch: a's runner is stale
        async with fenced.lock:
            assert not await fenced.checkpoint()
        assert fenced.fenced
        await other.stop(checkpoint=False)
        other = None
        await leases[1].heartbeat()

        await coordinator.round()
        for p in (0, 1):
            runner = coordinator.runners.get(p)
            if runner is None:
                assert await leases[0].owner(p) is None, f"partition {p} held by a without a runner"
            else:
                assert not runner.fenced and runner is not fenced
        assert 0 in coordinator.runners and coordinator.runners[0].epoch == fenced.epoch + 2
    finally:
        if other is not None:
            await other.stop(checkpoint=False)
        await coordinator.stop()
        await leases[1].close()
        await db.dispose()
        await delete_namespace(NATS_URL, namespace)


class FailingOnce(PartitionStream):
    """A partition stream whose first read of partition 0 fails, as a unit's database read can under load."""

    failed = False

    def records(self, partition: int, after: int) -> Any:
        if partition == 0 and not self.failed:
            self.failed = True
            return self._fail()
        return super().records(partition, after)

    @staticmethod
    async def _fail() -> AsyncIterator[tuple[int, bytes, dict[str, str]]]:
        raise RuntimeError("database is locked")
        yield  # an async generator


async def test_a_runner_whose_work_ended_on_an_error_is_replaced_in_the_next_round(sqlite_url: str) -> None:
    """Before, the runner's consuming task died with the error and the coordinator kept renewing the lease
    of a partition nobody read: no alert of that partition until the process restarted."""
    namespace = f"fail{uuid.uuid4().hex[:10]}"
    names = namespace_names(namespace)
    settings = make_settings(sqlite_url, event_log=NATS_URL, partitions=1, idle_progress=False, lease_ttl_s=120)
    db = await _database(sqlite_url)
    stream = FailingOnce(NATS_URL, 1, stream=names.stream, prefix=names.prefix)
    leases = Leases(NATS_URL, "a", bucket=names.bucket, ttl_s=settings.lease_ttl_s)
    coordinator = PartitionCoordinator(EngineHost(db, settings, Notifier()), stream, leases, settings, "a")
    try:
        await coordinator.round()
        broken = coordinator.runners[0]
        failure = await eventually(broken.failure, what="the runner's work to end on the read's error")
        assert "database is locked" in repr(failure)

        await coordinator.round()
        fresh = coordinator.runners[0]
        assert fresh is not broken and fresh.failure() is None
        assert fresh.epoch == broken.epoch + 1  # claimed the partition again: restored from the checkpoints
        seq = await stream.publish(0, b'{"tenant": "t1", "scope": "keyed", "kind": "tick", "now": 1.0}')
        await eventually(lambda: fresh.position == seq, what="the fresh runner to read the partition")
    finally:
        await coordinator.stop()
        await db.dispose()
        await delete_namespace(NATS_URL, namespace)


async def test_lease_times_keep_counting_while_the_host_is_suspended() -> None:
    """On Linux lease expiries are read on CLOCK_BOOTTIME (monotonic, suspend included)."""
    if not hasattr(time, "CLOCK_BOOTTIME"):
        pytest.skip("no CLOCK_BOOTTIME on this system")
    before = time.clock_gettime(time.CLOCK_BOOTTIME)
    now = lease_clock()
    assert before <= now <= time.clock_gettime(time.CLOCK_BOOTTIME)
