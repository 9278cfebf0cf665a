"""Engine hosting: one domain :class:`Engine` per tenant, loaded lazily, restored from its checkpoint
and the event log after a restart.

Durability (docs/architecture/cep.md, The event log): everything that moves an engine is first appended
to the event log (:mod:`opsuite_cep.app.eventlog`), then applied, then its alert changes are committed
together with the tenant's log cursor. A checkpoint (the engine's snapshot and the log position it
includes) is saved every ``checkpoint_interval_s`` while records arrive, after rule changes and manual
resolutions, and at a graceful stop; the log is trimmed up to it. Loading a tenant restores the
checkpoint and replays the records after it: the engine is deterministic given the records and the
times they carry, and the alert changes of records at or before the cursor were committed already, so
none is written twice and none is lost.

Every change to alert state goes through :meth:`EngineHost.commit`, which writes transitions, change
cursors and outbox rows in **one** transaction while the tenant's lock is held, so alert history is
written in engine order.

Time (docs/cep-semantics.md, Time without events #24-#25): the host reads one clock (the scheduler's,
so a test's ``FakeClock`` drives both). It bounds the future skew of each published event and, at each
:meth:`EngineHost.tick` (the scheduler calls it every ``schedule_tick_s``), lets every loaded tenant that
has been idle for its ``idle_timeout`` make progress by that clock. :meth:`EngineHost.dry_run` (TestRule)
builds a private engine with the same policy, the tenant's silences and the same lateness.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.app._rows import rule_from_row, silence_from_row
from opsuite_cep.app._session import read
from opsuite_cep.app.dry_run import dry_run_partitioned
from opsuite_cep.app.engine_budget import EngineBudget
from opsuite_cep.app.engine_refresh import refresh_from_store
from opsuite_cep.app.evaluation import CpuMeter, evaluate, replay_page, run_to_end
from opsuite_cep.app.eventlog import EventLog, NoLog, RecordKind
from opsuite_cep.app.expected_keys import apply_stored_lists, expected_keys_of, tenants_watching
from opsuite_cep.app.notifier import Notifier
from opsuite_cep.config import Settings
from opsuite_cep.db.alerts import AlertChange, AlertRepository
from opsuite_cep.db.eventlog import LogCursorRepository
from opsuite_cep.db.models import RuleRow
from opsuite_cep.db.repositories import CheckpointRepository, RuleRepository, SilenceRepository
from opsuite_cep.db.routing import load_routing
from opsuite_cep.domain import Engine, Event, IngestResult, Limits, Rule, Silence
from opsuite_cep.domain.partitioning import scope_of
from opsuite_cep.domain.routing import Routing
from opsuite_common.db import Database
from opsuite_common.errors import ServiceUnavailableError
from opsuite_common.logging import get_logger
from opsuite_common.metrics import histogram

__all__ = ["EngineHost", "FencedError", "Notifier", "TenantEngine", "rule_from_row", "silence_from_row"]

log = get_logger("opsuite.cep.engines")

_EVAL = histogram("opsuite_cep_evaluation_seconds", "Engine evaluation time of one batch of events.")


class FencedError(Exception):
    """A partition unit's alert changes were not written: another owner already committed records from
    ``first`` on (the unit's log cursor did not move), so this engine's owner is stale. Nothing was written,
    and the unit writes nothing more."""

    def __init__(self, tenant: str, unit: str, first: int, position: int) -> None:
        super().__init__(f"unit {unit} of tenant {tenant}: records {first}..{position} already committed")
        self.tenant, self.unit, self.first, self.position = tenant, unit, first, position


#: Log records read per query while a tenant is replayed.
REPLAY_PAGE = 1_000


@dataclass
class TenantEngine:
    """A tenant's engine, its lock, rule ids by name, results not yet written (database down) with the
    log position each came from (0: not from the log), and where the engine and its checkpoint are."""

    tenant: str
    engine: Engine
    rule_ids: dict[str, str]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    unwritten: list[tuple[IngestResult, int]] = field(default_factory=list)
    #: Held by the (shielded) write of alert changes, so a cancelled caller never leaves two writers.
    commit_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: The engine unit ("" for the tenant's one engine; ``p<partition>.<scope>`` on a partition's owner).
    unit: str = ""
    #: The last log record the engine applied, and the one its stored checkpoint includes.
    position: int = 0
    checkpointed: int = 0
    checkpointed_at: float = field(default_factory=time.monotonic)
    #: The last (shielded) write of alert changes, which outlives a cancelled caller.
    writing: asyncio.Future[list[AlertChange]] | None = None
    #: A unit whose commit found its records committed by another owner: it never writes again (runner stops).
    fenced: bool = False


class EngineHost:
    """Owns every tenant's engine; the only writer of engine-driven alert changes."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        notifier: Notifier,
        wake_dispatcher: Any = None,
        *,
        clock: Callable[[], float] = time.time,
        log: EventLog | None = None,
    ) -> None:
        """``clock`` reads the wall clock in epoch seconds (tests inject the scheduler's fake clock);
        ``log`` is the event log (none: nothing is logged, see :class:`~opsuite_cep.app.eventlog.NoLog`)."""
        self.db, self.settings, self.notifier = db, settings, notifier
        self.log: EventLog = log if log is not None else NoLog()
        self.now = clock
        self._engines: dict[str, TenantEngine] = {}
        self._resumed = False  # tenants with a stored checkpoint are loaded at the first tick
        #: Loads in progress, one shared task per tenant (a caller's cancel never cuts one short).
        self._loading: dict[str, asyncio.Future[TenantEngine]] = {}
        self._dry_run_locks: dict[str, asyncio.Lock] = {}
        #: Changes (rules, silences, routing) saved while a tenant's engine was loading.
        self._unloaded_changes: dict[str, int] = {}
        self._wake_dispatcher = wake_dispatcher or (lambda: None)
        self.budget = EngineBudget(settings.tenant_engine_share, settings.tenant_engine_burst_s)

    def changed_unloaded(self, tenant: str) -> None:
        """A rule, silence or routing change found ``tenant``'s engine not loaded: if it is loading, the load
        applies the stored state once more before its engine is used (``app/engine_refresh.py``)."""
        if tenant in self._loading:
            self._unloaded_changes[tenant] = self._unloaded_changes.get(tenant, 0) + 1

    def loaded(self, tenant: str) -> TenantEngine | None:
        """The tenant's engine if it is loaded."""
        return self._engines.get(tenant)

    async def get(self, tenant: str) -> TenantEngine:
        """The tenant's engine, loading its enabled rules, silences and checkpoint on first use."""
        if (te := self._engines.get(tenant)) is not None:
            return te
        loading = self._loading.get(tenant)
        if loading is None:
            loading = self._loading[tenant] = asyncio.ensure_future(self._install(tenant))
            loading.add_done_callback(lambda _: self._loading.pop(tenant, None))
        return await asyncio.shield(loading)

    async def _install(self, tenant: str) -> TenantEngine:
        te = await self._load(tenant)  # reads the rules, silences and routing first, then replays
        if not self._unloaded_changes.pop(tenant, 0):
            self._engines[tenant] = te
            return te
        async with te.lock:  # changes saved during the load: later ones wait for this lock
            self._engines[tenant] = te
            try:
                await refresh_from_store(self, te)
            except BaseException:
                # Not left in place with the rules it read before the change: the next caller loads again.
                self._engines.pop(tenant, None)
                raise
        return te

    def new_engine(
        self,
        tenant: str,
        rules: Iterable[Rule],
        silences: Iterable[Silence],
        routing: Routing | None = None,
        owns_key: Callable[[str], bool] | None = None,
    ) -> Engine:
        """An engine with the tenant's time policy, the service's default lateness and its ``routing``;
        ``owns_key`` picks the expected keys it watches (a partition's)."""
        policy = self.settings.time_policy(tenant)
        return Engine(
            rules,
            limits=Limits(max_window_samples=self.settings.max_window_samples_per_rule),
            allowed_lateness=self.settings.allowed_lateness_s,
            silences=silences,
            idle_timeout=policy.idle_timeout,
            max_future_skew=policy.max_future_skew,
            routing=routing,
            owns_key=owns_key,
        )

    async def _silences(self, tenant: str) -> list[Silence]:
        async with read(self.db) as s:
            return [silence_from_row(r) for r in await SilenceRepository(s, tenant).all_silences()]

    async def _load(self, tenant: str) -> TenantEngine:
        async with self.db.session() as s:
            rows = await RuleRepository(s, tenant).all_rules(enabled_only=True)
            silences = [silence_from_row(r) for r in await SilenceRepository(s, tenant).all_silences()]
            checkpoint = await CheckpointRepository(s, tenant).load()
            applied = await LogCursorRepository(s, tenant).applied()
            routing = await load_routing(s, tenant)
        rules = []
        for row in rows:
            try:
                rules.append(rule_from_row(row))
            except Exception:
                log.exception("stored rule no longer parses; it is skipped", tenant=tenant, rule=row.name)
        engine = self.new_engine(tenant, rules, silences, routing)
        te = TenantEngine(tenant, engine, {r.name: r.id for r in rows})
        if checkpoint is not None:
            snapshot, te.position = checkpoint
            te.checkpointed = te.position
            try:
                skipped = engine.restore(snapshot)
                log.info("engine restored from checkpoint", tenant=tenant, rules=len(rules), skipped=skipped)
            except (ValueError, KeyError, TypeError):
                log.exception("checkpoint could not be restored; starting with empty state", tenant=tenant)
        await apply_stored_lists(self.db, tenant, engine, te.rule_ids)  # as rules: before the replay
        await self._replay(te, applied)
        return te

    async def _replay(self, te: TenantEngine, applied: int) -> None:
        """Apply the log records after the checkpoint; write the alert changes of those after ``applied``.

        Idle time then counts from the first tick (docs/cep-semantics.md, Time without events #24): senders
        get ``idle_timeout`` to deliver what they held while cep was down before time moves on.
        """
        engine, replayed, more = te.engine, 0, True
        while more:
            records = await self.log.read(te.tenant, te.position, REPLAY_PAGE)
            more = len(records) == REPLAY_PAGE
            # A page may hold up to REPLAY_PAGE full batches: applied in a worker thread (app/evaluation.py).
            replayed += await run_to_end(functools.partial(replay_page, te, records, applied))
        engine.last_arrival = None
        if replayed:
            log.info("event log replayed", tenant=te.tenant, records=replayed, position=te.position)
        if te.unwritten:
            await self._write_unwritten(te)

    async def append(self, te: TenantEngine, kind: RecordKind, now: float, events: Sequence[Event] = ()) -> int:
        """Append a record for ``te`` before its engine applies it; call with ``te.lock`` held.

        A failed append applies nothing: the caller gets UNAVAILABLE and may send the same input again.
        """
        try:
            return await self.log.append(te.tenant, kind, now, events)
        except Exception as exc:
            log.warning("event log append failed; nothing applied", tenant=te.tenant, error=repr(exc))
            raise ServiceUnavailableError(
                "the events could not be stored in the event log, so none of them was applied; "
                "send them again (events already applied are recognised as duplicates)",
                reason="EVENT_LOG_UNAVAILABLE",
            ) from exc

    async def publish(self, tenant: str, events: Sequence[Event]) -> tuple[IngestResult, list[AlertChange]]:
        """Append the batch to the log, apply it and commit the alert changes it caused.

        Runs shielded from the caller's cancellation once started: a batch in the log is always applied by
        this process too, so the live engine and a later replay never differ.
        """
        te = await self.get(tenant)
        return await asyncio.shield(asyncio.ensure_future(self._publish(te, events)))

    async def _publish(self, te: TenantEngine, events: Sequence[Event]) -> tuple[IngestResult, list[AlertChange]]:
        async with te.lock:
            self.budget.check(te.tenant)  # before the log: a refused batch leaves no trace
            now = self.now()
            position = await self.append(te, "events", now, events)
            started, meter = time.perf_counter(), CpuMeter()
            result = await evaluate(te.engine, events, now, meter)
            _EVAL.observe(time.perf_counter() - started)
            self.budget.charge(te.tenant, meter.seconds)
            te.position = position
            return result, await self.commit(te, result, position)

    async def rule_changed(self, tenant: str, row: RuleRow | None, old_name: str | None = None) -> None:
        """Apply a saved rule (or a deletion when ``row`` is None) to a loaded engine; a rule that watches
        expected keys loads the engine (it fires without any event)."""
        te = self._engines.get(tenant)
        if te is None and row is not None and row.enabled and not self.settings.partitions:
            te = await self.get(tenant) if expected_keys_of(rule_from_row(row)) is not None else None
        if te is None:
            self.changed_unloaded(tenant)
            return
        async with te.lock:
            if old_name is not None and (row is None or row.name != old_name):
                te.engine.remove_rule(old_name)
                te.rule_ids.pop(old_name, None)
            if row is not None:
                te.engine.add_rule(rule_from_row(row))
                te.rule_ids[row.name] = row.id
                await apply_stored_lists(self.db, tenant, te.engine, te.rule_ids)
            await self.checkpoint(te)  # a replay must not apply the records before it with the new rules

    async def silences_changed(self, tenant: str) -> None:
        """Reload a loaded engine's silences."""
        te = self._engines.get(tenant)
        if te is None:
            self.changed_unloaded(tenant)
            return
        silences = await self._silences(tenant)
        async with te.lock:
            te.engine.set_silences(silences)

    async def tick(self, now: float | None = None) -> int:
        """Idle progress of every loaded tenant at ``now`` (the clock's time by default); commits what fired.

        A tenant whose write fails keeps its results for its next commit (as :meth:`commit`); the other
        tenants go on. Returns how many alert transitions the tick produced.
        """
        now = self.now() if now is None else now
        if not self._resumed:
            await self._resume()
        produced = 0
        for tenant in self.tenants():
            te = self._engines.get(tenant)
            if te is None:
                continue
            async with te.lock:
                position = 0
                if te.engine.idle_progress_due(now):
                    try:
                        position = await self.append(te, "tick", now)
                    except ServiceUnavailableError:
                        continue  # time does not move unlogged; the next tick tries again
                    result = te.engine.idle_advance(now)
                    te.position = position
                else:
                    result = te.engine.tick(now)  # at most starts the idle count
                produced += len(result.transitions)
                if result.transitions or result.notifications or te.unwritten:
                    try:
                        await self.commit(te, result, position)
                    except ServiceUnavailableError:
                        continue  # kept in te.unwritten and logged by commit; written at a later tick or call
                if self._checkpoint_due(te):
                    await self.checkpoint(te)
        return produced

    def _checkpoint_due(self, te: TenantEngine) -> bool:
        return (
            self.log.durable
            and te.position > te.checkpointed
            and time.monotonic() - te.checkpointed_at >= self.settings.checkpoint_interval_s
        )

    async def _resume(self) -> None:
        """Load every tenant with a checkpoint or log records (after a restart): its log is replayed, and a
        tenant that sends nothing after the start still makes idle progress (its engine would otherwise
        wait for its first call)."""
        async with read(self.db) as s:
            checkpointed = await CheckpointRepository.tenants(s)
        watching = [] if self.settings.partitions else await tenants_watching(self.db)  # owners run those
        tenants = sorted(set(checkpointed) | set(await self.log.tenants()) | set(watching))
        for tenant in tenants:
            await self.get(tenant)
        self._resumed = True
        if tenants:
            log.info("engines with a checkpoint loaded for idle progress", tenants=len(tenants))

    async def dry_run(self, tenant: str, rule: Rule, events: Sequence[Event], advance_to: float | None) -> IngestResult:
        """TestRule: ``rule`` on a private engine that applies what live ingestion applies.

        The tenant's silences, the service's default lateness (the rule's own wins), the future-skew bound
        against this host's clock, and idle progress on a virtual clock: the events arrive together at the
        time of the newest of them (as one PublishEvents call would), then the clock moves to
        ``advance_to`` with no further event (docs/cep-semantics.md, What TestRule does #26).
        Nothing is stored and nobody is notified. With partitions (``OPSUITE_CEP_PARTITIONS``) a keyed rule
        runs as live does: one engine per partition, each with the events of its keys (transitions come
        partition by partition; the watermark is the slowest partition's).
        """
        silences = await self._silences(tenant)
        # One at a time per tenant, each checked after the one before was charged (cep's 2 evaluation threads).
        async with self._dry_run_locks.setdefault(tenant, asyncio.Lock()):
            self.budget.check(tenant, "TestRule")  # it evaluates as much as a PublishEvents batch
            meter = CpuMeter()
            try:
                return await run_to_end(
                    meter.wrap(functools.partial(self._dry_run, tenant, rule, silences, events, advance_to))
                )
            finally:
                self.budget.charge(tenant, meter.seconds)

    def _dry_run(
        self, tenant: str, rule: Rule, silences: list[Silence], events: Sequence[Event], advance_to: float | None
    ) -> IngestResult:
        if self.settings.partitions and scope_of(rule) == "keyed" and expected_keys_of(rule) is None:
            return dry_run_partitioned(self, tenant, rule, silences, events, advance_to)
        engine = self.new_engine(tenant, [rule], silences)
        wall = self.now()
        horizon = wall + (engine.max_future_skew or 0.0)
        arrival = max((e.time for e in events if e.time <= horizon), default=None)
        out = engine.ingest(events, now=wall, arrived_at=arrival)
        if advance_to is not None:
            out.extend(engine.tick(advance_to))
        out.watermark = engine.rule_watermark(rule.name)
        return out

    async def commit(self, te: TenantEngine, result: IngestResult, position: int = 0) -> list[AlertChange]:
        """Write ``result`` (plus earlier unwritten results) in one transaction; call with ``te.lock`` held.

        ``position`` is the log record the result came from (0: none, e.g. a SCHEDULE rule's run); the
        tenant's log cursor moves to it in the same transaction. The engine has already moved on, so the
        result joins ``te.unwritten`` first and leaves it only once a transaction that contains it has
        committed. The write runs shielded: a caller that is cancelled (deadline, hang-up) does not abort
        it, and a failed write keeps the result for the next commit; that caller gets UNAVAILABLE and may
        resend (duplicates are ignored; the events are in the log already).

        A partition unit's commit is a compare-and-set on its log cursor: if another owner already committed
        these records, nothing is written and :class:`FencedError` is raised (then and at every later call).
        """
        if te.fenced:
            raise FencedError(te.tenant, te.unit, position, position)
        te.unwritten.append((result, position))
        task = te.writing = asyncio.ensure_future(self._write_unwritten(te))
        try:
            return await asyncio.shield(task)
        except (asyncio.CancelledError, FencedError):
            raise
        except Exception as exc:
            log.warning("alert changes not written; kept for the next commit", tenant=te.tenant, error=repr(exc))
            raise ServiceUnavailableError(
                "the events were evaluated but the alerts they caused could not be stored; they will be "
                "written with the next call. Resending the same events is safe (duplicates are ignored)",
                reason="ALERTS_NOT_COMMITTED",
            ) from exc

    async def _write_unwritten(self, te: TenantEngine) -> list[AlertChange]:
        async with te.commit_lock:
            pending = list(te.unwritten)
            if not pending:
                return []  # an earlier write (whose caller was cancelled) already committed it
            changes: list[AlertChange] = []
            if any(r.transitions or r.notifications for r, _ in pending):
                # A unit of a partition reads a durable stream; the tenant's one engine, this host's log.
                durable = bool(te.unit) or self.log.durable
                position = max(p for _, p in pending) if durable else 0
                # A unit's cursor must still be below the first record written here (else another owner
                # wrote them: fenced); the tenant's one engine only never moves its cursor back.
                first = min((p for _, p in pending if p), default=position) if te.unit else position
                async with self.db.session() as s:
                    if position:  # first: on PostgreSQL a concurrent owner waits here for this commit
                        moved = await LogCursorRepository(s, te.tenant, te.unit).advance(position, first=first)
                        if not moved and te.unit:
                            te.fenced = True
                            te.unwritten.clear()
                            raise FencedError(te.tenant, te.unit, first, position)  # rolls back
                    for r, _ in pending:
                        changes += await AlertRepository(s, te.tenant).apply_transitions(
                            r.transitions, r.notifications, te.rule_ids
                        )
            del te.unwritten[: len(pending)]  # committed: results added meanwhile stay for the next write
        if changes:
            self.notifier.notify(te.tenant)
        if any(r.notifications for r, _ in pending):
            self._wake_dispatcher()
        return changes

    async def checkpoint(self, te: TenantEngine) -> bool:
        """Save ``te``'s snapshot with its log position, then trim the log up to it; call with ``te.lock``
        held. Skipped (False) while alert changes are unwritten: the records behind them must stay."""
        if te.unwritten:
            try:
                await self._write_unwritten(te)
            except Exception as exc:
                log.warning("checkpoint skipped: alert changes not written", tenant=te.tenant, error=repr(exc))
                return False
        try:
            async with self.db.session() as s:
                await CheckpointRepository(s, te.tenant).save(te.engine.snapshot(), te.position, te.unit)
            te.checkpointed, te.checkpointed_at = te.position, time.monotonic()
            await self.log.trim(te.tenant, te.position)
        except Exception as exc:
            log.warning("checkpoint not saved; the log keeps every record", tenant=te.tenant, error=repr(exc))
            return False
        return True

    async def checkpoint_all(self) -> int:
        """Save every loaded engine's checkpoint (graceful stop); returns how many were saved."""
        saved = 0
        for te in list(self._engines.values()):
            async with te.lock:
                saved += await self.checkpoint(te)
        log.info("engine checkpoints saved", tenants=saved)
        return saved

    def tenants(self) -> Iterable[str]:
        """Tenants with a loaded engine."""
        return list(self._engines)
