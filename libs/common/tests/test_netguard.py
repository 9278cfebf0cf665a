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
from opsuite_common.testing.http import Recorder, upstream_and_canary

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


def test_only_an_operator_address_entry_opens_a_forbidden_address() -> None:
    policy = NetworkPolicy(allow=("10.0.0.0/8", "*.corp.example", "db.internal", "169.254.169.254"))
    policy.check("10.9.9.9", ipaddress.ip_address("10.9.9.9"))
    policy.check("db.internal", ipaddress.ip_address("10.0.0.5"))  # the address is opened, not the name
    policy.check("169.254.169.254", ipaddress.ip_address("169.254.169.254"))  # explicit address entry
    # A listed NAME admits the name, never the private addresses it may resolve to.
    for host, address in (("api.corp.example", "192.168.1.1"), ("db.internal", "172.16.0.5"), ("db.internal", "::1")):
        with pytest.raises(PermissionDeniedError, match="never opens") as info:
            policy.check(host, ipaddress.ip_address(address))
        assert info.value.reason == "SSRF_BLOCKED" and "OPSUITE_OUTBOUND_ALLOW" in info.value.message
    with pytest.raises(PermissionDeniedError, match="metadata"):  # a name never unlocks fd00:ec2::254
        policy.check("db.internal", ipaddress.ip_address("fd00:ec2::254"))


def test_a_metadata_address_needs_an_entry_naming_exactly_it() -> None:
    broad = NetworkPolicy(allow=("169.254.0.0/16", "0.0.0.0/0"))
    broad.check("169.254.1.1", ipaddress.ip_address("169.254.1.1"))
    with pytest.raises(PermissionDeniedError, match="metadata"):
        broad.check("169.254.169.254", ipaddress.ip_address("169.254.169.254"))


def test_a_tenant_list_narrows_the_operator_policy_and_never_widens_it() -> None:
    operator = NetworkPolicy(allow=("127.0.0.2",))
    # The tenant lists all of loopback: 127.0.0.1 stays closed, since the operator did not open it.
    wide = operator.narrowed(["127.0.0.0/8", "*.test"], name="the API's policy.network_allow_list")
    with pytest.raises(PermissionDeniedError, match="OPSUITE_OUTBOUND_ALLOW"):
        wide.check("loop.test", ipaddress.ip_address("127.0.0.1"))
    wide.check("loop.test", ipaddress.ip_address("127.0.0.2"))  # opened by the operator, named by the tenant
    # A destination the operator allows but the tenant's list does not cover is refused, naming that list.
    narrow = operator.narrowed(["api.example.com"], name="the API's policy.network_allow_list")
    with pytest.raises(PermissionDeniedError, match=r"policy\.network_allow_list"):
        narrow.check("other.test", ipaddress.ip_address("127.0.0.2"))
    with pytest.raises(PermissionDeniedError, match=r"policy\.network_allow_list"):
        check_url("https://other.example.com/", narrow)
    narrow.check("api.example.com", ipaddress.ip_address("93.184.216.34"))
    # An empty tenant list narrows nothing, unless the list is required (scripts' ctx.http).
    assert operator.narrowed([], name="x") == operator
    with pytest.raises(PermissionDeniedError, match="x"):
        operator.narrowed([], name="x", required=True).check("h.test", ipaddress.ip_address("93.184.216.34"))


def test_allowlist_only_refuses_public_hosts_not_listed() -> None:
    strict = NetworkPolicy(allow=("api.example.com",), allowlist_only=True)
    check_url("https://api.example.com/x", strict)
    with pytest.raises(PermissionDeniedError, match="not on OPSUITE_OUTBOUND_ALLOW"):
        check_url("https://other.example.com/x", strict)
    with pytest.raises(PermissionDeniedError):
        strict.check("8.8.8.8", ipaddress.ip_address("8.8.8.8"))


def test_refusals_name_the_policys_allow_list() -> None:
    policy = NetworkPolicy(allow_list_name="OPSUITE_X_OUTBOUND_ALLOW")
    with pytest.raises(PermissionDeniedError, match="OPSUITE_X_OUTBOUND_ALLOW") as info:
        check_url("http://127.0.0.1/", policy)
    assert info.value.reason == "SSRF_BLOCKED"


# --------------------------------------------------------------------------- guarded client


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    rec = Recorder()
    await rec.start()
    yield rec
    await rec.stop()


