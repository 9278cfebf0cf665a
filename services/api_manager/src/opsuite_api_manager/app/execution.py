"""Execute an API: admit (enabled, depth, params), dispatch by kind under its policy, ALWAYS log the run.

Recording (the RUNNING row at the start, its end state, shutdown and crash) lives in ``recording``.

One ``Executor`` per server holds the engines. ``run`` is the single path for direct calls, workflow
steps and ``ctx.call_api`` (with ``depth`` > 0), so every execution, nested ones included, gets the same
checks and the same execution record. Writing that record is part of the use case: if it fails, the
call fails with EXECUTION_LOG_FAILED (or UNAVAILABLE when the database is down) and the result is not
returned, because an unlogged production run is exactly the defect this service exists to fix.
Dry runs (``record=False``) store nothing, for the API and for everything it calls.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opsuite_api_manager.db import DataSourceRepository
from opsuite_api_manager.domain.datasources import DataSource
from opsuite_api_manager.domain.http_engine import HttpEngine, HttpSpec
from opsuite_api_manager.domain.params import ParamSchema
from opsuite_api_manager.domain.script import (
    ScriptPolicy,
    ScriptRunner,
    log_records,
    script_logs_dropped_of,
    script_logs_of,
)
from opsuite_api_manager.domain.sql_engine import SqlEngine
from opsuite_api_manager.domain.sql_guard import CheckedQuery, SqlDialect, check_sql
from opsuite_api_manager.domain.workflow import StepLog, WorkflowEngine, WorkflowSpec, WorkflowStatus, parse_workflow
from opsuite_common.db import Database
from opsuite_common.errors import CancelledError as OpsuiteCancelledError
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    NotFoundError,
    OpsuiteError,
    ValidationError,
)
from opsuite_common.logging import get_logger
from opsuite_common.secretbox import SecretBox
from opsuite_common.secretscope import register_secret, url_secrets
from opsuite_common.server import limit_stream, stream_ended_by

from ._ttl_cache import TtlCache
from .definitions import ALLOW_LIST_FIELD, ApiDefinition
from .execution_log import ExecutionLog
from .outcomes import Caller, ExecutionStatus, Outcome, Reference, SqlPart, StreamEvent
from .recording import Recorder, RunState, Target
from .result_size import ResultLimit

__all__ = ["Executor", "Runtime", "Target"]

log = get_logger("opsuite.api_manager.execution")
_PREPARED_CACHE = 1024
#: Decrypted data sources are cached this long (a delete in this process clears them at once).
_SOURCE_TTL_S = 2.0


@dataclass(frozen=True, slots=True)
class Runtime:
    """Server-wide defaults and bounds applied to every API's policy."""

    default_timeout_s: float = 10.0
    max_timeout_s: float = 120.0
    default_row_limit: int = 1000
    max_row_limit: int = 100_000
    max_cell_bytes: int = 1024 * 1024
    default_output_cap_bytes: int = 1_000_000
    default_memory_mb: int = 256
    max_call_depth: int = 5
    max_workflow_steps: int = 100
    stream_batch_rows: int = 500


@dataclass(slots=True)
class _Prepared:
    """What can be compiled once per API version: the param schema, the SQL query, the workflow."""

    schema: ParamSchema
    query: CheckedQuery | None = None
    workflow: WorkflowSpec | None = None


def _new_id() -> str:
    """A random (version 4) UUID for an execution record.

    From ``random`` rather than ``os.urandom``: the urandom syscall was a visible part of each call,
    and an execution id is not a secret (every lookup is scoped to the caller's tenant).
    """
    return str(uuid.UUID(int=random.getrandbits(128), version=4))


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


def _step_json(step: StepLog) -> dict[str, Any]:
    return {
        "step_id": step.step_id,
        "api": step.api,
        "status": str(step.status),
        "attempts": step.attempts,
        "started_at": step.started_at.isoformat() if step.started_at else None,
        "duration_ms": step.duration_ms,
        "input": step.input,
        "output": step.output,
        "error_reason": step.error.reason if step.error else "",
        "error_message": step.error.message if step.error else "",
    }


