"""Run a validated workflow as a DAG on asyncio: concurrency, retries, timeouts, on_error and step logs."""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jmespath import exceptions as jmespath_exceptions
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)
from tenacity.stop import stop_base

from opsuite_common.errors import CancelledError as OpsuiteCancelledError
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    OpsuiteError,
    ServiceUnavailableError,
    ValidationError,
)

from .spec import OnErrorMode, StepSpec, WorkflowSpec

__all__ = [
    "TRANSIENT_ERRORS",
    "CallApi",
    "StepError",
    "StepLog",
    "StepStatus",
    "WorkflowEngine",
    "WorkflowResult",
    "WorkflowStatus",
]

_log = logging.getLogger(__name__)

#: ``call_api(api_name, input, deadline, depth)``: call another API of the same tenant. ``deadline`` is an
#: absolute ``time.monotonic()`` value (the attempt's timeout or the workflow deadline, whichever is first);
#: ``depth`` is the caller's depth + 1. It must treat ``input`` as read-only and raise typed OpsuiteErrors.
CallApi = Callable[[str, dict[str, Any], float, int], Awaitable[Any]]

#: Only these are retried: a dependency that is down or slow may recover; a bad request will not.
TRANSIENT_ERRORS: tuple[type[OpsuiteError], ...] = (ServiceUnavailableError, DeadlineExceededError)


class StepStatus(enum.StrEnum):
    """How one step ended."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"  # its `when` was false, it was never reached, or it is an unused fallback
    TIMED_OUT = "TIMED_OUT"
    FALLBACK = "FALLBACK"  # it failed and its fallback step's output stands in for it
    CANCELLED = "CANCELLED"  # it was running when another step failed the workflow


class WorkflowStatus(enum.StrEnum):
    """How the whole workflow ended."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"


@dataclass(frozen=True, slots=True)
class StepError:
    """Why a step did not succeed: the error's UPPER_SNAKE reason and a message for a person."""

    reason: str
    message: str

    @classmethod
    def of(cls, exc: OpsuiteError) -> StepError:
        """The reason and message of a typed error."""
        return cls(exc.reason, exc.message)

    def as_context(self) -> dict[str, str]:
        """The form later steps see as ``steps.<id>.error``."""
        return {"reason": self.reason, "message": self.message}


@dataclass(frozen=True, slots=True)
class StepLog:
    """What one step did, kept for the execution log (one per run of a step, including skipped ones)."""

    step_id: str
    api: str
    status: StepStatus
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float
    input: Any
    output: Any
    error: StepError | None = None
    input_truncated: bool = False
    output_truncated: bool = False
    fallback_for: str | None = None  # set when this run stood in for a failed step


@dataclass(frozen=True, slots=True)
class WorkflowResult:
    """The outcome of a run: status, selected output, the error if any, and every step's log."""

    status: WorkflowStatus
    output: Any
    steps: tuple[StepLog, ...]
    duration_ms: float
    error: OpsuiteError | None = None
    failed_step: str | None = None

    @property
    def ok(self) -> bool:
        """True when the workflow succeeded."""
        return self.status is WorkflowStatus.SUCCEEDED

    def raise_for_status(self) -> None:
        """Raise the workflow's error if it did not succeed."""
        if self.error is not None:
            raise self.error


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _clip(value: Any, limit: int) -> tuple[Any, bool]:
    """A JSON-safe copy of ``value`` for the log, replaced by a preview when it exceeds ``limit`` bytes."""
    try:
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):  # e.g. non-string dict keys or a reference cycle
        text = repr(value)
        return {"truncated": True, "size_bytes": len(text.encode()), "preview": text[:limit]}, True
    size = len(text.encode())
    if size <= limit:
        return json.loads(text), False
    return {"truncated": True, "size_bytes": size, "preview": text[:limit]}, True


@dataclass(slots=True)
class _Attempted:
    """A step's own run, before on_error is applied."""

    status: StepStatus
    output: Any = None
    error: OpsuiteError | None = None
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float = 0.0
    sent: Any = None


@dataclass(slots=True)
class _Abort:
    step: StepSpec
    error: OpsuiteError


