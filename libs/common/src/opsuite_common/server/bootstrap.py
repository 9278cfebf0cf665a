"""Server factory and lifecycle: ``build_server`` (tests bind port 0) is separate from ``serve``.

Shutdown on SIGTERM/SIGINT: every health status goes NOT_SERVING, the server stops accepting new
calls, in-flight calls get ``grace_s`` seconds to finish, then the registered cleanups run
(channels, database engines) in reverse order of registration.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from opsuite_common.fairness import FairShare
from opsuite_common.logging import get_logger
from opsuite_common.metrics import MetricsStage, serve_metrics
from opsuite_common.ratelimit import (
    ConcurrencyLimiter,
    RateLimiter,
    RefusalPause,
    SharedConcurrencyLimiter,
    SharedRateLimiter,
)
from opsuite_common.server.pipeline import Pipeline, Stage
from opsuite_common.server.reflection import add_reflection
from opsuite_common.server.stages import default_stages, in_slot_order
from opsuite_common.settings import ServiceSettings
from opsuite_common.tls import server_tls

__all__ = ["ServerHandle", "ServiceRegistration", "build_server", "freeze_startup_heap", "serve"]

log = get_logger("opsuite.server")


@dataclass(frozen=True, slots=True)
class ServiceRegistration:
    """One gRPC service to host: its full name and the function that adds its servicer."""

    full_name: str
    add: Callable[[grpc.aio.Server], None]


#: How long one cleanup may take when a server stops (closing a pool, flushing a log) before it is left.
CLEANUP_TIMEOUT_S = 30.0


def _name(fn: Callable[..., Any]) -> str:
    return str(getattr(fn, "__qualname__", None) or fn)


@dataclass
class ServerHandle:
    """A started server: its port, health servicer and cleanups to run after it stops."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    service_names: list[str]
    cleanups: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    draining: list[Callable[[float | None], None]] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    #: The service's application object (see :func:`opsuite_common.server.service.create_service_server`).
    app: Any = None
    _stopped: bool = False

    def on_stop(self, fn: Callable[[], Awaitable[Any]]) -> None:
        """Register a cleanup to run after the server has stopped (last registered runs first)."""
        self.cleanups.append(fn)

    def on_draining(self, fn: Callable[[float | None], None]) -> None:
        """Register a callback told, as the server starts stopping, when its grace period ends.

        ``fn`` gets that moment on ``time.monotonic()``'s clock (None: no grace limit): calls cancelled
        from then on were cut off by the shutdown; calls cancelled before it by their own callers.
        """
        self.draining.append(fn)

    async def set_serving(self, serving: bool) -> None:
        """Set the overall and per-service health status."""
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *self.service_names]:
            await self.health.set(name, status)

    async def stop(self, grace: float | None = None) -> None:
        """Graceful stop: NOT_SERVING, refuse new calls, let in-flight calls finish, then clean up."""
        if self._stopped:
            return
        self._stopped = True
        grace_ends = None if grace is None else time.monotonic() + grace
        for hook in self.draining:
            try:
                hook(grace_ends)
            except Exception:  # one hook's bug must not keep the server from stopping
                log.exception("draining hook failed during shutdown")
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        for fn in reversed(self.cleanups):
            try:
                async with asyncio.timeout(CLEANUP_TIMEOUT_S):
                    await fn()
            except TimeoutError:  # one stuck cleanup must not keep the process from stopping, nor the others
                log.error("cleanup did not finish during shutdown; left", cleanup=_name(fn), seconds=CLEANUP_TIMEOUT_S)
            except Exception:
                log.exception("cleanup failed during shutdown")


