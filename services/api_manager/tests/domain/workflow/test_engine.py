"""Running workflows against a fake API registry: DAG order, mappings, policies and step logs."""

from __future__ import annotations

import asyncio
import time

import pytest

from opsuite_api_manager.domain.workflow import (
    StepStatus,
    WorkflowEngine,
    WorkflowStatus,
    parse_workflow,
)
from opsuite_common.errors import DeadlineExceededError, FailedPreconditionError
from opsuite_common.testing.eventually import eventually


def by_id(result):
    logs = {}
    for log in result.steps:
        logs.setdefault(log.step_id, log)
    return logs


async def test_independent_steps_overlap_and_a_dependant_waits_for_both(apis, run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "a", "api": "sleep", "input": {"label": "a", "s": 0.05}},
                {"id": "b", "api": "sleep", "input": {"label": "b", "s": 0.05}},
                {"id": "c", "api": "echo", "input": {"label": "c"}, "depends_on": ["a", "b"]},
            ]
        }
    )
    assert result.status is WorkflowStatus.SUCCEEDED
    i = apis.index
    # Both started before either finished: they ran concurrently.
    assert max(i("start", "a"), i("start", "b")) < min(i("end", "a"), i("end", "b"))
    assert i("start", "c") > max(i("end", "a"), i("end", "b"))
    logs = by_id(result)
    assert logs["a"].started_at < logs["b"].finished_at and logs["b"].started_at < logs["a"].finished_at
    assert logs["c"].started_at >= max(logs["a"].finished_at, logs["b"].finished_at)


async def test_outputs_are_mapped_into_later_inputs_and_the_result(apis, run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "find", "api": "echo", "input": {"rows": [{"id": "$params.first"}, {"id": 9}]}},
                {
                    "id": "use",
                    "api": "echo",
                    "input": {"id": "$steps.find.output.rows[0].id", "host": "host-{{params.n}}", "n": "{{params.n}}"},
                },
            ],
            "output": {"host": "$steps.use.output.host", "ids": "$steps.find.output.rows[*].id"},
        },
        {"first": 4, "n": 2},
    )
    assert result.status is WorkflowStatus.SUCCEEDED, result.error
    assert apis.calls[1].params == {"id": 4, "host": "host-2", "n": 2}
    assert result.output == {"host": "host-2", "ids": [4, 9]}
    assert by_id(result)["use"].input == {"id": 4, "host": "host-2", "n": 2}


async def test_without_an_output_mapping_the_result_holds_every_step_output(run_workflow):
    result = await run_workflow(
        {"steps": [{"id": "a", "api": "echo", "input": {"v": 1}}, {"id": "b", "api": "echo", "input": {"v": 2}}]}
    )
    assert result.output == {"a": {"v": 1}, "b": {"v": 2}}


async def test_a_false_when_skips_the_step_and_dependants_see_it(apis, run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "count", "api": "echo", "input": {"row_count": "$params.rows"}},
                {
                    "id": "alert",
                    "api": "echo",
                    "input": {"label": "alert"},
                    "when": "steps.count.output.row_count > `0`",
                },
                {"id": "after", "api": "echo", "input": {"seen": "$steps.alert.status", "out": "$steps.alert.output"}},
            ]
        },
        {"rows": 0},
    )
    assert result.status is WorkflowStatus.SUCCEEDED
    logs = by_id(result)
    assert logs["alert"].status is StepStatus.SKIPPED
    assert logs["alert"].attempts == 0
    assert apis.count("echo") == 2  # alert was never called
    assert result.output["after"] == {"seen": "SKIPPED", "out": None}


