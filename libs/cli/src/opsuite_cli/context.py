"""Connection settings of the CLI and typed clients for the three services."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.auth import TokenIssuer
from opsuite_common.client import ServiceClient
from opsuite_common.errors import AuthenticationError, ValidationError
from opsuite_common.settings import ClientSettings
from opsuite_common.tls import TlsConfigError, client_tls

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub
    from opsuite.cep.v1.cep_pb2_grpc import CepServiceAsyncStub
    from opsuite.ops.v1.ops_pb2_grpc import OpsServiceAsyncStub

__all__ = ["TLS_FLAGS", "CliContext"]

StubT = TypeVar("StubT")

#: The CLI's TLS options by the ClientSettings field each one sets (errors name the flag).
TLS_FLAGS = {
    "tls": "--tls",
    "tls_ca_file": "--tls-ca",
    "tls_cert_file": "--tls-cert",
    "tls_key_file": "--tls-key",
    "tls_server_name": "--tls-server-name",
}


@dataclass
class CliContext:
    """Where the services are and which token to send (flags, then env vars, then dev defaults)."""

    api_manager: str = "127.0.0.1:50051"
    cep: str = "127.0.0.1:50052"
    ops: str = "127.0.0.1:50053"
    token: str | None = None
    timeout_s: float = 30.0
    #: TLS settings given as options (ClientSettings fields); those not given come from OPSUITE_CLIENT_TLS_*.
    tls: dict[str, str | bool] = field(default_factory=dict)
    _clients: dict[str, ServiceClient[Any]] = field(default_factory=dict)

    def resolved_token(self) -> str:
        """The token: --token / OPSUITE_TOKEN, else a dev token minted from .run/jwt-secret (tenant demo)."""
        if self.token:
            return self.token
        secret_file = Path(os.environ.get("OPSUITE_DEV_SECRET_FILE", ".run/jwt-secret"))
        if secret_file.exists():
            return TokenIssuer(key=secret_file.read_text().strip()).mint(
                subject="cli", tenant=os.environ.get("OPSUITE_TENANT", "demo"), roles=["admin"], ttl_s=3600
            )
        raise AuthenticationError(
            "no token: pass --token, set OPSUITE_TOKEN, or run ./dev up to create .run/jwt-secret",
            reason="NO_TOKEN",
        )

    def _client(
        self, key: str, target: str, stub: Callable[[grpc.aio.Channel], StubT], service: ServiceDescriptor
    ) -> ServiceClient[StubT]:
        client = self._clients.get(key)
        if client is None:
            # A person is watching: fail on each call rather than fast (a breaker that hardly ever opens).
            given: dict[str, Any] = {k: v for k, v in self.tls.items() if v}  # the others: OPSUITE_CLIENT_TLS_*
            settings = ClientSettings(timeout_s=self.timeout_s, retry_attempts=3, breaker_fail_max=1000, **given)
            try:
                client_tls(settings, TLS_FLAGS)  # a wrong file is a one-line error naming the option
            except TlsConfigError as exc:
                raise ValidationError(str(exc), reason="TLS_SETTING_INVALID") from None
            client = self._clients[key] = ServiceClient(
                target,
                stub,
                service,
                settings=settings,
                token=self.resolved_token(),
                breakers=settings.breaker_registry(),
            )
        return cast(ServiceClient[StubT], client)

    def api_manager_client(self) -> ServiceClient[ApiManagerServiceAsyncStub]:
        """Client for api_manager."""
        return self._client(
            "api_manager",
            self.api_manager,
            api_manager_pb2_grpc.ApiManagerServiceStub,
            api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"],
        )

    def cep_client(self) -> ServiceClient[CepServiceAsyncStub]:
        """Client for cep."""
        return self._client(
            "cep", self.cep, cep_pb2_grpc.CepServiceStub, cep_pb2.DESCRIPTOR.services_by_name["CepService"]
        )

    def ops_client(self) -> ServiceClient[OpsServiceAsyncStub]:
        """Client for ops."""
        return self._client(
            "ops", self.ops, ops_pb2_grpc.OpsServiceStub, ops_pb2.DESCRIPTOR.services_by_name["OpsService"]
        )

    async def close(self) -> None:
        """Close every open channel."""
        for c in self._clients.values():
            await c.close()
        self._clients.clear()
