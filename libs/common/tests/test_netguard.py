"""opsuite_common.netguard: address classification, policies, and a guarded client on real loopback sockets."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest

from opsuite_common.errors import PermissionDeniedError, ServiceUnavailableError
from opsuite_common.netguard import NetworkPolicy, check_url, forbidden_reason, guarded_client, parse_ip_literal
from opsuite_common.testing.dns import TableResolver

# --------------------------------------------------------------------------- classification and policy


@pytest.mark.parametrize(
    "spelling",
    ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f000001", "0x7F.0.0.1", "127.1", "127.0.1", "017700000001"],
)
def test_every_ipv4_spelling_of_loopback_parses(spelling: str) -> None:
    assert parse_ip_literal(spelling) == ipaddress.IPv4Address("127.0.0.1")


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "1..2", "abc.1", "1.2.3.256"])
def test_names_and_invalid_numbers_are_not_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "IPv4-mapped"),
        ("::ffff:10.0.0.1", "private"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::7f00:1", "NAT64"),
        ("2002:7f00:1::", "6to4"),
        ("::7f00:1", "IPv4-compatible"),
        ("240.0.0.1", ""),
        ("192.0.2.1", ""),
        ("fec0::1", "not a public"),  # site-local: neither private nor reserved to Python 3.11
        ("4000::1", "not a public"),  # outside 2000::/3, the only global unicast range
    ],
)
def test_forbidden_addresses_have_plain_reasons(address: str, words: str) -> None:
    reason = forbidden_reason(ipaddress.ip_address(address))
    assert reason is not None and words.lower() in reason.lower()


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_allow_list_by_cidr_name_and_wildcard() -> None:
    policy = NetworkPolicy(allow=("10.0.0.0/8", "*.corp.example", "db.internal", "169.254.169.254"))
    policy.check("10.9.9.9", ipaddress.ip_address("10.9.9.9"))
    policy.check("api.corp.example", ipaddress.ip_address("192.168.1.1"))
    policy.check("db.internal", ipaddress.ip_address("172.16.0.5"))
    policy.check("169.254.169.254", ipaddress.ip_address("169.254.169.254"))  # explicit address entry
    with pytest.raises(PermissionDeniedError):
        policy.check("corp.example.evil.com", ipaddress.ip_address("192.168.1.1"))
    with pytest.raises(PermissionDeniedError, match="metadata"):  # a name never unlocks fd00:ec2::254
        policy.check("db.internal", ipaddress.ip_address("fd00:ec2::254"))


def test_allowlist_only_refuses_public_hosts_not_listed() -> None:
    strict = NetworkPolicy(allow=("api.example.com",), allowlist_only=True)
    check_url("https://api.example.com/x", strict)
    with pytest.raises(PermissionDeniedError, match="allow-list"):
        check_url("https://other.example.com/x", strict)
    with pytest.raises(PermissionDeniedError):
        strict.check("8.8.8.8", ipaddress.ip_address("8.8.8.8"))


def test_refusals_name_the_policys_allow_list() -> None:
    policy = NetworkPolicy(allow_list_name="OPSUITE_X_OUTBOUND_ALLOW")
    with pytest.raises(PermissionDeniedError, match="OPSUITE_X_OUTBOUND_ALLOW") as info:
        check_url("http://0177.0.0.1/", policy)
    assert info.value.reason == "SSRF_BLOCKED"


# --------------------------------------------------------------------------- guarded client


class Recorder:
    """A loopback HTTP server that records each request's path and Host header."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        path = head.split(" ", 2)[1]
        host = next((ln.split(":", 1)[1].strip() for ln in head.split("\r\n") if ln.lower().startswith("host:")), "")
        self.seen.append((path, host))
        if path.startswith("/redirect"):
            target = f"http://127.0.0.1:{self.port}/after"
            writer.write(f"HTTP/1.1 302 Found\r\nlocation: {target}\r\ncontent-length: 0\r\n\r\n".encode())
        else:
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    rec = Recorder()
    rec.server = await asyncio.start_server(rec._handle, "127.0.0.1", 0)
    rec.port = rec.server.sockets[0].getsockname()[1]
    yield rec
    rec.server.close()
    await rec.server.wait_closed()


