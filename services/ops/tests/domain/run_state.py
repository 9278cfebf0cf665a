"""A run's state built from call records, for the domain tests of what the composer reads after a run."""

from __future__ import annotations

from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.model import CallRecord, PlanStep


def run_of(*records: CallRecord) -> tuple[RunState, list[PlanStep]]:
    """The run's state holding ``records`` as each step's latest call, and the plan steps they ran."""
    state = RunState()
    for rec in records:
        state.latest[rec.step_id] = rec
        state.records.append(rec)
    return state, [PlanStep(r.step_id, r.tool, dict(r.arguments)) for r in records]
