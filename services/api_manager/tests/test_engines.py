"""Script, HTTP and workflow APIs over a real channel: success paths, escapes, SSRF, timeouts, nesting."""

from __future__ import annotations

from typing import Any

import grpc

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    PermissionDeniedError,
    ValidationError,
)
from opsuite_common.settings import OutboundSettings

#: The operator's outbound policy opening 127.0.0.1 (an API's own allow-list cannot).
LOOPBACK_OPENED = OutboundSettings(allow=("127.0.0.1",))


def script(c: Any, name: str, source: str, **kw: Any) -> pb.ApiDefinition:
    return c.api_def(name, kind=pb.SCRIPT, script=pb.ScriptSpec(source=source), **kw)


FIB = """
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def main(params, input, ctx):
    ctx.log("computing", n=params["n"])
    return {"fib": fib(params["n"]), "input": input}
"""


async def executions(c: Any, **kw: Any) -> list[pb.Execution]:
    return list((await c.stub.ListExecutions(pb.ListExecutionsRequest(**kw), metadata=c.md("viewer"))).executions)


async def test_script_runs_with_params_defaults_input_and_log_lines(lite):
    c = lite
    props = {"n": {"type": "integer", "default": 10}, "token": {"type": "string", "x-secret": True}}
    await c.create(script(c, "fib", FIB, param_schema=c.schema(props)))
    req = pb.ExecuteApiRequest(name="fib", input={"string_value": "hello"}, params=c.struct({"token": "tok-123"}))
    r = await c.stub.ExecuteApi(req, metadata=c.md("viewer"))
    assert c.json(r) == {"fib": 55, "input": "hello"}
    assert [line.message for line in r.logs] == ["computing"]
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=r.execution_id), metadata=c.md("viewer"))
    assert ex.kind == pb.SCRIPT and [line.message for line in ex.logs] == ["computing"]
    assert dict(ex.params) == {"token": "***"}  # as received, the secret redacted


async def test_script_escapes_fail_clearly_are_logged_and_the_service_keeps_serving(lite):
    c = lite
    escapes = {
        "os_system": "import os\ndef main(params, input, ctx):\n    return os.system('id > /tmp/pwned')\n",
        "read_passwd": "def main(params, input, ctx):\n    return open('/etc/passwd').read()\n",
        "raw_socket": (
            "import socket\ndef main(params, input, ctx):\n"
            "    s = socket.socket(); s.connect(('127.0.0.1', 1)); return 1\n"
        ),
        "write_file": "def main(params, input, ctx):\n    open('/tmp/x', 'w').write('x')\n",
    }
    for name, source in escapes.items():
        await c.create(script(c, name, source))
        err = await c.error(c.execute(name))
        assert isinstance(err, PermissionDeniedError) and err.reason == "SCRIPT_SANDBOX_VIOLATION", (name, err)
    failed = await executions(c, status=pb.FAILED)
    assert sorted(e.api_name for e in failed) == sorted(escapes)
    assert {e.error_reason for e in failed} == {"SCRIPT_SANDBOX_VIOLATION"}
    await c.create(script(c, "fib", FIB))
    assert c.json(await c.execute("fib", {"n": 7}))["fib"] == 13


async def test_script_compile_errors_are_refused_at_save(lite):
    c = lite
    err = await c.error(c.create(script(c, "broken", "def main(params, input, ctx)\n    return 1\n")))
    assert isinstance(err, ValidationError) and err.field_violations[0].field == "api.script.source"
    err = await c.error(c.create(script(c, "nomain", "x = 1\n")))
    assert "main" in err.field_violations[0].description


async def test_infinite_loop_times_out_and_is_logged_as_timed_out(lite):
    c = lite
    d = script(c, "spin", "def main(params, input, ctx):\n    while True:\n        pass\n")
    d.policy.timeout.FromMilliseconds(700)
    await c.create(d)
    err = await c.error(c.execute("spin"))
    assert isinstance(err, DeadlineExceededError)
    [ex] = await executions(c, status=pb.TIMED_OUT)
    assert ex.api_name == "spin" and ex.error_reason