class _StopAt(stop_base):
    """Stop retrying once the workflow deadline has passed."""

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        self._loop = loop
        self._deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self._loop.time() >= self._deadline


class WorkflowEngine:
    """Runs workflows; stateless between runs, so one instance can serve concurrent executions."""

    def __init__(self, *, log_value_limit_bytes: int = 16_384, now: Callable[[], datetime] = _utc_now) -> None:
        """``log_value_limit_bytes`` caps each step's input and output as kept in its StepLog."""
        self._limit = log_value_limit_bytes
        self._now = now

    async def run(
        self,
        spec: WorkflowSpec,
        params: Mapping[str, Any],
        *,
        call_api: CallApi,
        depth: int,
        max_depth: int,
        deadline: float,
    ) -> WorkflowResult:
        """Run ``spec`` with ``params`` until done or ``deadline`` (absolute ``time.monotonic()``).

        Raises FailedPreconditionError(reason="WORKFLOW_DEPTH_EXCEEDED") when ``depth > max_depth``;
        every other outcome, including step failures and the deadline, is returned as a WorkflowResult.
        """
        if depth > max_depth:
            raise FailedPreconditionError(
                f"workflows are nested {depth} deep, more than the limit of {max_depth}; "
                "a workflow is probably calling itself through other APIs",
                reason="WORKFLOW_DEPTH_EXCEEDED",
                metadata={"depth": depth, "max_depth": max_depth},
            )
        return await _Run(self, spec, dict(params), call_api, depth, deadline).execute()


