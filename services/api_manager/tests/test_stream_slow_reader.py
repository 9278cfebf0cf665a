"""A client that stops reading ExecuteApiStream cannot hold the data source past the API's timeout.

The stream ends with DEADLINE_EXCEEDED ``CLIENT_NOT_READING`` once the API's own time is up, the run is
recorded TIMED_OUT blaming the client (not the data source), and the connection goes back to the pool
(on PostgreSQL: no session is left idle in a transaction). Each runs with the service's own store on SQLite
and on PostgreSQL (``client``).
"""

from __future__ import annotations

import grpc
import psycopg
import pytest
from sqlalchemy import make_url

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.eventually import eventually

ROWS = 20_000  # 2 KB each: far more than the HTTP/2 flow-control window lets through unread


async def _stall(c, source_url: str, statement: str) -> pb.Execution:
    await c.data_source("big", source_url)
    d = c.api_def("big_rows", kind=pb.SQL, sql=pb.SqlSpec(data_source="big", statement=statement))
    d.policy.row_limit = ROWS
    d.policy.timeout.FromMilliseconds(1500)
    await c.create(d)
    call = c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="big_rows"), metadata=c.md("viewer"))
    header = await call.read()
    execution_id = header.header.execution_id
    # The client stops reading. Another connection (this one's flow-control window is full) watches the record
    # until the server has ended the run: the API's 1.5 s, plus a margin for a loaded machine.
    async with grpc.aio.insecure_channel(f"127.0.0.1:{c.handle.port}") as watcher:
        get = api_manager_pb2_grpc.ApiManagerServiceStub(watcher).GetExecution
        execution = await eventually(
            lambda: get(pb.GetExecutionRequest(id=execution_id), metadata=c.md("viewer")),
            until=lambda ex: ex.status != pb.RUNNING,
            timeout=20,
            interval=0.1,
            what="the unread stream's execution to end",
        )
    assert (execution.status, execution.error_reason) == (pb.TIMED_OUT, "CLIENT_NOT_READING")
    assert "data_source" not in execution.error_message  # the client's doing, not the source's
    with pytest.raises(grpc.aio.AioRpcError) as info:
        while await call.read() is not grpc.aio.EOF:
            pass  # what was already in flight before the stream was ended
    err = from_grpc_error(info.value)
    assert (err.code.name, err.reason) == ("DEADLINE_EXCEEDED", "CLIENT_NOT_READING"), err
    assert "stopped reading" in err.message
    # The source still answers at once: nothing was left holding it.
    quick = c.api_def("one_row", kind=pb.SQL, sql=pb.SqlSpec(data_source="big", statement="SELECT 1 AS one"))
    await c.create(quick)
    resp = await c.execute("one_row", timeout=10)
    assert resp.status == pb.SUCCEEDED
    return execution


async def test_an_unread_sqlite_stream_ends_at_the_api_timeout(client, tmp_path):
    import sqlite3

    path = tmp_path / "big.db"
    sqlite3.connect(path).close()
    await _stall(
        client,
        f"sqlite:///{path}",
        f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {ROWS}) "
        "SELECT x, hex(zeroblob(1000)) AS pad FROM n",
    )


@pytest.mark.postgres
async def test_an_unread_postgres_stream_ends_at_the_api_timeout_and_returns_its_connection(client, pg_source):
    await _stall(client, pg_source, f"SELECT g, repeat('x', 2000) AS pad FROM generate_series(1, {ROWS}) g")
    dsn = make_url(pg_source).set(drivername="postgresql").render_as_string(hide_password=False)
    database = make_url(pg_source).database
    with psycopg.connect(dsn) as conn:
        held = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state LIKE 'idle in transaction%%'",
            (database,),
        ).fetchone()
    assert held == (0,)