async def test_the_callers_grpc_deadline_bounds_the_api_timeout(lite):
    c = lite
    await c.create(script(c, "spin", "def main(params, input, ctx):\n    while True:\n        pass\n"))
    try:
        await c.execute("spin", timeout=1.0)
        raise AssertionError("an endless script returned")
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    [ex] = await executions(c, status=pb.TIMED_OUT)
    assert ex.duration.ToNanoseconds() < 5e9  # far below the 5 s server default: the caller's deadline won


async def test_http_api_reaches_an_allow_listed_loopback_server(start_lite, loopback_http):
    c = await start_lite(outbound=LOOPBACK_OPENED)
    d = c.api_def(
        "ping",
        kind=pb.HTTP,
        http=pb.HttpSpec(method="GET", url=loopback_http + "/items/{{params.id}}?q={{params.q}}"),
        param_schema=c.schema({"id": {"type": "string"}, "q": {"type": "string"}}, ["id", "q"]),
    )
    d.policy.network_allow_list.append("127.0.0.1")
    api = await c.create(d)
    assert api.idempotent
    r = await c.execute("ping", {"id": "a/b", "q": "x&y"})
    out = c.json(r)
    assert out["status"] == 200 and out["body"] == {"path": "/items/a%2Fb?q=x%26y", "ok": True}
    assert any(ref.kind == "url" and "127.0.0.1" in ref.name for ref in r.references)


async def test_ssrf_to_loopback_not_allow_listed_is_refused(lite, loopback_http):
    c = lite
    # A literal loopback URL is refused at save time...
    d = c.api_def("local", kind=pb.HTTP, http=pb.HttpSpec(method="GET", url=loopback_http + "/"))
    err = await c.error(c.create(d))
    assert isinstance(err, ValidationError) and err.field_violations[0].field == "api.http.url"
    # ...a host name resolving to loopback is refused at connect time, and logged...
    d = c.api_def(
        "named", kind=pb.HTTP, http=pb.HttpSpec(method="GET", url=loopback_http.replace("127.0.0.1", "localhost"))
    )
    await c.create(d)
    err = await c.error(c.execute("named"))
    assert isinstance(err, PermissionDeniedError) and err.reason == "SSRF_BLOCKED"
    # ...and a script's ctx.http only reaches its API's allow-list, which cannot open loopback either.
    src = f"def main(params, input, ctx):\n    return ctx.http.get('{loopback_http}/x')\n"
    await c.create(script(c, "sneaky", src))
    err = await c.error(c.execute("sneaky"))
    assert err.reason in ("SCRIPT_ERROR", "SSRF_BLOCKED") and "127.0.0.1" in err.message
    listed = script(c, "listed", src)
    listed.policy.network_allow_list.append("127.0.0.0/8")
    await c.create(listed)
    err = await c.error(c.execute("listed"))
    assert err.reason in ("SCRIPT_ERROR", "SSRF_BLOCKED") and "OPSUITE_OUTBOUND_ALLOW" in err.message
    failed = {e.api_name: e.error_reason for e in await executions(c, status=pb.FAILED)}
    assert failed["named"] == "SSRF_BLOCKED" and "sneaky" in failed and "listed" in failed


async def test_a_script_reaches_loopback_once_the_operator_opened_it_and_its_list_names_it(start_lite, loopback_http):
    c = await start_lite(outbound=LOOPBACK_OPENED)
    src = f"def main(params, input, ctx):\n    return ctx.http.get('{loopback_http}/x')\n"
    await c.create(script(c, "unlisted", src))  # a script's empty list allows nothing
    err = await c.error(c.execute("unlisted"))
    assert err.reason in ("SCRIPT_ERROR", "SSRF_BLOCKED") and "network_allow_list" in err.message
    allowed = script(c, "allowed", src)
    allowed.policy.network_allow_list.append("127.0.0.1")
    await c.create(allowed)
    assert c.json(await c.execute("allowed"))["json"] == {"path": "/x", "ok": True}


