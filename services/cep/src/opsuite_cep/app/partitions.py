"""Replicas sharing the partitions of the event stream (``OPSUITE_CEP_PARTITIONS`` > 0, on JetStream;
docs/architecture/cep.md, Replicas and partitions).

- **Publishing** (any replica, :mod:`opsuite_cep.app.partition_ingest`): events are appended to their
  partitions, for keyed and for tenant-wide rules; nothing is evaluated on the way.
- **Ownership** (:mod:`opsuite_cep.app.ownership`): leases in a JetStream key-value bucket. Every replica
  heartbeats, takes free partitions up to its fair share of the live replicas, renews what it holds, and
  hands back partitions beyond its share (checkpointed first). A dead replica's leases expire after the
  lease TTL; the survivors take its partitions at their next round. A runner whose work ended on an error
  is replaced from the checkpoints at the next round.
- **Evaluation** (:class:`PartitionRunner`, one per owned partition): records are applied in stream order
  to one engine per (tenant, scope), a unit; big batches off the loop, charged to the tenant's evaluation
  budget on this replica. A unit is restored from its checkpoint; records at or before its position are
  skipped, so taking a partition over is restoring its checkpoints and replaying what follows them. Alert
  changes commit with the unit's log cursor (never written twice). Idle progress and manual resolutions are
  records too, so a replay reproduces them. Rule and silence changes are picked up from the database every
  ``partition_refresh_s`` and followed by a checkpoint.
- **Fencing** (the database decides, where the side effects land): a runner applies a record only while
  its lease surely holds (it waits otherwise, and is stopped once the lease is lost). Its alert changes
  commit only if the unit's log cursor is still below their records (compare-and-set), and its checkpoints
  only under the partition's epoch, which every new runner raises before reading the checkpoints. A runner
  whose commit or checkpoint is refused is fenced: it writes nothing more and stops; the coordinator starts
  a fresh one at its next round if the lease is still its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from opsuite_cep.app._session import read
from opsuite_cep.app.engines import EngineHost, FencedError, TenantEngine, rule_from_row, silence_from_row
from opsuite_cep.app.evaluation import CpuMeter, evaluate, run_whole
from opsuite_cep.app.expected_keys import apply_stored_lists, units_watching
from opsuite_cep.app.ingest import observe_watermark_lag
from opsuite_cep.app.partition_ingest import PartitionedIngest, Stream, consumed, encode_record
from opsuite_cep.config import Settings
from opsuite_cep.db.eventlog import LogCursorRepository
from opsuite_cep.db.repositories import CheckpointRepository, PartitionEpochs, RuleRepository, SilenceRepository
from opsuite_cep.db.routing import load_routing
from opsuite_cep.domain import Event, IngestResult, Rule
from opsuite_cep.domain.partitioning import Scope, key_filter, scope_of
from opsuite_common.cancellation import cancel_and_wait, raise_if_cancel_lost
from opsuite_common.errors import OpsuiteError, ServiceUnavailableError
from opsuite_common.logging import get_logger

__all__ = ["PartitionRunner", "PartitionedIngest", "unit_name"]

log = get_logger("opsuite.cep.partitions")

#: How often a runner whose lease is not surely held looks again (it applies nothing meanwhile).
LEASE_WAIT_S = 0.05

#: Why a runner is fenced when a unit's commit is refused by the log cursor.
ALREADY_COMMITTED = (
    "alert changes of these records already committed (by another runner, or by this one when a commit's "
    "acknowledgement was lost)"
)


class _Superseded(Exception):
    """Raised inside a checkpoint's transaction (rolling it back) when another runner claimed the partition."""


def unit_name(partition: int, scope: Scope) -> str:
    """The engine unit of a tenant on a partition (the checkpoint and cursor key)."""
    return f"p{partition}.{scope}"