async def test_transient_failures_are_retried_up_to_the_attempt_limit(apis, run_workflow):
    retry = {"attempts": 3, "backoff_s": 0.001, "max_backoff_s": 0.002}
    ok = await run_workflow(
        {"steps": [{"id": "a", "api": "flaky", "input": {"label": "x", "fail_times": 2}, "retry": retry}]}
    )
    assert ok.status is WorkflowStatus.SUCCEEDED
    assert by_id(ok)["a"].attempts == 3
    assert apis.count("flaky") == 3

    exhausted = await run_workflow(
        {"steps": [{"id": "a", "api": "flaky", "input": {"label": "y", "fail_times": 5}, "retry": retry}]}
    )
    log = by_id(exhausted)["a"]
    assert (log.status, log.attempts, log.error.reason) == (StepStatus.FAILED, 3, "SERVICE_UNAVAILABLE")
    assert apis.count("flaky") == 6


async def test_caller_mistakes_are_not_retried(apis, run_workflow):
    retry = {"attempts": 5, "backoff_s": 0.001}
    result = await run_workflow(
        {
            "steps": [
                {
                    "id": "v",
                    "api": "flaky",
                    "input": {"label": "v", "fail_times": 1, "error": "validation"},
                    "retry": retry,
                    "on_error": "continue",
                },
                {"id": "n", "api": "missing", "retry": retry, "on_error": "continue"},
            ]
        }
    )
    logs = by_id(result)
    assert (logs["v"].attempts, logs["v"].error.reason) == (1, "VALIDATION_FAILED")
    assert (logs["n"].attempts, logs["n"].error.reason) == (1, "NOT_FOUND")
    assert apis.count("flaky") == 1 and apis.count("missing") == 1


async def test_a_step_timeout_is_timed_out_and_retried_as_transient(apis, run_workflow):
    result = await run_workflow(
        {"steps": [{"id": "slow", "api": "hang", "timeout_s": 0.05, "retry": {"attempts": 2, "backoff_s": 0}}]}
    )
    log = by_id(result)["slow"]
    assert (log.status, log.attempts, log.error.reason) == (StepStatus.TIMED_OUT, 2, "DEADLINE_EXCEEDED")
    assert "longer than its timeout of 0.05s" in log.error.message
    assert result.status is WorkflowStatus.FAILED
    assert result.error.reason == "WORKFLOW_STEP_FAILED"
    assert result.error.metadata["step_reason"] == "DEADLINE_EXCEEDED"
    assert apis.events.count(("end", "hang")) == 2  # each timed-out attempt was really cancelled


async def test_on_error_fail_stops_the_workflow_and_logs_every_step(apis, run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "slow", "api": "hang", "input": {"label": "slow"}},
                {"id": "broken", "api": "bad", "depends_on": []},
                {"id": "next", "api": "echo", "depends_on": ["broken"]},
            ]
        }
    )
    assert result.status is WorkflowStatus.FAILED
    assert result.failed_step == "broken"
    assert isinstance(result.error, FailedPreconditionError)
    assert result.error.reason == "WORKFLOW_STEP_FAILED"
    assert "step 'broken' (api 'bad') failed: VALIDATION_FAILED: param 'x' is required" in result.error.message
    logs = by_id(result)
    assert logs["broken"].status is StepStatus.FAILED
    assert logs["slow"].status is StepStatus.CANCELLED
    assert logs["slow"].finished_at is not None
    assert logs["next"].status is StepStatus.SKIPPED
    assert logs["next"].error.reason == "NOT_RUN"
    assert ("end", "slow") in apis.events  # the in-flight call was cancelled, not leaked
    with pytest.raises(FailedPreconditionError):
        result.raise_for_status()


async def test_on_error_continue_lets_dependants_run_and_see_the_error(run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "get", "api": "missing", "on_error": "continue"},
                {
                    "id": "report",
                    "api": "echo",
                    "input": {
                        "status": "$steps.get.status",
                        "reason": "$steps.get.error.reason",
                        "out": "$steps.get.output",
                    },
                },
            ]
        }
    )
    assert result.status is WorkflowStatus.SUCCEEDED
    assert by_id(result)["get"].status is StepStatus.FAILED
    assert result.output["report"] == {"status": "FAILED", "reason": "NOT_FOUND", "out": None}


