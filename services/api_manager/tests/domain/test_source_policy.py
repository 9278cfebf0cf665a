"""The data source policy on its own: allow-list entries, how every resolved address is judged, SQLite roots
per tenant, and the service's own databases (service-level refusals are in tests/test_data_source_policy.py)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from opsuite_api_manager.adapters.local_machine import LocalMachine
from opsuite_api_manager.domain.source_policy import DataSourcePolicy, parse_allow_entry
from opsuite_common.errors import PermissionDeniedError, ServiceUnavailableError, ValidationError
from opsuite_common.testing.dns import TableResolver

#: The real machine (real files under tmp_path; names resolve through a TableResolver where given).
MACHINE = LocalMachine()


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
    policy = DataSourcePolicy(machine=MACHINE, allow=allow, resolver=TableResolver(table or {}), **kw)  # type: ignore[arg-type]
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
    policy = DataSourcePolicy(machine=MACHINE, allow=["db.test"], resolver=resolver)
    with pytest.raises(PermissionDeniedError):
        await policy.endpoint("postgresql://u@other.test/app", field="url")
    assert resolver.lookups == []


async def test_an_allow_listed_name_that_does_not_resolve_is_unavailable_at_connect_but_may_be_saved():
    policy = DataSourcePolicy(machine=MACHINE, allow=["db.test"], resolver=TableResolver({}))
    with pytest.raises(ServiceUnavailableError) as info:
        await policy.endpoint("postgresql://u@db.test/app", field="data_source.url")
    assert info.value.reason == "DATA_SOURCE_UNAVAILABLE"
    await policy.check("t", "postgresql://u@db.test/app", field="url", resolve_strictly=False)


async def test_the_service_own_postgres_database_and_mysql_server_are_protected():
    own = ["postgresql+psycopg://svc@127.0.0.1:5432/store", "mysql://svc@127.0.0.1/meta"]
    policy = DataSourcePolicy(
        machine=MACHINE, allow=["127.0.0.1:*", "db.test:*"], protected_urls=own, resolver=TableResolver({})
    )
    await policy.endpoint("postgresql://u@127.0.0.1:5432/other", field="url")  # another database: fine
    for url in (
        "postgresql://u@127.0.0.1:5432/store",
        "postgresql://u@0x7f000001/store",
        "mysql://u@127.0.0.1/anything",  # a MySQL query may name any database of the server
    ):
        with pytest.raises(PermissionDeniedError):
            await policy.endpoint(url, field="url")
    named = DataSourcePolicy(
        machine=MACHINE,
        allow=["127.0.0.1:*", "db.test:*"],
        protected_urls=["postgresql://svc@store.test/store"],
        resolver=TableResolver({"db.test": [["127.0.0.1"]], "store.test": [["127.0.0.1"]]}),
    )
    with pytest.raises(PermissionDeniedError):  # another name for the same server and database
        await named.endpoint("postgresql://u@db.test/store", field="url")


async def test_a_postgres_url_without_a_database_is_refused_and_the_user_name_default_is_judged():
    own = ["postgresql+psycopg://svc@127.0.0.1:5432/store"]
    policy = DataSourcePolicy(machine=MACHINE, allow=["127.0.0.1:*"], protected_urls=own, resolver=TableResolver({}))
    for url in ("postgresql://store@127.0.0.1:5432", "postgresql://store@127.0.0.1:5432/"):
        with pytest.raises(ValidationError) as info:  # libpq would open the database named like the user
            await policy.endpoint(url, field="url")
        assert info.value.field_violations[0].field == "url"
    own_by_user = DataSourcePolicy(
        machine=MACHINE,
        allow=["127.0.0.1:*"],
        protected_urls=["postgresql://store@127.0.0.1:5432"],
        resolver=TableResolver({}),
    )
    with pytest.raises(PermissionDeniedError):  # the service's store is the user-named database
        await own_by_user.endpoint("postgresql://u@127.0.0.1:5432/store", field="url")


def _local_ipv4_addresses() -> list[str]:
    """This machine's own non-loopback IPv4 addresses (SIOCGIFADDR per interface; no traffic)."""
    import fcntl
    import socket
    import struct

    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            except OSError:
                continue
            address = socket.inet_ntoa(packed[20:24])
            if not address.startswith("127."):
                found.append(address)
    return found


async def test_a_store_on_loopback_is_not_reachable_through_this_host_own_interface_address():
    local = _local_ipv4_addresses()
    if not local:
        pytest.skip("this machine has no non-loopback IPv4 address")
    policy = DataSourcePolicy(
        machine=MACHINE,
        allow=["db.test:*"],
        protected_urls=["postgresql+psycopg://svc@localhost:5432/store"],
        resolver=TableResolver({"db.test": [[local[0]]], "localhost": [["127.0.0.1"]]}),
    )
    with pytest.raises(PermissionDeniedError) as info:
        await policy.endpoint("postgresql://u@db.test:5432/store", field="url")
    assert "own databases" in info.value.message
    await policy.endpoint("postgresql://u@db.test:5432/other", field="url")  # another database: fine


def test_a_sqlite_path_that_would_be_decoded_twice_is_refused(tmp_path: Path):
    root = tmp_path / "roots" / "{tenant}"
    (tmp_path / "roots" / "acme").mkdir(parents=True)
    policy = DataSourcePolicy(machine=MACHINE, sqlite_roots=[str(root)], resolver=TableResolver({}))
    base = tmp_path / "roots" / "acme"
    for url in (
        f"sqlite:///{base}/%252e%252e/%252e%252e/own.db",  # decoded once here, once more by SQLite's URI
        f"sqlite:///{base}/a.db%3Fmode=rw",  # '?' would start URI options
        f"sqlite:///{base}/a.db%23x",
    ):
        with pytest.raises(ValidationError) as info:
            policy.sqlite_file("acme", url, field="url")
        assert "may not contain" in info.value.field_violations[0].description


def test_sqlite_roots_are_per_tenant_and_a_tenant_value_never_escapes(tmp_path: Path):
    for tenant in ("acme", "other"):
        (tmp_path / tenant).mkdir()
        (tmp_path / tenant / "x.db").write_bytes(b"")
    policy = DataSourcePolicy(machine=MACHINE, sqlite_roots=[f"{tmp_path}/{{tenant}}"])
    assert policy.sqlite_file("acme", f"sqlite:///{tmp_path}/acme/x.db", field="url") == str(tmp_path / "acme/x.db")
    for tenant in ("other", "..", ".", "../acme", "acme/..", ""):
        with pytest.raises(PermissionDeniedError):
            policy.sqlite_file(tenant, f"sqlite:///{tmp_path}/acme/x.db", field="url")
    own = DataSourcePolicy(
        machine=MACHINE, sqlite_roots=[str(tmp_path)], protected_urls=[f"sqlite:///{tmp_path}/acme/x.db"]
    )
    (tmp_path / "other" / "hard.db").unlink(missing_ok=True)
    (tmp_path / "other" / "hard.db").hardlink_to(tmp_path / "acme" / "x.db")
    with pytest.raises(PermissionDeniedError):  # the same file under another name
        own.sqlite_file("acme", f"sqlite:///{tmp_path}/other/hard.db", field="url")