async def build_server(
    *,
    service: str,
    settings: ServiceSettings,
    registrations: Sequence[ServiceRegistration],
    extra_stages: Iterable[Stage] = (),
    stages: Sequence[Stage] | None = None,
) -> ServerHandle:
    """Create, bind and start a grpc.aio server with health, reflection and the standard pipeline."""
    tls = server_tls(settings)  # read first (nothing to undo if a file is wrong), in each worker process
    # Process-wide: a busy thread yields the GIL after this long (a quiet call waits less behind it).
    sys.setswitchinterval(settings.gil_switch_interval_ms / 1000)
    limiter: RateLimiter | SharedRateLimiter | None = None
    shared: SharedRateLimiter | None = None
    shared_caps: SharedConcurrencyLimiter | None = None
    if settings.default_rate_limit() is not None or settings.rate_limits:
        if settings.rate_limit_redis_url:
            from opsuite_common.ratelimit_redis import RedisRateLimiter  # imports redis only when used

            limiter = shared = RedisRateLimiter(
                settings.rate_limit_redis_url,
                service=service,
                default=settings.default_rate_limit(),
                per_method=settings.method_rate_limits(),
            )
        else:
            limiter = RateLimiter(settings.default_rate_limit(), settings.method_rate_limits())
    concurrency: ConcurrencyLimiter | SharedConcurrencyLimiter | None = None
    if any(settings.tenant_slot_caps().values()):
        if settings.rate_limit_redis_url:
            from opsuite_common.concurrency_redis import RedisConcurrencyLimiter  # imports redis only when used

            concurrency = shared_caps = RedisConcurrencyLimiter(
                settings.rate_limit_redis_url,
                service=service,
                caps=settings.tenant_slot_caps(),
                lease_s=settings.tenant_slot_lease_s,
            )
        else:
            concurrency = ConcurrencyLimiter(settings.tenant_slot_caps())
    fair: FairShare | None = None
    if stages is None:
        pause = RefusalPause(settings.rate_limit_refusal_hold_s) if settings.rate_limit_refusal_hold_s > 0 else None
        fair = FairShare(settings.tenant_fair_share) if settings.tenant_fair_share > 0 else None
        slots = default_stages(service, settings.auth.verifier(), limiter, concurrency, pause, fair)
        if settings.metrics_port:
            slots["metrics"] = MetricsStage(service)  # outside error mapping: it sees the final status code
        pipeline_stages = in_slot_order(slots)
    else:
        pipeline_stages = list(stages)
    pipeline_stages.extend(extra_stages)
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", settings.max_message_bytes),
            ("grpc.max_send_message_length", settings.max_message_bytes),
            # Off unless workers share the port (opsuite_common.server.workers): a second server started by
            # mistake on a port in use fails to bind instead of silently taking half the connections.
            ("grpc.so_reuseport", 1 if settings.workers > 1 else 0),
        ],
    )
    # Every handler (health and reflection included) is registered through the pipeline; afterwards the
    # raw server refuses registrations, so no handler can skip authentication and error mapping.
    registrar: Any = Pipeline(pipeline_stages, stream_write_timeout_s=settings.stream_write_timeout_s).wrap_server(
        server
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, registrar)
    names = [r.full_name for r in registrations]
    for r in registrations:
        r.add(registrar)
    add_reflection(registrar, [*names, health.SERVICE_NAME])  # grpc.reflection.v1 and v1alpha
    _refuse_unwrapped_registrations(server)
    address = f"{settings.host}:{settings.port}"
    try:
        port = server.add_secure_port(address, tls.credentials()) if tls else server.add_insecure_port(address)
    except RuntimeError as exc:  # grpc's "Failed to bind": the address is in use or not this host's
        raise OSError(f"could not bind {address}: is another process listening there? ({exc})") from None
    if port == 0:
        raise OSError(f"could not bind {address}")
    await server.start()
    handle = ServerHandle(server=server, port=port, health=health_servicer, service_names=names)
    if fair is not None:
        handle.resources["fair_share"] = fair  # for tests and diagnostics: calls in progress and waiting
    if shared is not None:
        handle.on_stop(shared.close)
    if shared_caps is not None:
        handle.on_stop(shared_caps.close)
    if settings.metrics_port:
        metrics_server, metrics_port = serve_metrics(max(settings.metrics_port, 0), settings.host)
        handle.resources["metrics_port"] = metrics_port

        async def stop_metrics() -> None:
            metrics_server.shutdown()
            metrics_server.server_close()

        handle.on_stop(stop_metrics)
    await handle.set_serving(True)
    transport = tls.describe() if tls else "plaintext"
    log.info("server started", service=service, address=f"{settings.host}:{port}", services=names, transport=transport)
    return handle


def _refuse_unwrapped_registrations(server: grpc.aio.Server) -> None:
    """Make ``server`` refuse handlers added directly (they would run without the pipeline's stages)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(
            "handlers must be registered through the server pipeline (build_server's registrations); "
            "one added to the raw grpc server would run without authentication and error mapping"
        )

    server.add_generic_rpc_handlers = refuse  # type: ignore[method-assign]
    server.add_registered_method_handlers = refuse  # type: ignore[method-assign]


def freeze_startup_heap() -> int:
    """Move every object alive now (modules, classes, settings, the built server) out of the cyclic
    garbage collector's reach (``gc.freeze``), after one last collection; returns how many were frozen.

    A server process holds some 150,000 such objects, and CPython's oldest-generation collection walked all
    of them: a pause of 35-100 ms on this machine (66-79 ms in bench/noisy_neighbour's measured phases), during
    which no call on the process moved (every caller's tail latency, and a quiet tenant's most of all beside a
    busy one, whose allocations bring the collection round more often). After the freeze the same collection
    walks what was allocated since: 6-12 ms. Cyclic start-up objects released later (a replaced cache) are never
    collected: a one-off cost. Called once a process has built its servers, before it serves (:func:`serve`,
    each worker, the benchmarks' server processes); not in test processes that build many servers.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


async def serve(
    create: Callable[[], Awaitable[ServerHandle]],
    *,
    grace_s: float,
    ready: Callable[[ServerHandle], None] | None = None,
) -> None:
    """Run a server until SIGTERM/SIGINT, then stop it gracefully within ``grace_s``."""
    handle = await create()
    freeze_startup_heap()
    if ready is not None:
        ready(handle)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server_done = asyncio.ensure_future(handle.server.wait_for_termination())
    stop_wait = asyncio.ensure_future(stop.wait())
    await asyncio.wait({server_done, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
    log.info("shutting down", grace_s=grace_s)
    await handle.stop(grace_s)
    stop_wait.cancel()
    server_done.cancel()
    log.info("stopped")
