"""SCHEDULE rules: run an api_manager API on a cron or interval, test the condition, fire or resolve.

Each tick looks at every enabled SCHEDULE rule; a due rule executes its API through the common client
(deadline + breaker). A failure (api_manager down, breaker open, execution failed) is counted in the
rule's stats and logged, and the rule runs again at its next fire time: the scheduler never crashes.
Alerts use wall-clock time and go through the same alert + outbox transaction as engine alerts. Each round
also refreshes the key lists of absent-key rules (:mod:`opsuite_cep.app.expected_keys`).

The plan of every rule is stored in the database (``cep_schedule_state``, :class:`ScheduleStateRepository`),
so any number of schedulers (replicas) on one database share it and a restart resumes it:

* a rule without a plan, or whose plan was computed for an older revision, is planned at the first tick
  that sees it: one interval (or cron period) later, or at once with ``schedule_first_run_at_once``
  (dev/test). Planning is insert-if-absent / compare-and-set on the revision: one scheduler plans it.
* a due run is claimed with one conditional UPDATE (compare-and-set on the stored ``next_run_at`` and on
  the claim being free or expired): of all schedulers exactly one runs it. The winner runs the rule, then
  stores the following fire time (``next_fire`` from the tick's time) and frees the claim.
* a run whose stored fire time passed while no scheduler ran (every replica down) runs at the next tick,
  once, not once per missed period.
* a claim still held ``schedule_claim_timeout_s`` after it was taken (its scheduler died mid-run) is taken
  over and the run repeated (at least once on a crash, exactly once otherwise). A scheduler that finishes
  after its claim was taken over leaves the new plan alone.

Run counters (``stats``) are per process; ``next_run`` there is the stored plan. The scheduler reads the
time and sleeps between ticks through a :class:`SchedulerClock` (the real one unless a test injects
``opsuite_common.testing.clock.FakeClock``); claims compare instants of that clock, so replicas' clocks
must agree to well within the claim timeout. Each round of the loop also calls :meth:`EngineHost.tick`
with that clock's time: idle progress, so that a quiet tenant's absences and ``for`` alerts fire by the
clock (the host reads the same clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from opsuite_cep.app._session import read
from opsuite_cep.app.background_runs import BackgroundRuns, fair_order
from opsuite_cep.app.engines import EngineHost, rule_from_row, silence_from_row
from opsuite_cep.config import Settings
from opsuite_cep.db import (
    AlertRepository,
    RuleRow,
    ScheduleIndex,
    ScheduleStateRepository,
    ScheduleStateRow,
    SilenceRepository,
)
from opsuite_cep.domain import (
    AlertState,
    AlertTransition,
    IngestResult,
    Notification,
    NotificationKind,
    Rule,
    ScheduleSpec,
    alert_labels,
    fingerprint,
    next_fire,
    result_matches,
)
from opsuite_cep.domain.templates import alert_data, compile_map, render_all
from opsuite_common.cancellation import raise_if_cancel_lost
from opsuite_common.db import Database, utcnow
from opsuite_common.errors import OpsuiteError
from opsuite_common.logging import get_logger
from opsuite_common.tracing import mark_current_failed, span

__all__ = ["Scheduler", "SchedulerClock", "SystemClock"]

log = get_logger("opsuite.cep.scheduler")

ExecuteApi = Callable[[str, str, Mapping[str, Any]], Awaitable[dict[str, Any]]]


class SchedulerClock(Protocol):
    """Where the scheduler reads the wall-clock time and waits between ticks."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after ``seconds`` of this clock's time."""
        ...


class SystemClock:
    """The real clock: UTC wall time and ``asyncio.sleep``."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return utcnow()

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of real time."""
        await asyncio.sleep(seconds)


