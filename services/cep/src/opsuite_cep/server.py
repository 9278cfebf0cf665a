"""Builds the cep gRPC server: ``create_server(settings) -> ServerHandle`` (tests bind port 0).

Start-up: migrations, the use-case wiring (:class:`CepApp`), the dispatcher and the scheduler.
Graceful stop (``handle.on_stop``): background tasks stop, then every tenant engine is checkpointed
to the database (restored lazily at the tenant's first call after the restart), then the database.
"""

from __future__ import annotations

from pathlib import Path

import grpc

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.app.service import CepApp
from opsuite_cep.config import Settings
from opsuite_cep.servicers.alerts import AlertRpcs
from opsuite_cep.servicers.channels import ChannelRpcs
from opsuite_cep.servicers.events import EventRpcs
from opsuite_cep.servicers.info import server_info
from opsuite_cep.servicers.rules import RuleRpcs
from opsuite_common.db import Database, run_migrations
from opsuite_common.netguard import Resolver
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server

__all__ = ["MIGRATIONS", "SERVICE", "Servicer", "create_server"]

SERVICE = cep_pb2.DESCRIPTOR.services_by_name["CepService"]
MIGRATIONS = Path(__file__).resolve().parent / "db" / "migrations"


class Servicer(RuleRpcs, EventRpcs, AlertRpcs, ChannelRpcs, cep_pb2_grpc.CepServiceServicer):
    """The composed servicer: one handler per RPC, each declaring its role."""

    GetServerInfo = staticmethod(server_info)

    def __init__(self, app: CepApp) -> None:
        self.app = app


async def create_server(settings: Settings, *, resolver: Resolver | None = None) -> ServerHandle:
    """Migrate, wire, create and start the server on ``settings.host:settings.port``.

    ``resolver`` replaces getaddrinfo for deliveries (tests: ``opsuite_common.testing.dns.TableResolver``).
    """
    db = Database.from_url(settings.database_url, application_name="cep")
    await run_migrations(db.engine, MIGRATIONS, "alembic_version_cep")
    app = CepApp.build(settings, db, resolver=resolver)
    servicer = Servicer(app)

    def add(server: grpc.aio.Server) -> None:
        cep_pb2_grpc.add_CepServiceServicer_to_server(servicer, server)

    try:
        handle = await build_server(
            service="cep", settings=settings, registrations=[ServiceRegistration(SERVICE.full_name, add)]
        )
    except BaseException:
        await db.dispose()
        raise
    handle.on_stop(db.dispose)
    handle.on_stop(app.stop)
    handle.on_draining(app.alerts.feed.drain)  # open WatchAlerts streams end now, not at the grace's end
    handle.resources["app"] = app
    handle.resources["db"] = db
    app.start()
    return handle
