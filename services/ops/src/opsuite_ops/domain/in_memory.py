"""An in-memory :class:`ToolCatalogue` whose tools can be told to sleep or fail: for tests and benchmarks.

A first-class fake, not a mock: tools are registered with an async handler ``(params) -> data``;
``script`` makes a tool slow or failing for its next calls; ``down`` makes discovery fail as if
api_manager were unreachable. It records every call and the peak number of concurrent calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from opsuite_common.auth import Identity
from opsuite_common.errors import NotFoundError, OpsuiteError, ServiceUnavailableError
from opsuite_ops.domain.model import Tool, ToolResult

__all__ = ["Handler", "InMemoryCatalogue", "Script"]

#: A tool implementation: params -> output data (or a ToolResult for full control).
Handler = Callable[[dict[str, Any]], Awaitable[Any]]


async def _echo(params: dict[str, Any]) -> Any:
    return {"rows": [dict(params)]}


@dataclass(slots=True)
class Script:
    """What a tool does on its next calls: sleep, then fail ``fail_times`` times (forever if -1)."""

    delay_s: float = 0.0
    fail_times: int = 0
    error: OpsuiteError | None = None
    retryable: bool = True
    message: str = "the tool failed"


class InMemoryCatalogue:
    """Tools in a dict, visible per tenant (``tenants=None`` means every tenant)."""

    def __init__(self, tools: Iterable[tuple[Tool, Handler | None]] = ()) -> None:
        self._tools: dict[str, tuple[Tool, Handler, frozenset[str] | None]] = {}
        self._scripts: dict[str, Script] = {}
        self.down = False
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.list_calls = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self._seq = 0
        for tool, handler in tools:
            self.add(tool, handler)

    def add(self, tool: Tool, handler: Handler | None = None, *, tenants: Iterable[str] | None = None) -> None:
        """Register ``tool`` (replacing one with the same name)."""
        self._tools[tool.name] = (tool, handler or _echo, frozenset(tenants) if tenants is not None else None)

    def script(self, name: str, script: Script) -> None:
        """Make ``name`` behave as ``script`` from now on."""
        self._scripts[name] = script

    def calls_to(self, name: str) -> int:
        """How many times ``name`` was invoked."""
        return sum(1 for n, _ in self.calls if n == name)

    def _visible(self, identity: Identity, name: str) -> tuple[Tool, Handler] | None:
        entry = self._tools.get(name)
        if entry is None or (entry[2] is not None and identity.tenant not in entry[2]):
            return None
        return entry[0], entry[1]

    async def list_tools(self, identity: Identity) -> list[Tool]:
        """The tools ``identity``'s tenant may see; raises UNAVAILABLE while ``down``."""
        self.list_calls += 1
        if self.down:
            raise ServiceUnavailableError("api_manager is unreachable (in-memory catalogue is down)")
        return [t for name, (t, _, _) in self._tools.items() if self._visible(identity, name)]

    async def invoke(self, identity: Identity, tool_name: str, params: dict[str, Any], timeout: float) -> ToolResult:
        """Run a tool's handler, applying its script; unknown or invisible tools are NOT_FOUND."""
        entry = self._visible(identity, tool_name)
        if entry is None:
            raise NotFoundError(f"tool {tool_name!r} does not exist for tenant {identity.tenant!r}")
        self.calls.append((tool_name, dict(params)))
        self._seq += 1
        execution_id = f"exec-{self._seq}"
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            script = self._scripts.get(tool_name)
            if script is not None:
                if script.delay_s:
                    await asyncio.sleep(script.delay_s)
                if script.fail_times != 0:
                    if script.fail_times > 0:
                        script.fail_times -= 1
                    if script.error is not None:
                        raise script.error
                    return ToolResult(False, error=script.message, error_reason="TOOL_FAILED",
                                      retryable=script.retryable, execution_id=execution_id)  # fmt: skip
            data = await entry[1](dict(params))
        finally:
            self.in_flight -= 1
        if isinstance(data, ToolResult):
            return data
        return ToolResult(True, data=data, execution_id=execution_id)
