"""The one service skeleton: every service's ``server.py`` and ``main.py`` are thin calls into this module.

A service has an application object (its ``app/wiring.py`` builds it: database, migrations, adapters,
use-cases) that satisfies :class:`App`, and one generated servicer class that translates RPCs to use-case
calls. :func:`create_service_server` hosts them the same way in every service:

1. ``await app.start()`` (background tasks, sandboxes: ready before the first call);
2. the servicer is registered through the pipeline (its ``GetServerInfo`` is the one common handler,
   :class:`ServerInfoRpc`, with the version from the installed package's metadata);
3. the server starts; its stop drains first (``app.draining``), then ``app.aclose()`` runs after the
   grace period. A failure at any step closes what was opened.

:func:`run_service` is every service's ``main``: settings from the environment, logging, serve until
SIGTERM/SIGINT, in one process or in ``--workers N`` processes sharing the port (:mod:`.workers`).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib.metadata
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

import grpc
import pydantic
from google.protobuf.descriptor import ServiceDescriptor

from opsuite.common.v1 import common_pb2
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.logging import configure_logging
from opsuite_common.metrics import set_build_info
from opsuite_common.server.bootstrap import ServerHandle, ServiceRegistration, build_server, serve
from opsuite_common.server.workers import run_workers
from opsuite_common.settings import ServiceSettings
from opsuite_common.tls import TlsConfigError, check_service_settings
from opsuite_common.tracing import configure_tracing, shutdown_tracing

__all__ = ["App", "ServerInfoRpc", "create_service_server", "package_version", "run_service"]

S = TypeVar("S", bound=ServiceSettings)


class App(Protocol):
    """What a service's wiring builds: started before the server serves, closed after it stopped."""

    async def start(self) -> None:
        """Start background work (dispatchers, schedulers, sandboxes)."""
        ...

    def draining(self, grace_ends: float | None) -> None:
        """The server started stopping; the grace period ends at ``grace_ends`` (``time.monotonic()``)."""
        ...

    async def aclose(self) -> None:
        """Stop background work and release everything (called once, after the server stopped)."""
        ...


@functools.cache
def package_version(distribution: str) -> str:
    """The installed version of ``distribution`` (``0+unknown`` when it is not installed as a package)."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


class ServerInfoRpc:
    """The one GetServerInfo handler: mix it into a service's servicer and name the service.

    ``server_name`` is the service's name, ``server_distribution`` its installed package (whose metadata
    gives the version).
    """

    server_name: ClassVar[str]
    server_distribution: ClassVar[str]

    @requires(Role.VIEWER)
    async def GetServerInfo(
        self, request: common_pb2.GetServerInfoRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> common_pb2.ServerInfo:
        """The service's name and version, and the caller's identity as the server sees it."""
        ident = current_identity()
        return common_pb2.ServerInfo(
            service=self.server_name,
            version=package_version(self.server_distribution),
            caller=common_pb2.Identity(
                subject=ident.subject, tenant=ident.tenant, roles=sorted(r.name.lower() for r in ident.roles)
            ),
        )


async def create_service_server(
    *,
    service: str,
    settings: ServiceSettings,
    app: App,
    descriptor: ServiceDescriptor,
    servicer: Any,
    add_servicer: Callable[[Any, Any], None],
) -> ServerHandle:
    """Start ``app``, host ``servicer`` (``add_servicer`` is the generated ``add_*Servicer_to_server``).

    ``handle.app`` is ``app``. On any failure the app is closed before the error propagates.
    """
    distribution = getattr(servicer, "server_distribution", "")
    set_build_info(service, package_version(distribution) if distribution else "0+unknown")
    try:
        await app.start()

        def add(server: grpc.aio.Server) -> None:
            add_servicer(servicer, server)

        handle = await build_server(
            service=service, settings=settings, registrations=[ServiceRegistration(descriptor.full_name, add)]
        )
    except BaseException:
        await app.aclose()
        raise
    handle.app = app
    handle.on_stop(app.aclose)
    handle.on_draining(app.draining)
    return handle


def run_service(
    service: str,
    settings_type: Callable[..., S],
    create_server: Callable[[S], Awaitable[ServerHandle]],
    argv: Sequence[str] | None = None,
) -> None:
    """A service's ``main``: settings from the environment (``--workers`` overrides ``<P>WORKERS``), logging,
    its TLS files checked (:mod:`opsuite_common.tls`; one that cannot be used is one line on stderr, exit 2),
    tracing when the standard ``OTEL_*`` variables ask for it (:mod:`opsuite_common.tracing`), serve until
    SIGTERM/SIGINT, then flush the spans. With more than one worker the server runs in worker processes
    (:func:`~opsuite_common.server.workers.run_workers`; each one sets up its own tracing), so
    ``create_server`` must be a module-level function (it is pickled to them).
    """
    settings = _settings(service, settings_type, argv)
    configure_logging(service, level=settings.log_level, fmt=settings.log_format)
    try:  # every TLS file read once here, so that a wrong one is a line naming its setting, not a traceback
        transport = check_service_settings(settings)
    except TlsConfigError as exc:
        print(f"{service}: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None

    def listening(port: int) -> None:
        workers = f" ({settings.workers} workers)" if settings.workers > 1 else ""
        over = "" if transport == "plaintext" else f" over {transport}"
        print(f"{service} listening on {settings.host}:{port}{workers}{over}", flush=True)

    if settings.workers > 1:
        setup = functools.partial(_start_tracing, service)
        raise SystemExit(
            run_workers(service, settings, create_server, ready=listening, setup=setup, teardown=shutdown_tracing)
        )
    _start_tracing(service)
    try:
        asyncio.run(serve(lambda: create_server(settings), grace_s=settings.grace_s, ready=lambda h: listening(h.port)))
    finally:
        shutdown_tracing()


def _settings(service: str, settings_type: Callable[..., S], argv: Sequence[str] | None) -> S:
    """The settings from the environment and ``--workers``; an invalid one is a clear message and exit 2."""
    prefix = getattr(settings_type, "model_config", {}).get("env_prefix", "")
    parser = argparse.ArgumentParser(
        prog=f"python -m opsuite_{service}.main",
        description=f"Run the {service} gRPC service; its settings come from {prefix}* environment variables.",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"server processes sharing the port with SO_REUSEPORT (default: {prefix}WORKERS, else 1)",
    )
    args = parser.parse_args(argv)
    try:
        return settings_type(**({} if args.workers is None else {"workers": args.workers}))
    except pydantic.ValidationError as exc:
        print(f"{service}: invalid settings: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except ValueError as exc:  # a *_FILE that cannot be used (opsuite_common.secretfiles): one line, no traceback
        print(f"{service}: invalid settings: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _start_tracing(service: str) -> None:
    # The services' distributions are named opsuite-<service> (opsuite-api-manager...).
    configure_tracing(service, package_version(f"opsuite-{service.replace('_', '-')}"), os.environ)