class PartitionRunner:
    """Applies one owned partition's records to its units, commits their alerts, checkpoints them.

    ``lease_held`` says whether the partition's lease surely holds (no record is applied while it does
    not); ``owner`` is written with the partition's epoch (for operators).
    """

    def __init__(
        self,
        partition: int,
        host: EngineHost,
        stream: Stream,
        settings: Settings,
        *,
        owner: str = "",
        lease_held: Callable[[], bool] | None = None,
    ) -> None:
        self.partition, self.host, self.stream, self.settings = partition, host, stream, settings
        self.owner = owner
        self.lease_held: Callable[[], bool] = lease_held or (lambda: True)
        #: The partition's epoch this runner claimed at its start (its checkpoints are written under it).
        self.epoch = 0
        #: Set once a commit or a checkpoint found that another runner wrote this partition: nothing more
        #: is written, the tasks end, and the coordinator replaces this runner.
        self.fenced = False
        self.units: dict[tuple[str, Scope], TenantEngine] = {}
        self.applied: dict[tuple[str, Scope], int] = {}
        self.position = 0
        self.checkpointed = 0
        self.lock = asyncio.Lock()
        self._rules_seen: dict[tuple[str, Scope], tuple[Any, ...]] = {}  # per unit: each loads on its own
        self._lists_seen: dict[tuple[str, Scope], tuple[Any, ...]] = {}  # absent keys' stored lists
        self._tick_pending: set[tuple[str, Scope]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self.started_at = time.monotonic()

    async def start(self) -> None:
        """Claim the partition's next epoch (fencing every earlier runner's checkpoints), find where to
        resume (the oldest checkpoint of the partition's units, read after the claim), then consume and
        tick."""
        units = [unit_name(self.partition, "keyed"), unit_name(self.partition, "tenant")]
        async with self.host.db.session() as s:
            self.epoch = await PartitionEpochs(s).claim(self.partition, self.owner)
            positions = await CheckpointRepository.positions_of_units(s, units)
        self.position = self.checkpointed = min(positions) if positions else 0
        self._tasks = [
            asyncio.create_task(self._consume(), name=f"cep-partition-{self.partition}"),
            asyncio.create_task(self._periodic(), name=f"cep-partition-{self.partition}-timer"),
        ]
        log.info("partition taken", partition=self.partition, position=self.position, epoch=self.epoch)

    def failure(self) -> BaseException | None:
        """Why this runner's work ended early: a task that stopped on an error (a database read that failed
        while loading a unit, say) or ended while the runner was neither fenced nor stopped; None while it
        runs. Such a runner applies nothing more: the coordinator replaces it from the checkpoints."""
        for task in self._tasks:
            if not task.done() or task.cancelled():
                continue
            exc = task.exception()  # retrieved here, so asyncio does not report it again at collection
            if exc is not None:
                return exc
            if not self.fenced:
                return RuntimeError(f"{task.get_name()} ended")
        return None

    async def stop(self, *, checkpoint: bool) -> None:
        """Stop consuming; with ``checkpoint`` (a handover or a graceful stop) save every unit first."""
        pending = await cancel_and_wait(self._tasks, self.settings.lease_ttl_s)
        if pending:
            log.warning("partition tasks did not stop in time", partition=self.partition, tasks=len(pending))
        writes = [te.writing for te in self.units.values() if te.writing is not None and not te.writing.done()]
        if writes:  # a shielded alert write still running finishes before the next owner reads the cursor
            await asyncio.wait(writes)
        if checkpoint:
            async with self.lock:
                await self.checkpoint()
        log.info("partition given up", partition=self.partition, position=self.position, checkpointed=checkpoint)

    async def _unit(self, tenant: str, scope: Scope) -> TenantEngine:
        te = self.units.get((tenant, scope))
        if te is not None:
            return te
        name = unit_name(self.partition, scope)
        async with read(self.host.db) as s:
            rows = await RuleRepository(s, tenant).all_rules(enabled_only=True)
            silences = [silence_from_row(r) for r in await SilenceRepository(s, tenant).all_silences()]
            checkpoint = await CheckpointRepository(s, tenant).load(name)
            applied = await LogCursorRepository(s, tenant, name).applied()
            routing = await load_routing(s, tenant)
        rules = self._rules_of(rows, scope)
        owns = key_filter(tenant, self.partition, self.settings.partitions) if scope == "keyed" else None
        engine = self.host.new_engine(tenant, rules.values(), silences, routing, owns_key=owns)
        te = TenantEngine(tenant, engine, {}, unit=name)
        te.rule_ids = {r.name: r.id for r in rows}
        if checkpoint is not None:
            snapshot, te.position = checkpoint
            te.checkpointed = te.position
            try:
                te.engine.restore(snapshot)
            except (ValueError, KeyError, TypeError):
                log.exception("unit checkpoint could not be restored; empty state", tenant=tenant, unit=name)
        self._lists_seen[(tenant, scope)] = await apply_stored_lists(self.host.db, tenant, te.engine, te.rule_ids)
        self._rules_seen[(tenant, scope)] = _signature(rows)
        self.units[(tenant, scope)] = te
        self.applied[(tenant, scope)] = applied
        return te

    @staticmethod
    def _rules_of(rows: Sequence[Any], scope: Scope) -> dict[str, Rule]:
        out = {}
        for row in rows:
            try:
                rule = rule_from_row(row)
            except OpsuiteError:
                continue
            if scope_of(rule) == scope:
                out[rule.name] = rule
        return out

    def _fence(self, why: str, **fields: Any) -> None:
        """Stop writing: another runner wrote this partition (this one is stale)."""
        if not self.fenced:
            self.fenced = True
            log.warning(
                "partition runner fenced; it stops", partition=self.partition, epoch=self.epoch, why=why, **fields
            )

    async def _hold_lease(self) -> None:
        """Return once the lease surely holds; while it does not (a renew late or failing), apply nothing.
        The coordinator stops this runner once the lease is lost."""
        waited = False
        while True:  # the lease's time runs out by the clock: there is no event to wait for
            if self.lease_held():
                return
            if not waited:
                log.warning("partition lease not surely held; applying nothing until renewed", partition=self.partition)
                waited = True
            await asyncio.sleep(LEASE_WAIT_S)

    async def _consume(self) -> None:
        async with contextlib.aclosing(self.stream.records(self.partition, self.position)) as records:
            async for seq, body, headers in records:
                while True:  # the lease is looked at again under the lock: the timer may have held it long
                    await self._hold_lease()
                    async with self.lock:
                        if self.fenced:
                            return
                        if self.lease_held():
                            with consumed(headers, self.partition, seq):  # the publisher's trace, if any
                                await self._apply_held(seq, body)
                            break
                if self.fenced:
                    return

    async def _apply_held(self, seq: int, body: bytes) -> None:
        """Apply one record with the lock and the lease held; fenced if its changes were committed already."""
        try:  # the unit's load may be cut by a stop; once applying, to its end (never half a record)
            record = json.loads(body)
            scope: Scope = "tenant" if record.get("scope") == "tenant" else "keyed"
            te = await self._unit(str(record["tenant"]), scope)
            await run_whole(self._apply(seq, record, te, scope))
        except FencedError as exc:
            self._fence(ALREADY_COMMITTED, tenant=exc.tenant, unit=exc.unit, seq=seq, first=exc.first)
        except ServiceUnavailableError:
            pass  # alert changes kept unwritten by commit; written with the unit's next commit
        except Exception:
            log.exception("partition record failed", partition=self.partition, seq=seq)
            raise

    async def _apply(self, seq: int, record: dict[str, Any], te: TenantEngine, scope: Scope) -> None:
        tenant, self.position = te.tenant, max(self.position, seq)
        if seq <= te.position:
            return  # included in the unit's checkpoint
        kind = record.get("kind")
        if kind == "events":  # big batches in cep's evaluation threads; the tenant is charged its CPU time
            events, meter = [Event.from_dict(e) for e in record["events"]], CpuMeter()
            result = await evaluate(te.engine, events, float(record["now"]), meter)
            self.host.budget.charge(tenant, meter.seconds, floor=-self.host.budget.burst_s)  # admitted before
            observe_watermark_lag(self.host.now(), result.watermark)
        elif kind == "tick":
            self._tick_pending.discard((tenant, scope))
            result = te.engine.idle_advance(float(record["now"]))
        elif kind == "forget":
            te.engine.forget_alert(str(record["rule"]), str(record["fingerprint"]))
            result = IngestResult()
        else:
            log.warning("unknown record kind skipped", partition=self.partition, seq=seq, kind=kind)
            result = IngestResult()
        te.position = seq
        if seq > self.applied[(tenant, scope)] and (result.transitions or result.notifications or te.unwritten):
            await self.host.commit(te, result, seq)

    async def _periodic(self) -> None:
        tick_s = self.settings.schedule_tick_s
        last_refresh = time.monotonic()
        while not self.fenced:
            await asyncio.sleep(tick_s)
            raise_if_cancel_lost()  # a cancel lost in the last round's NATS request ends the timer all the same
            if not self.lease_held():
                continue
            try:
                async with self.lock:
                    if self.fenced:
                        return
                    await self._ticks()
                    if time.monotonic() - last_refresh >= self.settings.partition_refresh_s:
                        last_refresh = time.monotonic()
                        watching = await units_watching(self.host.db, self.partition, self.settings.partitions)
                        for tenant, scope in watching:  # expected keys fire without any event of theirs
                            await self._unit(tenant, scope)
                        await self._refresh()
                    if self.position > self.checkpointed and (
                        time.monotonic() - self.started_at >= self.settings.checkpoint_interval_s
                    ):
                        await self.checkpoint()
            except asyncio.CancelledError:
                raise
            except Exception:
                raise_if_cancel_lost()  # a cancel that nats-py turned into an error
                log.exception("partition timer round failed; continuing", partition=self.partition)

    async def _ticks(self) -> None:
        """Idle progress: a tick that would move a unit's time is appended to the partition (and applied
        when read back, in stream order); one at a time per unit."""
        if not self.settings.idle_progress and not self.settings.tenant_time:
            return
        now = self.host.now()
        due = []
        for key, te in self.units.items():
            if key in self._tick_pending:
                continue
            if te.engine.idle_progress_due(now):
                due.append(key)
            else:
                te.engine.tick(now)  # at most starts the idle count
        for tenant, scope in due:
            record = {"tenant": tenant, "scope": scope, "kind": "tick", "now": now}
            await self.stream.publish(self.partition, encode_record(record))
            self._tick_pending.add((tenant, scope))

    async def _refresh(self) -> None:
        """Apply rule and silence changes of the loaded tenants; checkpoint when any changed (a replay must
        not apply earlier records with the new rules)."""
        changed = False
        for tenant in {t for t, _ in self.units}:
            async with read(self.host.db) as s:
                rows = await RuleRepository(s, tenant).all_rules(enabled_only=True)
                silences = [silence_from_row(r) for r in await SilenceRepository(s, tenant).all_silences()]
                routing = await load_routing(s, tenant)
            signature = _signature(rows)
            scopes: tuple[Scope, ...] = ("keyed", "tenant")
            for scope in scopes:
                te = self.units.get((tenant, scope))
                if te is None:
                    continue
                te.engine.set_silences(silences)
                changed = te.engine.set_routing(routing) or changed
                if signature != self._rules_seen.get((tenant, scope)):
                    wanted = self._rules_of(rows, scope)
                    for rule in te.engine.rules:
                        if rule.name not in wanted:
                            te.engine.remove_rule(rule.name)
                    for rule in wanted.values():
                        te.engine.add_rule(rule)
                    te.rule_ids = {r.name: r.id for r in rows}
                    changed = True
                lists = await apply_stored_lists(self.host.db, tenant, te.engine, te.rule_ids)
                changed = changed or lists != self._lists_seen.get((tenant, scope))
                self._lists_seen[(tenant, scope)] = lists
                self._rules_seen[(tenant, scope)] = signature
        if changed:
            await self.checkpoint()

    async def checkpoint(self) -> bool:
        """Save every unit at the partition's position in one transaction, then purge the stream below it.
        Skipped while a unit has unwritten alert changes (their records must stay). Written only under this
        runner's epoch: once another runner claimed the partition, nothing is saved or purged and this
        runner is fenced. A unit whose own position is later (its checkpoint was not reached yet in the
        replay) keeps it: a unit's checkpoint never goes back."""
        if self.fenced:
            return False
        for te in self.units.values():
            if te.unwritten:
                try:
                    await self.host.commit(te, IngestResult())
                except FencedError as exc:
                    self._fence(ALREADY_COMMITTED, tenant=exc.tenant, unit=exc.unit, first=exc.first, seq=exc.position)
                    return False
                except ServiceUnavailableError:
                    return False
        position = self.position
        saved = {key: max(position, te.position) for key, te in self.units.items()}
        try:
            async with self.host.db.session() as s:
                if not await PartitionEpochs(s).holds(self.partition, self.epoch):
                    raise _Superseded
                for key, te in self.units.items():
                    await CheckpointRepository(s, te.tenant).save(te.engine.snapshot(), saved[key], te.unit)
        except _Superseded:
            self._fence("another runner claimed the partition; checkpoint not saved", position=position)
            return False
        except Exception as exc:
            log.warning("partition checkpoint not saved", partition=self.partition, error=repr(exc))
            return False
        for key, te in self.units.items():
            te.position = te.checkpointed = saved[key]
        self.checkpointed, self.started_at = position, time.monotonic()
        with contextlib.suppress(Exception):
            await self.stream.purge_below(self.partition, position + 1)
        return True


def _signature(rows: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(sorted((r.id, r.revision, r.enabled) for r in rows))
