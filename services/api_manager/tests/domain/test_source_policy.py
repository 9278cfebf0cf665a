"""The data source policy on its own: allow-list entries, how every resolved address is judged, SQLite roots
per tenant, and the service's own databases (service-level refusals are in tests/test_data_source_policy.py)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from opsuite_api_manager.domain.source_policy import DataSourcePolicy, parse_allow_entry
from opsuite_common.errors import PermissionDeniedError, ServiceUnavailableError
from opsuite_common.testing.dns import TableResolver


@pytest.mark.parametrize(
    ("text", "name", "network", "port", "any_port"),
    [
        ("db.internal", "db.internal", None, None, False),
        ("DB.Internal.:5433", "db.internal", None, 5433, False),
        ("*.corp.test:*", "*.corp.test", None, None, True),
        ("10.0.0.0/8:5432", None, "10.0.0.0/8", 5432, False),
        ("127.0.0.1", None, "127.0.0.1/32", None, False),
        ("[fd00::/8]:3306", None, "fd00::/8", 3306, False),
        ("::1", None, "::1/128", None, False),
    ],
)
def test_allow_entries_parse(text, name, network, port, any_port):
    entry = parse_allow_entry(text)
    assert entry.name == name and entry.port == port and entry.any_port == any_port
    assert (str(entry.network) if entry.network else None) == network


@pytest.mark.parametrize("text", ["", "db:0", "db:70000", "db:x", "[::1", "[::1]5432", "bad host", "a/b"])
def test_bad_allow_entries_are_refused_at_start_up(text):
    with pytest.raises(ValueError):
        parse_allow_entry(text)


async def judge(allow: list[str], url: str, table: dict[str, list[list[str]]] | None = None, **kw: object) -> object:
    policy = DataSourcePolicy(allow=allow, resolver=TableResolver(table or {}), **kw)  # type: ignore[arg-type]
    return await policy.endpoint(url, field="url")


async def test_a_name_admits_private_answers_but_not_loopback_link_local_or_metadata():
    table = {"db.test": [["10.1.2.3", "fd00::5"]]}
    endpoint = await judge(["db.test"], "postgresql://u@db.test/app", table)
    assert [str(a) for a in endpoint.addresses] == ["10.1.2.3", "fd00::5"]  # type: ignore[attr-defined]
    for bad in ("127.0.0.1", "169.254.169.254", "169.254.1.1", "::ffff:127.0.0.1", "0.0.0.0"):
        with pytest.raises(PermissionDeniedError) as info:
            await judge(["db.test"], "postgresql://u@db.test/app", {"db.test": [["10.1.2.3", bad]]})
        assert info.value.reason == "DATA_SOURCE_NOT_ALLOWED" and str(ipaddress.ip_address(bad)) in info.value.message


async def test_an_address_entry_admits_what_it_covers_on_its_port_only():
    table = {"db.test": [["127.0.0.1"]]}
    endpoint = await judge(["127.0.0.0/8:5432"], "postgresql://u@db.test:5432/app", table)
    assert endpoint.addresses == (ipaddress.ip_address("127.0.0.1"),)  # type: ignore[attr-defined]
    with pytest.raises(PermissionDeniedError):
        await judge(["127.0.0.0/8:5432"], "postgresql://u@db.test:5433/app", table)
    with pytest.raises(PermissionDeniedError):  # no port: the dialect's default (MySQL 3306)
        await judge(["127.0.0.1"], "mysql://u@127.0.0.1:5432/app")
    await judge(["127.0.0.1"], "mysql://u@127.0.0.1/app")


async def test_a_host_off_the_list_is_refused_without_being_resolved():
    resolver = TableResolver({})
    policy = DataSourcePolicy(allow=["db.test"], resolver=resolver)
    with pytest.raises(PermissionDeniedError):
        await policy.endpoint("postgresql://u@other.test/app", field="url")
    assert resolver.lookups == []


async def test_an_allow_listed_name_that_does_not_resolve_is_unavailable_at_connect_but_may_be_saved():
    policy = DataSourcePolicy(allow=["db.test"], resolver=TableResolver({}))
    with pytest.raises(ServiceUnavailableError) as info:
        await policy.endpoint("postgresql://u@db.test/app", field="data_source.url")
    assert info.value.reason == "DATA_SOURCE_UNAVAILABLE"
    await policy.check("t", "postgresql://u@db.test/app", field="url", resolve_strictly=False)


async def test_the_service_own_postgres_database_and_mysql_server_are_protected():
    own = ["postgresql+psycopg://svc@127.0.0.1:5432/store", "mysql://svc@127.0.0.1/meta"]
    policy = DataSourcePolicy(allow=["127.0.0.1:*", "db.test:*"], protected_urls=own, resolver=TableResolver({}))
    await policy.endpoint("postgresql://u@127.0.0.1:5432/other", field="url")  # another database: fine
    for url in (
        "postgresql://u@127.0.0.1:5432/store",
        "postgresql://u@0x7f000001/store",
        "mysql://u@127.0.0.1/anything",  # a MySQL query may name any database of the server
    ):
        with pytest.raises(PermissionDeniedError):
            await policy.endpoint(url, field="url")
    named = DataSourcePolicy(
        allow=["127.0.0.1:*", "db.test:*"],
        protected_urls=["postgresql://svc@store.test/store"],
        resolver=TableResolver({"db.test": [["127.0.0.1"]], "store.test": [["127.0.0.1"]]}),
    )
    with pytest.raises(PermissionDeniedError):  # another name for the same server and database
        await named.endpoint("postgresql://u@db.test/store", field="url")


def test_sqlite_roots_are_per_tenant_and_a_tenant_value_never_escapes(tmp_path: Path):
    for tenant in ("acme", "other"):
        (tmp_path / tenant).mkdir()
        (tmp_path / tenant / "x.db").write_bytes(b"")
    policy = DataSourcePolicy(sqlite_roots=[f"{tmp_path}/{{tenant}}"])
    assert policy.sqlite_file("acme", f"sqlite:///{tmp_path}/acme/x.db", field="url") == str(tmp_path / "acme/x.db")
    for tenant in ("other", "..", ".", "../acme", "acme/..", ""):
        with pytest.raises(PermissionDeniedError):
            policy.sqlite_file(tenant, f"sqlite:///{tmp_path}/acme/x.db", field="url")
    own = DataSourcePolicy(sqlite_roots=[str(tmp_path)], protected_urls=[f"sqlite:///{tmp_path}/acme/x.db"])
    (tmp_path / "other" / "hard.db").unlink(missing_ok=True)
    (tmp_path / "other" / "hard.db").hardlink_to(tmp_path / "acme" / "x.db")
    with pytest.raises(PermissionDeniedError):  # the same file under another name
        own.sqlite_file("acme", f"sqlite:///{tmp_path}/other/hard.db", field="url")
