"""Script log lines over real channels: the cap is visible as a count, control characters come back escaped,
and a caller cancelling a stream leaves a CANCELLED record with no INTERNAL error or traceback logged."""

from __future__ import annotations

import io
import json

import pytest
from google.protobuf import json_format

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.logging import configure_logging
from opsuite_common.testing.eventually import eventually

CHATTY = """
def main(params, input, ctx):
    for i in range(10000):
        ctx.log(f"line {i}")
    if params.get("fail"):
        raise RuntimeError("gave up")
    return "done"
"""

HOSTILE = r"""
def main(params, input, ctx):
    ctx.log("red \x1b[31m bell \x07 nul \x00 cr \r del \x7f csi \x9b rlo \u202e tab \t lf \n end",
            **{"key\x1b": "v\x07", "nested": {"deep": ["\x1b]0;title\x07"]}})
    print("printed \x1b[2J")
    return "ok"
"""

SLOW = "import time\ndef main(params, input, ctx):\n    ctx.log('started')\n    time.sleep(30)\n    return 1\n"


def script(c, name: str, source: str) -> pb.ApiDefinition:
    return c.api_def(name, kind=pb.SCRIPT, script=pb.ScriptSpec(source=source))


async def _execution(c, execution_id: str) -> pb.Execution:
    return await c.stub.GetExecution(pb.GetExecutionRequest(id=execution_id), metadata=c.md("viewer"))


async def test_dropped_log_lines_are_counted_in_the_response_and_the_record(lite):
    c = lite
    await c.create(script(c, "chatty", CHATTY))
    r = await c.execute("chatty")
    assert c.json(r) == "done"
    assert len(r.logs) == 200 and r.logs[-1].message == "line 199"
    assert r.logs_dropped == 9800
    ex = await _execution(c, r.execution_id)
    assert len(ex.logs) == 200 and ex.logs_dropped == 9800
    await c.create(script(c, "quiet", "def main(params, input, ctx):\n    ctx.log('one')\n    return 1\n"))
    r = await c.execute("quiet")
    assert [line.message for line in r.logs] == ["one"] and r.logs_dropped == 0
    assert (await _execution(c, r.execution_id)).logs_dropped == 0


async def test_a_failed_script_still_records_how_many_lines_it_dropped(lite):
    c = lite
    await c.create(script(c, "chatty", CHATTY))
    err = await c.error(c.execute("chatty", {"fail": True}))
    assert err.reason == "SCRIPT_ERROR"
    ex = await _execution(c, err.metadata["execution_id"])
    assert ex.status == pb.FAILED and len(ex.logs) == 200 and ex.logs_dropped == 9800


async def test_control_characters_in_log_lines_come_back_escaped(lite):
    c = lite
    await c.create(script(c, "hostile", HOSTILE))
    r = await c.execute("hostile")
    ex = await _execution(c, r.execution_id)
    for logs in (r.logs, ex.logs):
        logged, printed = logs
        assert logged.message == (
            "red \\x1b[31m bell \\x07 nul \\x00 cr \\x0d del \\x7f csi \\x9b rlo \\u202e tab \t lf \n end"
        )
        assert json_format.MessageToDict(logged.fields) == {
            "key\\x1b": "v\\x07",
            "nested": {"deep": ["\\x1b]0;title\\x07"]},
        }
        assert printed.message == "printed \\x1b[2J"


@pytest.fixture
def service_log():
    buf = io.StringIO()
    configure_logging("api_manager", fmt="json", stream=buf)
    yield buf
    configure_logging("test", fmt="json")


async def test_a_cancelled_stream_is_recorded_as_cancelled_without_an_internal_error(client, service_log):
    # On both stores (``client``): the cancel's end record is written on SQLite and on PostgreSQL alike.
    c = client
    await c.create(script(c, "slow", SLOW))
    call = c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="slow"), metadata=c.md("viewer"))

    async def slow_executions() -> list[pb.Execution]:
        listed = await c.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=c.md("viewer"))
        return [e for e in listed.executions if e.api_name == "slow"]

    # Until the script runs (a script streams one summary at its end).
    await eventually(
        slow_executions, until=lambda ex: any(e.status == pb.RUNNING for e in ex), what="the script's execution RUNNING"
    )
    call.cancel()

    async def ended() -> list[pb.Execution] | None:
        found = [e for e in await slow_executions() if e.status != pb.RUNNING]
        return found if found and _stream_access(service_log) else None

    found = await eventually(ended, what="the cancelled stream's end record and access line")
    assert found[0].status == pb.FAILED and found[0].error_reason == "CANCELLED"
    assert [line["code"] for line in _stream_access(service_log)] == ["CANCELLED"]
    text = service_log.getvalue()
    assert "INTERNAL" not in text and "Traceback" not in text


def _stream_access(buf: io.StringIO) -> list[dict]:
    lines = [json.loads(line) for line in buf.getvalue().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "rpc" and line["method"].endswith("/ExecuteApiStream")]
