"""The operator's data source policy over a real channel, on SQLite and PostgreSQL metadata stores: a tenant
admin cannot open the service's own database, files outside its SQLite root, or database hosts off the
operator's allow-list; a policy tightened later makes execution fail while the source stays visible."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import OpsuiteError, PermissionDeniedError
from opsuite_common.testing.dns import TableResolver

PG_PORT = 5432


def assert_not_allowed(err: OpsuiteError, field: str = "url") -> None:
    """PERMISSION_DENIED, reason DATA_SOURCE_NOT_ALLOWED, the offending field named: through the channel."""
    assert isinstance(err, PermissionDeniedError), err
    assert err.reason == "DATA_SOURCE_NOT_ALLOWED", err
    assert [v.field for v in err.field_violations] == [field], err.field_violations


async def refused(c: Any, url: str, field: str = "url") -> OpsuiteError:
    err = await c.error(c.stub.CreateDataSource(pb.CreateDataSourceRequest(name="x", url=url), metadata=c.md()))
    assert_not_allowed(err, field)
    return err


def sqlite_file(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE secrets (v TEXT)")
    conn.execute("INSERT INTO secrets VALUES ('outside the root')")
    conn.commit()
    conn.close()
    return path


def sql_api(c: Any, name: str, source: str, statement: str = "SELECT id, name FROM items WHERE id = 1") -> Any:
    return c.api_def(name, kind=pb.SQL, sql=pb.SqlSpec(data_source=source, statement=statement))


async def test_the_service_own_database_is_never_a_data_source(client, db_url):
    """sqlite: the store lies INSIDE the tenant's root (tmp_path) and is still refused; postgresql: same
    host/port/database, although 127.0.0.1 (any port) is on the test allow-list."""
    c = client
    err = await refused(c, db_url)
    assert "own database" in err.message
    listed = await c.stub.ListDataSources(pb.ListDataSourcesRequest(), metadata=c.md())
    assert list(listed.data_sources) == []


async def test_files_outside_the_tenant_root_are_refused(client, tmp_path, tmp_path_factory):
    c = client
    outside = sqlite_file(tmp_path_factory.mktemp("elsewhere") / "other.db")
    link = tmp_path / "innocent.db"
    link.symlink_to(outside)  # inside the root, pointing out of it
    for url in (
        "sqlite:////etc/passwd",
        f"sqlite:///{outside}",
        f"sqlite:///{tmp_path}/../{outside.parent.name}/{outside.name}",  # '..' out of the root
        f"sqlite:///{link}",
        f"sqlite:///{tmp_path}",  # the root itself is not a file under it
    ):
        err = await refused(c, url)
        assert "outside the folders allowed" in err.message, url
        assert url == f"sqlite:///{outside}" or str(outside) not in err.message  # a link's target is not told
    listed = await c.stub.ListDataSources(pb.ListDataSourcesRequest(), metadata=c.md())
    assert list(listed.data_sources) == []


async def test_a_file_inside_the_root_works_and_a_symlink_inside_the_root_is_followed(client, tmp_path):
    c = client
    real = tmp_path / "data" / "items.db"
    real.parent.mkdir()
    conn = sqlite3.connect(real)
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO items VALUES (1, 'bolt')")
    conn.commit()
    conn.close()
    (tmp_path / "alias.db").symlink_to(real)
    await c.data_source("items", f"sqlite:///{tmp_path}/alias.db")
    await c.create(sql_api(c, "item", "items"))
    assert c.rows(await c.execute("item")) == [[1, "bolt"]]
    test = await c.stub.TestDataSource(pb.TestDataSourceRequest(name="items"), metadata=c.md())
    assert test.ok, test.error


async def test_postgres_host_needs_the_operator_allow_list(start_lite, pg_source):
    closed = await start_lite(data_source_allow=[])
    await refused(closed, pg_source)
    other_port = await start_lite(data_source_allow=[f"127.0.0.1:{PG_PORT + 1}", "db.test"])
    await refused(other_port, pg_source)

    c = await start_lite(data_source_allow=[f"127.0.0.1:{PG_PORT}"])
    await c.data_source("warehouse", pg_source)
    await c.create(sql_api(c, "item", "warehouse"))
    assert c.rows(await c.execute("item")) == [[1, "item-1"]]
    test = await c.stub.TestDataSource(pb.TestDataSourceRequest(name="warehouse"), metadata=c.md())
    assert test.ok, test.error
    # Other spellings are judged as the address they denote: the same address is admitted, others are not.
    await c.data_source("spelled", pg_source.replace("127.0.0.1", "2130706433"))
    for host in ("[::1]", "127.0.0.2", "0x7f000002", "[::ffff:127.0.0.2]"):
        await refused(c, pg_source.replace("127.0.0.1", host))
    for host in ("2130706433", "127.1", "0x7f000001", "[::ffff:127.0.0.1]", "localhost"):
        await refused(other_port, pg_source.replace("127.0.0.1", host))


async def test_driver_options_that_pick_another_host_or_read_files_are_refused(start_lite, pg_source):
    c = await start_lite(data_source_allow=[f"127.0.0.1:{PG_PORT}"])
    for option in ("host=/var/run/postgresql", "hostaddr=10.0.0.1", "service=evil", "passfile=/etc/passwd"):
        await refused(c, f"{pg_source}?{option}")
    await refused(c, "postgresql://postgres@/test")  # no host: the local unix socket


async def test_an_allow_listed_name_never_admits_a_loopback_answer(start_lite, pg_source):
    resolver = TableResolver({"db.test": [["127.0.0.1"]]})
    url = pg_source.replace("127.0.0.1", "db.test")
    c = await start_lite(data_source_allow=[f"db.test:{PG_PORT}"], resolver=resolver)
    err = await refused(c, url)
    assert "loopback" in err.message and resolver.lookups == ["db.test"]


async def test_an_address_entry_admits_the_name_and_the_connection_goes_to_the_judged_address(start_lite, pg_source):
    # db.test exists only in this resolver: a working query proves psycopg connected to OUR answer.
    resolver = TableResolver({"db.test": [["127.0.0.1"]]})
    c = await start_lite(data_source_allow=[f"127.0.0.1/32:{PG_PORT}"], resolver=resolver)
    await c.data_source("warehouse", pg_source.replace("127.0.0.1", "db.test"))
    await c.create(sql_api(c, "item", "warehouse"))
    before = len(resolver.lookups)
    assert c.rows(await c.execute("item")) == [[1, "item-1"]]
    assert len(resolver.lookups) > before  # resolved again for the new connection
    # The name now answers with a metadata address as well: every answer is judged, the host refused.
    resolver.table["db.test"] = [["127.0.0.1", "169.254.169.254"]]
    test = await c.error(c.stub.TestDataSource(pb.TestDataSourceRequest(name="warehouse"), metadata=c.md()))
    assert_not_allowed(test, "data_source.url")
    assert "169.254.169.254" in test.message


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_policy_tightened_after_creation_fails_execution_but_keeps_the_source(
    start_lite, db_url, pg_source, tmp_path, kind
):
    key = "zUJqNq3q0bW9dQ2dJ8Z4k0bJwF3n8Zl4m7g1yRZbq0c="
    if kind == "sqlite":
        source = f"sqlite:///{sqlite_items(tmp_path / 'items.db')}"
        loose: dict[str, Any] = {}
        tight: dict[str, Any] = {"sqlite_roots": [str(tmp_path / "elsewhere")]}
    else:
        source = pg_source
        loose = {"data_source_allow": [f"127.0.0.1:{PG_PORT}"]}
        tight = {"data_source_allow": []}
    before = await start_lite(db_url=db_url, secret_key=key, **loose)
    await before.data_source("src", source)
    await before.create(sql_api(before, "item", "src"))
    assert before.rows(await before.execute("item")) == [[1, "item-1"]]
    await before.handle.stop(0)

    after = await start_lite(db_url=db_url, secret_key=key, **tight)
    assert_not_allowed(await after.error(after.execute("item")), "data_source.url")
    stream = after.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="item"), metadata=after.md("viewer"))
    assert_not_allowed(await after.error(stream.read()), "data_source.url")
    test = after.stub.TestDataSource(pb.TestDataSourceRequest(name="src"), metadata=after.md())
    assert_not_allowed(await after.error(test), "data_source.url")
    shown = await after.stub.GetDataSource(pb.GetDataSourceRequest(name="src"), metadata=after.md())
    assert shown.name == "src"  # nothing is silently deleted
    failed = await after.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=after.md("viewer"))
    assert "DATA_SOURCE_NOT_ALLOWED" in [e.error_reason for e in failed.executions]


def sqlite_items(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO items VALUES (1, 'item-1')")
    conn.commit()
    conn.close()
    return path
