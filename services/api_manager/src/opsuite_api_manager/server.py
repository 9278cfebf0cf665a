"""Builds the api_manager gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0)."""

from __future__ import annotations

import grpc

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite_api_manager.config import Settings
from opsuite_api_manager.servicers.info import server_info
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]


class Servicer(api_manager_pb2_grpc.ApiManagerServiceServicer):
    """The composed servicer: one handler per RPC, each declaring its role."""

    GetServerInfo = staticmethod(server_info)


async def create_server(settings: Settings) -> ServerHandle:
    """Create and start the server on ``settings.host:settings.port``."""
    servicer = Servicer()

    def add(server: grpc.aio.Server) -> None:
        api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server(servicer, server)

    return await build_server(
        service="api_manager", settings=settings, registrations=[ServiceRegistration(SERVICE.full_name, add)]
    )
