"""Property: on random DAGs every step starts only after all of its dependencies have finished."""

from __future__ import annotations

import asyncio
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from opsuite_api_manager.domain.workflow import StepStatus, WorkflowEngine, WorkflowStatus, parse_workflow
from opsuite_common.errors import ServiceUnavailableError


@st.composite
def dags(draw):
    """Steps s0..sN; each may depend on any earlier step, and may fail (with on_error continue)."""
    n = draw(st.integers(min_value=1, max_value=12))
    steps = []
    for i in range(n):
        deps = [f"s{j}" for j in range(i) if draw(st.booleans())]
        fails = draw(st.booleans())
        # Half the dependencies are declared, half inferred from the input mapping.
        declared = [d for d in deps if draw(st.booleans())]
        inferred = {d: f"$steps.{d}.status" for d in deps if d not in declared}
        steps.append(
            {
                "id": f"s{i}",
                "api": "fail" if fails else "work",
                "input": {"label": f"s{i}", "seen": inferred},
                "depends_on": declared,
                "on_error": "continue",
            }
        )
    return steps, {f"s{i}": set(s["depends_on"]) | set(s["input"]["seen"]) for i, s in enumerate(steps)}


@settings(max_examples=40, deadline=None)
@given(dags())
def test_every_step_runs_after_all_its_dependencies(dag):
    steps, deps = dag
    events: list[tuple[str, str]] = []

    async def call(api, params, deadline, depth):
        label = params["label"]
        events.append(("start", label))
        await asyncio.sleep(0)  # let other ready steps interleave
        events.append(("end", label))
        if api == "fail":
            raise ServiceUnavailableError("down")
        # Every status the step reads must already be final.
        assert all(status in {"SUCCEEDED", "FAILED"} for status in params["seen"].values())
        return {"label": label}

    async def main():
        spec = parse_workflow({"steps": steps})
        return await WorkflowEngine().run(spec, {}, call_api=call, depth=0, max_depth=3, deadline=time.monotonic() + 10)

    result = asyncio.run(main())
    assert result.status is WorkflowStatus.SUCCEEDED
    assert sorted(log.step_id for log in result.steps) == sorted(deps)
    for log in result.steps:
        expected = StepStatus.FAILED if steps[int(log.step_id[1:])]["api"] == "fail" else StepStatus.SUCCEEDED
        assert log.status is expected
    for step, needs in deps.items():
        assert events.count(("start", step)) == 1
        for dep in needs:
            assert events.index(("end", dep)) < events.index(("start", step)), (dep, step)
