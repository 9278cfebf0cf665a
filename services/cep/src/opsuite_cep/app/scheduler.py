"""SCHEDULE rules: run an api_manager API on a cron or interval, test the condition, fire or resolve.

Each tick looks at every enabled SCHEDULE rule; a due rule executes its API through the common client
(deadline + breaker). A failure (api_manager down, breaker open, execution failed) is counted in the
rule's stats and logged, and the rule runs again at its next fire time: the scheduler never crashes.
Alerts use wall-clock time and go through the same alert + outbox transaction as engine alerts.
Fire times are kept in memory: after a restart the first run is one period after start-up.
``schedule_first_run_at_once`` (dev/test only) runs a new, changed or restarted rule at the next tick
instead. The scheduler reads the time and sleeps between ticks through a :class:`SchedulerClock`
(the real one unless a test injects ``opsuite_common.testing.clock.FakeClock``). Each round of the loop
also calls :meth:`EngineHost.tick` with that clock's time: idle progress, so that a quiet tenant's
absences and ``for`` alerts fire by the clock (the host reads the same clock).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from opsuite_cep.app._session import read
from opsuite_cep.app.engines import EngineHost, rule_from_row, silence_from_row
from opsuite_cep.config import Settings
from opsuite_cep.db import AlertRepository, ScheduleIndex, SilenceRepository
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
from opsuite_common.db import Database, utcnow
from opsuite_common.errors import OpsuiteError
from opsuite_common.logging import get_logger

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
        #: rule id -> {runs, failures, last_error, next_run}
        self.stats: dict[str, dict[str, Any]] = {}
        self._next: dict[str, tuple[int, datetime]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the tick loop."""
        self._task = asyncio.create_task(self._run(), name="cep-scheduler")

    async def stop(self) -> None:
        """Stop the loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        # One loop, one sleeper on the clock: SCHEDULE rules, then idle progress of the loaded tenants
        # (docs/cep-semantics.md, Time without events #24), both at the clock's time.
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler tick failed; continuing")
            try:
                await self.host.tick(self.clock.now().timestamp())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("idle-progress tick failed; continuing")
            await self.clock.sleep(self.settings.schedule_tick_s)

    async def tick(self, now: datetime | None = None) -> int:
        """Run every due rule once (at ``now``, by default the clock's time); returns how many ran."""
        now = now or self.clock.now()
        async with read(self.db) as s:
            rows = await ScheduleIndex(s).enabled_schedule_rules()
        seen, ran = set(), 0
        for row in rows:
            seen.add(row.id)
            try:
                rule = rule_from_row(row)
            except OpsuiteError:
                continue
            planned = self._next.get(row.id)
            if planned is None or planned[0] != row.revision:
                first = now if self.settings.schedule_first_run_at_once else next_fire(rule, now)
                planned = (row.revision, first)
                self._next[row.id] = planned
            stats = self.stats.setdefault(row.id, {"runs": 0, "failures": 0, "last_error": "", "next_run": None})
            if now >= planned[1]:
                ran += 1
                await self._run_rule(row.tenant, row.id, rule, now, stats)
                self._next[row.id] = (row.revision, next_fire(rule, now))
            stats["next_run"] = self._next[row.id][1]
        for gone in set(self._next) - seen:
            self._next.pop(gone, None)
        return ran

    async def _run_rule(self, tenant: str, rule_id: str, rule: Rule, now: datetime, stats: dict[str, Any]) -> None:
        spec = rule.spec
        assert isinstance(spec, ScheduleSpec)
        stats["runs"] += 1
        try:
            result = await self.execute_api(tenant, spec.api, spec.params)
        except OpsuiteError as exc:
            stats["failures"] += 1
            stats["last_error"] = f"{exc.reason}: {exc.message}"
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
            tr = AlertTransition(
                fingerprint=fp,
                rule=rule.name,
                state=state,
                at=at,
                severity=str(rule.severity),
                labels=labels,
                annotations=dict(rule.annotations),
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
                    Notification(
                        fp, rule.name, ch, kind, at, str(rule.severity), labels, dict(rule.annotations), values
                    )
                    for ch in rule.channels
                ]
            await self.host.commit(te, out)
