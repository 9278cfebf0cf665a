"""Calls ops's Ask on behalf of a tenant (the ``ops_investigation`` channel kind).

The call goes through the common client (deadline ``ops_timeout_s``, a breaker per target, typed errors)
with a service token for the alert's tenant (:class:`~opsuite_cep.adapters.tokens.ServiceTokens`). Ask has
side effects (it stores a run), so the client never retries it by itself.
"""

from __future__ import annotations

from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_cep.adapters.tokens import ServiceTokens
from opsuite_cep.config import Settings
from opsuite_common.client import connect

__all__ = ["OpsCaller"]

SERVICE = ops_pb2.DESCRIPTOR.services_by_name["OpsService"]


class OpsCaller:
    """A resilient client to ops (deadline, breaker, typed errors) with per-tenant service tokens."""

    def __init__(self, settings: Settings, tokens: ServiceTokens) -> None:
        self.settings, self.tokens = settings, tokens
        self.client = connect(
            settings.ops_target,
            ops_pb2_grpc.OpsServiceStub,
            SERVICE,
            settings=settings.client,
            name=f"cep->ops@{settings.ops_target}",
        )

    async def ask(self, tenant: str, question: str) -> tuple[str, str]:
        """Ask ops ``question`` as tenant ``tenant``; returns ``(run_id, answer)``."""
        reply = await self.client.rpc.Ask(
            ops_pb2.AskRequest(question=question),
            metadata=self.tokens.metadata(tenant, "ops"),
            timeout=self.settings.ops_timeout_s,
        )
        return reply.run_id, reply.answer

    async def close(self) -> None:
        """Close the channel."""
        await self.client.close()