class _Run:
    """The state of one workflow run."""

    def __init__(
        self,
        engine: WorkflowEngine,
        spec: WorkflowSpec,
        params: dict[str, Any],
        call_api: CallApi,
        depth: int,
        deadline: float,
    ) -> None:
        self.spec = spec
        self.call_api = call_api
        self.depth = depth
        self.deadline = deadline
        self.limit = engine._limit
        self.now = engine._now
        self.loop = asyncio.get_running_loop()
        self.results: dict[str, dict[str, Any]] = {}
        self.context: dict[str, Any] = {"params": params, "steps": self.results}
        self.logs: list[tuple[int, int, StepLog]] = []
        self.abort: _Abort | None = None
        # Steps whose attempt ran into the workflow deadline (not their own timeout).
        self.deadline_steps: list[str] = []
        # Why running steps are being cancelled: decides how their logs read.
        self.stop: StepStatus = StepStatus.CANCELLED
        self.stop_message = "cancelled"

    async def execute(self) -> WorkflowResult:
        """Schedule steps as their dependencies finish; stop on a fatal failure or at the deadline."""
        t0 = self.loop.time()
        pending = {s.id: s for s in self.spec.steps if s.id not in self.spec.fallback_only}
        finished: set[str] = set()
        running: dict[asyncio.Task[tuple[StepStatus, Any]], str] = {}
        timed_out = False
        try:
            while pending or running:
                remaining = self.deadline - self.loop.time()
                if remaining <= 0:
                    timed_out = True
                    break
                for sid, step in list(pending.items()):
                    if step.waits_for <= finished:
                        del pending[sid]
                        running[asyncio.create_task(self._settle(step, None), name=f"workflow-step-{sid}")] = sid
                done, _ = await asyncio.wait(running, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    finished.add(running.pop(task))
                    task.result()  # a bug in the engine surfaces here rather than hanging the run
                if self.abort is not None:
                    break
                if not done or self.deadline_steps:
                    timed_out = True
                    break
        finally:
            if running:
                if self.abort is not None:
                    self.stop_message = f"cancelled because step {self.abort.step.id!r} failed the workflow"
                elif timed_out:
                    self.stop, self.stop_message = StepStatus.TIMED_OUT, "the workflow deadline was reached"
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
        self._log_unreached(timed_out)
        return self._result(t0, timed_out, list(dict.fromkeys([*self.deadline_steps, *sorted(running.values())])))

    def _log_unreached(self, timed_out: bool) -> None:
        """Log every step that never ran (not reached, cancelled before starting, or an unused fallback)."""
        if self.abort is not None:
            error: StepError | None = StepError(
                "NOT_RUN", f"not run: step {self.abort.step.id!r} failed and stopped the workflow"
            )
        elif timed_out:
            error = StepError("NOT_RUN", "not run: the workflow deadline was reached first")
        else:
            error = None
        ran = {log.step_id for _, _, log in self.logs}
        for step in self.spec.steps:
            if step.id not in ran:
                self._record(
                    step,
                    StepLog(step.id, step.api, StepStatus.SKIPPED, 0, None, None, 0.0, None, None, error),
                )

    def _result(self, t0: float, timed_out: bool, cut_short: list[str]) -> WorkflowResult:
        logs = tuple(log for _, _, log in sorted(self.logs, key=lambda item: (item[0], item[1])))
        duration = (self.loop.time() - t0) * 1000
        if self.abort is not None:
            step, cause = self.abort.step, self.abort.error
            error: OpsuiteError = FailedPreconditionError(
                f"workflow step {step.id!r} (api {step.api!r}) failed: {cause.reason}: {cause.message}",
                reason="WORKFLOW_STEP_FAILED",
                metadata={"step": step.id, "api": step.api, "step_reason": cause.reason},
            )
            return WorkflowResult(WorkflowStatus.FAILED, None, logs, duration, error, step.id)
        if timed_out:
            running = f"; cut short: {', '.join(cut_short)}" if cut_short else ""
            error = DeadlineExceededError(
                f"the workflow did not finish before its deadline{running}",
                reason="WORKFLOW_TIMEOUT",
                metadata={"steps": ",".join(cut_short)},
            )
            return WorkflowResult(
                WorkflowStatus.TIMED_OUT, None, logs, duration, error, cut_short[0] if cut_short else None
            )
        try:
            if self.spec.output is None:
                output: Any = {
                    s.id: self.results.get(s.id, {}).get("output")
                    for s in self.spec.steps
                    if s.id not in self.spec.fallback_only
                }
            else:
                output = self.spec.output.evaluate(self.context)
        except jmespath_exceptions.JMESPathError as exc:
            error = FailedPreconditionError(
                f"the workflow's output mapping could not be evaluated: {exc}",
                reason="WORKFLOW_OUTPUT_FAILED",
            )
            return WorkflowResult(WorkflowStatus.FAILED, None, logs, duration, error, None)
        return WorkflowResult(WorkflowStatus.SUCCEEDED, output, logs, duration)

    def _record(self, step: StepSpec, log: StepLog) -> None:
        self.logs.append((step.index, len(self.logs), log))

    def _publish(self, step_id: str, status: StepStatus, output: Any, error: OpsuiteError | None) -> None:
        """Make a step's outcome visible to later steps' mappings."""
        self.results[step_id] = {
            "output": output,
            "status": status.value,
            "error": None if error is None else StepError.of(error).as_context(),
        }

    async def _settle(self, step: StepSpec, fallback_for: str | None) -> tuple[StepStatus, Any]:
        """Run a step, apply its on_error policy, log it and publish its outcome."""
        attempted = await self._attempt(step, fallback_for)
        status, output = attempted.status, attempted.output
        failed = status in (StepStatus.FAILED, StepStatus.TIMED_OUT)
        if failed and step.on_error.mode is OnErrorMode.FALLBACK and step.on_error.fallback is not None:
            self._publish(step.id, status, None, attempted.error)  # the fallback may read this failure
            try:
                fb_status, fb_output = await self._settle(self.spec.step(step.on_error.fallback), step.id)
            except asyncio.CancelledError:
                self._finish(step, attempted, status, None, fallback_for)
                raise
            if fb_status in (StepStatus.SUCCEEDED, StepStatus.FALLBACK):
                status, output = StepStatus.FALLBACK, fb_output
        elif (
            failed
            and step.on_error.mode is OnErrorMode.FAIL
            and self.abort is None
            and step.id not in self.deadline_steps  # the workflow timed out; this step is not to blame
        ):
            self.abort = _Abort(step, attempted.error or InternalError())
        self._finish(step, attempted, status, output, fallback_for)
        return status, output

    def _finish(
        self, step: StepSpec, attempted: _Attempted, status: StepStatus, output: Any, fallback_for: str | None
    ) -> None:
        self._publish(step.id, status, output, attempted.error)
        logged_in, in_cut = _clip(attempted.sent, self.limit) if attempted.sent is not None else (None, False)
        logged_out, out_cut = _clip(output, self.limit) if output is not None else (None, False)
        error = None if attempted.error is None else StepError.of(attempted.error)
        self._record(
            step,
            StepLog(
                step.id,
                step.api,
                status,
                attempted.attempts,
                attempted.started_at,
                attempted.finished_at,
                attempted.duration_ms,
                logged_in,
                logged_out,
                error,
                in_cut,
                out_cut,
                fallback_for,
            ),
        )

    async def _attempt(self, step: StepSpec, fallback_for: str | None) -> _Attempted:
        """Evaluate ``when`` and the input, then call the API with retries; raises only CancelledError."""
        result = _Attempted(StepStatus.FAILED, started_at=self.now())
        t0 = self.loop.time()
        try:
            try:
                if step.when is not None and not step.when.evaluate(self.context):
                    result.status = StepStatus.SKIPPED
                    return result
                payload = step.input.evaluate(self.context)
            except jmespath_exceptions.JMESPathError as exc:
                raise ValidationError(
                    f"step {step.id!r}: its when/input mapping could not be evaluated: {exc}",
                    reason="WORKFLOW_MAPPING_FAILED",
                ) from exc
            result.sent = payload
            retrying = AsyncRetrying(
                stop=stop_after_attempt(step.retry.attempts) | _StopAt(self.loop, self.deadline),
                wait=wait_exponential(multiplier=step.retry.backoff_s, max=step.retry.max_backoff_s),
                retry=retry_if_exception_type(TRANSIENT_ERRORS),
                reraise=True,
            )
            async for attempt in retrying:
                with attempt:
                    result.attempts += 1
                    result.output = await self._call_once(step, payload, result.attempts)
            result.status = StepStatus.SUCCEEDED
        except asyncio.CancelledError:
            result.status = self.stop
            result.error = (
                DeadlineExceededError(self.stop_message)
                if self.stop is StepStatus.TIMED_OUT
                else OpsuiteCancelledError(self.stop_message)
            )
            self._stamp(result, t0)
            self._finish(step, result, result.status, None, fallback_for)
            raise
        except DeadlineExceededError as exc:
            result.status, result.error = StepStatus.TIMED_OUT, exc
        except OpsuiteError as exc:
            result.error = exc
        except Exception as exc:
            # A bug in the called engine, not the user's doing: keep details in the server log only.
            _log.exception("workflow step %r (api %r) raised an unexpected error", step.id, step.api)
            result.error = InternalError(
                f"step {step.id!r} (api {step.api!r}) failed with an unexpected {type(exc).__name__}; "
                "see the server log"
            )
        finally:
            self._stamp(result, t0)
        return result

    def _stamp(self, result: _Attempted, t0: float) -> None:
        result.finished_at = self.now()
        result.duration_ms = (self.loop.time() - t0) * 1000

    async def _call_once(self, step: StepSpec, payload: dict[str, Any], attempt: int) -> Any:
        """One attempt, bounded by the step timeout and the workflow deadline."""
        limit = self.deadline if step.timeout_s is None else min(self.deadline, self.loop.time() + step.timeout_s)
        try:
            async with asyncio.timeout_at(limit):
                return await self.call_api(step.api, payload, limit, self.depth + 1)
        except TimeoutError as exc:
            if step.timeout_s is not None and limit < self.deadline:
                where = f"step {step.id!r} (api {step.api!r}) attempt {attempt}"
                message = f"{where} took longer than its timeout of {step.timeout_s:g}s"
            else:
                message = f"step {step.id!r} (api {step.api!r}) was still running at the workflow deadline"
                self.deadline_steps.append(step.id)
            raise DeadlineExceededError(message, metadata={"step": step.id, "attempt": attempt}) from exc
