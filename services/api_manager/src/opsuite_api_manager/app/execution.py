"""Execute an API: admit (enabled, depth, params), dispatch by kind under its policy, ALWAYS log the run.

Admission (deadline, compiled API versions, the checks) lives in ``admission``; recording (the RUNNING
row at the start, its end state, shutdown and crash) in ``recording``; the work of each API kind in one
runner per kind (``runners``: SQL, SCRIPT, HTTP, WORKFLOW behind the ``KindRunner`` protocol).

One ``Executor`` per server holds the engines. ``run`` is the single path for direct calls, workflow
steps and ``ctx.call_api`` (with ``depth`` > 0), so every execution, nested ones included, gets the same
checks and the same execution record. Writing that record is part of the use case: if it fails, the
call fails with EXECUTION_LOG_FAILED (or UNAVAILABLE when the database is down) and the result is not
returned, because an unlogged production run is exactly the defect this service exists to fix.
Dry runs (``record=False``) store nothing, for the API and for everything it calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any

from opsuite_api_manager.adapters.freshness import Freshness
from opsuite_api_manager.adapters.http_engine import HttpEngine
from opsuite_api_manager.adapters.script import ScriptRunner
from opsuite_api_manager.adapters.sql_engine import SqlEngine
from opsuite_api_manager.domain.workflow import WorkflowEngine
from opsuite_common.db import Database
from opsuite_common.errors import CancelledError as OpsuiteCancelledError
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    OpsuiteError,
    ValidationError,
)
from opsuite_common.logging import get_logger
from opsuite_common.secretbox import SecretBox
from opsuite_common.server import limit_stream, stream_ended_by
from opsuite_common.tracing import AttributeValue, span

from .admission import Admission, Prepared, Runtime
from .execution_log import ExecutionLog
from .outcomes import Caller, ExecutionStatus, Outcome, SqlPart, StreamEvent
from .recording import Recorder, RunState, Target
from .result_size import ResultLimit
from .runners import HttpRunner, KindRunner, ScriptApiRunner, SqlRunner, StreamTally, WorkflowRunner

__all__ = ["Executor", "Runtime", "Target", "started_plus"]

log = get_logger("opsuite.api_manager.execution")

#: ``load_api(caller, name)``: a live API of the caller's tenant, by name (for nested calls).
LoadApi = Callable[[Caller, str], Awaitable[Target]]


#: Failures of the API's own code or definition: it ran out of its time (a data source's or an HTTP
#: upstream's failure is blamed where the engine called it).
_WORKLOAD_REASONS = frozenset({"SCRIPT_TIMEOUT", "WORKFLOW_TIMEOUT"})


def _blame_api(error: OpsuiteError, run: RunState) -> None:
    """An API that ran out of its time is the caller's dependency failing, not this service.

    Callers' circuit breakers must not count it against api_manager (see ``OpsuiteError.blame_dependency``):
    otherwise one tenant's broken API would open the breaker every tenant's calls share. Only reasons
    known to be the workload's are blamed, so this service's own trouble (a stalled runner, its database)
    still counts.
    """
    if error.reason in _WORKLOAD_REASONS:
        error.blame_dependency(f"api:{run.target.definition.name}")


def _caller_cancelled() -> OpsuiteError:
    return OpsuiteCancelledError("the caller cancelled")


def _status_of(error: OpsuiteError, admitted: bool) -> ExecutionStatus:
    if not admitted or isinstance(error, ValidationError):
        return ExecutionStatus.REJECTED
    if isinstance(error, DeadlineExceededError):
        return ExecutionStatus.TIMED_OUT
    return ExecutionStatus.FAILED


class Executor:
    """Runs APIs with the service's engines and records every execution."""

    def __init__(
        self,
        db: Database,
        box: SecretBox,
        runtime: Runtime,
        *,
        sql: SqlEngine,
        http: HttpEngine,
        scripts: ScriptRunner,
        workflows: WorkflowEngine,
        load_api: LoadApi,
        log: ExecutionLog | None = None,
        result_limit: ResultLimit | None = None,
        owner: str = "",
        freshness: Freshness | None = None,
    ) -> None:
        """``load_api(caller, name) -> Target`` loads a live API by name (for nested calls).

        ``result_limit`` bounds what one response may carry (see ``result_size``); None: no bound.
        ``owner``: this instance's id, stored with every execution record (see ``recording``).
        ``freshness``: how cached data sources follow other replicas' deletes (see ``adapters.freshness``).
        """
        self.result_limit = result_limit
        self.db, self.box, self.runtime = db, box, runtime
        self.log = log or ExecutionLog(db)
        self.admission = Admission(runtime)
        self.recorder = Recorder(self.log, owner, lambda target: self.admission.prepare(target).schema)
        self.sql, self.http, self.scripts, self.workflows = sql, http, scripts, workflows
        self._load_api = load_api
        self._sql = SqlRunner(db, box, sql, runtime, freshness)
        self._runners: dict[str, KindRunner] = {
            "SQL": self._sql,
            "SCRIPT": ScriptApiRunner(scripts, http, runtime, self.call_nested),
            "HTTP": HttpRunner(http, runtime),
            "WORKFLOW": WorkflowRunner(workflows, runtime, self.call_nested),
        }

    # ------------------------------------------------------------------ public entry points

    async def run(
        self,
        caller: Caller,
        target: Target,
        params: dict[str, Any],
        input: Any = None,
        *,
        outer_deadline: float | None = None,
        depth: int = 0,
        record: bool = True,
        parent_id: str | None = None,
    ) -> Outcome:
        """Execute ``target``; return its outcome or raise its error (``execution_id`` in the metadata)."""
        run = self.admission.new_run(
            caller, target, outer_deadline=outer_deadline, depth=depth, record=record, parent_id=parent_id
        )
        admitted = False
        try:
            prepared, valid = self.admission.admit(run, params)
            admitted = True
            await self.recorder.begin(run, params)  # committed RUNNING before any work or nested record
            async with asyncio.timeout(max(0.0, run.remaining) + 2.0):
                outcome = await self._dispatch(run, prepared, valid, input)
            if depth == 0 and self.result_limit is not None:
                self.result_limit.check(outcome, target.definition.name)  # FAILED, never sent and SUCCEEDED
        except TimeoutError:
            error: OpsuiteError
            if run.waiting_on:
                # A data source that neither answers nor frees a connection within the API's time.
                error = DeadlineExceededError(
                    f"API '{target.definition.name}' timed out waiting on {run.waiting_on}"
                ).blame_dependency(run.waiting_on)
            else:
                # The engines stop at the API's own timeout; past it, this service held the execution up
                # (a stuck lookup): its own fault, not blamed on the API.
                error = DeadlineExceededError(
                    f"API '{target.definition.name}' did not finish in time: the service held it up",
                    reason="EXECUTION_STALLED",
                )
            await self.recorder.finish(run, params, ExecutionStatus.TIMED_OUT, error)
            raise error from None
        except OpsuiteError as exc:
            _blame_api(exc, run)
            await self.recorder.finish(run, params, _status_of(exc, admitted), exc)
            raise
        except asyncio.CancelledError:
            # The caller went away (or its deadline passed): still log the run, then let the cancel through.
            await self.recorder.finish(run, params, ExecutionStatus.FAILED, _caller_cancelled())
            raise
        except Exception as exc:
            log.exception("execution failed unexpectedly", api=target.definition.name)
            error = InternalError("the execution failed inside the service; see the service log")
            await self.recorder.finish(run, params, ExecutionStatus.FAILED, error)
            raise error from exc
        await self.recorder.finish(run, params, ExecutionStatus.SUCCEEDED, None)
        return outcome

    async def call_nested(
        self, parent: RunState, name: str, params: dict[str, Any], deadline: float, depth: int
    ) -> Any:
        """A workflow step or ``ctx.call_api``: run another API of the parent's tenant, return its JSON.

        The depth bound is checked inside ``run`` so that the refused call is itself logged (REJECTED).
        """
        target = await self._load_api(parent.caller, name)
        outcome = await self.run(
            parent.caller,
            target,
            params,
            outer_deadline=deadline,
            depth=depth,
            record=parent.record,
            parent_id=parent.execution_id if parent.record else None,
        )
        return outcome.as_json()

    async def stream(
        self, caller: Caller, target: Target, params: dict[str, Any], input: Any = None, *, outer_deadline: float | None
    ) -> AsyncGenerator[StreamEvent, None]:
        """ExecuteApiStream: SQL as header, row batches and summary; other kinds as one summary."""
        if target.definition.kind != "SQL":
            outcome = await self.run(caller, target, params, input, outer_deadline=outer_deadline)
            yield StreamEvent("summary", outcome=outcome)
            return
        run = self.admission.new_run(caller, target, outer_deadline=outer_deadline)
        admitted = False
        # A client that stops reading cannot hold the data source past the API's own timeout.
        limit_stream(run.deadline)
        tally = StreamTally()
        try:
            prepared, valid = self.admission.admit(run, params)
            admitted = True
            await self.recorder.begin(run, params)  # committed RUNNING before any work or nested record
            async with aclosing(self._sql.stream(run, prepared, valid, tally, self.result_limit)) as events:
                async for event in events:
                    yield event
        except OpsuiteError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # Closing the query of a cancelled stream surfaces as an SQL error; the cause is the caller.
                await self.recorder.finish(run, params, ExecutionStatus.FAILED, _caller_cancelled())
                raise
            if run.waiting_on:
                exc.blame_dependency(run.waiting_on)
            await self.recorder.finish(run, params, _status_of(exc, admitted), exc)
            raise
        except (asyncio.CancelledError, GeneratorExit):
            # The caller went away, or stopped reading (the pipeline ended the stream): still recorded.
            stalled = stream_ended_by()
            if stalled is not None:
                await self.recorder.finish(run, params, ExecutionStatus.TIMED_OUT, stalled)
            else:
                await self.recorder.finish(run, params, ExecutionStatus.FAILED, _caller_cancelled())
            raise
        except Exception as exc:
            log.exception("streamed execution failed unexpectedly", api=target.definition.name)
            error = InternalError("the execution failed inside the service; see the service log")
            await self.recorder.finish(run, params, ExecutionStatus.FAILED, error)
            raise error from exc
        await self.recorder.finish(run, params, ExecutionStatus.SUCCEEDED, None)
        summary = SqlPart(tally.columns, [], tally.truncated, run.row_count)
        yield StreamEvent("summary", outcome=run.outcome(sql=summary))

    # ------------------------------------------------------------------ dispatch

    async def _dispatch(self, run: RunState, prepared: Prepared, params: dict[str, Any], input: Any) -> Outcome:
        kind = run.target.definition.kind
        runner = self._runners.get(kind)
        if runner is None:
            raise FailedPreconditionError(f"unknown API kind {kind!r}", reason="BAD_KIND")
        attributes: dict[str, AttributeValue] = {
            "opsuite.api.name": run.target.definition.name,
            "opsuite.api.kind": kind,
            "opsuite.api.version": run.target.version,
            "opsuite.execution.depth": run.depth,
        }
        if run.record:  # a dry run's id is stored nowhere
            attributes["opsuite.execution.id"] = run.execution_id
        with span(f"execute {kind}", attributes):
            return await runner.run(run, prepared, params, input)

    def forget_data_sources(self) -> None:
        """Drop cached data sources (called when one is deleted)."""
        self._sql.forget_data_sources()


def started_plus(started: datetime, seconds: float) -> datetime:
    """``started`` shifted by ``seconds`` (script log line times)."""
    return started + timedelta(seconds=seconds)
