"""Builds the api_manager gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0).

Start-up order: database engine and migrations, the encryption key, the engines (SQL, HTTP, workflow)
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
    Runtime,
    Target,
)
from opsuite_api_manager.config import Settings
from opsuite_api_manager.db import MIGRATIONS_DIR, VERSION_TABLE, data_source_box
from opsuite_api_manager.domain.datasources import EngineCache
from opsuite_api_manager.domain.http_engine import HttpEngine
from opsuite_api_manager.domain.script import ScriptRunner
from opsuite_api_manager.domain.sql_engine import SqlEngine
from opsuite_api_manager.domain.workflow import WorkflowEngine
from opsuite_api_manager.servicers.handlers import Handlers, Services
from opsuite_common.db import Database, run_migrations
from opsuite_common.metrics import breaker_state_listener
from opsuite_common.resilience import BreakerRegistry, RetryPolicy
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]


class Servicer(Handlers):
    """The composed servicer: one handler per RPC, each declaring its role."""


async def create_server(settings: Settings) -> ServerHandle:
    """Create and start the server on ``settings.host:settings.port``."""
    db = Database.from_url(settings.database_url, application_name="api_manager")
    try:
        await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
        jwt = settings.auth.jwt_secret.get_secret_value() if settings.auth.jwt_secret else None
        box = data_source_box(settings.secret_key.get_secret_value() if settings.secret_key else None, jwt)
    except BaseException:
        await db.dispose()
        raise
    engines = EngineCache()
    sql = SqlEngine(engines)
    http = HttpEngine(breakers=_breakers(), retry=RetryPolicy(max_attempts=2))
    scripts = ScriptRunner(max_concurrency=settings.script_concurrency)
    runtime = Runtime(
        default_timeout_s=settings.default_timeout_s,
        max_timeout_s=settings.max_timeout_s,
        default_row_limit=settings.default_row_limit,
        max_row_limit=settings.max_row_limit,
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
    )
    apis: ApiService | None = None

    async def load_api(caller: Caller, name: str) -> Target:
        assert apis is not None
        return await apis.load_by_name(caller, name)

    executor = Executor(
        db, box, runtime, sql=sql, http=http, scripts=scripts, workflows=WorkflowEngine(), load_api=load_api
    )
    apis = ApiService(db, executor, limits)
    services = Services(apis=apis, data_sources=DataSourceService(db, box, engines, executor.forget_data_sources))

    async def close_all() -> None:
        try:
            await executor.log.close()
            await scripts.close()
        finally:
            try:
                await http.aclose()
                await sql.aclose()
            finally:
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
    handle.resources.update(db=db, services=services, scripts=scripts, executor=executor)
    return handle


#: Bound on the HTTP breakers kept (tenants x upstream hosts are user-controlled).
_MAX_HTTP_BREAKERS = 10_000


def _breakers() -> BreakerRegistry:
    """One breaker per tenant and upstream host for HTTP APIs."""
    return BreakerRegistry(max_breakers=_MAX_HTTP_BREAKERS, on_state_change=[breaker_state_listener])