async def test_allow_listed_name_connects_to_the_checked_address_with_its_host_header(recorder: Recorder) -> None:
    # "api.test" exists only in our resolver: reaching the server proves the connection used OUR answer.
    resolver = TableResolver({"api.test": [["127.0.0.1"]]})
    async with guarded_client(NetworkPolicy(allow=("api.test",)), resolver=resolver) as client:
        response = await client.get(f"http://api.test:{recorder.port}/x")
    assert response.status_code == 200
    assert recorder.seen == [("/x", f"api.test:{recorder.port}")]


async def test_a_rebinding_name_is_connected_to_at_the_address_that_was_checked(recorder: Recorder) -> None:
    # First answer: an address the policy accepts (where nothing listens); every later answer: the
    # loopback server. A client that resolved again when connecting would reach the server.
    resolver = TableResolver({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})
    async with guarded_client(NetworkPolicy(allow=("127.0.0.2",)), resolver=resolver) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://rebind.test:{recorder.port}/x")
    assert resolver.lookups == ["rebind.test"]
    assert recorder.seen == []


@pytest.mark.parametrize("host", ["127.0.0.1", "0x7f000001", "2130706433", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]"])
async def test_loopback_in_any_spelling_is_refused_before_connecting(recorder: Recorder, host: str) -> None:
    async with guarded_client(NetworkPolicy()) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.get(f"http://{host}:{recorder.port}/x")
    assert info.value.reason == "SSRF_BLOCKED"
    assert recorder.seen == []


async def test_a_name_with_one_forbidden_record_is_refused(recorder: Recorder) -> None:
    resolver = TableResolver({"mixed.test": [["93.184.216.34", "127.0.0.1"]]})
    async with guarded_client(NetworkPolicy(), resolver=resolver) as client:
        with pytest.raises(PermissionDeniedError, match="loopback"):
            await client.get(f"http://mixed.test:{recorder.port}/x")
    assert recorder.seen == []


async def test_each_redirect_hop_is_checked(recorder: Recorder) -> None:
    resolver = TableResolver({"api.test": [["127.0.0.1"]]})
    policy = NetworkPolicy(allow=("api.test",))
    async with guarded_client(policy, resolver=resolver, follow_redirects=True) as client:
        with pytest.raises(PermissionDeniedError):
            await client.get(f"http://api.test:{recorder.port}/redirect")
    assert [path for path, _ in recorder.seen] == ["/redirect"]  # the hop to 127.0.0.1 never left


async def test_an_unresolvable_host_is_unavailable() -> None:
    async with guarded_client(NetworkPolicy(), resolver=TableResolver({})) as client:
        with pytest.raises(ServiceUnavailableError) as info:
            await client.get("http://nowhere.test/")
    assert info.value.reason == "UPSTREAM_UNAVAILABLE"


@pytest.mark.parametrize("argument", ["proxy", "mounts", "transport", "trust_env"])
def test_arguments_that_would_bypass_the_guard_are_refused(argument: str) -> None:
    with pytest.raises(TypeError, match=argument):
        guarded_client(NetworkPolicy(), **{argument: None})


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/", "http://h.test:0/", "http://h.test:x/"])
def test_a_port_out_of_range_is_a_validation_error(url: str) -> None:
    from opsuite_common.errors import ValidationError

    with pytest.raises(ValidationError):
        check_url(url, NetworkPolicy(allow=("127.0.0.1",)))


async def test_a_redirect_to_an_unusable_port_is_the_upstreams_fault_not_the_callers() -> None:
    from opsuite_common.errors import FailedPreconditionError

    async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:0/x\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(redirect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with guarded_client(NetworkPolicy(allow=("127.0.0.1",)), follow_redirects=True) as client:
            with pytest.raises(FailedPreconditionError) as info:
                await client.get(f"http://127.0.0.1:{port}/start")
        assert info.value.reason == "BAD_REDIRECT"
    finally:
        server.close()
        await server.wait_closed()
