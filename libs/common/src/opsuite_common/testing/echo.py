"""A small EchoService used by the library's tests and by bench/ (not deployed by any service)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import grpc

from opsuite.common.v1 import common_pb2
from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common import errors
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.client import ClientSettings, connect
from opsuite_common.context import current_request_id
from opsuite_common.server import ServerInfoRpc, ServiceRegistration

__all__ = ["ECHO_SERVICE", "EchoServicer", "echo_registration"]

ECHO_SERVICE = echo_pb2.DESCRIPTOR.services_by_name["EchoService"]


def _error(spec: str) -> errors.OpsuiteError | Exception:
    name, _, dependency = spec.split(":", 1)[0].partition("/")
    if name == "RuntimeError":
        # Looks like what must never reach the wire: a path, SQL and a secret.
        return RuntimeError("boom at /srv/opsuite/secret.py: SELECT password FROM users; token=s3cr3t")
    cls: type[errors.OpsuiteError] = getattr(errors, name)
    kwargs: dict[str, Any] = {"metadata": {"resource": "echo"}}
    if issubclass(cls, errors.ValidationError):
        kwargs["field_violations"] = [
            errors.FieldViolation("message", "must not be empty"),
            errors.FieldViolation("count", "must be between 0 and 100"),
        ]
    if issubclass(cls, (errors.RateLimitedError, errors.ServiceUnavailableError)):
        kwargs["retry_after"] = 0.05
    error = cls(f"echo raised {name}", **kwargs)
    return error.blame_dependency(dependency) if dependency else error


class EchoServicer(ServerInfoRpc, echo_pb2_grpc.EchoServiceServicer):
    """Echo with knobs: ``raise_error="ServiceUnavailableError:2"`` fails the first 2 attempts.

    ``raise_error="ServiceUnavailableError/db:2"`` blames the failure on a dependency named ``db``.
    """

    server_name = "echo"
    server_distribution = "opsuite-common"

    def __init__(self, client_settings: ClientSettings | None = None) -> None:
        self.attempts: Counter[str] = Counter()
        self.calls = 0
        self._client_settings = client_settings or ClientSettings()

    async def _handle(self, request: echo_pb2.EchoRequest) -> echo_pb2.EchoResponse:
        self.calls += 1
        key = request.message
        self.attempts[key] += 1
        if request.sleep_ms:
            await asyncio.sleep(request.sleep_ms / 1000)
        if request.raise_error:
            name, _, times = request.raise_error.partition(":")
            if not times or self.attempts[key] <= int(times):
                raise _error(name)
        return echo_pb2.EchoResponse(message=request.message, payload=request.payload, attempt=self.attempts[key])

    @requires(Role.VIEWER)
    async def Echo(
        self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> echo_pb2.EchoResponse:
        """Echo the message (viewer)."""
        return await self._handle(request)

    @requires(Role.EDITOR)
    async def Mutate(
        self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> echo_pb2.EchoResponse:
        """Echo, but declared non-idempotent and for editors."""
        return await self._handle(request)

    @requires(Role.VIEWER)
    async def WhoAmI(
        self, request: echo_pb2.WhoAmIRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> echo_pb2.WhoAmIResponse:
        """The caller's identity; with forward_to, the identity another server sees for this call."""
        if request.forward_to:
            client = connect(
                request.forward_to,
                echo_pb2_grpc.EchoServiceStub,
                ECHO_SERVICE,
                settings=self._client_settings,
            )
            try:
                return await client.rpc.WhoAmI(echo_pb2.WhoAmIRequest(), timeout=5)
            finally:
                await client.close()
        ident = current_identity()
        return echo_pb2.WhoAmIResponse(
            identity=common_pb2.Identity(
                subject=ident.subject, tenant=ident.tenant, roles=sorted(r.name.lower() for r in ident.roles)
            ),
            request_id=current_request_id() or "",
        )

    @requires(Role.VIEWER)
    async def EchoStream(
        self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[echo_pb2.EchoResponse]:
        """Stream ``count`` echoes; ``raise_error`` fails after the first one.

        ``sleep_ms`` waits before each echo after the first; with ``raise_error``, a cancel arriving
        during that wait raises the error instead (cleanup failing while the caller goes away).
        """
        for i in range(max(request.count, 1)):
            if i and request.sleep_ms:
                try:
                    await asyncio.sleep(request.sleep_ms / 1000)
                except asyncio.CancelledError:
                    if request.raise_error:
                        raise _error(request.raise_error.partition(":")[0]) from None
                    raise
            if i == 1 and request.raise_error:
                raise _error(request.raise_error.partition(":")[0])
            yield echo_pb2.EchoResponse(message=f"{request.message}#{i}", attempt=i)


def echo_registration(servicer: EchoServicer) -> ServiceRegistration:
    """Register ``servicer`` on a server built with :func:`opsuite_common.server.build_server`."""
    return ServiceRegistration(
        full_name=ECHO_SERVICE.full_name,
        add=lambda server: echo_pb2_grpc.add_EchoServiceServicer_to_server(servicer, server),
    )
