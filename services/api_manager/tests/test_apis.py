"""API lifecycle over a real channel, on SQLite and PostgreSQL metadata stores: CRUD, etags, versions,
rollback, delete, listing, validation, SQL execution and the execution log."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_api_manager.db import ApiRow, ApiVersionRow
from opsuite_common.db import Database
from opsuite_common.errors import (
    ConflictError,
    FailedPreconditionError,
    NotFoundError,
    PermissionDeniedError,
    StaleEtagError,
    ValidationError,
)

ITEM_SQL = "SELECT id, name FROM items WHERE id = :id"


def sql_api(c: Any, name: str, statement: str = ITEM_SQL, source: str = "reports", **kw: Any) -> pb.ApiDefinition:
    return c.api_def(
        name,
        kind=pb.SQL,
        sql=pb.SqlSpec(data_source=source, statement=statement),
        param_schema=kw.pop("param_schema", c.schema({"id": {"type": "integer", "minimum": 1}}, ["id"])),
        **kw,
    )


async def test_sql_api_runs_on_sqlite_and_postgres_sources(client, sqlite_source, pg_source):
    c = client
    await c.data_source("reports", sqlite_source)
    await c.data_source("warehouse", pg_source)
    await c.create(sql_api(c, "item_lite"))
    await c.create(sql_api(c, "item_pg", "SELECT id, name, price FROM items WHERE id = :id", source="warehouse"))
    lite = await c.execute("item_lite", {"id": 3})
    pg = await c.execute("item_pg", {"id": 4})
    assert c.rows(lite) == [[3, "item-3"]]
    assert [col.name for col in lite.sql.columns] == ["id", "name"]
    assert c.rows(pg) == [[4, "item-4", 6]]  # numeric(10,2) comes back JSON-safe
    refs = {(r.kind, r.name) for r in pg.references}
    assert {("api", "item_pg"), ("data_source", "warehouse"), ("statement", "warehouse")} <= refs
    assert any(r.kind == "statement" and ":id" in r.detail for r in pg.references)
    assert pg.execution_id and pg.status == pb.SUCCEEDED


async def test_row_limit_truncates(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    d = sql_api(c, "all_items", "SELECT id FROM items ORDER BY id", param_schema={})
    d.policy.row_limit = 5
    await c.create(d)
    r = await c.execute("all_items")
    assert c.rows(r) == [[1], [2], [3], [4], [5]] and r.sql.truncated and r.sql.row_count == 5


async def test_write_sql_is_refused_at_save_with_field_violation(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    err = await c.error(c.create(sql_api(c, "wipe", "DELETE FROM items WHERE id = :id")))
    assert isinstance(err, ValidationError)
    assert any(v.field == "api.sql.statement" and "read-only" in v.description for v in err.field_violations)
    err = await c.error(c.create(sql_api(c, "two", "SELECT 1; DROP TABLE items")))
    assert any("exactly one statement" in v.description for v in err.field_violations)
    err = await c.error(c.create(sql_api(c, "undeclared", "SELECT * FROM items WHERE id = :other")))
    assert any(":other" in v.description for v in err.field_violations)
    listed = await c.stub.ListApis(pb.ListApisRequest(), metadata=c.md("viewer"))
    assert not listed.apis  # nothing was stored


async def test_bad_params_are_rejected_with_field_violations_and_logged(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    api = await c.create(sql_api(c, "item"))
    err = await c.error(c.execute("item", {"id": 0, "extra": 1}))
    assert isinstance(err, ValidationError)
    fields = {v.field: v.description for v in err.field_violations}
    assert fields == {"params.id": "must be >= 1", "params.extra": "is not an accepted parameter"}
    err = await c.error(c.execute("item", {}))
    assert [v.field for v in err.field_violations] == ["params.id"]
    execs = await c.stub.ListExecutions(pb.ListExecutionsRequest(api_id=api.meta.id), metadata=c.md("viewer"))
    assert [e.status for e in execs.executions] == [pb.REJECTED, pb.REJECTED]
    assert all(e.error_reason == "VALIDATION_FAILED" and e.caller == "viewer-user" for e in execs.executions)
    assert execs.executions[0].request_id


async def test_update_with_stale_etag_is_aborted_and_versions_roll_back(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    v1 = await c.create(sql_api(c, "item", description="first"))
    upd = sql_api(c, "item", "SELECT name FROM items WHERE id = :id", description="second")
    v2 = await c.stub.UpdateApi(pb.UpdateApiRequest(id=v1.meta.id, api=upd, etag=v1.meta.etag), metadata=c.md("editor"))
    assert v2.version == 2 and v2.meta.etag != v1.meta.etag
    # A stale etag: ABORTED, nothing changed.
    call = c.stub.UpdateApi(pb.UpdateApiRequest(id=v1.meta.id, api=upd, etag=v1.meta.etag), metadata=c.md("editor"))
    try:
        await call
        raise AssertionError("stale etag accepted")
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.ABORTED
    assert c.rows(await c.execute("item", {"id": 2})) == [["item-2"]]
    # Roll back to 1: recorded as version 3 with the first definition.
    v3 = await c.stub.RollbackApi(
        pb.RollbackApiRequest(api_id=v1.meta.id, version=1, etag=v2.meta.etag), metadata=c.md("editor")
    )
    assert v3.version == 3 and v3.definition.description == "first"
    assert c.rows(await c.execute("item", {"id": 2})) == [[2, "item-2"]]
    versions = await c.stub.ListApiVersions(pb.ListApiVersionsRequest(api_id=v1.meta.id), metadata=c.md("viewer"))
    assert [(v.version, v.change) for v in versions.versions] == [(1, "created"), (2, "updated"), (3, "rollback to 1")]
    one = await c.stub.GetApiVersion(pb.GetApiVersionRequest(api_id=v1.meta.id, version=2), metadata=c.md("viewer"))
    assert one.definition.sql.statement.startswith("SELECT name")
    err = await c.error(
        c.stub.RollbackApi(
            pb.RollbackApiRequest(api_id=v1.meta.id, version=2, etag=v1.meta.etag), metadata=c.md("editor")
        )
    )
    assert isinstance(err, StaleEtagError)


async def test_delete_removes_the_api_and_its_versions_forbids_execution_and_frees_the_name(
    client, sqlite_source, db_url
):
    c = client
    await c.data_source("reports", sqlite_source)
    api = await c.create(sql_api(c, "item"))
    api = await c.stub.UpdateApi(
        pb.UpdateApiRequest(api=sql_api(c, "item"), etag=api.meta.etag, id=api.meta.id), metadata=c.md("editor")
    )
    await c.stub.DeleteApi(pb.DeleteApiRequest(id=api.meta.id, etag=api.meta.etag), metadata=c.md("editor"))
    # Nothing of it is kept (a tenant creating and deleting APIs in a loop must not grow the tables).
    db = Database.from_url(db_url)
    try:
        async with db.session(readonly=True) as s:
            for table in (ApiRow, ApiVersionRow):
                column = table.id if table is ApiRow else table.api_id
                assert (await s.execute(select(func.count()).where(column == api.meta.id))).scalar_one() == 0
    finally:
        await db.dispose()
    assert isinstance(await c.error(c.stub.GetApi(pb.GetApiRequest(id=api.meta.id), metadata=c.md())), NotFoundError)
    assert isinstance(await c.error(c.execute("item", {"id": 1})), NotFoundError)
    req = pb.ExecuteApiRequest(id=api.meta.id)
    assert isinstance(await c.error(c.stub.ExecuteApi(req, metadata=c.md())), NotFoundError)
    again = await c.create(sql_api(c, "item"))
    assert again.meta.id != api.meta.id and again.version == 1
    assert c.rows(await c.execute("item", {"id": 1})) == [[1, "item-1"]]
    dup = await c.error(c.create(sql_api(c, "item")))
    assert isinstance(dup, ConflictError)


async def test_disabled_api_is_rejected_and_logged(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    api = await c.create(sql_api(c, "item", enabled=False))
    err = await c.error(c.execute("item", {"id": 1}))
    assert isinstance(err, FailedPreconditionError) and err.reason == "API_DISABLED"
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=err.metadata["execution_id"]), metadata=c.md("viewer"))
    assert ex.status == pb.REJECTED and ex.api_id == api.meta.id and ex.error_reason == "API_DISABLED"


async def test_list_filters_and_pages(client):
    c = client
    script = "def main(params, input, ctx):\n    return 1\n"
    for i in range(5):
        await c.create(
            c.api_def(
                f"api-{i}",
                kind=pb.SCRIPT,
                script=pb.ScriptSpec(source=script),
                tags=["even"] if i % 2 == 0 else ["odd"],
                description="Reports thing" if i == 3 else "",
                expose_as_tool=i < 2,
            )
        )
    seen, token = [], ""
    while True:
        page = await c.stub.ListApis(
            pb.ListApisRequest(page={"page_size": 2, "page_token": token}), metadata=c.md("viewer")
        )
        seen += [a.definition.name for a in page.apis]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == [f"api-{i}" for i in range(5)]
    tagged = await c.stub.ListApis(pb.ListApisRequest(tag="even"), metadata=c.md("viewer"))
    assert [a.definition.name for a in tagged.apis] == ["api-0", "api-2", "api-4"]
    tools = await c.stub.ListApis(pb.ListApisRequest(expose_as_tool=True), metadata=c.md("viewer"))
    assert [a.definition.name for a in tools.apis] == ["api-0", "api-1"]
    assert all(not a.idempotent for a in tools.apis)  # scripts may have effects
    text = await c.stub.ListApis(pb.ListApisRequest(query="REPORTS"), metadata=c.md("viewer"))
    assert [a.definition.name for a in text.apis] == ["api-3"]
    bad = await c.error(
        c.stub.ListApis(pb.ListApisRequest(tag="odd", page={"page_token": token or "bogus"}), metadata=c.md())
    )
    assert isinstance(bad, ValidationError)


async def test_roles_are_enforced(client, sqlite_source):
    c = client
    err = await c.error(
        c.stub.CreateDataSource(pb.CreateDataSourceRequest(name="x", url=sqlite_source), metadata=c.md("editor"))
    )
    assert isinstance(err, PermissionDeniedError)
    err = await c.error(c.stub.CreateApi(pb.CreateApiRequest(api=sql_api(c, "x")), metadata=c.md("viewer")))
    assert isinstance(err, PermissionDeniedError)


async def test_data_source_url_is_masked_and_encrypted_at_rest(client, tmp_path, capfd):
    c = client
    secret = "s3cr3t-Passw0rd"
    url = f"postgresql://app:{secret}@127.0.0.1:1/inventory"
    ds = await c.data_source("remote", url)
    assert secret not in ds.url and "***" in ds.url and ds.dialect == "postgresql"
    got = await c.stub.GetDataSource(pb.GetDataSourceRequest(name="remote"), metadata=c.md())
    listed = await c.stub.ListDataSources(pb.ListDataSourcesRequest(), metadata=c.md())
    assert secret not in str(got) and secret not in str(listed)
    test = await c.stub.TestDataSource(pb.TestDataSourceRequest(id=ds.meta.id), metadata=c.md())
    assert not test.ok and secret not in test.error
    db = c.handle.app.db
    from sqlalchemy import text

    async with db.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT url_encrypted, url_masked FROM am_data_sources"))).one()
    assert secret not in stored[0] and secret not in stored[1]
    out, err = capfd.readouterr()
    assert secret not in out + err


async def test_streaming_sends_header_batches_and_summary(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    d = sql_api(c, "all_items", "SELECT id, name FROM items ORDER BY id", param_schema={})
    d.policy.row_limit = 25
    await c.create(d)
    chunks = [
        ch async for ch in c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="all_items"), metadata=c.md("viewer"))
    ]
    kinds = [ch.WhichOneof("chunk") for ch in chunks]
    assert kinds[0] == "header" and kinds[-1] == "summary" and set(kinds[1:-1]) == {"rows"}
    assert [col.name for col in chunks[0].header.sql.columns] == ["id", "name"]
    rows = [r for ch in chunks if ch.HasField("rows") for r in ch.rows.rows]
    assert len(rows) == 25 and rows[0].values[0].number_value == 1
    summary = chunks[-1].summary
    assert summary.sql.truncated and summary.sql.row_count == 25 and summary.status == pb.SUCCEEDED
    assert summary.execution_id == chunks[0].header.execution_id
    ex = await c.stub.GetExecution(pb.GetExecutionRequest(id=summary.execution_id), metadata=c.md("viewer"))
    assert ex.row_count == 25 and ex.status == pb.SUCCEEDED


async def test_dry_run_stores_nothing_and_validate_returns_violations(client, sqlite_source):
    c = client
    await c.data_source("reports", sqlite_source)
    r = await c.stub.DryRunApi(
        pb.DryRunApiRequest(api=sql_api(c, "draft"), params=c.struct({"id": 7})), metadata=c.md("editor")
    )
    assert c.rows(r) == [[7, "item-7"]] and r.execution_id == ""
    assert not (await c.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=c.md())).executions
    assert not (await c.stub.ListApis(pb.ListApisRequest(), metadata=c.md())).apis
    ok = await c.stub.ValidateApi(pb.ValidateApiRequest(api=sql_api(c, "draft")), metadata=c.md("viewer"))
    assert ok.valid and "bind :id" in ok.notes
    bad = await c.stub.ValidateApi(
        pb.ValidateApiRequest(api=sql_api(c, "bad name!", "UPDATE items SET name = 'x'", source="nope")),
        metadata=c.md("viewer"),
    )
    fields = {v.field for v in bad.violations}
    assert not bad.valid and {"api.name", "api.sql.data_source"} <= fields


@pytest.mark.parametrize("rpc", ["GetApi", "ExecuteApi", "UpdateApi", "DeleteApi", "ListApiVersions", "RollbackApi"])
async def test_another_tenants_api_is_not_found(client, sqlite_source, rpc):
    c = client
    await c.data_source("reports", sqlite_source)
    api = await c.create(sql_api(c, "item"))
    other = c.md("admin", tenant="tenant-b")
    requests = {
        "GetApi": pb.GetApiRequest(id=api.meta.id),
        "ExecuteApi": pb.ExecuteApiRequest(id=api.meta.id, params=c.struct({"id": 1})),
        "UpdateApi": pb.UpdateApiRequest(id=api.meta.id, api=sql_api(c, "item")),
        "DeleteApi": pb.DeleteApiRequest(id=api.meta.id),
        "ListApiVersions": pb.ListApiVersionsRequest(api_id=api.meta.id),
        "RollbackApi": pb.RollbackApiRequest(api_id=api.meta.id, version=1),
    }
    err = await c.error(getattr(c.stub, rpc)(requests[rpc], metadata=other))
    assert isinstance(err, NotFoundError), err
    # Unchanged for its owner.
    assert (await c.stub.GetApi(pb.GetApiRequest(id=api.meta.id), metadata=c.md())).version == 1


async def test_another_tenants_data_source_and_executions_are_not_found(client, sqlite_source):
    c = client
    ds = await c.data_source("reports", sqlite_source)
    await c.create(sql_api(c, "item"))
    done = await c.execute("item", {"id": 1})
    other = c.md("admin", tenant="tenant-b")
    for call in (
        c.stub.GetDataSource(pb.GetDataSourceRequest(id=ds.meta.id), metadata=other),
        c.stub.TestDataSource(pb.TestDataSourceRequest(id=ds.meta.id), metadata=other),
        c.stub.DeleteDataSource(pb.DeleteDataSourceRequest(id=ds.meta.id), metadata=other),
        c.stub.GetExecution(pb.GetExecutionRequest(id=done.execution_id), metadata=other),
        c.stub.GetApi(pb.GetApiRequest(name="item"), metadata=other),
    ):
        assert isinstance(await c.error(call), NotFoundError)
    assert not (await c.stub.ListDataSources(pb.ListDataSourcesRequest(), metadata=other)).data_sources
    assert not (await c.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=other)).executions
    # tenant-b cannot point an API at tenant-a's data source by name either.
    err = await c.error(c.create(sql_api(c, "steal"), tenant="tenant-b"))
    assert any(v.field == "api.sql.data_source" for v in err.field_violations)
