"""Which partitions this replica runs (docs/architecture/cep.md, Replicas and partitions): leases taken up to
the replica's fair share of the live replicas, renewed every TTL/3, handed back beyond the share, and a
:class:`~opsuite_cep.app.partitions.PartitionRunner` for each partition held. A runner that was fenced, or
whose work ended on an error, is replaced in the next round by a fresh one restored from the checkpoints."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import zlib
from typing import Protocol

from opsuite_cep.adapters.leaseclock import lease_clock
from opsuite_cep.app.engines import EngineHost
from opsuite_cep.app.partition_ingest import Stream
from opsuite_cep.app.partitions import PartitionRunner
from opsuite_cep.config import Settings
from opsuite_common.cancellation import cancel_and_wait, raise_if_cancel_lost
from opsuite_common.logging import get_logger

__all__ = ["LeaseStore", "PartitionCoordinator"]

log = get_logger("opsuite.cep.partitions")


class LeaseStore(Protocol):
    """Ownership leases (``opsuite_cep.adapters.partitions.Leases``)."""

    async def heartbeat(self) -> None: ...

    def expires_at(self, partition: int) -> float | None: ...

    async def live_replicas(self) -> list[str]: ...

    async def acquire(self, partition: int) -> bool: ...

    async def renew(self, partition: int) -> bool: ...

    async def release(self, partition: int) -> None: ...

    async def close(self) -> None: ...


class PartitionCoordinator:
    """Holds this replica's fair share of the partitions through leases, and a runner for each."""

    def __init__(
        self, host: EngineHost, stream: Stream, leases: LeaseStore, settings: Settings, replica_id: str
    ) -> None:
        self.host, self.stream, self.leases, self.settings = host, stream, leases, settings
        self.replica_id = replica_id
        self.runners: dict[int, PartitionRunner] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the ownership loop."""
        self._task = asyncio.create_task(self._loop(), name="cep-partitions")

    async def _loop(self) -> None:
        interval = self.settings.lease_ttl_s / 3
        while True:
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:
                raise_if_cancel_lost()  # a cancel that nats-py turned into an error
                log.exception("partition ownership round failed; continuing")
            raise_if_cancel_lost()  # a cancel lost in a NATS request of the round
            await asyncio.sleep(interval)

    def surely_held(self, partition: int) -> bool:
        """Whether this replica's lease of ``partition`` holds for at least another TTL/3 (its local expiry
        is never later than the server's): the margin covers a record being applied and committed."""
        expires = self.leases.expires_at(partition)
        return expires is not None and lease_clock() < expires - self.settings.lease_ttl_s / 3

    def _order(self) -> list[int]:
        n = self.settings.partitions
        start = zlib.crc32(self.replica_id.encode()) % n
        return [(start + i) % n for i in range(n)]

    async def round(self) -> None:
        """Renew what is held, replace fenced or failed runners, heartbeat, take free partitions up to the
        fair share, hand back what is beyond it. Renewals come first: a lease's time runs out by the clock,
        and the rest of a round (listing the live replicas, a runner's start) can take long on a loaded host."""
        for p in list(self.runners):
            if self.runners[p].fenced:
                continue  # replaced below
            try:
                kept = await self.leases.renew(p)
            except Exception as exc:  # NATS slow or away: keep going while the lease surely holds
                kept = self.surely_held(p)
                log.warning("partition lease not renewed", partition=p, error=repr(exc), still_held=kept)
            if not kept:
                log.warning("partition lease lost; its runner stops", partition=p)
                await self.runners.pop(p).stop(checkpoint=False)
        for p in list(self.runners):
            runner = self.runners[p]
            failure = None if runner.fenced else runner.failure()
            if failure is not None:
                log.warning(
                    "partition runner ended on an error; a fresh one replays from the checkpoints",
                    partition=p,
                    error=repr(failure),
                )
            if runner.fenced or failure is not None:  # replaced at once if the lease is still ours
                await self.runners.pop(p).stop(checkpoint=False)
                await self._restart(p)
        await self.leases.heartbeat()
        live = await self.leases.live_replicas()
        target = math.ceil(self.settings.partitions / max(1, len(live)))
        for p in self._order():
            if len(self.runners) >= target:
                break
            if p not in self.runners and await self.leases.acquire(p):
                await self._start_runner(p)
        while len(self.runners) > target:
            p = max(self.runners)
            await self.runners.pop(p).stop(checkpoint=True)
            await self.leases.release(p)

    async def _start_runner(self, p: int) -> None:
        runner = PartitionRunner(
            p,
            self.host,
            self.stream,
            self.settings,
            owner=self.replica_id,
            lease_held=functools.partial(self.surely_held, p),
        )
        await runner.start()
        self.runners[p] = runner

    async def _restart(self, p: int) -> None:
        """After a fenced runner of ``p``: a fresh runner if the lease is still ours, else the lease handed
        back (a partition held without a runner would sit idle until its lease expired)."""
        try:
            if await self.leases.renew(p):
                await self._start_runner(p)
                return
        except Exception as exc:
            log.warning("fenced partition not restarted; lease handed back", partition=p, error=repr(exc))
        with contextlib.suppress(Exception):
            await self.leases.release(p)

    async def stop(self) -> None:
        """Graceful stop: every partition checkpointed and handed back at once."""
        if self._task is not None and await cancel_and_wait([self._task], self.settings.lease_ttl_s):
            log.warning("partition ownership loop did not stop in time")
        for p in list(self.runners):
            await self.runners.pop(p).stop(checkpoint=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.leases.release(p), self.settings.lease_ttl_s)
        for close in (self.leases.close, self.stream.close):  # a NATS drain must not hold the stop forever
            try:
                await asyncio.wait_for(close(), self.settings.lease_ttl_s)
            except Exception as exc:
                log.warning("NATS connection not closed cleanly", error=repr(exc))
