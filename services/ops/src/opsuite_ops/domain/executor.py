"""Phase 5, execute: run a plan as a DAG with bounded concurrency, per-call timeouts and retries.

Each step starts as soon as the steps it depends on have succeeded (not wave by wave), under a
semaphore of ``budget.max_parallelism``. Mapped arguments are resolved from earlier outputs and
re-checked against the tool's schema before the call. Idempotent tools are retried (tenacity via
``opsuite_common.resilience.RetryPolicy``) on transient failures and per-call timeouts; other tools
run once. A failing step never cancels its siblings: it is recorded, and only the steps that
depend on it are skipped (and named as such).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opsuite_common.errors import DeadlineExceededError, OpsuiteError
from opsuite_common.resilience import RetryPolicy, is_transient
from opsuite_ops.domain.mapping import MappingError, resolve_arguments
from opsuite_ops.domain.model import Budget, CallRecord, CallStatus, Plan, PlanStep, Tool, ToolResult
from opsuite_ops.domain.validate import dependencies, schema_violations

__all__ = ["CallHook", "DagExecutor", "Invoke", "RunState"]

#: ``invoke(tool_name, params, timeout_s)``: the catalogue's invoke, bound to the caller's identity.
Invoke = Callable[[str, dict[str, Any], float], Awaitable[ToolResult]]
#: Called with a record when a call starts and when it finishes (the orchestrator emits events).
CallHook = Callable[[CallRecord], Awaitable[None]]


@dataclass(slots=True)
class RunState:
    """Execution state of one run: outputs and latest record per step, every record, call ids."""

    outputs: dict[str, Any] = field(default_factory=dict)
    latest: dict[str, CallRecord] = field(default_factory=dict)
    records: list[CallRecord] = field(default_factory=list)
    steps: dict[str, PlanStep] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=lambda: iter(range(1, 1_000_000)))

    def next_call_id(self) -> str:
        """A call id unique within the run."""
        return f"c{next(self._counter)}"

    def failed_steps(self) -> list[str]:
        """Steps whose latest call failed or timed out."""
        return [s for s, r in self.latest.items() if r.status in (CallStatus.FAILED, CallStatus.TIMEOUT)]


class _ToolFailed(Exception):
    """A tool answered ``success=False``; carries the result so retries can read ``retryable``."""

    def __init__(self, result: ToolResult) -> None:
        super().__init__(result.error or "the tool reported a failure")
        self.result = result


class _CallTimeout(DeadlineExceededError):
    """One call exceeded its own timeout (retryable for idempotent tools, unlike the run deadline)."""


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, _ToolFailed):
        return exc.result.retryable
    if isinstance(exc, _CallTimeout):
        return True
    return is_transient(exc)


class DagExecutor:
    """Runs plans for one run; ``deadline`` is the run's ``time.monotonic()`` end."""

    def __init__(
        self,
        invoke: Invoke,
        tools: Mapping[str, Tool],
        budget: Budget,
        *,
        deadline: float,
        on_start: CallHook | None = None,
        on_finish: CallHook | None = None,
        retry_backoff_s: float = 0.05,
    ) -> None:
        self._invoke, self._tools, self._budget, self._deadline = invoke, tools, budget, deadline
        self._on_start, self._on_finish = on_start, on_finish
        self._backoff = retry_backoff_s
        self._sem = asyncio.Semaphore(budget.max_parallelism)

    async def execute(self, plan: Plan, state: RunState, *, recovery: str = "") -> list[CallRecord]:
        """Run every step of ``plan`` (given outputs already in ``state``); returns this plan's records."""
        done = {sid: asyncio.Event() for sid in (s.id for s in plan.steps)}
        records: list[CallRecord] = []
        for step in plan.steps:
            state.steps[step.id] = step

        async def run_step(step: PlanStep) -> None:
            try:
                for dep in dependencies(step):
                    if dep in done:
                        await done[dep].wait()
                blocked = [d for d in dependencies(step) if d not in state.outputs]
                if blocked:
                    rec = self._skipped(step, state, blocked, recovery)
                else:
                    async with self._sem:
                        rec = await self._call(step, state, recovery)
                records.append(rec)
            finally:
                done[step.id].set()

        async with asyncio.TaskGroup() as group:
            for step in plan.steps:
                group.create_task(run_step(step))
        return records

    def _new_record(self, step: PlanStep, state: RunState, args: dict[str, Any], recovery: str) -> CallRecord:
        rec = CallRecord(state.next_call_id(), step.id, step.tool, args, recovery=recovery)
        state.records.append(rec)
        state.latest[step.id] = rec
        return rec

    def _skipped(self, step: PlanStep, state: RunState, blocked: list[str], recovery: str) -> CallRecord:
        rec = self._new_record(step, state, dict(step.arguments), recovery)
        names = ", ".join(f"{b} ({state.steps[b].tool})" if b in state.steps else b for b in blocked)
        rec.error = f"not run: it needs the output of {names}, which did not succeed"
        rec.error_reason = "DEPENDENCY_FAILED"
        return rec

    async def _call(self, step: PlanStep, state: RunState, recovery: str) -> CallRecord:
        tool = self._tools[step.tool]
        rec = self._new_record(step, state, dict(step.arguments), recovery)
        rec.started_at = datetime.now(UTC)
        started = time.monotonic()
        if self._on_start is not None:
            await self._on_start(rec)
        try:
            rec.arguments = resolve_arguments(step.arguments, state.outputs)
            bad = schema_violations(tool, rec.arguments, "arguments")
            if bad:
                raise MappingError(
                    "mapped arguments break the tool's input schema: "
                    + "; ".join(f"{v.field}: {v.description}" for v in bad),
                    field_violations=bad,
                )
            result = await self._with_retries(tool, rec)
            rec.status, rec.output, rec.execution_id = CallStatus.OK, result.data, result.execution_id
            rec.warnings.extend(result.warnings)
            state.outputs[step.id] = result.data
        except _ToolFailed as exc:
            rec.status, rec.error = CallStatus.FAILED, exc.result.error or "the tool reported a failure"
            rec.error_reason, rec.execution_id = exc.result.error_reason or "TOOL_FAILED", exc.result.execution_id
        except DeadlineExceededError as exc:
            rec.status, rec.error, rec.error_reason = CallStatus.TIMEOUT, exc.message, exc.reason
        except OpsuiteError as exc:
            rec.status, rec.error, rec.error_reason = CallStatus.FAILED, exc.message, exc.reason
        except (OSError, ValueError, TypeError, LookupError) as exc:
            # A misbehaving catalogue implementation must not take the whole run down.
            rec.status, rec.error, rec.error_reason = CallStatus.FAILED, f"{type(exc).__name__}: {exc}", "INTERNAL"
        rec.finished_at = datetime.now(UTC)
        rec.duration_ms = (time.monotonic() - started) * 1000
        if self._on_finish is not None:
            await self._on_finish(rec)
        return rec

    async def _attempt(self, tool: Tool, rec: CallRecord) -> ToolResult:
        rec.attempts += 1
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceededError(
                f"the run's time budget ({self._budget.total_timeout_s:g}s) ran out before {tool.name} could run"
            )
        timeout = min(self._budget.call_timeout_s, remaining)
        try:
            async with asyncio.timeout(timeout):
                result = await self._invoke(tool.name, dict(rec.arguments), timeout)
        except TimeoutError:
            if timeout < self._budget.call_timeout_s:
                raise DeadlineExceededError(
                    f"{tool.name} was cut off when the run's time budget ({self._budget.total_timeout_s:g}s) ran out"
                ) from None
            raise _CallTimeout(f"{tool.name} did not answer within its {timeout:g}s call timeout") from None
        if not result.success:
            raise _ToolFailed(result)
        return result

    async def _with_retries(self, tool: Tool, rec: CallRecord) -> ToolResult:
        if not tool.idempotent or self._budget.max_retries <= 0:
            return await self._attempt(tool, rec)
        policy = RetryPolicy(
            max_attempts=1 + self._budget.max_retries,
            initial_backoff_s=self._backoff,
            max_backoff_s=max(self._backoff, 1.0),
            retry_on=_retryable,
        )

        # An ``async def`` on purpose: tenacity only awaits coroutine *functions*, not lambdas returning one.
        async def attempt() -> ToolResult:
            return await self._attempt(tool, rec)

        return await policy.run(attempt, deadline=self._deadline)
