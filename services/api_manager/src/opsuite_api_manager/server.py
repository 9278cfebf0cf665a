"""Hosts api_manager: ``create_server(settings) -> ServerHandle`` (tests bind port 0).

The wiring (database, migrations, engines, use cases) is :func:`opsuite_api_manager.app.wiring.build_app`;
the hosting (start, pipeline, GetServerInfo, drain, close) is the common skeleton's
:func:`opsuite_common.server.create_service_server`.
"""

from __future__ import annotations

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite_api_manager.app.wiring import build_app
from opsuite_api_manager.config import Settings
from opsuite_api_manager.servicers.convert import ProtoSizer
from opsuite_api_manager.servicers.handlers import Handlers, Services
from opsuite_common.netguard import Resolver
from opsuite_common.server import ServerHandle, ServerInfoRpc, create_service_server

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]


class Servicer(ServerInfoRpc, Handlers):
    """The composed servicer: one handler per RPC, each declaring its role."""

    server_name = "api_manager"
    server_distribution = "opsuite-api-manager"


async def create_server(settings: Settings, *, resolver: Resolver | None = None) -> ServerHandle:
    """Wire, start and serve on ``settings.host:settings.port``; ``handle.app`` is the wiring's ``App``.

    ``resolver`` replaces getaddrinfo for outbound HTTP and data source hosts (tests:
    ``opsuite_common.testing.dns.TableResolver``).
    """
    app = await build_app(settings, sizer=ProtoSizer(), resolver=resolver)
    services = Services(
        apis=app.apis, executions=app.executions, data_sources=app.data_sources, page_budget=app.page_budget
    )
    return await create_service_server(
        service="api_manager",
        settings=settings,
        app=app,
        descriptor=SERVICE,
        servicer=Servicer(services),
        add_servicer=api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server,
    )
