"""Hosts cep: ``create_server(settings) -> ServerHandle`` (tests bind port 0).

The wiring (database, migrations, use cases) is :func:`opsuite_cep.app.wiring.build_app`; the hosting
(start, pipeline, GetServerInfo, drain, close) is the common skeleton's
:func:`opsuite_common.server.create_service_server`.
"""

from __future__ import annotations

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.app.scheduler import SchedulerClock
from opsuite_cep.app.wiring import App, build_app
from opsuite_cep.config import Settings
from opsuite_cep.servicers.alerts import AlertRpcs
from opsuite_cep.servicers.channels import ChannelRpcs
from opsuite_cep.servicers.events import EventRpcs
from opsuite_cep.servicers.routing import RoutingRpcs
from opsuite_cep.servicers.rules import RuleRpcs
from opsuite_common.netguard import Resolver
from opsuite_common.server import ServerHandle, ServerInfoRpc, create_service_server

__all__ = ["SERVICE", "Servicer", "create_server"]

SERVICE = cep_pb2.DESCRIPTOR.services_by_name["CepService"]


class Servicer(
    ServerInfoRpc, RuleRpcs, EventRpcs, AlertRpcs, ChannelRpcs, RoutingRpcs, cep_pb2_grpc.CepServiceServicer
):
    """The composed servicer: one handler per RPC, each declaring its role."""

    server_name = "cep"
    server_distribution = "opsuite-cep"

    def __init__(self, app: App) -> None:
        self.app = app


async def create_server(
    settings: Settings, *, resolver: Resolver | None = None, clock: SchedulerClock | None = None
) -> ServerHandle:
    """Wire, start and serve on ``settings.host:settings.port``; ``handle.app`` is the :class:`App`.

    ``resolver`` replaces getaddrinfo for deliveries (tests: ``opsuite_common.testing.dns.TableResolver``);
    ``clock`` replaces the scheduler's clock (tests: ``opsuite_common.testing.clock.FakeClock``).
    """
    app = await build_app(settings, resolver=resolver, clock=clock)
    return await create_service_server(
        service="cep",
        settings=settings,
        app=app,
        descriptor=SERVICE,
        servicer=Servicer(app),
        add_servicer=cep_pb2_grpc.add_CepServiceServicer_to_server,
    )
