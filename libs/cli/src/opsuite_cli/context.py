"""Connection settings of the CLI and typed clients for the three services."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.auth import TokenIssuer
from opsuite_common.client import ClientSettings, ServiceClient
from opsuite_common.resilience import BreakerRegistry, RetryPolicy

__all__ = ["CliContext"]


@dataclass
class CliContext:
    """Where the services are and which token to send (flags, then env vars, then dev defaults)."""

    api_manager: str = "127.0.0.1:50051"
    cep: str = "127.0.0.1:50052"
    ops: str = "127.0.0.1:50053"
    token: str | None = None
    timeout_s: float = 30.0
    _clients: dict[str, ServiceClient] = field(default_factory=dict)

    def resolved_token(self) -> str:
        """The token: --token / OPSUITE_TOKEN, else a dev token minted from .run/jwt-secret (tenant demo)."""
        if self.token:
            return self.token
        secret_file = Path(os.environ.get("OPSUITE_DEV_SECRET_FILE", ".run/jwt-secret"))
        if secret_file.exists():
            return TokenIssuer(key=secret_file.read_text().strip()).mint(
                subject="cli", tenant=os.environ.get("OPSUITE_TENANT", "demo"), roles=["admin"], ttl_s=3600
            )
        raise SystemExit("no token: pass --token, set OPSUITE_TOKEN, or run ./dev up to create .run/jwt-secret")

    def _client(self, key: str, target: str, stub: Any, service: Any) -> ServiceClient:
        if key not in self._clients:
            settings = ClientSettings(
                token=self.resolved_token(),
                default_timeout_s=self.timeout_s,
                retry=RetryPolicy(max_attempts=3),
                breaker_fail_max=1000,  # a person is watching; fail on each call rather than fast
            )
            breakers = BreakerRegistry(fail_max=settings.breaker_fail_max)
            self._clients[key] = ServiceClient(target, stub, service, settings=settings, breakers=breakers)
        return self._clients[key]

    def api_manager_client(self) -> ServiceClient:
        """Client for api_manager."""
        return self._client(
            "api_manager",
            self.api_manager,
            api_manager_pb2_grpc.ApiManagerServiceStub,
            api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"],
        )

    def cep_client(self) -> ServiceClient:
        """Client for cep."""
        return self._client(
            "cep", self.cep, cep_pb2_grpc.CepServiceStub, cep_pb2.DESCRIPTOR.services_by_name["CepService"]
        )

    def ops_client(self) -> ServiceClient:
        """Client for ops."""
        return self._client(
            "ops", self.ops, ops_pb2_grpc.OpsServiceStub, ops_pb2.DESCRIPTOR.services_by_name["OpsService"]
        )

    async def close(self) -> None:
        """Close every open channel."""
        for c in self._clients.values():
            await c.close()
        self._clients.clear()
