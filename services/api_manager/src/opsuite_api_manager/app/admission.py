"""Admission of an execution: its deadline, the compiled parts of its API, and the checks before any work.

An execution is admitted when its API is enabled, the call depth is within bounds, time is left and its
parameters satisfy the API's schema. What can be compiled once per API version (the parameter schema, the
workflow; the SQL query once its data source's dialect is known) is cached by ``(api_id, version)``.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from opsuite_api_manager.domain.params import ParamSchema
from opsuite_api_manager.domain.sql_guard import CheckedQuery
from opsuite_api_manager.domain.workflow import WorkflowSpec, parse_workflow
from opsuite_common.errors import DeadlineExceededError, FailedPreconditionError

from .definitions import ApiDefinition
from .outcomes import Caller, Reference
from .recording import RunState, Target

__all__ = ["Admission", "Prepared", "Runtime", "new_execution_id"]

_PREPARED_CACHE = 1024


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
class Prepared:
    """What can be compiled once per API version: the param schema, the SQL query, the workflow."""

    schema: ParamSchema
    query: CheckedQuery | None = None
    workflow: WorkflowSpec | None = None


def new_execution_id() -> str:
    """A random (version 4) UUID for an execution record.

    From ``random`` rather than ``os.urandom``: the urandom syscall was a visible part of each call,
    and an execution id is not a secret (every lookup is scoped to the caller's tenant).
    """
    return str(uuid.UUID(int=random.getrandbits(128), version=4))


class Admission:
    """Starts runs (deadline, id, first reference) and admits them; caches the prepared API versions."""

    def __init__(self, runtime: Runtime) -> None:
        """Bind the server-wide bounds."""
        self.runtime = runtime
        self._prepared: dict[tuple[str, int], Prepared] = {}

    def prepare(self, target: Target) -> Prepared:
        """The compiled parts of ``target`` (cached when it is a stored API version)."""
        key = (target.api_id, target.version)
        cached = self._prepared.get(key) if target.api_id else None
        if cached is not None:
            return cached
        d = target.definition
        prepared = Prepared(schema=ParamSchema(d.param_schema or None))
        if d.kind == "WORKFLOW":
            prepared.workflow = parse_workflow(d.spec.get("definition"), field_prefix="api.workflow.definition")
        if target.api_id:
            if len(self._prepared) >= _PREPARED_CACHE:
                self._prepared.clear()
            self._prepared[key] = prepared
        return prepared

    def deadline(self, d: ApiDefinition, outer: float | None) -> float:
        """The monotonic deadline of a run of ``d``: its timeout (bounded by the server's), within ``outer``."""
        timeout = min(d.policy.timeout_s or self.runtime.default_timeout_s, self.runtime.max_timeout_s)
        deadline = time.monotonic() + timeout
        return deadline if outer is None else min(deadline, outer)

    def new_run(
        self,
        caller: Caller,
        target: Target,
        *,
        outer_deadline: float | None,
        depth: int = 0,
        record: bool = True,
        parent_id: str | None = None,
    ) -> RunState:
        """The state of a new run of ``target`` (not yet admitted), referencing the API version it runs."""
        run = RunState(
            caller=caller,
            target=target,
            depth=depth,
            record=record,
            deadline=self.deadline(target.definition, outer_deadline),
            execution_id=new_execution_id(),
            parent_id=parent_id,
        )
        run.references.append(Reference("api", target.definition.name, f"version {target.version}"))
        return run

    def admit(self, run: RunState, params: dict[str, Any]) -> tuple[Prepared, dict[str, Any]]:
        """Check depth, enabled and time left, then validate ``params``; the prepared API and valid params."""
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
        prepared = self.prepare(run.target)
        return prepared, prepared.schema.validate(params)
