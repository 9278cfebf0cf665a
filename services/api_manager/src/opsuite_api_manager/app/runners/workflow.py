"""WORKFLOW APIs: the workflow engine runs the steps, each step a nested execution of another API."""

from __future__ import annotations

from typing import Any

from opsuite_api_manager.domain.workflow import StepLog, WorkflowEngine, WorkflowStatus
from opsuite_common.errors import DeadlineExceededError, FailedPreconditionError
from opsuite_common.tracing import span

from ..admission import Prepared, Runtime
from ..outcomes import Outcome
from ..recording import RunState
from .base import CallNested

__all__ = ["WorkflowRunner"]


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


class WorkflowRunner:
    """Runs WORKFLOW APIs; the steps are recorded on the run, the output is the workflow's."""

    def __init__(self, workflows: WorkflowEngine, runtime: Runtime, call_nested: CallNested) -> None:
        """Bind the workflow engine, the server-wide bounds and how a step calls another API."""
        self.workflows, self.runtime, self._call_nested = workflows, runtime, call_nested

    async def run(self, run: RunState, prepared: Prepared, params: dict[str, Any], input: Any) -> Outcome:
        """Run the prepared workflow within the run's deadline; its failure is the run's error."""
        assert prepared.workflow is not None

        async def call_api(name: str, payload: dict[str, Any], deadline: float, depth: int) -> Any:
            # One span per attempt of a step; the step's execution (and its SQL, HTTP...) hangs under it.
            with span(f"workflow.step {name}", {"opsuite.workflow.step.api": name, "opsuite.execution.depth": depth}):
                return await self._call_nested(run, name, payload, min(deadline, run.deadline), depth)

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
