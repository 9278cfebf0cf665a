"""ScriptRunner behaviour: success path, ctx, caps, error mapping, concurrency and fork-server restarts."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest

from opsuite_api_manager.adapters.script import ScriptRunner
from opsuite_api_manager.domain.script import (
    ScriptPolicy,
    compile_check,
    script_logs_dropped_of,
    script_logs_of,
)
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    PermissionDeniedError,
    ResourceLimitError,
    ServiceUnavailableError,
    ValidationError,
)
from opsuite_common.testing.eventually import eventually, eventually_sync

from .conftest import NORMAL_SOURCE, assert_still_serves


class RecordingHost:
    """A ScriptHost that answers from a table and records what the script asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    async def http(self, method: str, url: str, headers: dict[str, str], body: str | None) -> dict[str, Any]:
        self.calls.append(("http", method, url, headers, body))
        if "169.254" in url:
            raise PermissionDeniedError("address 169.254.169.254 is link-local", reason="SSRF_BLOCKED")
        return {"status": 200, "json": {"echo": body}}

    async def call_api(self, name: str, params: dict[str, Any]) -> Any:
        self.calls.append(("call_api", name, params))
        if name == "broken":
            raise RuntimeError("database password is hunter2")
        return {"rows": [[params.get("id", 0) * 2]]}


@pytest.fixture
async def runner():
    async with ScriptRunner(max_concurrency=4) as script_runner:
        yield script_runner


async def test_success_with_params_input_logs_and_print(runner: ScriptRunner) -> None:
    source = NORMAL_SOURCE + "\n\nprint('top level runs once')\n"
    result = await runner.run(source, {"n": 12}, {"rows": [1, 2]})
    assert result.output == {"fib": 144, "input": {"rows": [1, 2]}}
    assert [(line.message, line.fields) for line in result.logs] == [
        ("top level runs once", {"stream": "stdout"}),
        ("computing", {"n": 12}),
    ]
    assert result.duration_s > 0
    assert not result.logs_truncated and result.violations == ()


async def test_ctx_http_and_call_api_go_through_the_host(runner: ScriptRunner) -> None:
    host = RecordingHost()
    source = """
def main(params, input, ctx):
    got = ctx.http.post("https://api.example.com/x", json={"a": 1}, headers={"x-k": "v"})
    rows = ctx.call_api("double", {"id": 21})
    try:
        ctx.http.get("http://169.254.169.254/latest/meta-data")
        blocked = None
    except Exception as exc:
        blocked = [type(exc).__name__, exc.reason, str(exc)]
    try:
        ctx.call_api("broken", {})
    except Exception as exc:
        internal = str(exc)
    return {"got": got, "rows": rows, "blocked": blocked, "internal": internal}
"""
    result = await runner.run(source, {}, None, host=host)
    assert result.output["got"] == {"status": 200, "json": {"echo": '{"a":1}'}}
    assert result.output["rows"] == {"rows": [[42]]}
    assert result.output["blocked"] == ["HostCallError", "SSRF_BLOCKED", "address 169.254.169.254 is link-local"]
    assert "hunter2" not in result.output["internal"]
    assert host.calls[0] == (
        "http",
        "POST",
        "https://api.example.com/x",
        {"x-k": "v", "content-type": "application/json"},
        '{"a":1}',
    )
    assert result.host_calls == 4


async def test_ctx_calls_are_bounded_in_count_and_size(runner: ScriptRunner) -> None:
    host = RecordingHost()
    source = """
def main(params, input, ctx):
    errors = []
    for i in range(5):
        try:
            ctx.call_api("double", {"id": i})
        except Exception as exc:
            errors.append(exc.reason)
    try:
        ctx.http.post("https://x", body="y" * 5000)
    except Exception as exc:
        errors.append(exc.reason)
    return errors
"""
    policy = ScriptPolicy(max_host_calls=3, max_host_request_bytes=1000)
    result = await runner.run(source, {}, None, policy, host)
    assert result.output == ["SCRIPT_HOST_CALL_LIMIT", "SCRIPT_HOST_CALL_LIMIT", "SCRIPT_HOST_CALL_LIMIT"]
    assert len(host.calls) == 3


async def test_without_a_host_ctx_http_is_refused_clearly(runner: ScriptRunner) -> None:
    with pytest.raises(FailedPreconditionError) as caught:
        await runner.run("def main(p, i, ctx):\n    return ctx.http.get('https://x')\n", {}, None)
    assert "not available" in caught.value.message


async def test_log_lines_are_capped_in_count_and_size(runner: ScriptRunner) -> None:
    source = """
def main(params, input, ctx):
    ctx.log("x" * 10000)
    for i in range(50):
        ctx.log(f"line {i}")
    return "done"
"""
    result = await runner.run(source, {}, None, ScriptPolicy(max_log_lines=5, max_log_line_bytes=100))
    assert result.output == "done"
    assert len(result.logs) == 5 and result.logs_truncated and result.logs_dropped == 46
    assert len(result.logs[0].message) < 200 and result.logs[0].message.endswith("[truncated]")


