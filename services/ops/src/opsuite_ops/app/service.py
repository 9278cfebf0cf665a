"""Use cases of the ops service: ask (and persist), read runs, list tools; built from settings by ``build_app``.

The servicers translate proto <-> these calls; everything here is grpc-free apart from the
api_manager catalogue adapter it wires in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from opsuite_common.auth import Identity
from opsuite_common.db import Database, claim_instance, instance_owner, utcnow
from opsuite_common.errors import DeadlineExceededError, OpsuiteError, ValidationError
from opsuite_common.logging import get_logger
from opsuite_common.metrics import breaker_state_listener, counter, histogram
from opsuite_common.paging import Page, list_budget
from opsuite_common.resilience import BreakerRegistry
from opsuite_ops.app.api_manager import ApiManagerCatalogue
from opsuite_ops.app.run_log import CANCELLED, RunLog, abort_orphans
from opsuite_ops.config import Settings
from opsuite_ops.db import RunFilter, RunRepository, RunRow, migrate
from opsuite_ops.domain import (
    DEFAULT_ALIASES,
    Alias,
    Budget,
    BudgetLimits,
    CachedCatalogue,
    CatalogueSnapshot,
    Composer,
    DeterministicComposer,
    DeterministicPlanner,
    LlmClient,
    LlmComposer,
    LlmPlanner,
    LlmSettings,
    Mode,
    Orchestrator,
    Planner,
    PlannerConfig,
    RunEvent,
    RunResult,
    to_jsonable,
)

__all__ = ["OpsApp", "build_app", "jsonable"]

log = get_logger("opsuite.ops.app")

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


@dataclass(slots=True)
class OpsApp:
    """The ops use cases; one per server."""

    orchestrator: Orchestrator
    catalogue: CachedCatalogue
    runs: RunRepository
    default_budget: Budget
    limits: BudgetLimits
    #: Writes the run rows (running at the start, then the end).
    run_log: RunLog
    #: Byte budget of one list page (half the max message size): a page stops early rather than overflow.
    page_budget: int
    closers: tuple[Callable[[], Awaitable[Any]], ...] = ()

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
    ) -> tuple[RunResult, RunRow]:
        """Run the question through the orchestrator and persist the run (also when it fails).

        The run is stored ``running`` before the orchestrator starts (see ``run_log``), then updated.
        Caller mistakes (ValidationError) are raised without persisting anything.
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
            result = await self.orchestrator.run(question, parsed, budget, identity, emit, run_id=run_id)
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
        for phase in result.trace.phases:
            _PHASES.labels(str(getattr(phase.phase, "value", phase.phase))).observe(phase.duration_ms / 1000)
        row = await self.run_log.finish(
            base,
            status="partial" if result.partial else "succeeded",
            partial=result.partial,
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
        return await self.runs.get(identity.tenant, run_id)

    async def list_runs(self, identity: Identity, flt: RunFilter, *, size: int, page_token: str) -> Page:
        """One page of the caller's tenant's runs, newest first."""
        if flt.since and flt.until and flt.since >= flt.until:
            raise ValidationError.for_field("until", "must be later than since")
        return await self.runs.list(identity.tenant, flt, size=size, page_token=page_token)

    async def list_tools(self, identity: Identity) -> CatalogueSnapshot:
        """What discovery currently sees for the caller (cached; stale when api_manager is down)."""
        return await self.catalogue.snapshot(identity)

    async def start(self) -> None:
        """Nothing runs in the background: the app is ready once built."""

    def draining(self, grace_ends: float | None) -> None:
        """The server is stopping: runs cut off after ``grace_ends`` are recorded cancelled."""
        self.run_log.draining(grace_ends)

    async def aclose(self) -> None:
        """Release clients and the database."""
        for close in reversed(self.closers):
            try:
                await close()
            except Exception:
                log.exception("closing an ops resource failed")


def _limits(settings: Settings) -> BudgetLimits:
    return BudgetLimits(
        max_steps=settings.limit_max_steps,
        max_parallelism=settings.limit_max_parallelism,
        total_timeout_s=settings.limit_total_timeout_s,
        call_timeout_s=max(settings.call_timeout_s, settings.limit_total_timeout_s),
        max_retries=max(settings.max_retries, BudgetLimits().max_retries),
    )


async def build_app(settings: Settings, *, breakers: BreakerRegistry | None = None) -> OpsApp:
    """Wire the database (migrated), the api_manager catalogue, the planner/composer and the orchestrator."""
    db = Database.from_url(settings.database_url)
    await migrate(db)
    owner = instance_owner(settings.instance_id)
    # Held for the process's life (a second live process with this id is refused), so the runs left
    # running under it are its previous process's, which died (crash, kill -9): they end aborted.
    release_instance = await claim_instance(db, "ops", owner, setting="OPSUITE_OPS_INSTANCE_ID")
    await abort_orphans(db, owner)
    client_settings = settings.client.client_settings()
    source = ApiManagerCatalogue(
        settings.api_manager_target,
        settings=client_settings,
        breakers=breakers
        or BreakerRegistry(
            fail_max=client_settings.breaker_fail_max,
            reset_timeout=client_settings.breaker_reset_timeout_s,
            success_threshold=client_settings.breaker_success_threshold,
            half_open_max_calls=client_settings.breaker_half_open_max_calls,
            on_state_change=[_log_breaker, breaker_state_listener],
        ),
        discovery_timeout_s=settings.client.timeout_s,
    )
    catalogue = CachedCatalogue(source, ttl_s=settings.catalogue_ttl_s)
    # Closers run last first: the instance id is given up after the last run record, then the database.
    closers: list[Callable[[], Awaitable[Any]]] = [db.dispose, release_instance, source.close]
    deterministic = DeterministicPlanner(
        PlannerConfig(known_hosts=frozenset(settings.known_hosts), known_services=frozenset(settings.known_services))
    )
    planner: Planner = deterministic
    composer: Composer = DeterministicComposer()
    if settings.llm_base_url:
        llm = LlmClient(
            LlmSettings(
                base_url=settings.llm_base_url,
                model=settings.llm_model,
                api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed",
                timeout_s=settings.llm_timeout_s,
                max_attempts=settings.llm_max_attempts,
                breaker_fail_max=settings.llm_breaker_fail_max,
                breaker_reset_s=settings.llm_breaker_reset_s,
            )
        )
        closers.append(llm.aclose)
        planner = LlmPlanner(llm, deterministic)
        if settings.llm_compose:
            composer = LlmComposer(llm)
    aliases = (*DEFAULT_ALIASES, *(Alias(a["pattern"], a["template"]) for a in settings.aliases))
    limits = _limits(settings)
    orchestrator = Orchestrator(
        catalogue, planner, composer=composer, aliases=aliases, limits=limits, retry_backoff_s=settings.retry_backoff_s
    )
    default_budget = Budget(
        max_steps=settings.default_max_steps,
        max_parallelism=settings.default_max_parallelism,
        total_timeout_s=settings.default_total_timeout_s,
        call_timeout_s=settings.call_timeout_s,
        max_retries=settings.max_retries,
    )
    runs = RunRepository(db)
    run_log = RunLog(runs, owner)
    # Runs the grace period cut off are recorded cancelled before the instance id and the database go.
    closers.insert(2, run_log.stop)
    return OpsApp(
        orchestrator,
        catalogue,
        runs,
        default_budget,
        limits,
        run_log=run_log,
        page_budget=list_budget(settings.max_message_bytes),
        closers=tuple(closers),
    )


def _log_breaker(name: str, old: str, new: str) -> None:
    log.warning("circuit breaker state changed", breaker=name, old_state=old, new_state=new)
