"""Recording of executions: every recorded run has a row from its start to its end, whatever happens.

A run is inserted RUNNING (``begin``) once admitted and before it does any work, and that insert is
committed before the run goes on, so a nested call (workflow step, ``ctx.call_api``) never points to a
missing parent. Its end updates the same row (``finish``); a run refused at admission is inserted once,
REJECTED. Both writes go through the group-committing ``ExecutionLog``.

When the process stops, ``stop`` marks runs still in flight after the shutdown grace CANCELLED before
the log closes. After a crash, ``abort_orphans`` (at start-up) marks the RUNNING rows this instance left
ABORTED: rows carry the ``owner`` (instance id) that ran them, so a replica sharing the database never
aborts another replica's live runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update

from opsuite_api_manager.db.models import ExecutionRow
from opsuite_api_manager.domain.params import ParamSchema
from opsuite_common.db import Database, utcnow
from opsuite_common.errors import CancelledError as OpsuiteCancelledError
from opsuite_common.errors import (
    DatabaseUnavailableError,
    InternalError,
    OpsuiteError,
    ServiceUnavailableError,
)
from opsuite_common.logging import get_logger
from opsuite_common.metrics import counter, histogram
from opsuite_common.secretscope import scrub_value

from .definitions import ApiDefinition
from .execution_log import ExecutionLog
from .outcomes import Caller, ExecutionStatus, Outcome, Reference

__all__ = ["Recorder", "RunState", "Target", "abort_orphans"]

log = get_logger("opsuite.api_manager.recording")

_EXECUTIONS = counter("opsuite_api_manager_executions_total", "API executions, by kind and status.", ("kind", "status"))
_EXECUTION_SECONDS = histogram("opsuite_api_manager_execution_seconds", "API execution time, by kind.", ("kind",))


@dataclass(frozen=True, slots=True)
class Target:
    """An API about to run: its id and version ('' and 0 for a dry run) and its definition."""

    api_id: str
    version: int
    definition: ApiDefinition


@dataclass(slots=True)
class RunState:
    """One execution in progress: identity, limits, and the trace filled in as it goes."""

    caller: Caller
    target: Target
    depth: int
    record: bool
    deadline: float
    execution_id: str
    parent_id: str | None
    started_at: datetime = field(default_factory=utcnow)
    t0: float = field(default_factory=time.perf_counter)
    references: list[Reference] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    row_count: int = 0
    #: The dependency the run is waiting on right now ("data_source:<name>"), for a timeout to name.
    waiting_on: str = ""
    #: Whether its RUNNING row is committed (its end is then an update).
    begun: bool = False

    @property
    def remaining(self) -> float:
        """Seconds left before the deadline."""
        return self.deadline - time.monotonic()

    def outcome(self, **kw: Any) -> Outcome:
        """A successful outcome carrying this run's trace."""
        d = self.target.definition
        return Outcome(
            execution_id=self.execution_id if self.record else "",
            api_id=self.target.api_id,
            api_version=self.target.version,
            kind=d.kind,
            status=ExecutionStatus.SUCCEEDED,
            started_at=self.started_at,
            duration_ms=(time.perf_counter() - self.t0) * 1000,
            references=self.references,
            logs=self.logs,
            steps=self.steps,
            row_count=self.row_count,
            **kw,
        )


#: The error stored with runs cut off by the shutdown grace, and with runs a crash left RUNNING.
_CANCELLED = ("SHUTDOWN", "the service stopped before the execution finished (shutdown grace period over)")
_ABORTED = ("PROCESS_ENDED", "the service process ended (crash or kill) while the execution was running")


