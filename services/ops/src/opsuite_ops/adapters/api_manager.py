"""The domain :class:`ToolCatalogue` over api_manager's gRPC API: ListApis for discovery, ExecuteApi to run.

Calls are made AS THE CALLER: the caller's token is sent explicitly in ``authorization`` (the common
client would also forward it from the RPC's context, but the executor runs calls in tasks and an
explicit header makes that independent of contextvar propagation), so api_manager filters tools and
authorises executions for exactly the caller's tenant and role. Transport failures propagate as typed
errors (ServiceUnavailableError, CircuitOpenError, DeadlineExceededError), which the executor records
in the trace; a tool that ran and failed is a ``ToolResult(success=False)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceStub
from opsuite.common.v1 import common_pb2
from opsuite_common.auth import Identity
from opsuite_common.client import connect
from opsuite_common.errors import OpsuiteError
from opsuite_common.logging import get_logger
from opsuite_common.metrics import counter
from opsuite_common.protoconv import dict_to_struct, struct_to_dict, value_to_py
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.settings import ClientSettings
from opsuite_common.tracing import span
from opsuite_ops.domain import Tool, ToolResult

__all__ = ["OUTPUT_HINTS_KEY", "SERVICE", "ApiManagerCatalogue", "result_to_tool_result", "tool_from_api"]

SERVICE = am.DESCRIPTOR.services_by_name["ApiManagerService"]
#: Optional extension keyword in an API's param_schema: value name -> JMESPath into its output
#: (e.g. ``{"host": "rows[0].host"}``), letting the planner chain this tool into another.
OUTPUT_HINTS_KEY = "x-output-hints"
_LIST_PAGE_SIZE = 500
_MAX_PAGES = 100

log = get_logger("opsuite.ops.catalogue")

_TOOL_CALLS = counter(
    "opsuite_ops_tool_calls_total",
    "Tool calls (api_manager executions) by outcome: ok, failed (the tool ran and failed), or the error's reason.",
    ("outcome",),
)


def tool_from_api(api: am.Api) -> Tool:
    """The tool an api_manager API exposes (its schema's keys sorted, as :func:`struct_to_dict` gives them)."""
    d = api.definition
    schema = struct_to_dict(d.param_schema) if d.HasField("param_schema") else {}
    hints = schema.pop(OUTPUT_HINTS_KEY, None)
    kind = am.ApiKind.Name(d.kind).lower() if d.kind else "sql"
    return Tool(
        name=d.name,
        description=d.description,
        tags=frozenset(d.tags),
        kind=kind,
        input_schema=schema or {"type": "object", "properties": {}},
        output_hints={str(k): str(v) for k, v in hints.items()} if isinstance(hints, Mapping) else {},
        idempotent=api.idempotent,
        version=api.version,
        api_id=api.meta.id,
    )


def _sql_data(result: am.SqlResult) -> dict[str, Any]:
    columns = [c.name for c in result.columns]
    rows = []
    for row in result.rows:
        values = [value_to_py(v) for v in row.values]
        rows.append(dict(zip(columns, values, strict=False)))
    return {"columns": columns, "rows": rows, "row_count": result.row_count or len(rows), "truncated": result.truncated}


def result_to_tool_result(resp: am.ExecuteApiResponse, tool_name: str) -> ToolResult:
    """Map an ExecuteApi response to a ToolResult (SQL -> ``{"columns","rows"}``, JSON as is)."""
    which = resp.WhichOneof("result")
    if which == "sql":
        data: Any = _sql_data(resp.sql)
    elif which == "json":
        data = value_to_py(resp.json)
    else:
        data = None
    metadata = {f"ref.{r.kind}": r.name + (f" ({r.detail})" if r.detail else "") for r in resp.references}
    metadata["api_version"] = str(resp.api_version)
    warnings = ("the result was truncated at the API's row limit",) if which == "sql" and resp.sql.truncated else ()
    if resp.status == am.SUCCEEDED:
        return ToolResult(True, data=data, execution_id=resp.execution_id, metadata=metadata, warnings=warnings)
    status = am.ExecutionStatus.Name(resp.status)
    return ToolResult(
        False,
        data=data,
        error=f"{tool_name} finished with status {status} (execution {resp.execution_id or 'unknown'})",
        error_reason=f"EXECUTION_{status}",
        retryable=resp.status == am.TIMED_OUT,
        execution_id=resp.execution_id,
        metadata=metadata,
    )


class ApiManagerCatalogue:
    """ToolCatalogue over one api_manager target; one client (channel + breaker) per server."""

    def __init__(
        self,
        target: str,
        *,
        settings: ClientSettings | None = None,
        breakers: BreakerRegistry | None = None,
        discovery_timeout_s: float = 5.0,
    ) -> None:
        self.target = target
        self.discovery_timeout_s = discovery_timeout_s
        self.client = connect(
            target, ApiManagerServiceStub, SERVICE, settings=settings, breakers=breakers, name=f"api_manager@{target}"
        )

    @property
    def breaker_state(self) -> str:
        """``closed``, ``open`` or ``half-open``: the state of the api_manager breaker."""
        return self.client.breaker.state

    @staticmethod
    def _auth(identity: Identity) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {identity.token}")] if identity.token else []

    async def list_tools(self, identity: Identity) -> list[Tool]:
        """Every enabled API exposed as a tool that ``identity`` may see (all pages)."""
        tools: list[Tool] = []
        token = ""
        for _ in range(_MAX_PAGES):
            req = am.ListApisRequest(
                page=common_pb2.PageRequest(page_size=_LIST_PAGE_SIZE, page_token=token),
                expose_as_tool=True,
                enabled=True,
            )
            resp = await self.client.rpc.ListApis(req, timeout=self.discovery_timeout_s, metadata=self._auth(identity))
            tools.extend(tool_from_api(api) for api in resp.apis)
            token = resp.page.next_page_token
            if not token:
                break
        else:
            log.warning("tool discovery stopped after the page limit", pages=_MAX_PAGES, tools=len(tools))
        return tools

    async def invoke(self, identity: Identity, tool_name: str, params: dict[str, Any], timeout: float) -> ToolResult:
        """Execute the API ``tool_name`` as ``identity``; transport errors raise typed OpsuiteErrors.

        Each call is a ``tool <name>`` span (the ExecuteApi client span, and api_manager's spans, under it)
        and counted in ``opsuite_ops_tool_calls_total``."""
        req = am.ExecuteApiRequest(name=tool_name, params=dict_to_struct(params, "params"))
        with span(f"tool {tool_name}", {"opsuite.tool.name": tool_name}) as traced:
            try:
                resp = await self.client.rpc.ExecuteApi(req, timeout=timeout, metadata=self._auth(identity))
            except OpsuiteError as exc:
                _TOOL_CALLS.labels(exc.reason.lower()).inc()
                raise
            result = result_to_tool_result(resp, tool_name)
            outcome = "ok" if result.success else "failed"
            traced.set_attribute("opsuite.tool.outcome", outcome)
            if resp.execution_id:
                traced.set_attribute("opsuite.execution.id", resp.execution_id)
        _TOOL_CALLS.labels(outcome).inc()
        return result

    async def close(self) -> None:
        """Close the channel."""
        await self.client.close()
