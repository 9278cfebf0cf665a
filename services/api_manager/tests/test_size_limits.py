"""Input size limits and list byte budgets over a real channel (README "Size limits").

The oversize-input tests run with the service's own store on SQLite and on PostgreSQL (``client``)."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import struct_pb2

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.common.v1 import common_pb2
from opsuite_common import limits
from opsuite_common.errors import ValidationError


def _sql(c: Any, name: str = "over", **kw: Any) -> pb.ApiDefinition:
    statement = kw.pop("statement", "SELECT 1")
    return c.api_def(name, kind=pb.SQL, sql=pb.SqlSpec(data_source="reports", statement=statement), **kw)


# (what is oversize, the definition builder, the field the violation must name)
OVERSIZE_APIS = [
    ("name", lambda c: _sql(c, "n" * (limits.NAME_CHARS + 1)), "api.name"),
    ("description", lambda c: _sql(c, description="d" * (limits.DESCRIPTION_BYTES + 1)), "api.description"),
    # A multi-byte character counts for its UTF-8 bytes.
    ("description_utf8", lambda c: _sql(c, description="é" * (limits.DESCRIPTION_BYTES // 2 + 1)), "api.description"),
    ("tags", lambda c: _sql(c, tags=[f"t{i}" for i in range(limits.MAX_LABELS + 1)]), "api.tags"),
    ("tag", lambda c: _sql(c, tags=["t" * (limits.LABEL_CHARS + 1)]), "api.tags[0]"),
    (
        "statement",
        lambda c: _sql(c, statement="SELECT 1 " + "-" * limits.STATEMENT_BYTES),
        "api.sql.statement",
    ),
    (
        "script",
        lambda c: c.api_def(
            "over", kind=pb.SCRIPT, script=pb.ScriptSpec(source="# " + "x" * limits.SCRIPT_BYTES + "\n")
        ),
        "api.script.source",
    ),
    (
        "param_schema",
        lambda c: _sql(c, param_schema=c.schema({"id": {"type": "integer", "description": "x" * limits.SCHEMA_BYTES}})),
        "api.param_schema",
    ),
    (
        "http",
        lambda c: c.api_def(
            "over",
            kind=pb.HTTP,
            http=pb.HttpSpec(method="POST", url="http://svc.test/x", body="b" * limits.SPEC_BYTES),
        ),
        "api.http",
    ),
    (
        "workflow",
        lambda c: c.api_def(
            "over",
            kind=pb.WORKFLOW,
            workflow={"steps": [{"id": "one", "api": "fine", "input": {"pad": "w" * limits.SPEC_BYTES}}]},
        ),
        "api.workflow",
    ),
]


@pytest.mark.parametrize(("case", "build", "field"), OVERSIZE_APIS, ids=[c[0] for c in OVERSIZE_APIS])
async def test_oversize_api_input_is_invalid_argument_naming_the_field(client, sqlite_source, case, build, field):
    c = client
    await c.data_source("reports", sqlite_source)
    err = await c.error(c.create(build(c)))
    assert isinstance(err, ValidationError), err
    assert field in [v.field for v in err.field_violations], err.field_violations
    # The same input on an update is refused the same way, and the stored API is unchanged.
    v1 = await c.create(_sql(c, "fine"))
    err = await c.error(
        c.stub.UpdateApi(pb.UpdateApiRequest(id=v1.meta.id, api=build(c), etag=v1.meta.etag), metadata=c.md("editor"))
    )
    assert isinstance(err, ValidationError)
    assert field in [v.field for v in err.field_violations]
    got = await c.stub.GetApi(pb.GetApiRequest(id=v1.meta.id), metadata=c.md("viewer"))
    assert got.version == 1


async def test_at_the_limit_is_accepted(lite, sqlite_source):
    c = lite
    await c.data_source("reports", sqlite_source)
    api = await c.create(_sql(c, "n" * limits.NAME_CHARS, description="d" * limits.DESCRIPTION_BYTES))
    assert len(api.definition.description) == limits.DESCRIPTION_BYTES


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"description": "d" * (limits.DESCRIPTION_BYTES + 1)}, "description"),
        ({"name": "n" * (limits.NAME_CHARS + 1)}, "name"),
        ({"url": "sqlite:///" + "u" * limits.URL_BYTES}, "url"),
    ],
    ids=["description", "name", "url"],
)
async def test_oversize_data_source_input_is_invalid_argument(client, sqlite_source, kw, field):
    c = client
    request = pb.CreateDataSourceRequest(**{"name": "reports", "url": sqlite_source, **kw})
    err = await c.error(c.stub.CreateDataSource(request, metadata=c.md()))
    assert isinstance(err, ValidationError)
    assert field in [v.field for v in err.field_violations]
    listed = await c.stub.ListDataSources(pb.ListDataSourcesRequest(), metadata=c.md())
    assert not listed.data_sources  # nothing was stored


async def test_list_apis_pages_shrink_to_the_byte_budget_and_lose_nothing(start_lite, sqlite_source):
    # 64 KiB messages: a list page may carry 32 KiB; 12 APIs near the description limit are ~50 KiB.
    c = await start_lite(max_message_bytes=64 * 1024)
    await c.data_source("reports", sqlite_source)
    names = [f"api-{i:02d}" for i in range(12)]
    for name in names:
        await c.create(_sql(c, name, description=name * (limits.DESCRIPTION_BYTES // len(name))))
    seen: list[str] = []
    sizes: list[int] = []
    token = ""
    for _ in range(len(names)):
        resp = await c.stub.ListApis(
            pb.ListApisRequest(page=common_pb2.PageRequest(page_size=100, page_token=token)), metadata=c.md("viewer")
        )
        seen.extend(a.definition.name for a in resp.apis)
        sizes.append(resp.ByteSize())
        token = resp.page.next_page_token
        if not token:
            break
    assert seen == names  # in order, nothing lost, nothing repeated
    assert len(sizes) >= 2  # the first page was cut short although page_size allowed all
    assert max(sizes) <= 32 * 1024


async def test_list_api_versions_pages_shrink_to_the_byte_budget(start_lite, sqlite_source):
    c = await start_lite(max_message_bytes=64 * 1024)
    await c.data_source("reports", sqlite_source)
    api = await c.create(_sql(c, "versioned", description="v" * limits.DESCRIPTION_BYTES))
    for i in range(11):
        upd = _sql(c, "versioned", description=chr(ord("a") + i) * limits.DESCRIPTION_BYTES)
        api = await c.stub.UpdateApi(
            pb.UpdateApiRequest(id=api.meta.id, api=upd, etag=api.meta.etag), metadata=c.md("editor")
        )
    seen: list[int] = []
    pages = 0
    token = ""
    while True:
        pages += 1
        resp = await c.stub.ListApiVersions(
            pb.ListApiVersionsRequest(api_id=api.meta.id, page=common_pb2.PageRequest(page_size=100, page_token=token)),
            metadata=c.md("viewer"),
        )
        assert resp.ByteSize() <= 32 * 1024
        seen.extend(v.version for v in resp.versions)
        token = resp.page.next_page_token
        if not token or pages > 12:
            break
    assert seen == list(range(1, 13)) and pages >= 2


async def test_list_data_sources_pages_shrink_to_the_byte_budget_and_lose_nothing(db_url, start_lite, sqlite_source):
    # 64 KiB messages: a list page may carry 32 KiB; 12 sources near the description limit are ~50 KiB.
    c = await start_lite(db_url=db_url, max_message_bytes=64 * 1024)
    names = [f"source-{i:02d}" for i in range(12)]
    for name in names:
        request = pb.CreateDataSourceRequest(
            name=name, url=sqlite_source, description=name * (limits.DESCRIPTION_BYTES // len(name))
        )
        await c.stub.CreateDataSource(request, metadata=c.md())
    seen: list[str] = []
    sizes: list[int] = []
    token = ""
    for _ in range(len(names)):
        resp = await c.stub.ListDataSources(
            pb.ListDataSourcesRequest(page=common_pb2.PageRequest(page_size=100, page_token=token)), metadata=c.md()
        )
        seen.extend(d.name for d in resp.data_sources)
        sizes.append(resp.ByteSize())
        token = resp.page.next_page_token
        if not token:
            break
    assert seen == names  # in order, nothing lost, nothing repeated
    assert len(sizes) >= 2  # the first page was cut short although page_size allowed all
    assert max(sizes) <= 32 * 1024


async def test_oversize_params_and_too_many_secret_values_are_refused_before_anything_runs(client):
    c = client
    secret_list = {"type": "array", "items": {"type": "string"}, "x-secret": True}
    await c.create(
        c.api_def(
            "echo",
            kind=pb.SCRIPT,
            script=pb.ScriptSpec(source="def main(params, input, ctx):\n    return len(params.get('keys', []))\n"),
            param_schema=c.schema({"keys": secret_list, "blob": {"type": "string"}}),
        )
    )
    cases = [
        ({"blob": "x" * (limits.PARAMS_BYTES + 1)}, "params"),
        ({"keys": [f"key-{i:05d}" for i in range(limits.SECRET_VALUES + 1)]}, "params"),
    ]
    for params, field in cases:
        err = await c.error(c.execute("echo", params))
        assert isinstance(err, ValidationError), err
        assert [v.field for v in err.field_violations] == [field]
        assert "the limit is" in err.message
    ok = await c.execute("echo", {"keys": [f"key-{i:05d}" for i in range(limits.SECRET_VALUES)]})
    assert c.json(ok) == limits.SECRET_VALUES


async def test_an_oversize_input_document_is_refused_on_every_execute_rpc_before_anything_runs(client):
    c = client
    echo = c.api_def(
        "echo",
        kind=pb.SCRIPT,
        script=pb.ScriptSpec(source="def main(params, input, ctx):\n    return 1\n"),
        param_schema=c.schema({"blob": {"type": "string"}}),
    )
    await c.create(echo)
    big = "x" * (limits.PARAMS_BYTES + 1)

    async def stream(request: pb.ExecuteApiRequest) -> None:
        async for _ in c.stub.ExecuteApiStream(request, metadata=c.md("viewer")):
            pass

    calls = [
        ("ExecuteApi input", lambda: c.stub.ExecuteApi(
            pb.ExecuteApiRequest(name="echo", input=struct_pb2.Value(string_value=big)), metadata=c.md("viewer")
        ), "input"),
        ("ExecuteApiStream params", lambda: stream(
            pb.ExecuteApiRequest(name="echo", params=c.struct({"blob": big}))
        ), "params"),
        ("ExecuteApiStream input", lambda: stream(
            pb.ExecuteApiRequest(name="echo", input=struct_pb2.Value(string_value=big))
        ), "input"),
        ("DryRunApi params", lambda: c.stub.DryRunApi(
            pb.DryRunApiRequest(api=echo, params=c.struct({"blob": big})), metadata=c.md("editor")
        ), "params"),
        ("DryRunApi input", lambda: c.stub.DryRunApi(
            pb.DryRunApiRequest(api=echo, input=struct_pb2.Value(string_value=big)), metadata=c.md("editor")
        ), "input"),
    ]  # fmt: skip
    for what, call, field in calls:
        err = await c.error(call())
        assert isinstance(err, ValidationError), (what, err)
        assert [v.field for v in err.field_violations] == [field], what
        assert "the limit is" in err.message, what
    listed = await c.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=c.md("viewer"))
    assert not listed.executions  # nothing ran, nothing was recorded