class Scheduler:
    """Background runner of SCHEDULE rules."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        host: EngineHost,
        execute_api: ExecuteApi,
        *,
        clock: SchedulerClock | None = None,
    ) -> None:
        self.db, self.settings, self.host, self.execute_api = db, settings, host, execute_api
        self.clock: SchedulerClock = clock or SystemClock()
        #: rule id -> {runs, failures, last_error, next_run}: the runs of this process, the stored plan.
        self.stats: dict[str, dict[str, Any]] = {}
        #: Who holds a claim (``cep_schedule_state.claimed_by``): host, process and a random suffix.
        self.instance_id = f"{socket.gethostname()[:96]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._task: asyncio.Task[None] | None = None
        #: SCHEDULE runs in flight (key-list refreshes have their own, ``KeyListRefresher.runs``).
        self.runs = BackgroundRuns(settings.schedule_max_runs_per_tenant, settings.schedule_max_runs, "cep-schedule")
        #: Refreshes the key lists of absent-key rules in each round (``KeyListRefresher``; set by the wiring).
        self.refresher: Any = None

    def start(self) -> None:
        """Start the tick loop."""
        self._task = asyncio.create_task(self._run(), name="cep-scheduler")

    async def stop(self) -> None:
        """Stop the loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.runs.stop()
        if self.refresher is not None:
            await self.refresher.runs.stop()

    async def _run(self) -> None:
        # One loop, one sleeper on the clock: start the due SCHEDULE runs and key-list refreshes, wait for them
        # at most schedule_round_wait_s (a slow tenant API goes on in the background, holding its claim, and holds back
        # no other tenant), then idle progress of the loaded tenants (docs/cep-semantics.md, Time without
        # events #24), all at the clock's time.
        while True:
            raise_if_cancel_lost()
            started: list[asyncio.Task[Any]] = []
            try:
                started += await self.start_due(self.clock.now())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler tick failed; continuing")
            try:
                if self.refresher is not None:
                    started += await self.refresher.start_due(self.clock.now())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("expected keys refresh failed; continuing")
            if started:
                await asyncio.wait(started, timeout=self.settings.schedule_round_wait_s)
            try:
                await self.host.tick(self.clock.now().timestamp())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("idle-progress tick failed; continuing")
            await self.clock.sleep(self.settings.schedule_tick_s)

    async def tick(self, now: datetime | None = None) -> int:
        """Run every due rule that this scheduler claims (at ``now``, by default the clock's time) and wait for
        the runs; returns how many it ran."""
        started = await self.start_due(now or self.clock.now())
        if started:
            await asyncio.gather(*started)
        return len(started)

    async def start_due(self, now: datetime) -> list[asyncio.Task[Any]]:
        """Start, as background runs, the due rules that this scheduler claims, within the tenants' share of
        runs in flight (:class:`BackgroundRuns`); returns the runs started."""
        async with read(self.db) as s:
            plans = await ScheduleStateRepository(s).plans()  # before the rules: a plan's rule is among them
            rows = await ScheduleIndex(s).enabled_schedule_rules()
        started: list[asyncio.Task[Any]] = []
        deferred: dict[str, int] = {}
        for row in fair_order(rows, lambda r: r.tenant, self.runs.next_turn()):
            try:
                rule = rule_from_row(row)
            except OpsuiteError:
                continue
            stats = self.stats.setdefault(row.id, {"runs": 0, "failures": 0, "last_error": "", "next_run": None})
            plan = plans.get(row.id)
            if plan is None or plan.revision < row.revision:
                plan = await self._plan(row, rule, plan, now)
            if plan is None or plan.revision != row.revision:
                continue  # deleted meanwhile, or planned for a revision newer than this read of the rule
            stats["next_run"] = plan.next_run_at
            key = f"schedule:{row.id}"
            if now < plan.next_run_at or self.runs.busy(key):
                continue
            if not self.runs.has_room(row.tenant):
                deferred[row.tenant] = deferred.get(row.tenant, 0) + 1  # stays due: a later round runs it
                continue
            if await self._claim(plan, now):
                started.append(self.runs.start(key, row.tenant, self._run_claimed(row, rule, plan, now, stats)))
        if deferred:
            log.debug(
                "due schedule runs deferred: their tenant (or the process) is at its share of runs in flight",
                deferred=deferred,
                per_tenant=self.runs.per_tenant,
                total=self.runs.total,
            )
        gone = set(plans) - {row.id for row in rows}
        if gone:
            async with self.db.session() as s:
                await ScheduleStateRepository(s).forget(gone)
        return started

    async def _run_claimed(
        self, row: RuleRow, rule: Rule, plan: ScheduleStateRow, now: datetime, stats: dict[str, Any]
    ) -> None:
        """One claimed run: execute, fire or resolve, then store the next fire time and free the claim."""
        try:
            # Each run starts a trace of its own; its ExecuteApi call carries it to api_manager.
            with span("cep.schedule", {"opsuite.cep.rule": rule.name, "opsuite.cep.rule.id": row.id}):
                await self._run_rule(row.tenant, row.id, rule, now, stats)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # e.g. the alert commit failed: free the claim, the next tick runs it again
            stats["failures"] += 1
            stats["last_error"] = f"{exc.reason}: {exc.message}" if isinstance(exc, OpsuiteError) else repr(exc)
            log.exception("schedule rule run failed; retrying at the next tick", rule_id=row.id)
            await self._complete(plan, plan.next_run_at)
            return
        following = next_fire(rule, now)
        if await self._complete(plan, following):
            stats["next_run"] = following

    async def _plan(
        self, row: RuleRow, rule: Rule, seen: ScheduleStateRow | None, now: datetime
    ) -> ScheduleStateRow | None:
        """Plan a new or changed rule, unless another scheduler did first; returns the plan now stored."""
        first = now if self.settings.schedule_first_run_at_once else next_fire(rule, now)
        async with self.db.session() as s:
            repo = ScheduleStateRepository(s)
            if seen is None:
                await repo.plan(row.id, row.revision, first)
            else:
                await repo.replan(row.id, seen.revision, row.revision, first)
            stored = await repo.get(row.id)
            s.expunge_all()
        return stored

    async def _claim(self, plan: ScheduleStateRow, now: datetime) -> bool:
        """Claim the due run of ``plan`` for this scheduler (False: another one holds or has run it)."""
        if plan.claimed_until is not None and now < plan.claimed_until:
            return False  # held by a scheduler that is running it (or has not been gone for long enough)
        until = now + timedelta(seconds=self.settings.schedule_claim_timeout_s)
        async with self.db.session() as s:
            won = await ScheduleStateRepository(s).claim(
                plan.rule_id, plan.revision, plan.next_run_at, self.instance_id, now, until
            )
        if won and plan.claimed_by:
            log.warning("took over an expired schedule claim", rule_id=plan.rule_id, claimed_by=plan.claimed_by)
        return won

    async def _complete(self, plan: ScheduleStateRow, following: datetime) -> bool:
        """Store the fire time after this run and free the claim, unless the claim was lost meanwhile."""
        async with self.db.session() as s:
            done = await ScheduleStateRepository(s).complete(
                plan.rule_id, plan.revision, plan.next_run_at, self.instance_id, following
            )
        if not done:
            log.warning(
                "schedule claim lost during the run (taken over, or the rule changed); the stored plan stands",
                rule_id=plan.rule_id,
            )
        return done

    async def _run_rule(self, tenant: str, rule_id: str, rule: Rule, now: datetime, stats: dict[str, Any]) -> None:
        spec = rule.spec
        assert isinstance(spec, ScheduleSpec)
        stats["runs"] += 1
        try:
            result = await self.execute_api(tenant, spec.api, spec.params)
        except OpsuiteError as exc:
            stats["failures"] += 1
            stats["last_error"] = f"{exc.reason}: {exc.message}"
            mark_current_failed(exc.reason)
            log.warning(
                "schedule rule run failed; retrying at the next tick",
                tenant=tenant,
                rule=rule.name,
                reason=exc.reason,
                error=exc.message,
            )
            return
        stats["last_error"] = ""
        matched = result_matches(rule, result, now.timestamp())
        await self._apply(tenant, rule, matched, result, now.timestamp())

    async def _apply(self, tenant: str, rule: Rule, matched: bool, result: Mapping[str, Any], at: float) -> None:
        fp = fingerprint(rule.name, {})
        labels = alert_labels(rule, {})
        te = await self.host.get(tenant)
        async with te.lock:
            async with read(self.db) as s:
                active = await AlertRepository(s, tenant).active_id(fp)
                silences = [silence_from_row(r) for r in await SilenceRepository(s, tenant).all_silences()]
            if matched == (active is not None):
                return  # firing stays firing (dedup), quiet stays quiet
            state = AlertState.FIRING if matched else AlertState.RESOLVED
            silenced = any(sl.mutes(labels, at) for sl in silences)
            values = {k: v for k, v in result.items() if k != "rows"}
            templates = compile_map(rule.annotations)
            annotations = (
                dict(rule.annotations) if templates is None else render_all(templates, alert_data(labels, values))
            )
            tr = AlertTransition(
                fingerprint=fp,
                rule=rule.name,
                state=state,
                at=at,
                severity=str(rule.severity),
                labels=labels,
                annotations=annotations,
                values=values,
                starts_at=at,
                fired_at=at if matched else None,
                ends_at=None if matched else at,
                silenced=silenced,
            )
            out = IngestResult(transitions=[tr])
            if not silenced and (matched or rule.send_resolved):
                kind = NotificationKind.FIRING if matched else NotificationKind.RESOLVED
                out.notifications = [
                    Notification(fp, rule.name, ch, kind, at, str(rule.severity), labels, annotations, values)
                    for ch in rule.channels
                ]
            await self.host.commit(te, out)