async def _upstream_and_canary(keep_alive: bool) -> tuple[Recorder, Recorder]:
    return await upstream_and_canary(lambda: Recorder(keep_alive))


@pytest.fixture(params=[False, True], ids=["close", "keep-alive"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Recorder, Recorder]]:
    upstream, canary = await _upstream_and_canary(request.param)
    yield upstream, canary
    await upstream.stop()
    await canary.stop()


async def test_an_operator_address_entry_lets_a_name_through_to_that_address(recorder: Recorder) -> None:
    # "api.test" exists only in our resolver: reaching the server proves the connection used OUR answer.
    resolver = TableResolver({"api.test": [["127.0.0.1"]]})
    async with guarded_client(NetworkPolicy(allow=("127.0.0.1",)), resolver=resolver) as client:
        response = await client.get(f"http://api.test:{recorder.port}/x")
    assert response.status_code == 200
    assert recorder.seen == [("/x", f"api.test:{recorder.port}")]


async def test_an_allow_listed_name_resolving_to_loopback_is_refused(recorder: Recorder) -> None:
    resolver = TableResolver({"api.test": [["127.0.0.1"]]})
    async with guarded_client(NetworkPolicy(allow=("api.test",)), resolver=resolver) as client:
        with pytest.raises(PermissionDeniedError, match="loopback") as info:
            await client.get(f"http://api.test:{recorder.port}/x")
    assert info.value.reason == "SSRF_BLOCKED"
    assert recorder.connections == 0


async def test_a_name_rebinding_to_loopback_never_reaches_loopback(pair: tuple[Recorder, Recorder]) -> None:
    # First answer: 127.0.0.2, which the operator opened; every later answer: 127.0.0.1, which it did not.
    upstream, canary = pair
    resolver = TableResolver({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})
    url = f"http://rebind.test:{upstream.port}/x"
    # The name is allow-listed too: that admits the name, never the loopback address it turns into.
    policy = NetworkPolicy(allow=("127.0.0.2", "rebind.test"))
    async with guarded_client(policy, resolver=resolver) as client:
        assert (await client.get(url)).status_code == 200
        if upstream.keep_alive:  # the kept-alive connection goes to the address judged when it was opened
            assert (await client.get(url)).status_code == 200
            assert resolver.lookups == ["rebind.test"] and upstream.connections == 1
        else:  # a new connection resolves again, judges 127.0.0.1 and refuses it
            with pytest.raises(PermissionDeniedError, match="loopback"):
                await client.get(url)
            assert resolver.lookups == ["rebind.test", "rebind.test"]
    assert [p for p, _ in upstream.seen] == ["/x"] * (2 if upstream.keep_alive else 1)
    assert canary.connections == 0


async def test_a_tenant_list_naming_loopback_does_not_open_it(pair: tuple[Recorder, Recorder]) -> None:
    upstream, canary = pair
    resolver = TableResolver({"loop.test": [["127.0.0.1"]], "up.test": [["127.0.0.2"]]})
    tenant = ["127.0.0.0/8", "loop.test", "up.test"]
    closed = NetworkPolicy().narrowed(tenant, name="the API's policy.network_allow_list")
    async with guarded_client(closed, resolver=resolver) as client:
        for url in (f"http://loop.test:{canary.port}/x", f"http://127.0.0.1:{canary.port}/x"):
            with pytest.raises(PermissionDeniedError, match="OPSUITE_OUTBOUND_ALLOW"):
                await client.get(url)
    opened = NetworkPolicy(allow=("127.0.0.2",)).narrowed(tenant, name="the API's policy.network_allow_list")
    async with guarded_client(opened, resolver=resolver) as client:
        assert (await client.get(f"http://up.test:{upstream.port}/y")).status_code == 200
    assert canary.connections == 0 and [p for p, _ in upstream.seen] == ["/y"]


