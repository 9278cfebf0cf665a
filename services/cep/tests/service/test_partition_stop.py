"""A stop of the partition ownership loop and of a runner's tasks ends them even when a cancel is lost on the
way (``opsuite_common.cancellation.cancel_and_wait``).

On Python 3.11 ``asyncio.wait_for``, under every nats-py request, returns the result of a future that completes
as the cancel arrives and drops the cancel; nats-py's JetStream publish turns a cancel into an error, which a
loop that survives errors goes on after. A loop cancelled once then ran on for good: a server's stop waited for
its ownership loop forever (seen as a test whose teardown hung past pytest-timeout, the loop still renewing its
leases). The lease store here drops the cancel itself, so the lost cancel happens every time, not only when a
NATS reply arrives together with it."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from opsuite_cep.adapters.partitions import PartitionStream
from opsuite_cep.app.ownership import PartitionCoordinator
from opsuite_common.cancellation import cancel_and_wait
from opsuite_common.testing.eventually import eventually

from .conftest import NATS_URL, make_settings, own_partition_stream

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def stream() -> AsyncIterator[PartitionStream]:
    """A partition stream of this test's own, deleted at the end."""
    async with own_partition_stream(1) as ps:
        yield ps


async def test_a_tail_whose_task_lost_its_cancel_ends(stream: PartitionStream) -> None:
    seq = await stream.publish(0, b"x")
    seen: list[int] = []

    async def consume() -> None:
        async with contextlib.aclosing(stream.records(0, 0)) as records:
            async for position, _, _ in records:
                seen.append(position)
                task = asyncio.current_task()
                assert task is not None
                task.cancel()
                try:  # the cancel is lost here, as in a NATS request that gets its reply at that moment
                    await asyncio.sleep(0)
                except asyncio.CancelledError:
                    pass

    task = asyncio.create_task(consume())
    try:
        await eventually(task.done, what="the tail to end")  # before: it polled the partition for good
    finally:
        task.cancel()
    assert seen == [seq]
    assert task.cancelled()


class CancelDroppingLeases:
    """A lease store whose first heartbeat waits and, when cancelled, drops the cancel and returns (what
    ``asyncio.wait_for`` does on 3.11 when the reply and the cancel arrive together); no partition is free."""

    def __init__(self) -> None:
        self.heartbeats = 0
        self.dropped = 0
        self.waiting = asyncio.Event()

    async def heartbeat(self) -> None:
        self.heartbeats += 1
        if self.heartbeats == 1:
            self.waiting.set()
            try:
                await asyncio.Event().wait()  # a reply that never comes first
            except asyncio.CancelledError:
                self.dropped += 1

    def expires_at(self, partition: int) -> float | None:
        return None

    async def live_replicas(self) -> list[str]:
        return ["r1"]

    async def acquire(self, partition: int) -> bool:
        return False

    async def renew(self, partition: int) -> bool:
        return False

    async def release(self, partition: int) -> None:
        return None

    async def close(self) -> None:
        return None


class NoStream:
    async def close(self) -> None:
        return None


async def test_a_stop_ends_the_ownership_loop_that_dropped_its_cancel(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, event_log=NATS_URL, partitions=4, lease_ttl_s=1.0)
    leases = CancelDroppingLeases()
    host: Any = None  # no partition is ever taken: no runner, no engine
    coordinator = PartitionCoordinator(host, NoStream(), leases, settings, "r1")  # type: ignore[arg-type]
    coordinator.start()
    await leases.waiting.wait()
    await coordinator.stop()  # before: waited for the loop forever (pytest-timeout ends this test if it does)
    assert leases.dropped == 1  # the first cancel was lost
    assert coordinator._task is not None and coordinator._task.done()


async def test_a_loop_that_turned_a_cancel_into_an_error_is_cancelled_again() -> None:
    converted = 0
    publishing = asyncio.Event()

    async def publish() -> None:  # the first one waits, and turns its cancel into an error (as nats-py does)
        nonlocal converted
        if converted:
            return
        publishing.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            converted += 1
            raise RuntimeError("nats: too many stalled msgs") from None

    async def timer() -> None:  # as a runner's timer: an error of a round is logged and the loop goes on
        while True:
            try:
                await publish()
            except Exception:
                pass
            await asyncio.sleep(0.01)

    task = asyncio.create_task(timer())
    await publishing.wait()
    still_running = await cancel_and_wait([task], 60)
    if still_running:  # do not leave it behind for the loop's teardown
        task.cancel()
    assert still_running == set()
    assert converted == 1 and task.cancelled()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="asyncio.wait_for keeps the cancel from 3.12 on")
async def test_wait_for_drops_a_cancel_that_arrives_with_the_result() -> None:
    """Why a single cancel is not enough here (Python 3.11's asyncio.wait_for)."""
    reply = asyncio.get_running_loop().create_future()

    async def request() -> Any:
        return await asyncio.wait_for(reply, 5)

    task = asyncio.create_task(request())
    await asyncio.sleep(0)
    reply.set_result("reply")
    task.cancel()
    assert await task == "reply"  # the cancel was lost
