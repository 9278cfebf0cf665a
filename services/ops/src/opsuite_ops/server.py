"""Hosts ops: ``create_server(settings) -> ServerHandle`` (tests bind port 0).

The wiring (database, migrations, catalogue, planner, orchestrator) is :func:`opsuite_ops.app.wiring.build_app`;
the hosting (start, pipeline, GetServerInfo, drain, close) is the common skeleton's
:func:`opsuite_common.server.create_service_server`.
"""

from __future__ import annotations

from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.server import ServerHandle, ServerInfoRpc, create_service_server
from opsuite_ops.app.wiring import App, build_app
from opsuite_ops.config import Settings
from opsuite_ops.servicers.ops import OpsServicer

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = ops_pb2.DESCRIPTOR.services_by_name["OpsService"]


class Servicer(ServerInfoRpc, OpsServicer):
    """The composed servicer: one handler per RPC, each declaring its role."""

    server_name = "ops"
    server_distribution = "opsuite-ops"


async def create_server(settings: Settings, *, breakers: BreakerRegistry | None = None) -> ServerHandle:
    """Wire, start and serve on ``settings.host:settings.port``; ``handle.app`` is the :class:`App`."""
    app: App = await build_app(settings, breakers=breakers)
    return await create_service_server(
        service="ops",
        settings=settings,
        app=app,
        descriptor=SERVICE,
        servicer=Servicer(app),
        add_servicer=ops_pb2_grpc.add_OpsServiceServicer_to_server,
    )
