"""GetServerInfo: who the server thinks the caller is."""

from __future__ import annotations

import grpc

from opsuite.common.v1 import common_pb2
from opsuite.ops.v1 import ops_pb2
from opsuite_common.auth import Role, current_identity, requires

__all__ = ["VERSION", "server_info"]

VERSION = "0.1.0"


@requires(Role.VIEWER)
async def server_info(request: ops_pb2.GetServerInfoRequest, context: grpc.aio.ServicerContext) -> ops_pb2.ServerInfo:
    """The service name, version and the caller's identity."""
    ident = current_identity()
    return ops_pb2.ServerInfo(
        service="ops",
        version=VERSION,
        caller=common_pb2.Identity(
            subject=ident.subject, tenant=ident.tenant, roles=sorted(r.name.lower() for r in ident.roles)
        ),
    )