class _Host:
    """``ctx.http`` and ``ctx.call_api`` for one script run: the API's allow-list only, same tenant."""

    def __init__(self, executor: Executor, run: RunState) -> None:
        self._executor, self._run = executor, run
        policy = run.target.definition.policy
        # The operator's policy, narrowed by the API's list; for scripts an empty list allows nothing.
        network = executor.http.policy
        self._network = network.narrowed(policy.network_allow_list, name=ALLOW_LIST_FIELD, required=True)
        self._cap = policy.output_cap_bytes or executor.runtime.default_output_cap_bytes

    async def http(self, method: str, url: str, headers: dict[str, str], body: str | None) -> dict[str, Any]:
        """One request through the HTTP engine (SSRF guard, allow-list only, size cap, remaining time)."""
        remaining = self._run.remaining
        if remaining <= 0:
            raise DeadlineExceededError("the script's time is up; no time left for ctx.http")
        result = await self._executor.http.execute(
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
        return await self._executor.call_nested(self._run, name, params, self._run.deadline, self._run.depth + 1)


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
        load_api: Any,
        log: ExecutionLog | None = None,
        result_limit: ResultLimit | None = None,
        owner: str = "",
    ) -> None:
        """``load_api(caller, name) -> Target`` loads a live API by name (for nested calls).

        ``result_limit`` bounds what one response may carry (see ``result_size``); None: no bound.
        ``owner``: this instance's id, stored with every execution record (see ``recording``).
        """
        self.result_limit = result_limit
        self.db, self.box, self.runtime = db, box, runtime
        self.log = log or ExecutionLog(db)
        self.recorder = Recorder(self.log, owner, lambda target: self._prepare(target).schema)
        self.sql, self.http, self.scripts, self.workflows = sql, http, scripts, workflows
        self._load_api = load_api
        self._prepared: dict[tuple[str, int], _Prepared] = {}
        self._sources: TtlCache[tuple[str, str], tuple[DataSource, float]] = TtlCache(_SOURCE_TTL_S)

    # ------------------------------------------------------------------ admission

    def _prepare(self, target: Target) -> _Prepared:
        key = (target.api_id, target.version)
        cached = self._prepared.get(key) if target.api_id else None
        if cached is not None:
            return cached
        d = target.definition
        prepared = _Prepared(schema=ParamSchema(d.param_schema or None))
        if d.kind == "WORKFLOW":
            prepared.workflow = parse_workflow(d.spec.get("definition"), field_prefix="api.workflow.definition")
        if target.api_id:
            if len(self._prepared) >= _PREPARED_CACHE:
                self._prepared.clear()
            self._prepared[key] = prepared
        return prepared

    def _deadline(self, d: ApiDefinition, outer: float | None) -> float:
        timeout = min(d.policy.timeout_s or self.runtime.default_timeout_s, self.runtime.max_timeout_s)
        deadline = time.monotonic() + timeout
        return deadline if outer is None else min(deadline, outer)

    def _admit(self, run: RunState, params: dict[str, Any]) -> tuple[_Prepared, dict[str, Any]]:
        d = run.target.definition
        if run.depth > self.runtime.max_call_depth:
            raise FailedPreconditionError(
                f"APIs are calling each other {run.depth} deep, more than the limit of {self.runtime.max_call_depth}",
                reason="CALL_DEPTH_EXCEEDED",
            )
        if not d.enabled:
            raise FailedPreconditionError(f"API '{d.name}' is disabled; enable it to execute it", reason="API_DISABLED")
        if run.remaining <= 0:
            raise DeadlineExceededError("no time left to run this API (the caller's deadline has passed)")
        prepared = self._prepare(run.target)
        return prepared, prepared.schema.validate(params)

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
        run = RunState(
            caller=caller,
            target=target,
            depth=depth,
            record=record,
            deadline=self._deadline(target.definition, outer_deadline),
            execution_id=_new_id(),
            parent_id=parent_id,
        )
        run.references.append(Reference("api", target.definition.name, f"version {target.version}"))
        admitted = False
        try:
            prepared, valid = self._admit(run, params)
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
    ) -> AsyncIterator[StreamEvent]:
        """ExecuteApiStream: SQL as header, row batches and summary; other kinds as one summary."""
        if target.definition.kind != "SQL":
            outcome = await self.run(caller, target, params, input, outer_deadline=outer_deadline)
            yield StreamEvent("summary", outcome=outcome)
            return
        run = RunState(
            caller=caller,
            target=target,
            depth=0,
            record=True,
            deadline=self._deadline(target.definition, outer_deadline),
            execution_id=_new_id(),
            parent_id=None,
        )
        run.references.append(Reference("api", target.definition.name, f"version {target.version}"))
        admitted = False
        # A client that stops reading cannot hold the data source past the API's own timeout.
        limit_stream(run.deadline)
        try:
            prepared, valid = self._admit(run, params)
            admitted = True
            await self.recorder.begin(run, params)  # committed RUNNING before any work or nested record
            source, query, row_limit, timeout = await self._sql_setup(run, prepared)
            run.waiting_on = f"data_source:{source.name}"  # from here on, failures are the data source's
            batches = self.sql.stream(
                source,
                query,
                valid,
                row_limit=row_limit,
                timeout=timeout,
                batch_size=self.runtime.stream_batch_rows,
                max_cell_bytes=self.runtime.max_cell_bytes,
            )
            truncated, columns, cut = False, (), 0
            async with aclosing(batches) as it:
                async for batch in it:
                    if batch.index == 0:
                        columns = batch.columns
                        yield StreamEvent("header", outcome=run.outcome(sql=SqlPart(columns, [], False, 0)))
                    cut += batch.cells_truncated
                    if batch.rows and self.result_limit is not None:
                        for part, wire in self.result_limit.batches(batch.rows, target.definition.name):
                            yield StreamEvent("rows", rows=part, wire=wire)
                    elif batch.rows:
                        yield StreamEvent("rows", rows=batch.rows)
                    run.row_count, truncated = batch.row_count, truncated or batch.truncated
            self._note_cut_cells(run, source.name, cut)
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
        yield StreamEvent("summary", outcome=run.outcome(sql=SqlPart(columns, [], truncated, run.row_count)))

    # ------------------------------------------------------------------ engines

    async def _dispatch(self, run: RunState, prepared: _Prepared, params: dict[str, Any], input: Any) -> Outcome:
        kind = run.target.definition.kind
        if kind == "SQL":
            return await self._run_sql(run, prepared, params)
        if kind == "SCRIPT":
            return await self._run_script(run, params, input)
        if kind == "HTTP":
            return await self._run_http(run, prepared, params)
        if kind == "WORKFLOW":
            return await self._run_workflow(run, prepared, params)
        raise FailedPreconditionError(f"unknown API kind {kind!r}", reason="BAD_KIND")

    def forget_data_sources(self) -> None:
        """Drop cached data sources (called when one is deleted)."""
        self._sources.clear()

    async def _data_source(self, caller: Caller, name: str) -> tuple[DataSource, float]:
        loaded = await self._sources.get((caller.tenant, name), lambda: self._load_data_source(caller, name))
        # Where the decrypted URL enters this call (cached or not): its password is a secret of the call.
        for secret in loaded[0].secrets:
            register_secret(secret)
        return loaded

    async def _load_data_source(self, caller: Caller, name: str) -> tuple[DataSource, float]:
        async with self.db.session(readonly=True) as s:
            try:
                row = await DataSourceRepository(s, caller.tenant).get(name=name)
            except NotFoundError:
                raise FailedPreconditionError(
                    f"the API's data source '{name}' no longer exists; re-create it or edit the API",
                    reason="DATA_SOURCE_MISSING",
                ) from None
            url = self.box.decrypt(row.url_encrypted)
            return DataSource(
                id=row.id,
                name=row.name,
                url=url,
                secrets=tuple(url_secrets(url)),
                tenant=caller.tenant,
                pool_size=row.pool_size,
                connect_timeout=row.connect_timeout_s,
            ), row.statement_timeout_s

    async def _sql_setup(self, run: RunState, prepared: _Prepared) -> tuple[DataSource, CheckedQuery, int, float]:
        d = run.target.definition
        source, statement_timeout = await self._data_source(run.caller, str(d.spec.get("data_source")))
        query = prepared.query
        if query is None or query.dialect is not source.dialect:
            query = check_sql(str(d.spec.get("statement") or ""), SqlDialect(source.dialect), field="api.sql.statement")
            prepared.query = query
        row_limit = min(d.policy.row_limit or self.runtime.default_row_limit, self.runtime.max_row_limit)
        timeout = run.remaining
        if statement_timeout:
            timeout = min(timeout, statement_timeout)
        run.references.append(Reference("data_source", source.name, source.dialect.value))
        run.references.append(Reference("statement", source.name, query.sql))
        return source, query, row_limit, timeout

    async def _run_sql(self, run: RunState, prepared: _Prepared, params: dict[str, Any]) -> Outcome:
        source, query, row_limit, timeout = await self._sql_setup(run, prepared)
        run.waiting_on = f"data_source:{source.name}"
        try:
            result = await self.sql.execute(
                source, query, params, row_limit=row_limit, timeout=timeout, max_cell_bytes=self.runtime.max_cell_bytes
            )
        except OpsuiteError as exc:
            exc.blame_dependency(run.waiting_on)
            raise
        run.waiting_on = ""  # not in a finally: a timeout cancelling this await must still see it
        run.row_count = result.row_count
        self._note_cut_cells(run, source.name, result.cells_truncated)
        return run.outcome(sql=SqlPart(result.columns, result.rows, result.truncated, result.row_count))

    def _note_cut_cells(self, run: RunState, source: str, cut: int) -> None:
        """Cells cut to ``max_cell_bytes`` are told in a ``truncated_cells`` reference (the result says truncated)."""
        if cut:
            limit = self.runtime.max_cell_bytes
            run.references.append(Reference("truncated_cells", source, f"{cut} cell(s) cut to {limit} bytes"))

    async def _run_script(self, run: RunState, params: dict[str, Any], input: Any) -> Outcome:
        d = run.target.definition
        policy = ScriptPolicy(
            timeout_s=run.remaining,
            memory_mb=d.policy.memory_mb or self.runtime.default_memory_mb,
            output_bytes=d.policy.output_cap_bytes or self.runtime.default_output_cap_bytes,
        )
        run.references.append(Reference("script", d.name, f"version {run.target.version}"))
        try:
            result = await self.scripts.run(str(d.spec.get("source") or ""), params, input, policy, _Host(self, run))
        except OpsuiteError as exc:
            run.logs.extend(log_records(script_logs_of(exc), script_logs_dropped_of(exc)))
            raise
        run.logs.extend(log_records(result.logs, result.logs_dropped))
        return run.outcome(json=result.output)

    async def _run_http(self, run: RunState, prepared: _Prepared, params: dict[str, Any]) -> Outcome:
        d = run.target.definition
        spec = HttpSpec(
            url=str(d.spec.get("url") or ""),
            method=str(d.spec.get("method") or "GET"),
            headers=dict(d.spec.get("headers") or {}),
            body=d.spec.get("body") or None,
        )
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

    async def _run_workflow(self, run: RunState, prepared: _Prepared, params: dict[str, Any]) -> Outcome:
        assert prepared.workflow is not None

        async def call_api(name: str, payload: dict[str, Any], deadline: float, depth: int) -> Any:
            return await self.call_nested(run, name, payload, min(deadline, run.deadline), depth)

        result = await self.workflows.run(
            prepared.workflow,
            params,
            call_api=call_api,
            depth=run.depth,
            max_depth=self.runtime.max_call_depth,
            deadline=run.deadline,
        )
        run.steps.extend(_step_json(s) for s in result.steps)
        if not result.ok:
            if result.error is not None:
                raise result.error
            if result.status is WorkflowStatus.TIMED_OUT:
                raise DeadlineExceededError("the workflow exceeded its timeout", reason="WORKFLOW_TIMEOUT")
            raise FailedPreconditionError("the workflow failed", reason="WORKFLOW_FAILED")
        return run.outcome(json=result.output)


def started_plus(started: datetime, seconds: float) -> datetime:
    """``started`` shifted by ``seconds`` (script log line times)."""
    return started + timedelta(seconds=seconds)