@pytest.mark.parametrize("host", ["127.0.0.1", "0x7f000001", "2130706433", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]"])
async def test_loopback_in_any_spelling_is_refused_before_connecting(recorder: Recorder, host: str) -> None:
    async with guarded_client(NetworkPolicy()) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.get(f"http://{host}:{recorder.port}/x")
    assert info.value.reason == "SSRF_BLOCKED"
    assert recorder.seen == []


async def test_a_name_with_one_forbidden_record_is_refused(recorder: Recorder) -> None:
    resolver = TableResolver({"mixed.test": [["93.184.216.34", "127.0.0.1"]]})
    async with guarded_client(NetworkPolicy(allow=("mixed.test",)), resolver=resolver) as client:
        with pytest.raises(PermissionDeniedError, match="loopback"):
            await client.get(f"http://mixed.test:{recorder.port}/x")
    assert recorder.connections == 0


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:{port}/after", "http://2130706433:{port}/after", "http://[::1]:{port}/"]
)
async def test_each_redirect_hop_is_checked(pair: tuple[Recorder, Recorder], target: str) -> None:
    upstream, canary = pair
    resolver = TableResolver({"api.test": [["127.0.0.2"]]})
    async with guarded_client(NetworkPolicy(allow=("127.0.0.2",)), resolver=resolver, follow_redirects=True) as client:
        with pytest.raises(PermissionDeniedError) as info:
            await client.get(f"http://api.test:{upstream.port}/redirect?to=" + target.format(port=canary.port))
    assert info.value.reason == "SSRF_BLOCKED"
    assert [path for path, _ in upstream.seen] == [path for path, _ in upstream.seen if path.startswith("/redirect")]
    assert canary.connections == 0


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://a.test\\@b.test/", "backslash"),
        ("http://a.test%40b.test/", "percent-encoded"),
        ("http://%31%32%37.0.0.1/", "percent-encoded"),
        ("http://a@b@c.test/", "more than one '@'"),
        ("http://2130706433/", "unusual spelling"),
        ("http://0177.0.0.1/", "unusual spelling"),
        ("http://0x7f000001/", "unusual spelling"),
        ("http://127.1/", "unusual spelling"),
        ("http://1.2.3.04/", "unusual spelling"),
        ("http://999.1.1.1/", "neither"),
        ("http:///x", "no host"),
        ("http://h.test:/x", "port"),
        ("http://h.test:0/", "port"),
        ("http://h.test:99999/", "port"),
        ("http://h.test:8o/", "port"),
        ("http://[::1/", "IPv6"),
        ("http:/h.test/", "absolute"),
        ("http://h .test/", "space"),
    ],
)
def test_ambiguous_urls_are_refused_on_their_field(url: str, words: str) -> None:
    from opsuite_common.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        check_url(url, NetworkPolicy(allow=("0.0.0.0/0",)), field="api.http.url")
    [violation] = info.value.field_violations
    assert violation.field == "api.http.url" and words in violation.description, violation


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("https://api.example.com/x?y=1#z", "api.example.com", None),
        ("HTTPS://API.Example.com:8443/", "api.example.com", 8443),
        ("http://user:p%40ss@api.example.com/", "api.example.com", None),
        ("http://93.184.216.34:8080/", "93.184.216.34", 8080),
        ("http://[2606:4700::1111]/", "2606:4700::1111", None),
        ("https://bücher.example/", "bücher.example", None),
    ],
)
def test_plain_urls_parse_to_the_url_that_is_sent(url: str, host: str, port: int | None) -> None:
    parsed = check_url(url, NetworkPolicy())
    assert isinstance(parsed, httpx.URL) and parsed.host == host and parsed.port == port


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


def test_the_operator_policy_is_read_from_opsuite_outbound_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError as SettingsError

    from opsuite_common.settings import OutboundSettings, ServiceSettings

    monkeypatch.setenv("OPSUITE_OUTBOUND_ALLOW", '["127.0.0.2", "10.0.0.0/8", "*.corp.example"]')
    monkeypatch.setenv("OPSUITE_OUTBOUND_ALLOWLIST_ONLY", "true")
    policy = ServiceSettings().outbound.policy()
    assert policy == NetworkPolicy(allow=("127.0.0.2", "10.0.0.0/8", "*.corp.example"), allowlist_only=True)
    policy.check("10.1.2.3", ipaddress.ip_address("10.1.2.3"))
    with pytest.raises(PermissionDeniedError, match="OPSUITE_OUTBOUND_ALLOW"):
        policy.check("8.8.8.8", ipaddress.ip_address("8.8.8.8"))
    for bad in ("0x7f.1", "http://h.test/", "a b"):
        with pytest.raises(SettingsError, match="OPSUITE_OUTBOUND_ALLOW"):
            OutboundSettings(allow=(bad,))
