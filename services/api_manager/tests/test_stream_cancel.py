"""A streamed execution is recorded even when the caller goes away mid-stream (found in review), with the
service's own store on SQLite and on PostgreSQL."""

from __future__ import annotations

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.testing.eventually import eventually


async def test_a_stream_cancelled_by_the_caller_is_still_in_the_execution_log(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    d = c.api_def(
        "many_rows",
        kind=pb.SQL,
        sql=pb.SqlSpec(
            data_source="reports",
            statement="WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) "
            "SELECT x FROM n",
        ),
    )
    d.policy.row_limit = 100000
    await c.create(d)
    call = c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="many_rows"), metadata=c.md("viewer"))
    header = await call.read()
    execution_id = header.header.execution_id
    assert execution_id
    call.cancel()  # the caller hangs up after the first chunk

    async def ended() -> list[pb.Execution]:
        listed = await c.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=c.md("viewer"))
        # Recorded RUNNING from the start: wait for the end the cancel writes.
        return [e for e in listed.executions if e.id == execution_id and e.status != pb.RUNNING]

    found = await eventually(ended, what="the end record of the cancelled stream's execution")
    assert found[0].status == pb.FAILED and found[0].error_reason == "CANCELLED"