async def test_fallback_runs_instead_and_its_output_stands_under_the_failed_id(apis, run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "primary", "api": "missing", "on_error": {"fallback": "cache"}},
                {"id": "cache", "api": "echo", "input": {"source": "cache", "why": "$steps.primary.error.message"}},
                {
                    "id": "use",
                    "api": "echo",
                    "input": {"got": "$steps.primary.output.source", "s": "$steps.primary.status"},
                },
                {"id": "other", "api": "echo", "on_error": {"fallback": "spare"}},
                {"id": "spare", "api": "echo"},
            ]
        }
    )
    assert result.status is WorkflowStatus.SUCCEEDED, result.error
    logs = by_id(result)
    assert logs["primary"].status is StepStatus.FALLBACK
    assert logs["primary"].error.reason == "NOT_FOUND"
    assert logs["primary"].output == {"source": "cache", "why": "row 7 not found"}
    assert (logs["cache"].status, logs["cache"].fallback_for) == (StepStatus.SUCCEEDED, "primary")
    assert result.output["use"] == {"got": "cache", "s": "FALLBACK"}
    assert logs["spare"].status is StepStatus.SKIPPED  # never needed
    assert "cache" not in result.output and "spare" not in result.output


async def test_a_failing_fallback_applies_its_own_on_error(run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "a", "api": "missing", "on_error": {"fallback": "f"}},
                {"id": "f", "api": "bad"},
            ]
        }
    )
    assert result.status is WorkflowStatus.FAILED
    assert result.failed_step == "f"
    logs = by_id(result)
    assert logs["a"].status is StepStatus.FAILED
    assert (logs["f"].status, logs["f"].fallback_for) == (StepStatus.FAILED, "a")


async def test_nesting_depth_is_bounded(apis):
    engine = WorkflowEngine()
    spec = parse_workflow({"steps": [{"id": "again", "api": "recurse"}]})

    async def recurse(params, depth):
        result = await engine.run(spec, {}, call_api=apis.call, depth=depth, max_depth=3, deadline=time.monotonic() + 5)
        result.raise_for_status()
        return result.output

    apis.add("recurse", recurse)
    result = await engine.run(spec, {}, call_api=apis.call, depth=0, max_depth=3, deadline=time.monotonic() + 5)
    assert result.status is WorkflowStatus.FAILED
    assert [c.depth for c in apis.calls] == [1, 2, 3, 4]
    assert "WORKFLOW_DEPTH_EXCEEDED" in result.error.message
    with pytest.raises(FailedPreconditionError) as info:
        await engine.run(spec, {}, call_api=apis.call, depth=4, max_depth=3, deadline=time.monotonic() + 5)
    assert info.value.reason == "WORKFLOW_DEPTH_EXCEEDED"


async def test_the_workflow_deadline_stops_everything(apis, run_workflow):
    result = await run_workflow(
        {
            "steps": [
                {"id": "slow", "api": "hang", "input": {"label": "slow"}, "on_error": "continue"},
                {"id": "later", "api": "echo", "depends_on": ["slow"]},
            ]
        },
        timeout=0.1,
    )
    assert result.status is WorkflowStatus.TIMED_OUT
    assert isinstance(result.error, DeadlineExceededError)
    logs = by_id(result)
    assert logs["slow"].status is StepStatus.TIMED_OUT
    assert logs["later"].status is StepStatus.SKIPPED
    assert apis.calls[0].deadline <= time.monotonic()  # the callee was told the workflow deadline


async def test_call_api_gets_depth_plus_one_and_a_deadline_within_the_step_timeout(apis, run_workflow):
    before = time.monotonic()
    await run_workflow({"steps": [{"id": "a", "api": "echo", "timeout_s": 30}]}, depth=2, timeout=60)
    assert apis.calls[0].depth == 3
    assert before + 29 < apis.calls[0].deadline <= time.monotonic() + 30


