"""Script engine value types: the policy an execution runs under, its result, and the host ``ctx`` calls."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Protocol

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = ["ALL_LAYERS", "LogLine", "ScriptHost", "ScriptPolicy", "ScriptResult"]

#: The isolation layers a ``ScriptRunner`` applies; production always uses all of them (tests switch
#: single layers off to prove that the others still hold).
ALL_LAYERS = frozenset({"namespace", "rlimits", "drop_privileges", "audit_hook"})


@dataclass(frozen=True, slots=True)
class ScriptPolicy:
    """Limits for one script execution (the API's runtime policy, script part)."""

    timeout_s: float = 5.0
    cpu_s: float | None = None  # defaults to the timeout: a script cannot burn more CPU than wall time
    memory_mb: int = 128
    output_bytes: int = 1_000_000
    max_log_lines: int = 200
    max_log_line_bytes: int = 2_000
    max_host_calls: int = 20
    max_host_request_bytes: int = 256_000
    max_host_reply_bytes: int = 2_000_000
    #: The API's own timeout when part of it went on waiting for a sandbox slot (``timeout_s`` is what was left):
    #: the one a timeout's message names.
    stated_timeout_s: float | None = None

    def __post_init__(self) -> None:
        problems = [
            FieldViolation(f"policy.{f.name}", "must be a positive number")
            for f in fields(self)
            if (value := getattr(self, f.name)) is not None
            and (not isinstance(value, int | float) or isinstance(value, bool) or not value > 0)
        ]
        if problems:
            raise ValidationError("the script policy is invalid", field_violations=problems)

    @property
    def cpu_seconds(self) -> int:
        """The RLIMIT_CPU soft limit in whole seconds."""
        return max(1, math.ceil(self.cpu_s if self.cpu_s is not None else self.timeout_s))


@dataclass(frozen=True, slots=True)
class LogLine:
    """One ``ctx.log`` (or ``print``) line: ``at`` is seconds since the script started."""

    message: str
    fields: dict[str, Any]
    at: float


@dataclass(frozen=True, slots=True)
class ScriptResult:
    """A successful execution: ``output`` is what ``main`` returned (JSON data).

    ``logs_dropped`` counts the log lines over ``max_log_lines`` that were not kept.
    """

    output: Any
    logs: tuple[LogLine, ...]
    duration_s: float
    logs_dropped: int = 0
    host_calls: int = 0
    violations: tuple[str, ...] = ()  # refused operations the script caught and survived

    @property
    def logs_truncated(self) -> bool:
        """Whether some log lines were dropped."""
        return self.logs_dropped > 0


class ScriptHost(Protocol):
    """What the service injects to serve ``ctx.http`` and ``ctx.call_api`` outside the sandbox.

    Raise ``opsuite_common.errors`` types to refuse (e.g. an SSRF block): the script sees a
    ``HostCallError`` with the same reason and message. Other exceptions reach it as an internal error.
    """

    async def http(self, method: str, url: str, headers: dict[str, str], body: str | None) -> dict[str, Any]:
        """Perform an HTTP request for the script (allow-list, SSRF guard and size cap applied)."""
        ...

    async def call_api(self, name: str, params: dict[str, Any]) -> Any:
        """Execute another API of the same tenant (with bounded depth) and return its JSON result."""
        ...
