"""Builds the api_manager gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0).

Start-up order: database engine and migrations, executions this instance left RUNNING marked ABORTED
(see ``app.recording``), the encryption key, the engines (SQL, HTTP, workflow)
and the script fork server; then the gRPC server. Shutdown runs the cleanups in reverse: the script
runner, HTTP clients, data source pools, then the metadata database.
"""

from __future__ import annotations

import grpc

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite_api_manager.app import (
    ApiService,
    Caller,
    DataSourceService,
    Executor,
    Limits,
    ResultLimit,
    Runtime,
    Target,
    abort_orphans,
    max_result_bytes,
)
from opsuite_api_manager.config import Settings
from opsuite_api_manager.db import MIGRATIONS_DIR, VERSION_TABLE, data_source_box
from opsuite_api_manager.domain.datasources import EngineCache
from opsuite_api_manager.domain.http_engine import HttpEngine
from opsuite_api_manager.domain.script import ScriptRunner
from opsuite_api_manager.domain.source_policy import DataSourcePolicy
from opsuite_api_manager.domain.sql_engine import SqlEngine
from opsuite_api_manager.domain.workflow import WorkflowEngine
from opsuite_api_manager.servicers.convert import ProtoSizer
from opsuite_api_manager.servicers.handlers import Handlers, Services
from opsuite_common.db import Database, claim_instance, instance_owner, run_migrations
from opsuite_common.metrics import breaker_state_listener
from opsuite_common.netguard import Resolver
from opsuite_common.paging import list_budget
from opsuite_common.resilience import BreakerRegistry, RetryPolicy
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server

__all__ = ["SERVICE", "Servicer", "create_server", "data_source_policy"]

SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]


class Servicer(Handlers):
    """The composed servicer: one handler per RPC, each declaring its role."""


async def create_server(settings: Settings, *, resolver: Resolver | None = None) -> ServerHandle:
    """Create and start the server on ``settings.host:settings.port``.

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
    )
    apis: ApiService | None = None

    async def load_api(caller: Caller, name: str) -> Target:
        assert apis is not None
        return await apis.load_by_name(caller, name)

    executor = Executor(
        db,
        box,
        runtime,
        sql=sql,
        http=http,
        scripts=scripts,
        workflows=WorkflowEngine(),
        load_api=load_api,
        result_limit=ResultLimit(ProtoSizer(), max_result_bytes(settings.max_message_bytes)),
        owner=owner,
    )
    apis = ApiService(db, executor, limits)
    services = Services(
        apis=apis,
        data_sources=DataSourceService(db, box, engines, executor.forget_data_sources, policy=policy),
        page_budget=list_budget(settings.max_message_bytes),
    )

    async def close_all() -> None:
        try:
            await executor.recorder.stop()  # runs the grace cut off: CANCELLED; then the log closes
            await scripts.close()
        finally:
            try:
                await http.aclose()
                await sql.aclose()
            finally:
                await release_instance()
                await db.dispose()

    try:
        await scripts.start()
        servicer = Servicer(services)

        def add(server: grpc.aio.Server) -> None:
            api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server(servicer, server)

        handle = await build_server(
            service="api_manager",
            settings=settings,
            registrations=[ServiceRegistration(SERVICE.full_name, add)],
        )
    except BaseException:
        await close_all()
        raise
    handle.on_stop(close_all)
    handle.on_draining(executor.recorder.draining)
    handle.resources.update(db=db, services=services, scripts=scripts, executor=executor)
    return handle


def data_source_policy(settings: Settings, resolver: Resolver | None = None) -> DataSourcePolicy:
    """The operator's data source policy; the service's own database is always protected."""
    for setting, entries in (
        ("OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW", {"allow": settings.data_source_allow}),
        ("OPSUITE_API_MANAGER_PROTECTED_DATABASE_URLS", {"protected_urls": settings.protected_database_urls}),
    ):
        try:
            DataSourcePolicy(**entries)  # each list on its own, so a bad entry names its setting
        except ValueError as exc:
            raise ValueError(f"{setting}: {exc}") from None
    return DataSourcePolicy(
        sqlite_roots=settings.sqlite_roots,
        allow=settings.data_source_allow,
        protected_urls=[settings.database_url, *settings.protected_database_urls],
        resolver=resolver,
    )


#: Bound on the HTTP breakers kept (tenants x upstream hosts are user-controlled).
_MAX_HTTP_BREAKERS = 10_000


def _breakers() -> BreakerRegistry:
    """One breaker per tenant and upstream host for HTTP APIs."""
    return BreakerRegistry(max_breakers=_MAX_HTTP_BREAKERS, on_state_change=[breaker_state_listener])