async def test_forty_steps_chain_then_fan_out_then_join(apis, run_workflow):
    async def inc(params, depth):
        return {"n": params["n"] + 1}

    apis.add("inc", inc)
    steps = [{"id": "c0", "api": "inc", "input": {"n": "$params.start"}}]
    steps += [{"id": f"c{i}", "api": "inc", "input": {"n": f"$steps.c{i - 1}.output.n"}} for i in range(1, 20)]
    steps += [{"id": f"f{i}", "api": "inc", "input": {"n": "$steps.c19.output.n"}} for i in range(19)]
    steps += [{"id": "join", "api": "echo", "input": {"all": [f"$steps.f{i}.output.n" for i in range(19)]}}]
    assert len(steps) == 40
    result = await run_workflow({"steps": steps, "output": "$steps.join.output.all"}, {"start": 0})
    assert result.status is WorkflowStatus.SUCCEEDED, result.error
    assert result.output == [21] * 19
    assert len(result.steps) == 40
    assert all(log.status is StepStatus.SUCCEEDED for log in result.steps)


async def test_large_values_are_truncated_in_the_log_but_not_in_the_data(run_workflow):
    big = "x" * 5000
    result = await run_workflow(
        {
            "steps": [
                {"id": "a", "api": "echo", "input": {"blob": "$params.blob"}},
                {"id": "b", "api": "echo", "input": {"size": "$length(steps.a.output.blob)"}},
            ]
        },
        {"blob": big},
        engine=WorkflowEngine(log_value_limit_bytes=200),
    )
    logs = by_id(result)
    assert logs["a"].output_truncated and logs["a"].input_truncated
    assert logs["a"].output["truncated"] is True and logs["a"].output["size_bytes"] > 5000
    assert len(logs["a"].output["preview"]) == 200
    assert result.output["b"] == {"size": 5000}


async def test_unexpected_errors_become_internal_without_leaking_details(run_workflow):
    result = await run_workflow({"steps": [{"id": "a", "api": "boom"}]})
    error = by_id(result)["a"].error
    assert error.reason == "INTERNAL"
    assert "RuntimeError" in error.message and "secret" not in error.message


async def test_a_mapping_that_fails_at_run_time_fails_the_step(apis, run_workflow):
    result = await run_workflow(
        {"steps": [{"id": "a", "api": "echo", "input": {"n": "$length(params.n)"}, "on_error": "continue"}]},
        {"n": 5},
    )
    log = by_id(result)["a"]
    assert (log.status, log.error.reason) == (StepStatus.FAILED, "WORKFLOW_MAPPING_FAILED")
    assert apis.calls == []


async def test_cancelling_the_run_cancels_running_steps(apis, run_workflow):
    task = asyncio.create_task(run_workflow({"steps": [{"id": "a", "api": "hang", "input": {"label": "h"}}]}))
    await eventually(lambda: ("start", "h") in apis.events, what="the hanging step to start")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ("end", "h") in apis.events


async def test_a_step_cut_off_by_the_workflow_deadline_times_the_workflow_out_not_fails_it(run_workflow):
    result = await run_workflow({"steps": [{"id": "slow", "api": "hang"}]}, timeout=0.05)
    assert result.status is WorkflowStatus.TIMED_OUT
    assert result.failed_step == "slow"
    assert result.error.reason == "WORKFLOW_TIMEOUT"
    assert "cut short: slow" in result.error.message
    assert by_id(result)["slow"].status is StepStatus.TIMED_OUT


async def test_a_deadline_already_passed_runs_nothing(apis, run_workflow):
    result = await run_workflow({"steps": [{"id": "a", "api": "echo"}]}, timeout=-1)
    assert result.status is WorkflowStatus.TIMED_OUT
    assert by_id(result)["a"].status is StepStatus.SKIPPED
    assert apis.calls == []
