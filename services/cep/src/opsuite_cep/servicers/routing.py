"""Routing RPCs (viewer reads, editor writes): GetRouting, SetRouting, DeleteRouting; translation only."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import empty_pb2

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.wiring import App
from opsuite_cep.servicers.convert import meta, safe_struct, struct_py
from opsuite_common.auth import Role, current_identity, requires

if TYPE_CHECKING:  # the row's type only: servicers never query the database
    from opsuite_cep.db.models import RoutingRow

__all__ = ["RoutingRpcs"]


def _routing(row: RoutingRow) -> cep_pb2.Routing:
    return cep_pb2.Routing(meta=meta(row), config=safe_struct(json.loads(row.config)), revision=row.revision)


class RoutingRpcs:
    """Routing handlers."""

    app: App

    @requires(Role.VIEWER)
    async def GetRouting(
        self, request: cep_pb2.GetRoutingRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Routing:
        """The tenant's routing config."""
        return _routing(await self.app.routing.get(current_identity().tenant))

    @requires(Role.EDITOR)
    async def SetRouting(
        self, request: cep_pb2.SetRoutingRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Routing:
        """Validate and store the whole config."""
        return _routing(await self.app.routing.set(current_identity(), struct_py(request.config), request.etag))

    @requires(Role.EDITOR)
    async def DeleteRouting(
        self, request: cep_pb2.DeleteRoutingRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> empty_pb2.Empty:
        """Remove the config."""
        await self.app.routing.delete(current_identity())
        return empty_pb2.Empty()
