"""Use cases of the ops service: ask (and persist), read runs, list tools.

The servicers translate proto <-> these calls; everything here is grpc-free.
:func:`opsuite_ops.app.wiring.build_app` builds the :class:`RunService` from the settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsuite_common.auth import Identity
from opsuite_common.db import Database, utcnow
from opsuite_common.errors import DeadlineExceededError, OpsuiteError, ValidationError
from opsuite_common.metrics import counter, histogram
from opsuite_common.paging import Page, decode_page_token, encode_page_token
from opsuite_common.tracing import span
from opsuite_ops.app.run_log import CANCELLED, RunLog
from opsuite_ops.db import RunRepository, RunRow
from opsuite_ops.domain import (
    Budget,
    BudgetLimits,
    CachedCatalogue,
    CatalogueSnapshot,
    Mode,
    Orchestrator,
    RunEvent,
    RunResult,
    to_jsonable,
)

__all__ = ["RunFilter", "RunService", "jsonable"]

Emit = Callable[[RunEvent], Awaitable[None]]

#: Part of the caller's remaining deadline kept back for composing, persisting and replying.
_DEADLINE_RESERVE_S = 0.5


def jsonable(value: Any) -> Any:
    """``to_jsonable`` plus safety for persistence: non-finite floats and unknown objects become strings."""
    value = to_jsonable(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(jsonable(value), separators=(",", ":"))


_RUNS = counter("opsuite_ops_runs_total", "Ask runs, by outcome.", ("status",))
_PHASES = histogram("opsuite_ops_phase_seconds", "Duration of each phase of a run.", ("phase",))
_ANSWERS = counter("opsuite_ops_answers_total", "Answers by their status: complete, partial, unanswered.", ("status",))


@dataclass(frozen=True, slots=True)
class RunFilter:
    """ListRuns filters: creation time window and status ('' = any)."""

    since: datetime | None = None
    until: datetime | None = None
    status: str = ""

    def scope(self, tenant: str) -> list[str]:
        """What a page token is bound to."""
        return [
            tenant,
            self.since.isoformat() if self.since else "",
            self.until.isoformat() if self.until else "",
            self.status,
        ]


@dataclass(slots=True)
class RunService:
    """The ops use cases (runs and tools); one per server."""

    orchestrator: Orchestrator
    catalogue: CachedCatalogue
    #: The runs' store (one session per use case).
    db: Database
    default_budget: Budget
    limits: BudgetLimits
    #: Writes the run rows (running at the start, then the end).
    run_log: RunLog

    def budget(
        self,
        *,
        max_steps: int | None,
        max_parallelism: int | None,
        total_timeout_s: float | None,
        time_remaining_s: float | None,
    ) -> Budget:
        """The run's budget: caller values (0/None = default) checked against the limits, then bounded by the
        caller's deadline so that the answer (partial if need be) arrives before the call expires."""
        budget = Budget.from_request(
            max_steps=max_steps,
            max_parallelism=max_parallelism,
            total_timeout_s=total_timeout_s,
            limits=self.limits,
            defaults=self.default_budget,
        )
        if time_remaining_s is not None:
            available = time_remaining_s - min(_DEADLINE_RESERVE_S, time_remaining_s * 0.2)
            if available <= 0.05:
                raise DeadlineExceededError(
                    f"the call's deadline ({time_remaining_s:.2f}s left) leaves no time to answer; "
                    "allow at least a second"
                )
            if available < budget.total_timeout_s:
                budget = dataclasses.replace(
                    budget, total_timeout_s=available, call_timeout_s=min(budget.call_timeout_s, available)
                )
        return budget

    async def ask(
        self,
        identity: Identity,
        question: str,
        mode: str,
        budget: Budget,
        *,
        emit: Emit | None = None,
        request_id: str = "",
        started: float | None = None,
    ) -> tuple[RunResult, RunRow]:
        """Run the question through the orchestrator and persist the run (also when it fails).

        The run is stored ``running`` before the orchestrator starts (see ``run_log``), then updated.
        Caller mistakes (ValidationError) are raised without persisting anything. ``started`` is when the
        budget's time began to count (see :meth:`budget`); the orchestrator's deadline counts from it.
        """
        parsed = Mode.parse(mode)
        run_id = uuid.uuid4().hex
        created = utcnow()
        base = {
            "id": run_id,
            "tenant": identity.tenant,
            "subject": identity.subject,
            "question": question,
            "mode": parsed.value,
            "created_at": created,
            "request_id": request_id,
        }
        try:
            await self.run_log.begin(base)
            # The run's span: its phases (and their tool calls) hang under it; it ends with the answer's status.
            with span("ops.run", {"opsuite.run.id": run_id, "opsuite.run.mode": parsed.value}) as traced:
                result = await self.orchestrator.run(
                    question, parsed, budget, identity, emit, run_id=run_id, started=started
                )
                if result.completeness is not None:
                    traced.set_attribute("opsuite.answer.status", result.completeness.status.value)
        except ValidationError:
            # Nothing to keep for a caller's mistake: the running row goes.
            await self.run_log.discard(run_id)
            raise
        except asyncio.CancelledError:
            reason, message = CANCELLED if self.run_log.past_grace else ("CANCELLED", "the caller cancelled")
            await self.run_log.finish(
                base, status="cancelled", partial=True, error_reason=reason, error_message=message
            )
            _RUNS.labels("cancelled").inc()
            raise
        except OpsuiteError as exc:
            await self.run_log.finish(
                base, status="failed", partial=True, error_reason=exc.reason, error_message=exc.message
            )
            _RUNS.labels("failed").inc()
            raise
        except Exception:
            # A defect: the run is recorded failed (the error mapping logs it and answers INTERNAL), never
            # left running. The exception's text may hold anything: it is not stored.
            await self.run_log.finish(
                base,
                status="failed",
                partial=True,
                error_reason="INTERNAL",
                error_message="the run failed inside the service; see the service log",
            )
            _RUNS.labels("failed").inc()
            raise
        _RUNS.labels("partial" if result.partial else "succeeded").inc()
        if result.completeness is not None:
            _ANSWERS.labels(result.completeness.status.value).inc()
        for phase in result.trace.phases:
            _PHASES.labels(str(getattr(phase.phase, "value", phase.phase))).observe(phase.duration_ms / 1000)
        completeness = result.completeness
        row = await self.run_log.finish(
            base,
            status="partial" if result.partial else "succeeded",
            partial=result.partial,
            answer_status=completeness.status.value if completeness is not None else "",
            answer_reasons_json=_dumps(completeness.reasons if completeness is not None else ()),
            answer=result.answer,
            blocks_json=_dumps(result.blocks),
            references_json=_dumps(result.references),
            gaps_json=_dumps(result.trace.gaps),
            trace_json=_dumps(result.trace),
            planner=result.trace.planner,
        )
        return result, row

    async def get_run(self, identity: Identity, run_id: str) -> RunRow:
        """A run of the caller's tenant (NotFoundError otherwise)."""
        if not run_id:
            raise ValidationError.for_field("run_id", "is required")
        async with self.db.session(readonly=True) as s:
            row = await RunRepository(s, identity.tenant).get(run_id)
            s.expunge(row)  # the read-only session rolls back, which would expire a loaded row
        return row

    async def list_runs(self, identity: Identity, flt: RunFilter, *, size: int, page_token: str) -> Page:
        """One page of the caller's tenant's runs, newest first."""
        if flt.since and flt.until and flt.since >= flt.until:
            raise ValidationError.for_field("until", "must be later than since")
        scope = flt.scope(identity.tenant)
        after = decode_page_token(page_token, scope)
        async with self.db.session(readonly=True) as s:
            rows = await RunRepository(s, identity.tenant).list_runs(
                size, after, since=flt.since, until=flt.until, status=flt.status
            )
            s.expunge_all()
        more = len(rows) > size
        rows = rows[:size]

        def after_row(row: RunRow) -> str:
            return encode_page_token([row.created_at.isoformat(), row.id], scope)

        return Page(rows, after_row(rows[-1]) if more else "", after_row)

    async def list_tools(self, identity: Identity) -> CatalogueSnapshot:
        """What discovery currently sees for the caller (cached; stale when api_manager is down)."""
        return await self.catalogue.snapshot(identity)
