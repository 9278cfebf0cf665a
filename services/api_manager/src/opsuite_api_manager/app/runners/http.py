"""HTTP APIs: one request to the API's URL through the HTTP engine, under the API's allow-list."""

from __future__ import annotations

from typing import Any

from opsuite_api_manager.adapters.http_engine import HttpEngine, HttpSpec
from opsuite_common.fairness import waiting_elsewhere

from ..admission import Prepared, Runtime
from ..definitions import ALLOW_LIST_FIELD
from ..outcomes import Outcome, Reference
from ..recording import RunState

__all__ = ["HttpRunner"]


class HttpRunner:
    """Runs HTTP APIs (SSRF guard and allow-list in the engine; secrets of the params redacted)."""

    def __init__(self, http: HttpEngine, runtime: Runtime) -> None:
        """Bind the HTTP engine and the server-wide bounds."""
        self.http, self.runtime = http, runtime

    async def run(self, run: RunState, prepared: Prepared, params: dict[str, Any], input: Any) -> Outcome:
        """The upstream's status, headers and body (JSON when it is JSON)."""
        d = run.target.definition
        spec = HttpSpec(
            url=str(d.spec.get("url") or ""),
            method=str(d.spec.get("method") or "GET"),
            headers=dict(d.spec.get("headers") or {}),
            body=d.spec.get("body") or None,
        )
        # The upstream does the work: the fair-share place goes back for the whole request (retries and body
        # read included) and is taken back after it, outside the engine's timeout and breaker.
        async with waiting_elsewhere():
            result = await self.http.execute(
                spec,
                params,
                policy=self.http.policy.narrowed(d.policy.network_allow_list, name=ALLOW_LIST_FIELD),
                timeout=run.remaining,
                max_response_bytes=d.policy.output_cap_bytes or self.runtime.default_output_cap_bytes,
                secrets=prepared.schema.secret_values(params),
                breaker_scope=run.caller.tenant,
            )
        run.references.append(Reference("url", result.reference.url, result.reference.method))
        return run.outcome(json={"status": result.status, "headers": result.headers, "body": result.body})