async def test_a_failing_script_reports_how_many_log_lines_it_dropped(runner: ScriptRunner) -> None:
    source = "def main(params, input, ctx):\n    for i in range(30):\n        print(i)\n    raise ValueError('no')\n"
    with pytest.raises(FailedPreconditionError) as caught:
        await runner.run(source, {}, None, ScriptPolicy(max_log_lines=10))
    assert [line.message for line in script_logs_of(caught.value)] == [str(i) for i in range(10)]
    assert script_logs_dropped_of(caught.value) == 20


async def test_user_exception_reports_type_message_and_line(runner: ScriptRunner) -> None:
    source = "def main(params, input, ctx):\n    ctx.log('before')\n    return {}['missing']\n"
    with pytest.raises(FailedPreconditionError) as caught:
        await runner.run(source, {}, None)
    error = caught.value
    assert error.reason == "SCRIPT_ERROR"
    assert "KeyError" in error.message and "'missing'" in error.message and "line 3" in error.message
    assert error.metadata == {"line": "3", "exception_type": "KeyError"}
    assert "_childrun" not in error.message and "Traceback" not in error.message
    assert [line.message for line in script_logs_of(error)] == ["before"]
    assert script_logs_dropped_of(error) == 0


async def test_non_json_result_is_a_script_error(runner: ScriptRunner) -> None:
    with pytest.raises(FailedPreconditionError, match="not JSON-serialisable"):
        await runner.run("def main(p, i, c):\n    return {1, 2}\n", {}, None)


async def test_syntax_error_at_run_is_a_validation_error_on_the_source(runner: ScriptRunner) -> None:
    with pytest.raises(ValidationError) as caught:
        await runner.run("def main(p, i, c):\n    return (\n", {}, None)
    [violation] = caught.value.field_violations
    assert violation.field == "spec.source" and "line" in violation.description


async def test_wall_clock_timeout_keeps_logs(runner: ScriptRunner) -> None:
    source = "import time\ndef main(p, i, ctx):\n    ctx.log('started')\n    time.sleep(60)\n"
    with pytest.raises(DeadlineExceededError) as caught:
        await runner.run(source, {}, None, ScriptPolicy(timeout_s=0.5))
    assert caught.value.reason == "SCRIPT_TIMEOUT" and "0.5 s timeout" in caught.value.message
    assert [line.message for line in script_logs_of(caught.value)] == ["started"]
    await assert_still_serves(runner)


async def test_a_timeout_partly_spent_waiting_for_a_slot_is_named_as_the_api_set_it(runner: ScriptRunner) -> None:
    source = "import time\ndef main(p, i, ctx):\n    time.sleep(60)\n"
    slots = runner._slots  # every sandbox slot taken for a moment: the script waits for one
    held = [await slots.acquire() for _ in range(runner._max_concurrency)]
    asyncio.get_running_loop().call_later(0.2, lambda: [slots.release() for _ in held])
    with pytest.raises(DeadlineExceededError) as caught:
        await runner.run(source, {}, None, ScriptPolicy(timeout_s=1.0))
    message = caught.value.message
    assert "within its 1 s timeout (0." in message and "s of it spent waiting for a sandbox slot)" in message
    await assert_still_serves(runner)


async def test_cpu_rlimit_stops_a_busy_loop_before_the_wall_clock(runner: ScriptRunner) -> None:
    source = "def main(p, i, c):\n    while True:\n        pass\n"
    with pytest.raises(DeadlineExceededError) as caught:
        await runner.run(source, {}, None, ScriptPolicy(timeout_s=20, cpu_s=1))
    assert caught.value.reason == "SCRIPT_TIMEOUT" and "CPU time" in caught.value.message


async def test_memory_limit_is_the_policy_s(runner: ScriptRunner) -> None:
    source = "def main(p, i, c):\n    return len(bytearray(p['mb'] * 1024 * 1024))\n"
    assert (await runner.run(source, {"mb": 20}, None, ScriptPolicy(memory_mb=64))).output == 20 * 1024 * 1024
    with pytest.raises(ResourceLimitError) as caught:
        await runner.run(source, {"mb": 100}, None, ScriptPolicy(memory_mb=64))
    assert caught.value.reason == "SCRIPT_MEMORY_LIMIT" and "64 MB" in caught.value.message


async def test_concurrent_executions_are_independent(runner: ScriptRunner) -> None:
    busy = "def main(p, i, c):\n    while True:\n        pass\n"
    hog = asyncio.ensure_future(runner.run(busy, {}, None, ScriptPolicy(timeout_s=1.5)))
    results = await asyncio.gather(*(runner.run(NORMAL_SOURCE, {"n": n}, n) for n in range(12)))
    assert [r.output for r in results] == [{"fib": f, "input": n} for n, f in enumerate(_fibs(12))]
    with pytest.raises(DeadlineExceededError):
        await hog