class Recorder:
    """Writes each recorded run's row: RUNNING at its start, its end state at its end."""

    def __init__(self, log: ExecutionLog, owner: str, schema_of: Callable[[Target], ParamSchema]) -> None:
        """``owner``: this instance's id, stored with every row; ``schema_of``: the (cached) param schema."""
        self.log, self.owner = log, owner
        self._schema_of = schema_of
        self._inflight: dict[str, tuple[RunState, Any]] = {}
        #: When the shutdown grace period ends (``time.monotonic()``), once the server is stopping.
        self._grace_ends: float | None = None
        self._stopped = False

    def _past_grace(self) -> bool:
        return self._stopped or (self._grace_ends is not None and time.monotonic() >= self._grace_ends)

    async def begin(self, run: RunState, params: Any) -> None:
        """Insert ``run`` RUNNING and wait for the commit (not for dry runs)."""
        if not run.record:
            return
        # Marked begun first: a caller cancelled while the (shielded) insert commits still has its row
        # updated by ``finish``, never inserted twice or left RUNNING.
        run.begun = True
        self._inflight[run.execution_id] = (run, params)
        try:
            await self._write(run, params, ExecutionStatus.RUNNING, None, update=False)
        except asyncio.CancelledError:
            raise
        except BaseException:
            # Nothing was committed and the log cannot take the row now: write nothing more for this run.
            self._inflight.pop(run.execution_id, None)
            run.begun = run.record = False
            raise

    async def finish(self, run: RunState, params: Any, status: ExecutionStatus, error: OpsuiteError | None) -> None:
        """Write how ``run`` ended (not for dry runs); a failure to write is raised, never swallowed."""
        if error is not None and run.record:
            error.metadata.setdefault("execution_id", run.execution_id)
        if not run.record:
            return
        if run.begun and self._inflight.pop(run.execution_id, None) is None:
            return  # already finished CANCELLED by ``stop`` (the shutdown grace ended first)
        if self._past_grace() and isinstance(error, OpsuiteCancelledError):
            status, error = ExecutionStatus.CANCELLED, ServiceUnavailableError(_CANCELLED[1], reason=_CANCELLED[0])
        d = run.target.definition
        _EXECUTIONS.labels(d.kind, status.value).inc()
        _EXECUTION_SECONDS.labels(d.kind).observe(time.perf_counter() - run.t0)
        await self._write(run, params, status, error, update=run.begun)

    def draining(self, grace_ends: float | None) -> None:
        """The service is stopping: a run cancelled after ``grace_ends`` is recorded CANCELLED (cut off by
        the shutdown); one its caller cancels before then stays FAILED / CANCELLED."""
        self._grace_ends = grace_ends

    async def stop(self) -> None:
        """After the shutdown grace: record runs still in flight CANCELLED, then close the log."""
        self._stopped = True
        inflight, self._inflight = list(self._inflight.values()), {}
        for run, params in inflight:
            error = ServiceUnavailableError(_CANCELLED[1], reason=_CANCELLED[0])
            try:
                await self._write(run, params, ExecutionStatus.CANCELLED, error, update=True)
            except Exception:
                log.exception("recording a cancelled execution failed", execution_id=run.execution_id)
        await self.log.close()

    async def _write(
        self, run: RunState, params: Any, status: ExecutionStatus, error: OpsuiteError | None, *, update: bool
    ) -> None:
        d = run.target.definition
        try:
            # The compiled schema is cached per API version (compiling one cost more than the query).
            redacted = self._schema_of(run.target).redact(params) if isinstance(params, dict) else {}
        except Exception:
            redacted = _redact_uncached(d, params)
        # Plain column values, inserted with SQLAlchemy Core: building an ORM object per record cost
        # about as much as running the query.
        record = {
            "id": run.execution_id,
            "tenant": run.caller.tenant,
            "api_id": run.target.api_id,
            "api_name": d.name,
            "api_version": run.target.version,
            "kind": d.kind,
            "caller": run.caller.subject,
            "params": redacted,
            "status": status.value,
            "error_reason": error.reason if error else "",
            "error_message": (error.message if error else ""),
            "started_at": run.started_at,
            "duration_ms": 0.0 if status is ExecutionStatus.RUNNING else (time.perf_counter() - run.t0) * 1000,
            "row_count": run.row_count,
            "request_id": run.caller.request_id,
            "depth": run.depth,
            "parent_id": run.parent_id,
            "steps": run.steps,
            "logs": run.logs,
            "owner": self.owner,
        }
        # The one place a record leaves for storage: every secret registered in this call (secret
        # params at any depth, data source passwords) is masked in all of it, error and steps included.
        record = scrub_value(record)
        record["error_message"] = record["error_message"][:2000]  # cut after masking: no half-secret survives
        what = "started" if status is ExecutionStatus.RUNNING else f"ended ({status.value})"
        try:
            # Group-committed with concurrent executions; shielded inside, so a cancelled RPC
            # (deadline, client gone) still has its record written whole.
            await self.log.write(run.caller.tenant, record, update=update)
        except DatabaseUnavailableError as exc:
            raise ServiceUnavailableError(
                f"the execution {what} but its log could not be written: {exc.message}",
                reason="EXECUTION_LOG_UNAVAILABLE",
                metadata={"execution_id": run.execution_id},
            ) from exc
        except Exception as exc:
            log.exception("writing the execution log failed", execution_id=run.execution_id)
            raise InternalError(
                f"the execution {what} but its log could not be written; see the service log",
                reason="EXECUTION_LOG_FAILED",
                metadata={"execution_id": run.execution_id},
            ) from exc


async def abort_orphans(db: Database, owner: str) -> int:
    """At start-up: mark ABORTED the RUNNING rows ``owner`` left (it crashed); returns how many."""
    async with db.session() as s:
        result = await s.execute(
            update(ExecutionRow)
            .where(ExecutionRow.owner == owner, ExecutionRow.status == ExecutionStatus.RUNNING.value)
            .values(status=ExecutionStatus.ABORTED.value, error_reason=_ABORTED[0], error_message=_ABORTED[1])
            .execution_options(synchronize_session=False)
        )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.warning("executions left running by a previous process marked ABORTED", count=count, owner=owner)
    return count


def _redact_uncached(d: ApiDefinition, params: Any) -> dict[str, Any]:
    """Redaction when the API could not be prepared (e.g. a broken workflow): schema only, never raises."""
    try:
        return ParamSchema(d.param_schema or None).redact(params) if isinstance(params, dict) else {}
    except Exception:
        return {}
