"""SQL correctness and bounded results over a real channel, on SQLite and PostgreSQL data sources:
literal '%', the statement run as saved, nesting refused, server-side cursors, cell and message limits.
The literal '%' and message-limit tests also run with the service's own store on both (``client``, ``db_url``)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import FailedPreconditionError, ResultTooLargeError, ValidationError


def sql_api(c: Any, name: str, statement: str, source: str, **kw: Any) -> pb.ApiDefinition:
    return c.api_def(
        name,
        kind=pb.SQL,
        sql=pb.SqlSpec(data_source=source, statement=statement),
        param_schema=kw.pop("param_schema", {}),
        **kw,
    )


async def stream_rows(c: Any, name: str) -> tuple[list[pb.ExecuteApiChunk], list[Any]]:
    req = pb.ExecuteApiRequest(name=name)
    chunks = [ch async for ch in c.stub.ExecuteApiStream(req, metadata=c.md("viewer"))]
    return chunks, [r for ch in chunks if ch.HasField("rows") for r in ch.rows.rows]


def pg_exec(url: str, sql: str) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite_source", "pg_source"])
def source_url(request: pytest.FixtureRequest, sqlite_source: str) -> str:
    """A seeded data source (``items``, 30 rows) on each dialect."""
    if request.param == "sqlite":
        return sqlite_source
    return str(request.getfixturevalue("pg_source"))


async def test_a_literal_percent_works_with_and_without_binds(client, source_url):
    c = client
    await c.data_source("reports", source_url)
    await c.create(sql_api(c, "plain", "SELECT name FROM items WHERE name LIKE 'item-1%' ORDER BY id", "reports"))
    schema = c.schema({"id": {"type": "integer"}}, ["id"])
    bound = "SELECT name, '100%' AS pct, id % 7 AS m FROM items WHERE name LIKE 'item-%' AND id = :id"
    await c.create(sql_api(c, "bound", bound, "reports", param_schema=schema))
    plain = await c.execute("plain")
    assert c.rows(plain) == [["item-1"]] + [[f"item-{i}"] for i in range(10, 20)]
    assert c.rows(await c.execute("bound", {"id": 10})) == [["item-10", "100%", 3]]
    _, streamed = await stream_rows(c, "plain")
    assert [r.values[0].string_value for r in streamed] == [row[0] for row in c.rows(plain)]


async def test_a_literal_percent_or_underscore_in_a_list_filter_matches_only_itself(client):
    # ListApis' text and tag filters are LIKE patterns in the store: '%' and '_' must not be wildcards there.
    c = client
    script = c.api_def(
        "x", kind=pb.SCRIPT, script=pb.ScriptSpec(source="def main(params, input, ctx):\n    return 1\n")
    )
    for name, description, tags in [
        ("disk_full", "alert at 100% of the disk", ["100%", "a_b"]),
        ("diskxfull", "alert at 1000 of the disk", ["1000", "axb"]),
        ("disk-half", "alert at 50% of the disk", ["50%"]),
    ]:
        d = pb.ApiDefinition()
        d.CopyFrom(script)
        d.name, d.description = name, description
        d.tags.extend(tags)
        await c.create(d)

    async def names(**kw: str) -> list[str]:
        listed = await c.stub.ListApis(pb.ListApisRequest(**kw), metadata=c.md("viewer"))
        return [a.definition.name for a in listed.apis]

    assert await names(query="100%") == ["disk_full"]
    assert await names(query="0%") == ["disk-half", "disk_full"]
    assert await names(query="disk_") == ["disk_full"]
    assert await names(query="%") == ["disk-half", "disk_full"]
    assert await names(tag="100%") == ["disk_full"]
    assert await names(tag="a_b") == ["disk_full"]
    assert await names(tag="%") == []


async def test_postgres_runs_the_statement_byte_for_byte(lite, pg_source):
    c = lite
    await c.data_source("warehouse", pg_source)
    # pg_cursors shows the text of the DECLARE that opened this very query: only :p may differ ($1).
    statement = (
        "select  statement /* kept: ':not_a_bind' */ FROM pg_cursors\n"
        "WHERE 'a%' LIKE :p  AND statement LIKE '%kept%'  -- trailing comment"
    )
    schema = c.schema({"p": {"type": "string"}}, ["p"])
    await c.create(sql_api(c, "whoami", statement, "warehouse", param_schema=schema))
    [[seen]] = c.rows(await c.execute("whoami", {"p": "a%"}))
    assert seen.startswith("DECLARE")
    assert seen.endswith(statement.replace(":p", "$1"))


async def test_sqlite_runs_what_was_saved_not_a_rewrite(lite, sqlite_source):
    c = lite
    await c.data_source("reports", sqlite_source)
    # sqlglot used to re-generate this as LOWER(name) LIKE LOWER('item-1'), which SQLite then ran.
    await c.create(sql_api(c, "ilike", "SELECT name FROM items WHERE name ILIKE 'ITEM-1'", "reports"))
    err = await c.error(c.execute("ilike"))
    assert isinstance(err, FailedPreconditionError) and err.reason == "SQL_ERROR"
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=err.metadata["execution_id"]), metadata=c.md())
    assert ex.status == pb.FAILED


async def test_too_deep_nesting_is_invalid_argument_at_save_and_validate(lite, sqlite_source):
    c = lite
    await c.data_source("reports", sqlite_source)
    deep = "SELECT " + "(" * 50 + "1" + ")" * 50
    err = await c.error(c.create(sql_api(c, "deep", deep, "reports")))
    assert isinstance(err, ValidationError)
    assert [v.field for v in err.field_violations] == ["api.sql.statement"]
    report = await c.stub.ValidateApi(pb.ValidateApiRequest(api=sql_api(c, "deep", deep, "reports")), metadata=c.md())
    assert not report.valid and {v.field for v in report.violations} == {"api.sql.statement"}


async def test_a_large_postgres_table_is_read_only_up_to_the_cap(lite, pg_source):
    c = lite
    await c.data_source("warehouse", pg_source)
    pg_exec(pg_source, "CREATE TABLE big AS SELECT i FROM generate_series(1, 300000) AS i")
    # Row 300000 divides by zero: a client-side cursor computes it and fails; a server-side cursor
    # fetching row_limit + 1 rows never reaches it.
    d = sql_api(c, "big", "SELECT i, 1 / (300000 - i) AS z FROM big", "warehouse")
    d.policy.row_limit = 100
    await c.create(d)
    r = await c.execute("big")
    assert r.sql.truncated and r.sql.row_count == 100 and len(r.sql.rows) == 100
    chunks, rows = await stream_rows(c, "big")
    assert len(rows) == 100 and chunks[-1].summary.sql.truncated


async def test_an_oversized_cell_is_cut_and_flagged(start_lite, source_url):
    c = await start_lite(max_cell_bytes=2048)
    await c.data_source("reports", source_url)
    long_text = "replace(hex(zeroblob(5000)), '0', 'x')" if source_url.startswith("sqlite") else "repeat('x', 10000)"
    await c.create(sql_api(c, "wide", f"SELECT id, {long_text} AS body FROM items WHERE id = 1", "reports"))
    r = await c.execute("wide")
    [[row_id, body]] = c.rows(r)
    assert row_id == 1 and body == "x" * 2048
    assert r.sql.truncated and r.sql.row_count == 1
    assert [ref.detail for ref in r.references if ref.kind == "truncated_cells"] == ["1 cell(s) cut to 2048 bytes"]
    chunks, rows = await stream_rows(c, "wide")
    assert rows[0].values[1].string_value == "x" * 2048 and chunks[-1].summary.sql.truncated


async def test_a_result_over_the_message_size_is_refused_and_logged_failed(start_lite, db_url, source_url):
    c = await start_lite(db_url=db_url, max_message_bytes=200_000, max_cell_bytes=400_000)
    await c.data_source("reports", source_url)
    text = "replace(hex(zeroblob(5000)), '0', 'x')" if source_url.startswith("sqlite") else "repeat('x', 10000)"
    await c.create(sql_api(c, "bulky", f"SELECT id, {text} AS body FROM items ORDER BY id", "reports"))
    err = await c.error(c.execute("bulky"))  # 30 rows of 10 kB: 300 kB
    assert isinstance(err, ResultTooLargeError) and err.reason == "RESULT_TOO_LARGE"
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=err.metadata["execution_id"]), metadata=c.md())
    assert ex.status == pb.FAILED and ex.error_reason == "RESULT_TOO_LARGE"
    # Streamed, the same rows go out in batches that each fit.
    chunks, rows = await stream_rows(c, "bulky")
    assert len(rows) == 30 and chunks[-1].summary.status == pb.SUCCEEDED
    assert all(ch.ByteSize() <= 200_000 for ch in chunks)
    # A single row larger than a message cannot be streamed either.
    huge = "replace(hex(zeroblob(150000)), '0', 'x')" if source_url.startswith("sqlite") else "repeat('x', 300000)"
    await c.create(sql_api(c, "huge", f"SELECT {huge} AS body", "reports"))
    err = await c.error(stream_rows(c, "huge"))
    assert isinstance(err, ResultTooLargeError)
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=err.metadata["execution_id"]), metadata=c.md())
    assert ex.status == pb.FAILED and ex.error_reason == "RESULT_TOO_LARGE"


async def test_script_output_over_the_message_size_is_refused_and_logged_failed(start_lite, db_url):
    c = await start_lite(db_url=db_url, max_message_bytes=200_000)
    source = "def main(params, input, ctx):\n    return 'y' * 300000\n"
    await c.create(c.api_def("chatty", kind=pb.SCRIPT, script=pb.ScriptSpec(source=source)))
    err = await c.error(c.execute("chatty"))
    assert isinstance(err, ResultTooLargeError)
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=err.metadata["execution_id"]), metadata=c.md())
    assert ex.status == pb.FAILED and ex.error_reason == "RESULT_TOO_LARGE"
