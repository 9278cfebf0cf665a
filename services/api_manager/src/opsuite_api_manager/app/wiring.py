"""Wiring of api_manager: :func:`build_app` opens the database, applies the migrations and builds the typed
:class:`App`, which the common skeleton starts and closes (:func:`opsuite_common.server.create_service_server`).

Start-up order: database engine and migrations, the instance id (held for the process's life), executions
this instance left RUNNING marked ABORTED (see :mod:`.recording`), the encryption key, how the caches follow
other replicas' writes (``adapters.freshness``), the engines (SQL, HTTP, workflow); ``App.start`` then starts
the script fork server and the retention sweep (``db.retention``). ``App.aclose`` runs in reverse: the
sweep stops, runs the grace period cut off are recorded CANCELLED, the script runner, HTTP clients and data
source pools close, the instance id is given up, then the metadata database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from opsuite_api_manager.adapters.datasources import EngineCache
from opsuite_api_manager.adapters.freshness import freshness_for
from opsuite_api_manager.adapters.http_engine import HttpEngine
from opsuite_api_manager.adapters.local_machine import LocalMachine
from opsuite_api_manager.adapters.script import ScriptRunner
from opsuite_api_manager.adapters.sql_engine import SqlEngine
from opsuite_api_manager.app.apis import ApiService
from opsuite_api_manager.app.datasources import DataSourceService
from opsuite_api_manager.app.definitions import Limits
from opsuite_api_manager.app.execution import Executor, Runtime
from opsuite_api_manager.app.executions import ExecutionService
from opsuite_api_manager.app.recording import abort_orphans
from opsuite_api_manager.app.result_size import ResultLimit, ResultSizer, max_result_bytes
from opsuite_api_manager.config import Settings
from opsuite_api_manager.db import MIGRATIONS_DIR, VERSION_TABLE, data_source_box
from opsuite_api_manager.db.retention import deleted_api_purge, execution_purge
from opsuite_api_manager.domain.source_policy import DataSourcePolicy
from opsuite_api_manager.domain.workflow import WorkflowEngine
from opsuite_common.db import Database, RetentionSweeper, claim_instance, instance_owner, run_migrations
from opsuite_common.metrics import breaker_state_listener
from opsuite_common.netguard import Resolver
from opsuite_common.paging import list_budget
from opsuite_common.resilience import BreakerRegistry, RetryPolicy

__all__ = ["App", "build_app", "data_source_policy"]

#: Bound on the HTTP breakers kept (tenants x upstream hosts are user-controlled).
_MAX_HTTP_BREAKERS = 10_000


@dataclass
class App:
    """Every use-case object of one api_manager server."""

    db: Database
    apis: ApiService
    executions: ExecutionService
    data_sources: DataSourceService
    executor: Executor
    scripts: ScriptRunner
    #: Byte budget of one list page (below the max message size): a page stops early rather than overflow.
    page_budget: int
    close_engines: Callable[[], Awaitable[None]]
    #: The execution log's retention sweep (``OPSUITE_API_MANAGER_EXECUTION_RETENTION_S``).
    retention: RetentionSweeper | None = None

    async def start(self) -> None:
        """Start the script fork server and the retention sweep."""
        await self.scripts.start()
        if self.retention is not None:
            self.retention.start()

    def draining(self, grace_ends: float | None) -> None:
        """The server is stopping: executions cut off after ``grace_ends`` are recorded CANCELLED."""
        self.executor.recorder.draining(grace_ends)

    async def aclose(self) -> None:
        """Record what the grace cut off, then close the engines, the instance id and the database."""
        try:
            if self.retention is not None:
                await self.retention.stop()  # a batch in flight is rolled back
            await self.executor.recorder.stop()  # runs the grace cut off: CANCELLED; then the log closes
            await self.scripts.close()
        finally:
            await self.close_engines()


async def build_app(settings: Settings, *, sizer: ResultSizer, resolver: Resolver | None = None) -> App:
    """Migrate and wire; ``sizer`` measures a result as the caller will receive it (the servicers' proto size).

    ``resolver`` replaces getaddrinfo for outbound HTTP and data source hosts (tests:
    ``opsuite_common.testing.dns.TableResolver``).
    """
    policy = data_source_policy(settings, resolver)
    db = Database.from_url(settings.database_url, application_name="api_manager")
    owner = instance_owner(settings.instance_id)
    try:
        await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
        # Held for the process's life (a second live process with this id is refused), so the runs left
        # RUNNING under it are its previous process's, which died (crash, kill -9): they end ABORTED.
        release_instance = await claim_instance(db, "api_manager", owner, setting="OPSUITE_API_MANAGER_INSTANCE_ID")
    except BaseException:
        await db.dispose()
        raise
    try:
        await abort_orphans(db, owner)
        jwt = settings.auth.jwt_secret.get_secret_value() if settings.auth.jwt_secret else None
        box = data_source_box(settings.secret_key.get_secret_value() if settings.secret_key else None, jwt)
    except BaseException:
        await release_instance()
        await db.dispose()
        raise
    freshness = freshness_for(db)
    try:
        await freshness.start()
    except BaseException:
        await release_instance()
        await db.dispose()
        raise
    engines = EngineCache(policy)
    sql = SqlEngine(engines)
    outbound = settings.outbound.policy()  # the operator's; each API's allow-list only narrows it
    http = HttpEngine(breakers=_breakers(), retry=RetryPolicy(max_attempts=2), resolver=resolver, policy=outbound)
    scripts = ScriptRunner(max_concurrency=settings.script_concurrency)
    runtime = Runtime(
        default_timeout_s=settings.default_timeout_s,
        max_timeout_s=settings.max_timeout_s,
        default_row_limit=settings.default_row_limit,
        max_row_limit=settings.max_row_limit,
        max_cell_bytes=settings.max_cell_bytes,
        default_output_cap_bytes=settings.default_output_cap_bytes,
        default_memory_mb=settings.default_memory_mb,
        max_call_depth=settings.max_call_depth,
        max_workflow_steps=settings.max_workflow_steps,
        stream_batch_rows=settings.stream_batch_rows,
    )
    limits = Limits(
        max_timeout_s=settings.max_timeout_s,
        max_row_limit=settings.max_row_limit,
        max_workflow_steps=settings.max_workflow_steps,
        network=outbound,
        max_apis_per_tenant=settings.max_apis_per_tenant,
        max_versions_per_api=settings.max_versions_per_api,
    )
    apis = ApiService(db, limits, freshness)
    executor = Executor(
        db,
        box,
        runtime,
        sql=sql,
        http=http,
        scripts=scripts,
        workflows=WorkflowEngine(),
        load_api=apis.load_by_name,
        result_limit=ResultLimit(sizer, max_result_bytes(settings.max_message_bytes)),
        owner=owner,
        freshness=freshness,
    )

    async def close_engines() -> None:
        try:
            await http.aclose()
            await sql.aclose()
        finally:
            await freshness.aclose()
            await release_instance()
            await db.dispose()

    return App(
        db=db,
        apis=apis,
        executions=ExecutionService(db, apis, executor),
        data_sources=DataSourceService(
            db, box, engines, executor.forget_data_sources, policy=policy, quota=settings.max_data_sources_per_tenant
        ),
        executor=executor,
        scripts=scripts,
        page_budget=list_budget(settings.max_message_bytes),
        close_engines=close_engines,
        retention=RetentionSweeper(
            db,
            [execution_purge(settings.execution_retention_s), deleted_api_purge(settings.execution_retention_s)],
            name="api_manager",
        ),
    )


def data_source_policy(settings: Settings, resolver: Resolver | None = None) -> DataSourcePolicy:
    """The operator's data source policy; the service's own database is always protected."""
    machine = LocalMachine()
    checks: tuple[tuple[str, Callable[[], DataSourcePolicy]], ...] = (
        (
            "OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW",
            lambda: DataSourcePolicy(machine=machine, allow=settings.data_source_allow),
        ),
        (
            "OPSUITE_API_MANAGER_PROTECTED_DATABASE_URLS",
            lambda: DataSourcePolicy(machine=machine, protected_urls=settings.protected_database_urls),
        ),
    )
    for setting, check in checks:
        try:
            check()  # each list on its own, so a bad entry names its setting
        except ValueError as exc:
            raise ValueError(f"{setting}: {exc}") from None
    return DataSourcePolicy(
        machine=machine,
        sqlite_roots=settings.sqlite_roots,
        allow=settings.data_source_allow,
        protected_urls=[settings.database_url, *settings.protected_database_urls],
        resolver=resolver,
    )


def _breakers() -> BreakerRegistry:
    """One breaker per tenant and upstream host for HTTP APIs."""
    return BreakerRegistry(max_breakers=_MAX_HTTP_BREAKERS, on_state_change=[breaker_state_listener])
