"""Builds the ops gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0)."""

from __future__ import annotations

import grpc

from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server
from opsuite_ops.config import Settings
from opsuite_ops.servicers.info import server_info

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = ops_pb2.DESCRIPTOR.services_by_name["OpsService"]


class Servicer(ops_pb2_grpc.OpsServiceServicer):
    """The composed servicer: one handler per RPC, each declaring its role."""

    GetServerInfo = staticmethod(server_info)


async def create_server(settings: Settings) -> ServerHandle:
    """Create and start the server on ``settings.host:settings.port``."""
    servicer = Servicer()

    def add(server: grpc.aio.Server) -> None:
        ops_pb2_grpc.add_OpsServiceServicer_to_server(servicer, server)

    return await build_server(
        service="ops", settings=settings, registrations=[ServiceRegistration(SERVICE.full_name, add)]
    )
