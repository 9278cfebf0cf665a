"""HttpEngine against a real HTTP server on 127.0.0.1, and the SSRF guard's refusals."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from opsuite_api_manager.adapters.http_engine import HttpEngine, HttpSpec, redact_url
from opsuite_common.errors import (
    CircuitOpenError,
    DeadlineExceededError,
    FailedPreconditionError,
    PermissionDeniedError,
    ResourceLimitError,
    ServiceUnavailableError,
    ValidationError,
)
from opsuite_common.netguard import NetworkPolicy, system_resolver
from opsuite_common.resilience import BreakerRegistry, RetryPolicy


class _Handler(BaseHTTPRequestHandler):
    hits: Counter[str]

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json", extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "session=abc")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _route(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.server.hits[parts.path] += 1  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if parts.path.startswith("/echo"):
            payload = {
                "method": self.command,
                "path": parts.path,
                "raw": self.path,
                "query": query,
                "host": self.headers.get("Host"),
                "auth": self.headers.get("X-Auth"),
                "body": body,
            }
            self._send(200, json.dumps(payload).encode())
        elif parts.path == "/text":
            self._send(200, b"plain words", "text/plain; charset=utf-8")
        elif parts.path == "/redirect":
            self._send(302, b"", extra={"Location": query["to"][0]})
        elif parts.path == "/loop":
            self._send(302, b"", extra={"Location": "/loop"})
        elif parts.path == "/big":
            self._send(200, b"x" * int(query["n"][0]), "text/plain")
        elif parts.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(int(query["chunks"][0])):
                self.wfile.write(b"400\r\n" + b"y" * 1024 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif parts.path == "/slow":
            time.sleep(float(query["s"][0]))
            self._send(200, b"{}")
        elif parts.path.startswith("/flaky"):
            fails = int(query["fails"][0])
            if self.server.hits[parts.path] <= fails:  # type: ignore[attr-defined]
                self._send(503, b'{"error": "busy"}')
            else:
                self._send(200, b'{"ok": true}')
        elif parts.path == "/missing":
            self._send(404, b'{"error": "no such thing"}')
        else:
            self._send(500, b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = _route


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.block_on_close = False
    srv.hits = Counter()  # type: ignore[attr-defined]
    srv.handle_error = lambda *args: None  # a client that timed out leaves a broken pipe behind
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def base(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


LOCAL = NetworkPolicy(allow=("127.0.0.1",))


async def _resolve_test_names(host: str, port: int) -> list[str]:
    """A tiny DNS for names the system cannot resolve: proves the engine connects where WE resolved."""
    table = {"api.test": ["127.0.0.1"], "mixed.test": ["93.184.216.34", "127.0.0.1"], "meta.test": ["169.254.169.254"]}
    if host in table:
        return table[host]
    return await system_resolver(host, port)


@pytest.fixture
async def http() -> HttpEngine:
    engine = HttpEngine(resolver=_resolve_test_names)
    yield engine
    await engine.aclose()


async def test_get_json_with_encoded_path_and_query(http: HttpEngine, base: str) -> None:
    spec = HttpSpec(
        url=base + "/echo/{{ params.name }}?q={{params.q}}&n={{ params.n }}", headers={"X-Auth": "k-{{params.n}}"}
    )
    result = await http.execute(
        spec, {"name": "a/b?c#d", "q": "x&admin=1", "n": 7}, policy=LOCAL, timeout=5, max_response_bytes=10_000
    )
    assert result.status == 200
    assert result.body["raw"] == "/echo/a%2Fb%3Fc%23d?q=x%26admin%3D1&n=7"
    assert result.body["query"] == {"q": ["x&admin=1"], "n": ["7"]}  # the value could not add a parameter
    assert result.body["auth"] == "k-7"
    assert "set-cookie" not in {k.lower() for k in result.headers}
    assert result.headers["content-type"] == "application/json"
    assert result.reference.method == "GET"


async def test_post_json_body_keeps_types_and_text_bodies(http: HttpEngine, base: str) -> None:
    spec = HttpSpec(
        url=base + "/echo", method="POST", body={"limit": "{{ params.limit }}", "label": "n={{params.limit}}"}
    )
    result = await http.execute(spec, {"limit": 5}, policy=LOCAL, timeout=5, max_response_bytes=10_000)
    assert json.loads(result.body["body"]) == {"limit": 5, "label": "n=5"}
    text = await http.execute(HttpSpec(url=base + "/text"), {}, policy=LOCAL, timeout=5, max_response_bytes=100)
    assert text.body == "plain words"


async def test_4xx_is_a_result_not_an_error(http: HttpEngine, base: str) -> None:
    result = await http.execute(HttpSpec(url=base + "/missing"), {}, policy=LOCAL, timeout=5, max_response_bytes=100)
    assert result.status == 404 and result.body == {"error": "no such thing"}


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "localhost",
        "0.0.0.0",
        "169.254.169.254",
        "[fd00:ec2::254]",
        "10.0.0.1",
        "100.64.1.1",
        "192.168.1.1",
    ],
)
async def test_loopback_private_and_metadata_spellings_are_refused(
    http: HttpEngine, server: ThreadingHTTPServer, host: str
) -> None:
    port = server.server_address[1]
    with pytest.raises(PermissionDeniedError) as info:
        await http.execute(
            HttpSpec(url=f"http://{host}:{port}/echo"), {}, policy=NetworkPolicy(), timeout=2, max_response_bytes=100
        )
    assert info.value.reason == "SSRF_BLOCKED"
    assert "refused" in info.value.message
    assert sum(server.hits.values()) == 0  # nothing reached the server


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f000001", "127.1", "0x7f.1", "1.2.3.04"])
async def test_unusual_ip_spellings_are_refused_as_invalid_urls(
    http: HttpEngine, server: ThreadingHTTPServer, host: str
) -> None:
    port = server.server_address[1]
    with pytest.raises(ValidationError) as info:
        await http.execute(
            HttpSpec(url=f"http://{host}:{port}/echo"), {}, policy=LOCAL, timeout=2, max_response_bytes=100
        )
    assert [v.field for v in info.value.field_violations] == ["spec.url"]
    assert "unusual spelling" in info.value.message
    assert sum(server.hits.values()) == 0  # nothing reached the server, not even with 127.0.0.1 opened


async def test_a_rendered_url_that_turns_ambiguous_is_refused_before_connecting(
    http: HttpEngine, server: ThreadingHTTPServer
) -> None:
    port = server.server_address[1]
    spec = HttpSpec(url=f"http://{{{{params.host}}}}:{port}/echo")
    for host in ("127.0.0.1\\@evil.test", "127.0.0.1@evil.test", "%31%32%37.0.0.1"):
        with pytest.raises(ValidationError) as info:  # placeholders are percent-encoded: never a new host
            await http.execute(spec, {"host": host}, policy=LOCAL, timeout=2, max_response_bytes=100)
        assert [v.field for v in info.value.field_violations] == ["spec.url"], host
    assert sum(server.hits.values()) == 0


async def test_a_name_reaches_an_address_the_operator_opened_with_its_host_header(
    http: HttpEngine, server: ThreadingHTTPServer
) -> None:
    port = server.server_address[1]
    # "api.test" only exists in the engine's resolver: the connection went to the address WE checked.
    result = await http.execute(
        HttpSpec(url=f"http://api.test:{port}/echo"),
        {},
        policy=LOCAL.narrowed(["api.test"], name="the API's policy.network_allow_list"),
        timeout=5,
        max_response_bytes=10_000,
    )
    assert result.body["host"] == f"api.test:{port}"
    # Allow-listing the NAME (operator or tenant) does not open the loopback address it resolves to.
    for policy in (
        NetworkPolicy(),
        NetworkPolicy(allow=("api.test",)),
        NetworkPolicy().narrowed(["api.test"], name="x"),
    ):
        with pytest.raises(PermissionDeniedError, match="loopback"):
            await http.execute(
                HttpSpec(url=f"http://api.test:{port}/echo"), {}, policy=policy, timeout=5, max_response_bytes=100
            )
    assert server.hits["/echo"] == 1


async def test_one_bad_dns_record_refuses_the_host(http: HttpEngine, server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    with pytest.raises(PermissionDeniedError, match="loopback"):
        await http.execute(
            HttpSpec(url=f"http://mixed.test:{port}/"), {}, policy=NetworkPolicy(), timeout=5, max_response_bytes=100
        )


async def test_allow_listed_name_never_unlocks_a_metadata_address(http: HttpEngine) -> None:
    with pytest.raises(PermissionDeniedError, match="metadata"):
        await http.execute(
            HttpSpec(url="http://meta.test/latest"),
            {},
            policy=NetworkPolicy(allow=("meta.test",)),
            timeout=2,
            max_response_bytes=100,
        )


async def test_every_redirect_hop_is_checked(http: HttpEngine, server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    # The operator opened 127.0.0.1; the API's list narrows it to api.test, on every hop.
    only_api = LOCAL.narrowed(["api.test"], name="the API's policy.network_allow_list")
    for target in (
        "http://169.254.169.254/latest/meta-data",
        f"http://127.0.0.1:{port}/echo",
        f"http://2130706433:{port}/echo",
    ):
        spec = HttpSpec(url=f"http://api.test:{port}/redirect?to={{{{params.to}}}}")
        with pytest.raises(PermissionDeniedError):
            await http.execute(spec, {"to": target}, policy=only_api, timeout=5, max_response_bytes=1000)
    assert server.hits["/echo"] == 0
    ok = await http.execute(
        HttpSpec(url=f"http://api.test:{port}/redirect?to=/echo/after"),
        {},
        policy=only_api,
        timeout=5,
        max_response_bytes=10_000,
    )
    assert ok.body["path"] == "/echo/after"


async def test_redirects_are_bounded(http: HttpEngine, base: str) -> None:
    with pytest.raises(FailedPreconditionError) as info:
        await http.execute(HttpSpec(url=base + "/loop"), {}, policy=LOCAL, timeout=5, max_response_bytes=100)
    assert info.value.reason == "TOO_MANY_REDIRECTS"


async def test_non_http_schemes_are_refused(http: HttpEngine) -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1:6379/_"):
        with pytest.raises(PermissionDeniedError):
            await http.execute(HttpSpec(url=url), {}, policy=NetworkPolicy(), timeout=2, max_response_bytes=100)


async def test_response_cap_with_and_without_content_length(http: HttpEngine, base: str) -> None:
    small = await http.execute(HttpSpec(url=base + "/big?n=1000"), {}, policy=LOCAL, timeout=5, max_response_bytes=1000)
    assert len(small.body) == 1000
    with pytest.raises(ResourceLimitError):
        await http.execute(HttpSpec(url=base + "/big?n=1001"), {}, policy=LOCAL, timeout=5, max_response_bytes=1000)
    with pytest.raises(ResourceLimitError):
        await http.execute(
            HttpSpec(url=base + "/chunked?chunks=64"), {}, policy=LOCAL, timeout=5, max_response_bytes=10_000
        )


async def test_timeout_is_deadline_exceeded(http: HttpEngine, base: str) -> None:
    with pytest.raises(DeadlineExceededError):
        await http.execute(HttpSpec(url=base + "/slow?s=3"), {}, policy=LOCAL, timeout=0.3, max_response_bytes=100)


async def test_retries_only_idempotent_methods(server: ThreadingHTTPServer, base: str) -> None:
    engine = HttpEngine(retry=RetryPolicy(max_attempts=3, initial_backoff_s=0.01, max_backoff_s=0.02))
    try:
        ok = await engine.execute(
            HttpSpec(url=base + "/flaky-get?fails=2"), {}, policy=LOCAL, timeout=5, max_response_bytes=100
        )
        assert ok.body == {"ok": True} and server.hits["/flaky-get"] == 3
        with pytest.raises(ServiceUnavailableError) as info:
            await engine.execute(
                HttpSpec(url=base + "/flaky-post?fails=2", method="POST"),
                {},
                policy=LOCAL,
                timeout=5,
                max_response_bytes=100,
            )
        assert info.value.reason == "UPSTREAM_ERROR" and server.hits["/flaky-post"] == 1
    finally:
        await engine.aclose()


async def test_a_hanging_upstream_counts_against_its_breaker() -> None:
    """Timeouts happen inside the breaker: a host that accepts and never answers opens it."""
    import socket

    engine = HttpEngine(breakers=BreakerRegistry(fail_max=2, reset_timeout=60))
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(8)
        spec = HttpSpec(url=f"http://127.0.0.1:{blackhole.getsockname()[1]}/hang", method="POST")
        try:
            for _ in range(2):
                with pytest.raises(DeadlineExceededError):
                    await engine.execute(spec, {}, policy=LOCAL, timeout=0.3, max_response_bytes=100)
            with pytest.raises(CircuitOpenError):
                await engine.execute(spec, {}, policy=LOCAL, timeout=0.3, max_response_bytes=100)
        finally:
            await engine.aclose()


async def test_a_port_out_of_range_is_a_validation_error_not_internal(http: HttpEngine) -> None:
    spec = HttpSpec(url="http://127.0.0.1:{{params.port}}/x")
    with pytest.raises(ValidationError):
        await http.execute(spec, {"port": 99999}, policy=LOCAL, timeout=2, max_response_bytes=100)


async def test_breaker_opens_per_host_and_fails_fast(server: ThreadingHTTPServer, base: str) -> None:
    engine = HttpEngine(breakers=BreakerRegistry(fail_max=2, reset_timeout=60))
    try:
        for _ in range(2):
            with pytest.raises(ServiceUnavailableError):
                await engine.execute(HttpSpec(url=base + "/boom"), {}, policy=LOCAL, timeout=5, max_response_bytes=100)
        with pytest.raises(CircuitOpenError):
            await engine.execute(HttpSpec(url=base + "/boom"), {}, policy=LOCAL, timeout=5, max_response_bytes=100)
        assert server.hits["/boom"] == 2
    finally:
        await engine.aclose()


async def test_breakers_are_per_tenant_one_tenants_failures_never_fail_anothers_calls(
    server: ThreadingHTTPServer, base: str
) -> None:
    engine = HttpEngine(breakers=BreakerRegistry(fail_max=2, reset_timeout=60))
    spec = HttpSpec(url=base + "/boom")
    try:
        for _ in range(2):
            with pytest.raises(ServiceUnavailableError):
                await engine.execute(spec, {}, policy=LOCAL, timeout=5, max_response_bytes=100, breaker_scope="t-a")
        with pytest.raises(CircuitOpenError):
            await engine.execute(spec, {}, policy=LOCAL, timeout=5, max_response_bytes=100, breaker_scope="t-a")
        # Tenant b reaches the host (and sees its real answer), not tenant a's open breaker.
        with pytest.raises(ServiceUnavailableError) as info:
            await engine.execute(spec, {}, policy=LOCAL, timeout=5, max_response_bytes=100, breaker_scope="t-b")
        assert not isinstance(info.value, CircuitOpenError)
        assert server.hits["/boom"] == 3
    finally:
        await engine.aclose()


async def test_bad_templates_and_header_injection_are_validation_errors(http: HttpEngine, base: str) -> None:
    with pytest.raises(ValidationError) as info:
        await http.execute(
            HttpSpec(url=base + "/echo/{{ params.missing }}"), {}, policy=LOCAL, timeout=5, max_response_bytes=100
        )
    assert info.value.field_violations[0].field == "spec.url"
    with pytest.raises(ValidationError):
        await http.execute(
            HttpSpec(url=base + "/echo", headers={"X-Auth": "{{params.v}}"}),
            {"v": "a\r\nX-Admin: 1"},
            policy=LOCAL,
            timeout=5,
            max_response_bytes=100,
        )
    with pytest.raises(ValidationError):
        await http.execute(
            HttpSpec(url=base + "/echo", headers={"Host": "evil"}), {}, policy=LOCAL, timeout=5, max_response_bytes=100
        )


async def test_reference_masks_secrets(http: HttpEngine, base: str) -> None:
    spec = HttpSpec(url=base + "/echo?api_key={{params.key}}&q={{params.q}}&t={{params.tok}}")
    result = await http.execute(
        spec,
        {"key": "k-123", "q": "visible", "tok": "sekr3t value"},
        policy=LOCAL,
        timeout=5,
        max_response_bytes=10_000,
        secrets={"sekr3t value"},
    )
    assert "k-123" not in result.reference.url and "sekr3t" not in result.reference.url
    assert "q=visible" in result.reference.url
    assert redact_url("https://user:pw@h.example/p?password=x") == "https://h.example/p?password=***"
    assert redact_url("https://h.example/users/sekr3t%20value", {"sekr3t value"}) == "https://h.example/users/***"
