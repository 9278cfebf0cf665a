"""Builds the cep gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0)."""

from __future__ import annotations

import grpc

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.config import Settings
from opsuite_cep.servicers.info import server_info
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = cep_pb2.DESCRIPTOR.services_by_name["CepService"]


class Servicer(cep_pb2_grpc.CepServiceServicer):
    """The composed servicer: one handler per RPC, each declaring its role."""

    GetServerInfo = staticmethod(server_info)


async def create_server(settings: Settings) -> ServerHandle:
    """Create and start the server on ``settings.host:settings.port``."""
    servicer = Servicer()

    def add(server: grpc.aio.Server) -> None:
        cep_pb2_grpc.add_CepServiceServicer_to_server(servicer, server)

    return await build_server(
        service="cep", settings=settings, registrations=[ServiceRegistration(SERVICE.full_name, add)]
    )
