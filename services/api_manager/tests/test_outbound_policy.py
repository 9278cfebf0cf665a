"""The operator's outbound policy for HTTP APIs and script ctx.http, over a real channel with the DNS injected.

An upstream listens on 127.0.0.2 and a canary on 127.0.0.1 at the same port (all of 127/8 is loopback on
Linux): the canary must never see a connection, since no test here opens 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import PermissionDeniedError, ValidationError
from opsuite_common.settings import OutboundSettings
from opsuite_common.testing.dns import TableResolver
from opsuite_common.testing.http import Recorder, upstream_and_canary

LIST = "network_allow_list"


def _listener() -> Recorder:
    return Recorder(body=b'{"ok": true}', content_type="application/json")


@pytest.fixture
async def hosts() -> AsyncIterator[tuple[Recorder, Recorder]]:
    """(upstream on 127.0.0.2, canary on 127.0.0.1), on one port."""
    upstream, canary = await upstream_and_canary(_listener)
    yield upstream, canary
    await upstream.stop()
    await canary.stop()


def http_api(c: Any, name: str, url: str, *allow: str) -> pb.ApiDefinition:
    d = c.api_def(name, kind=pb.HTTP, http=pb.HttpSpec(method="GET", url=url))
    getattr(d.policy, LIST).extend(allow)
    return d


def fetch_script(c: Any, name: str, url: str, *allow: str) -> pb.ApiDefinition:
    source = f"def main(params, input, ctx):\n    return ctx.http.get({url!r})['json']\n"
    d = c.api_def(name, kind=pb.SCRIPT, script=pb.ScriptSpec(source=source))
    getattr(d.policy, LIST).extend(allow)
    return d


async def test_a_name_rebinding_to_loopback_is_never_connected_to_there(start_lite: Any, hosts: Any) -> None:
    upstream, canary = hosts
    # The NAME is on both lists too: that admits the name, never the loopback address it later turns into.
    resolver = TableResolver(
        {"rebind.test": [["127.0.0.2"], ["127.0.0.1"]], "again.test": [["127.0.0.2"], ["127.0.0.1"]]}
    )
    c = await start_lite(resolver=resolver, outbound=OutboundSettings(allow=("127.0.0.2", "rebind.test", "again.test")))
    await c.create(http_api(c, "fetch", f"http://rebind.test:{upstream.port}/api", "rebind.test"))
    await c.create(fetch_script(c, "script", f"http://again.test:{upstream.port}/script", "again.test"))
    for name in ("fetch", "script"):
        first = c.json(await c.execute(name))
        assert (first["body"] if name == "fetch" else first) == {"ok": True}, first
        err = await c.error(c.execute(name))  # the connection was closed: the next one resolves again
        assert err.reason in ("SSRF_BLOCKED", "SCRIPT_ERROR") and "loopback" in err.message, (name, err)
    assert upstream.paths == ["/api", "/script"]
    assert canary.connections == 0


@pytest.mark.parametrize(
    "answers", [["127.0.0.2", "127.0.0.1"], ["127.0.0.1"]], ids=["mixed-answers", "listed-name-to-loopback"]
)
async def test_a_name_with_a_forbidden_answer_is_refused_on_the_first_call(
    start_lite: Any, hosts: Any, answers: list[str]
) -> None:
    upstream, canary = hosts
    resolver = TableResolver({"mixed.test": [answers]})
    c = await start_lite(resolver=resolver, outbound=OutboundSettings(allow=("127.0.0.2", "mixed.test")))
    await c.create(http_api(c, "fetch", f"http://mixed.test:{upstream.port}/", "mixed.test"))
    err = await c.error(c.execute("fetch"))
    assert isinstance(err, PermissionDeniedError) and err.reason == "SSRF_BLOCKED", err
    assert "OPSUITE_OUTBOUND_ALLOW" in err.message
    assert upstream.connections == 0 and canary.connections == 0


async def test_a_tenant_list_naming_loopback_does_not_open_it(start_lite: Any, hosts: Any) -> None:
    upstream, canary = hosts
    resolver = TableResolver({"loop.test": [["127.0.0.1"]], "up.test": [["127.0.0.2"]]})
    c = await start_lite(resolver=resolver)  # the operator opened nothing
    wide = ("127.0.0.0/8", "loop.test", "up.test")
    err = await c.error(c.create(http_api(c, "literal", f"http://127.0.0.1:{canary.port}/", *wide)))
    assert isinstance(err, ValidationError) and [v.field for v in err.field_violations] == ["api.http.url"]
    assert "OPSUITE_OUTBOUND_ALLOW" in err.field_violations[0].description
    await c.create(http_api(c, "named", f"http://loop.test:{canary.port}/", *wide))
    await c.create(fetch_script(c, "script", f"http://loop.test:{canary.port}/", *wide))
    for name in ("named", "script"):
        err = await c.error(c.execute(name))
        assert err.reason in ("SSRF_BLOCKED", "SCRIPT_ERROR") and "OPSUITE_OUTBOUND_ALLOW" in err.message, err
    assert canary.connections == 0 and upstream.connections == 0


async def test_the_operator_opens_an_address_and_the_tenant_list_narrows_it(start_lite: Any, hosts: Any) -> None:
    upstream, canary = hosts
    resolver = TableResolver({"up.test": [["127.0.0.2"]], "other.test": [["127.0.0.2"]]})
    c = await start_lite(resolver=resolver, outbound=OutboundSettings(allow=("127.0.0.2",)))
    await c.create(http_api(c, "open", f"http://up.test:{upstream.port}/open"))  # no list: the operator's rules
    err = await c.error(c.create(http_api(c, "named", f"http://other.test:{upstream.port}/", "up.test")))
    assert [v.field for v in err.field_violations] == ["api.http.url"]  # a name the list cannot admit: at save
    # With an address entry the list could admit a name, so it is judged at connect time.
    await c.create(http_api(c, "narrowed", f"http://other.test:{upstream.port}/narrowed", "up.test", "192.0.2.0/24"))
    await c.create(fetch_script(c, "script", f"http://up.test:{upstream.port}/script", "up.test"))
    assert c.json(await c.execute("open"))["body"] == {"ok": True}
    assert c.json(await c.execute("script")) == {"ok": True}
    err = await c.error(c.execute("narrowed"))
    assert err.reason == "SSRF_BLOCKED" and "network_allow_list" in err.message
    assert upstream.paths == ["/open", "/script"] and canary.connections == 0


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/", "http://2130706433:{port}/", "http://[::1]:{port}/"])
async def test_a_redirect_to_loopback_is_refused(start_lite: Any, hosts: Any, target: str) -> None:
    upstream, canary = hosts
    c = await start_lite(
        resolver=TableResolver({"up.test": [["127.0.0.2"]]}), outbound=OutboundSettings(allow=("127.0.0.2",))
    )
    location = target.format(port=canary.port)
    await c.create(http_api(c, "hop", f"http://up.test:{upstream.port}/redirect?to={location}"))
    err = await c.error(c.execute("hop"))
    assert err.reason == "SSRF_BLOCKED", err
    assert upstream.paths == [f"/redirect?to={location}"] and canary.connections == 0


AMBIGUOUS = [
    ("http://a.test\\@b.test/", "backslash"),
    ("http://a.test%40b.test/", "percent-encoded"),
    ("http://a@b@c.test/", "more than one '@'"),
    ("http://%31%32%37.0.0.1/", "percent-encoded"),
    ("http://2130706433/", "unusual spelling"),
    ("http://0177.0.0.1/", "unusual spelling"),
    ("http://0x7f000001/", "unusual spelling"),
    ("http://127.1/", "unusual spelling"),
    ("http:///x", "no host"),
    ("http://h.test:0/", "port"),
    ("http://h.test:99999/", "port"),
]


@pytest.mark.parametrize(("url", "words"), AMBIGUOUS)
async def test_ambiguous_urls_are_refused_at_save_with_their_field(lite: Any, url: str, words: str) -> None:
    c = lite
    d = http_api(c, "amb", url, "a.test", "b.test", "c.test", "h.test")
    err = await c.error(c.create(d))
    assert isinstance(err, ValidationError), err
    [violation] = err.field_violations
    assert violation.field == "api.http.url" and words in violation.description, violation
    report = await c.stub.ValidateApi(pb.ValidateApiRequest(api=d), metadata=c.md("editor"))
    assert not report.valid and [(v.field, words in v.description) for v in report.violations] == [
        ("api.http.url", True)
    ]
    api = await c.create(http_api(c, "plain", "https://h.test/x", "h.test"))
    err = await c.error(
        c.stub.UpdateApi(pb.UpdateApiRequest(id=api.meta.id, api=d, etag=api.meta.etag), metadata=c.md("editor"))
    )
    assert isinstance(err, ValidationError) and [v.field for v in err.field_violations] == ["api.http.url"]