async def test_workflow_chains_sql_script_and_http_and_logs_every_step(start_lite, sqlite_source, loopback_http):
    c = await start_lite(outbound=LOOPBACK_OPENED)
    await c.data_source("reports", sqlite_source)
    await c.create(
        c.api_def(
            "item",
            kind=pb.SQL,
            sql=pb.SqlSpec(data_source="reports", statement="SELECT id, name FROM items WHERE id = :id"),
            param_schema=c.schema({"id": {"type": "integer"}}, ["id"]),
        )
    )
    await c.create(
        script(
            c,
            "shout",
            "def main(params, input, ctx):\n    ctx.log('shouting')\n    return params['text'].upper()\n",
            param_schema=c.schema({"text": {"type": "string"}}, ["text"]),
        )
    )
    ping = c.api_def(
        "ping",
        kind=pb.HTTP,
        http=pb.HttpSpec(method="GET", url=loopback_http + "/{{params.word}}"),
        param_schema=c.schema({"word": {"type": "string"}}, ["word"]),
    )
    ping.policy.network_allow_list.append("127.0.0.1")
    await c.create(ping)
    flow = {
        "steps": [
            {"id": "load", "api": "item", "input": {"id": "$params.id"}},
            {"id": "loud", "api": "shout", "input": {"text": "$steps.load.output.rows[0].name"}},
            {"id": "call", "api": "ping", "input": {"word": "{{steps.loud.output}}"}},
        ],
        "output": {"name": "$steps.loud.output", "path": "$steps.call.output.body.path"},
    }
    wf = await c.create(
        c.api_def("chain", kind=pb.WORKFLOW, workflow=flow, param_schema=c.schema({"id": {"type": "integer"}}, ["id"]))
    )
    r = await c.execute("chain", {"id": 5})
    assert c.json(r) == {"name": "ITEM-5", "path": "/ITEM-5"}
    assert [(s.step_id, s.status) for s in r.steps] == [
        ("load", "SUCCEEDED"),
        ("loud", "SUCCEEDED"),
        ("call", "SUCCEEDED"),
    ]
    nested = [e for e in await executions(c) if e.depth == 1]
    assert sorted(e.api_name for e in nested) == ["item", "ping", "shout"]
    top = await c.stub.GetExecution(pb.GetExecutionRequest(id=r.execution_id), metadata=c.md("viewer"))
    assert top.api_id == wf.meta.id and top.depth == 0 and len(top.steps) == 3


async def test_workflow_save_time_checks_and_failed_step_logs(lite):
    c = lite
    bad = {"steps": [{"id": "a", "api": "nope", "input": {"x": "$steps.b.output"}}, {"id": "b", "api": "nope"}]}
    err = await c.error(c.create(c.api_def("bad", kind=pb.WORKFLOW, workflow=bad)))
    fields = {v.field for v in err.field_violations}
    assert any(f.startswith("api.workflow.definition.steps[0]") for f in fields), fields
    await c.create(script(c, "boom", "def main(params, input, ctx):\n    raise RuntimeError('kaput')\n"))
    await c.create(c.api_def("fails", kind=pb.WORKFLOW, workflow={"steps": [{"id": "x", "api": "boom"}]}))
    err = await c.error(c.execute("fails"))
    assert isinstance(err, FailedPreconditionError)
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=err.metadata["execution_id"]), metadata=c.md("viewer"))
    assert ex.status == pb.FAILED and ex.steps[0].status == "FAILED" and "kaput" in ex.steps[0].error_message


async def test_recursive_calls_are_bounded_in_depth(lite):
    c = lite
    src = "def main(params, input, ctx):\n    return ctx.call_api('recurse', {})\n"
    await c.create(script(c, "recurse", src))
    err = await c.error(c.execute("recurse"))
    assert "deep" in err.message or err.reason == "CALL_DEPTH_EXCEEDED", err
    depths = sorted({e.depth for e in await executions(c, page={"page_size": 100})})
    assert depths[0] == 0 and depths[-1] > 1
    assert any(e.error_reason == "CALL_DEPTH_EXCEEDED" for e in await executions(c, status=pb.REJECTED))


