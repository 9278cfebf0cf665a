"""Wiring of ops: :func:`build_app` opens the database, applies the migrations and builds the typed
:class:`App` (the use cases of one server), which the common skeleton starts and closes
(:func:`opsuite_common.server.create_service_server`).

Background work: the retention sweep of old runs (``db.retention``), started by ``App.start``.

Graceful stop: the sweep stops; runs the grace period cut off are recorded cancelled (``draining``, then the run log's
``stop``) before the instance id is given up and the database closes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from opsuite_common.db import Database, RetentionSweeper, claim_instance, instance_owner, run_migrations
from opsuite_common.logging import get_logger
from opsuite_common.metrics import breaker_state_listener
from opsuite_common.paging import list_budget
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.tracing import span
from opsuite_ops.adapters import ApiManagerCatalogue
from opsuite_ops.app.run_log import RunLog, abort_orphans
from opsuite_ops.app.runs import RunService
from opsuite_ops.config import Settings
from opsuite_ops.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_ops.db.retention import run_purge
from opsuite_ops.domain import (
    Alias,
    Budget,
    BudgetLimits,
    CachedCatalogue,
    Composer,
    DeterministicComposer,
    DeterministicPlanner,
    LlmComposer,
    LlmPlanner,
    Orchestrator,
    Planner,
    PlannerConfig,
)

__all__ = ["App", "build_app"]

log = get_logger("opsuite.ops.app")


@dataclass(slots=True)
class App:
    """Every use-case object of one ops server, and what closes them."""

    #: Ask, GetRun, ListRuns, ListTools.
    runs: RunService
    #: Byte budget of one list page (half the max message size): a page stops early rather than overflow.
    page_budget: int
    closers: tuple[Callable[[], Awaitable[Any]], ...] = ()
    #: The runs' retention sweep (``OPSUITE_OPS_RUN_RETENTION_S``), the one background task.
    retention: RetentionSweeper | None = None

    async def start(self) -> None:
        """Start the retention sweep."""
        if self.retention is not None:
            self.retention.start()

    def draining(self, grace_ends: float | None) -> None:
        """The server is stopping: runs cut off after ``grace_ends`` are recorded cancelled."""
        self.runs.run_log.draining(grace_ends)

    async def aclose(self) -> None:
        """Stop the retention sweep, then release clients and the database."""
        if self.retention is not None:
            await self.retention.stop()
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


async def build_app(settings: Settings, *, breakers: BreakerRegistry | None = None) -> App:
    """Wire the database (migrated), the api_manager catalogue, the planner/composer and the orchestrator.

    ``breakers`` is used as given, even empty; without it the catalogue gets its own registry.
    """
    db = Database.from_url(settings.database_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    owner = instance_owner(settings.instance_id)
    # Held for the process's life (a second live process with this id is refused), so the runs left
    # running under it are its previous process's, which died (crash, kill -9): they end aborted.
    release_instance = await claim_instance(db, "ops", owner, setting="OPSUITE_OPS_INSTANCE_ID")
    await abort_orphans(db, owner)
    if breakers is None:
        breakers = settings.client.breaker_registry(on_state_change=[_log_breaker, breaker_state_listener])
    source = ApiManagerCatalogue(
        settings.api_manager_target,
        settings=settings.client,
        breakers=breakers,
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
        from opsuite_ops.adapters.llm import LlmClient, LlmSettings  # openai is imported only when configured

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
    aliases = tuple(Alias(a["pattern"], a["template"]) for a in settings.aliases)
    limits = _limits(settings)
    orchestrator = Orchestrator(
        catalogue,
        planner,
        composer=composer,
        aliases=aliases,
        limits=limits,
        retry_backoff_s=settings.retry_backoff_s,
        phase_span=lambda phase: span(f"ops.{phase}", {"opsuite.phase": phase}),
    )
    default_budget = Budget(
        max_steps=settings.default_max_steps,
        max_parallelism=settings.default_max_parallelism,
        total_timeout_s=settings.default_total_timeout_s,
        call_timeout_s=settings.call_timeout_s,
        max_retries=settings.max_retries,
    )
    run_log = RunLog(db, owner)
    # Runs the grace period cut off are recorded cancelled before the instance id and the database go.
    closers.insert(2, run_log.stop)
    runs = RunService(orchestrator, catalogue, db, default_budget, limits, run_log=run_log)
    return App(
        runs,
        page_budget=list_budget(settings.max_message_bytes),
        closers=tuple(closers),
        retention=RetentionSweeper(db, [run_purge(settings.run_retention_s)], name="ops"),
    )


def _log_breaker(name: str, old: str, new: str) -> None:
    log.warning("circuit breaker state changed", breaker=name, old_state=old, new_state=new)
