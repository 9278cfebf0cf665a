"""Calls api_manager's ExecuteApi on behalf of a tenant (schedule rules and the ``api`` channel kind).

There is no caller to forward a token from (the scheduler and the dispatcher run in the background),
so each call carries a short-lived service token (:class:`~opsuite_cep.adapters.tokens.ServiceTokens`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite_cep.adapters.tokens import ServiceTokens
from opsuite_cep.config import Settings
from opsuite_common.client import connect
from opsuite_common.errors import FailedPreconditionError
from opsuite_common.protoconv import dict_to_struct, value_to_py

__all__ = ["ApiManagerCaller"]

SERVICE = api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]


class ApiManagerCaller:
    """A resilient client to api_manager (deadline, breaker, typed errors) with per-tenant tokens."""

    def __init__(self, settings: Settings, tokens: ServiceTokens) -> None:
        self.settings, self.tokens = settings, tokens
        self.client = connect(
            settings.api_manager_target,
            api_manager_pb2_grpc.ApiManagerServiceStub,
            SERVICE,
            settings=settings.client,
            name=f"cep->api_manager@{settings.api_manager_target}",
        )

    async def execute(self, tenant: str, api: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Run API ``api`` (by name) and return its result as a dict: ``{status, rows, row_count}`` for SQL
        (plus ``truncated: true`` when the API's row limit cut the rows), the JSON object (or ``{value}``)
        otherwise. A non-successful execution raises FailedPrecondition."""
        request = api_manager_pb2.ExecuteApiRequest(name=api, params=dict_to_struct(dict(params), "params"))
        reply = await self.client.rpc.ExecuteApi(
            request,
            metadata=self.tokens.metadata(tenant, "api_manager"),
            timeout=self.settings.delivery_timeout_s,
        )
        status = api_manager_pb2.ExecutionStatus.Name(reply.status)
        if reply.status != api_manager_pb2.SUCCEEDED:
            raise FailedPreconditionError(f"API {api!r} execution ended {status}", reason="API_EXECUTION_FAILED")
        which = reply.WhichOneof("result")
        result: dict[str, Any]
        if which == "sql":
            cols = [c.name for c in reply.sql.columns]
            rows = [dict(zip(cols, [value_to_py(v) for v in row.values], strict=False)) for row in reply.sql.rows]
            result = {"rows": rows, "row_count": reply.sql.row_count or len(rows)}
            if reply.sql.truncated:  # the API's row limit cut the rows (an absent-keys list says so)
                result["truncated"] = True
        elif which == "json":
            value = value_to_py(reply.json)
            result = dict(value) if isinstance(value, dict) else {"value": value}
        else:
            result = {}
        result.setdefault("status", status)
        return result

    async def close(self) -> None:
        """Close the channel."""
        await self.client.close()
