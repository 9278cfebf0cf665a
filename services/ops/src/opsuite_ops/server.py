"""Builds the ops gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0)."""

from __future__ import annotations

import grpc

from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server
from opsuite_ops.app import OpsApp, build_app
from opsuite_ops.config import Settings
from opsuite_ops.servicers.info import server_info
from opsuite_ops.servicers.ops import OpsServicer

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = ops_pb2.DESCRIPTOR.services_by_name["OpsService"]


class Servicer(OpsServicer):
    """The composed servicer: one handler per RPC, each declaring its role."""

    GetServerInfo = staticmethod(server_info)


async def create_server(settings: Settings, *, breakers: BreakerRegistry | None = None) -> ServerHandle:
    """Create and start the server on ``settings.host:settings.port`` (migrations applied first).

    ``handle.resources["app"]`` is the :class:`OpsApp` (tests read the catalogue and breakers from it).
    """
    app: OpsApp = await build_app(settings, breakers=breakers)
    servicer = Servicer(app)

    def add(server: grpc.aio.Server) -> None:
        ops_pb2_grpc.add_OpsServiceServicer_to_server(servicer, server)

    try:
        handle = await build_server(
            service="ops", settings=settings, registrations=[ServiceRegistration(SERVICE.full_name, add)]
        )
    except BaseException:
        await app.close()
        raise
    handle.on_stop(app.close)
    handle.on_draining(app.run_log.draining)
    handle.resources["app"] = app
    return handle