def _fibs(count: int) -> list[int]:
    out = [0, 1]
    while len(out) < count:
        out.append(out[-1] + out[-2])
    return out[:count]


async def test_fork_server_is_restarted_after_it_is_killed(runner: ScriptRunner) -> None:
    first = runner.server_pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    await assert_still_serves(runner)
    assert runner.server_pid not in (None, first)
    assert runner.restarts == 1


async def test_fork_server_that_died_unnoticed_is_restarted(runner: ScriptRunner) -> None:
    # The server is gone before the event loop ran again, so its reader has not seen EOF yet: the next
    # run finds the control socket broken first and must still restart the server, not retry the dead one.
    first = runner.server_pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    # Blocking on purpose (the sync variant): no await, so the reader task cannot run.
    eventually_sync(lambda: _exited(first), timeout=10, interval=0.005, what=f"the fork server {first} exits")
    await assert_still_serves(runner)
    assert runner.server_pid not in (None, first)
    assert runner.restarts == 1


def _exited(pid: int) -> bool:
    """The process has exited (a zombie or gone): its sockets are closed."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


async def test_execution_in_flight_when_the_fork_server_dies_fails_cleanly(runner: ScriptRunner) -> None:
    source = "import time\ndef main(p, i, ctx):\n    ctx.log('waiting')\n    time.sleep(30)\n"
    task = asyncio.ensure_future(runner.run(source, {}, None, ScriptPolicy(timeout_s=10)))
    await asyncio.sleep(0.3)
    os.kill(runner.server_pid, signal.SIGKILL)  # its children die with it (parent-death signal)
    with pytest.raises(ServiceUnavailableError) as caught:
        await task
    assert caught.value.reason == "SCRIPT_RUNNER_RESTARTED"
    await assert_still_serves(runner)


async def test_closed_runner_refuses_work() -> None:
    runner = ScriptRunner()
    await runner.start()
    pid = runner.server_pid
    await runner.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ServiceUnavailableError):
        await runner.run(NORMAL_SOURCE, {"n": 1}, None)


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValidationError) as caught:
        ScriptPolicy(timeout_s=0, memory_mb=-1)
    assert {v.field for v in caught.value.field_violations} == {"policy.timeout_s", "policy.memory_mb"}


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("def main(p, i, c):\n    return (\n", "line 2"),
        ("def helper(p, i, c):\n    return 1\n", "define a top-level function main"),
        ("def main(p, i):\n    return 1\n", "three arguments"),
        ("def main(p, i, c, d):\n    return 1\n", "three arguments"),
        ("async def main(p, i, c):\n    return 1\n", "not 'async def'"),
        ("   \n", "empty"),
    ],
)
def test_compile_check_rejects_with_a_field_violation(source: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        compile_check(source)
    [violation] = caught.value.field_violations
    assert violation.field == "spec.source" and fragment in violation.description


def test_compile_check_accepts_a_valid_script() -> None:
    compile_check(NORMAL_SOURCE)
    compile_check("def main(params, input, ctx, extra=None):\n    return 1\n")


async def test_each_execution_gets_a_fresh_process_even_with_the_code_cached(runner: ScriptRunner) -> None:
    """The compiled script is cached in the service, never the process: every run is a new pid and state."""
    source = (
        "import os\nSTATE = []\n"
        "def main(p, i, ctx):\n    STATE.append(1)\n    return [os.getpid(), len(STATE), __name__]\n"
    )
    outputs = [(await runner.run(source, {}, None)).output for _ in range(4)]
    assert len({pid for pid, _, _ in outputs}) == 4
    assert [(n, name) for _, n, name in outputs] == [(1, "__script__")] * 4


async def test_errors_point_at_the_user_line_with_the_service_compiled_code(runner: ScriptRunner) -> None:
    source = "def main(p, i, ctx):\n    x = 1\n    return 1 / 0\n"
    for _ in range(2):  # first compile, then the cached code object
        with pytest.raises(FailedPreconditionError) as caught:
            await runner.run(source, {}, None)
        assert str(caught.value.metadata["line"]) == "3" and "ZeroDivisionError" in caught.value.message


async def test_a_run_cancelled_while_its_child_is_being_forked_leaves_no_child_behind(runner: ScriptRunner) -> None:
    source = "import time\ndef main(p, i, ctx):\n    time.sleep(30)\n"
    server = runner.server_pid
    for k in range(1, 6):  # cancel at successive points of the hand-off
        task = asyncio.ensure_future(runner.run(source, {}, None, ScriptPolicy(timeout_s=30)))
        for _ in range(k):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    # A child that survived would be sleeping its 30 s: give every fork time to land, then count.
    await asyncio.sleep(1.0)
    await eventually(lambda: len(_children(server)) <= 1, timeout=10, what="the cancelled runs' children exit")
    await asyncio.sleep(0.5)
    assert len(_children(server)) <= 1  # only the fork server's idle spare child is left
    await assert_still_serves(runner)


def _children(pid: int) -> list[str]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return f.read().split()
