"""SCRIPT APIs: ``main(params, input, ctx)`` in the sandboxed script runner, with ``ctx.http`` and ``ctx.call_api``."""

from __future__ import annotations

from typing import Any

from opsuite_api_manager.adapters.http_engine import HttpEngine, HttpSpec
from opsuite_api_manager.adapters.script import ScriptRunner
from opsuite_api_manager.domain.script import ScriptPolicy, log_records, script_logs_dropped_of, script_logs_of
from opsuite_common.errors import DeadlineExceededError, OpsuiteError
from opsuite_common.tracing import AttributeValue, span

from ..admission import Prepared, Runtime
from ..definitions import ALLOW_LIST_FIELD
from ..outcomes import Outcome, Reference
from ..recording import RunState
from .base import CallNested

__all__ = ["ScriptApiRunner"]


class _Host:
    """``ctx.http`` and ``ctx.call_api`` for one script run: the API's allow-list only, same tenant."""

    def __init__(self, http: HttpEngine, runtime: Runtime, call_nested: CallNested, run: RunState) -> None:
        self._http, self._call_nested, self._run = http, call_nested, run
        policy = run.target.definition.policy
        # The operator's policy, narrowed by the API's list; for scripts an empty list allows nothing.
        self._network = http.policy.narrowed(policy.network_allow_list, name=ALLOW_LIST_FIELD, required=True)
        self._cap = policy.output_cap_bytes or runtime.default_output_cap_bytes

    async def http(self, method: str, url: str, headers: dict[str, str], body: str | None) -> dict[str, Any]:
        """One request through the HTTP engine (SSRF guard, allow-list only, size cap, remaining time)."""
        remaining = self._run.remaining
        if remaining <= 0:
            raise DeadlineExceededError("the script's time is up; no time left for ctx.http")
        result = await self._http.execute(
            HttpSpec(url=url, method=method, headers=headers, body=body),
            {},
            policy=self._network,
            timeout=remaining,
            max_response_bytes=self._cap,
            breaker_scope=self._run.caller.tenant,
        )
        self._run.references.append(Reference("url", result.reference.url, result.reference.method))
        text = result.body if isinstance(result.body, str) else None
        return {"status": result.status, "headers": result.headers, "body": text, "json": None if text else result.body}

    async def call_api(self, name: str, params: dict[str, Any]) -> Any:
        """Run another API of the same tenant one level deeper, logged like any execution."""
        return await self._call_nested(self._run, name, params, self._run.deadline, self._run.depth + 1)


class ScriptApiRunner:
    """Runs SCRIPT APIs under their memory, output and time bounds; the script's log lines go on the run."""

    def __init__(self, scripts: ScriptRunner, http: HttpEngine, runtime: Runtime, call_nested: CallNested) -> None:
        """Bind the script runner, the HTTP engine (for ``ctx.http``), the bounds and nested calls."""
        self.scripts, self.http, self.runtime, self._call_nested = scripts, http, runtime, call_nested

    async def run(self, run: RunState, prepared: Prepared, params: dict[str, Any], input: Any) -> Outcome:
        """The script's output; its log lines are recorded whether it succeeds or fails."""
        d = run.target.definition
        policy = ScriptPolicy(
            timeout_s=run.remaining,
            memory_mb=d.policy.memory_mb or self.runtime.default_memory_mb,
            output_bytes=d.policy.output_cap_bytes or self.runtime.default_output_cap_bytes,
        )
        run.references.append(Reference("script", d.name, f"version {run.target.version}"))
        host = _Host(self.http, self.runtime, self._call_nested, run)
        attributes: dict[str, AttributeValue] = {
            "opsuite.api.name": d.name,
            "opsuite.script.memory_mb": policy.memory_mb,
        }
        try:
            with span("script.run", attributes):
                result = await self.scripts.run(str(d.spec.get("source") or ""), params, input, policy, host)
        except OpsuiteError as exc:
            run.logs.extend(log_records(script_logs_of(exc), script_logs_dropped_of(exc)))
            raise
        run.logs.extend(log_records(result.logs, result.logs_dropped))
        return run.outcome(json=result.output)