async def test_a_failing_dependency_is_blamed_so_callers_breakers_ignore_it(start_lite, tmp_path):
    """Data source down, HTTP upstream down, script out of time: the API's dependency, not api_manager."""
    from opsuite_common.resilience import is_server_fault

    c = await start_lite(outbound=LOOPBACK_OPENED)
    import sqlite3

    gone = tmp_path / "gone.db"
    sqlite3.connect(gone).close()
    await c.data_source("gone", f"sqlite:///{gone}")
    gone.unlink()  # the tenant's database disappears after it was registered
    await c.create(c.api_def("q", kind=pb.SQL, sql=pb.SqlSpec(data_source="gone", statement="SELECT 1")))
    down = c.api_def("down", kind=pb.HTTP, http=pb.HttpSpec(method="GET", url="http://127.0.0.1:1/x"))
    down.policy.network_allow_list.append("127.0.0.1")
    await c.create(down)
    spin = script(c, "spin", "def main(params, input, ctx):\n    while True:\n        pass\n")
    spin.policy.timeout.FromMilliseconds(300)
    await c.create(spin)
    blamed = {}
    for name in ("q", "down", "spin"):
        err = await c.error(c.execute(name))
        blamed[name] = (err.code.name, err.dependency)
        assert not is_server_fault(err), (name, err)
    assert blamed == {
        "q": ("UNAVAILABLE", "data_source:gone"),
        "down": ("UNAVAILABLE", "http:127.0.0.1"),
        "spin": ("DEADLINE_EXCEEDED", "api:spin"),
    }


async def test_a_saturated_script_runner_says_busy_with_a_retry_after_and_blames_nobody(start_lite):
    """One script slot, held by a long script: the next script waits its time for it, then gets BUSY."""
    import asyncio

    from opsuite_common.errors import RateLimitedError
    from opsuite_common.resilience import is_server_fault, is_transient

    c = await start_lite(script_concurrency=1)
    hold = script(c, "hold", "import time\ndef main(params, input, ctx):\n    time.sleep(3)\n")
    hold.policy.timeout.FromSeconds(5)
    quick = script(c, "quick", "def main(params, input, ctx):\n    return 1\n")
    quick.policy.timeout.FromMilliseconds(300)
    await c.create(hold)
    await c.create(quick)
    holder = asyncio.ensure_future(c.execute("hold"))
    await asyncio.sleep(0.5)
    err = await c.error(c.execute("quick"))
    assert isinstance(err, RateLimitedError) and err.reason == "SCRIPT_RUNNER_BUSY", err
    assert err.retry_after == 1.0 and is_transient(err) and not is_server_fault(err) and err.dependency is None
    [ex] = await executions(c, status=pb.FAILED)
    assert ex.api_name == "quick" and ex.error_reason == "SCRIPT_RUNNER_BUSY"
    await holder
    assert c.json(await c.execute("quick")) == 1  # a slot is free again


async def test_a_data_source_that_never_answers_is_blamed_when_the_api_times_out(lite):
    """A server that accepts TCP and then says nothing: the API's timeout names the data source."""
    import socket

    from opsuite_common.resilience import is_server_fault

    c = lite
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(8)  # connections complete in the backlog; nobody ever answers
        port = blackhole.getsockname()[1]
        await c.data_source("silent", f"postgresql://nobody@127.0.0.1:{port}/db")
        d = c.api_def("q", kind=pb.SQL, sql=pb.SqlSpec(data_source="silent", statement="SELECT 1"))
        d.policy.timeout.FromMilliseconds(500)
        await c.create(d)
        err = await c.error(c.execute("q"))
    assert isinstance(err, DeadlineExceededError) and err.dependency == "data_source:silent", err
    assert not is_server_fault(err)
