"""Sender with an injected resolver: it connects to the address the guard checked (HTTP and SMTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from opsuite_cep.adapters.senders import Sender, outbound_policy
from opsuite_common.errors import FailedPreconditionError, PermissionDeniedError, ServiceUnavailableError
from opsuite_common.settings import OutboundSettings
from opsuite_common.testing.dns import TableResolver

from .fakes import FakeWebhook, Mailbox, running_mailbox

PAYLOAD = {"kind": "firing", "rule": "cpu-high", "severity": "critical", "labels": {"host": "h1"}}


def sender(allow: list[str], resolver: TableResolver) -> Sender:
    return Sender(outbound_policy(OutboundSettings(allow=tuple(allow))), 2.0, resolver=resolver)


@pytest.fixture
async def recorder() -> AsyncIterator[FakeWebhook]:
    hook = FakeWebhook()
    await hook.start()
    yield hook
    await hook.stop()


async def test_webhook_to_an_allow_listed_name_goes_to_the_resolved_address_with_its_name(
    recorder: FakeWebhook,
) -> None:
    resolver = TableResolver({"hooks.internal": [["127.0.0.1"]]})
    s = sender(["127.0.0.1"], resolver)  # the operator opened the address; the name is anything resolving there
    try:
        await s.send("t", "webhook", {"url": f"http://hooks.internal:{recorder.port}/h"}, PAYLOAD)
        await s.send("t", "slack", {"url": f"http://hooks.internal:{recorder.port}/s"}, PAYLOAD)
    finally:
        await s.close()
    assert recorder.paths == ["/h", "/s"]
    assert all(headers["host"] == f"hooks.internal:{recorder.port}" for headers, _ in recorder.received)


@pytest.mark.parametrize("allow", [[], ["hooks.internal"], ["*.internal"]])
async def test_a_name_resolving_to_loopback_is_blocked_even_when_the_name_is_allow_listed(
    recorder: FakeWebhook, allow: list[str]
) -> None:
    s = sender(allow, TableResolver({"hooks.internal": [["127.0.0.1"]]}))
    try:
        for kind in ("webhook", "slack"):
            with pytest.raises(PermissionDeniedError, match="OPSUITE_OUTBOUND_ALLOW") as info:
                await s.send("t", kind, {"url": f"http://hooks.internal:{recorder.port}/h"}, PAYLOAD)
            assert info.value.reason == "SSRF_BLOCKED"
    finally:
        await s.close()
    assert recorder.paths == []


async def test_a_stored_ambiguous_url_is_rejected_without_connecting(recorder: FakeWebhook) -> None:
    s = sender(["127.0.0.1"], TableResolver({}))
    try:
        for url in (f"http://evil.test\\@127.0.0.1:{recorder.port}/h", f"http://2130706433:{recorder.port}/h"):
            with pytest.raises(FailedPreconditionError) as info:
                await s.send("t", "webhook", {"url": url}, PAYLOAD)
            assert info.value.reason == "CHANNEL_REJECTED" and "update the channel" in info.value.message
    finally:
        await s.close()
    assert recorder.paths == []


async def test_an_unresolvable_host_is_channel_unreachable() -> None:
    s = sender([], TableResolver({}))
    try:
        for kind, config in (
            ("webhook", {"url": "http://nowhere.test/h"}),
            ("email", {"host": "nowhere.test", "from": "cep@example.com", "to": ["ops@example.com"]}),
        ):
            with pytest.raises(ServiceUnavailableError) as info:
                await s.send("t", kind, config, PAYLOAD)
            assert info.value.reason == "CHANNEL_UNREACHABLE", kind
    finally:
        await s.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with running_mailbox() as (box, port):
        yield box, port


async def test_email_connects_to_the_checked_address_and_is_blocked_like_http(smtp: Any) -> None:
    box, port = smtp
    config = {"host": "mail.internal", "port": port, "from": "cep@example.com", "to": ["ops@example.com"]}
    blocked = sender([], TableResolver({"mail.internal": [["127.0.0.1"]]}))
    try:
        with pytest.raises(PermissionDeniedError) as info:
            await blocked.send("t", "email", config, PAYLOAD)
        assert info.value.reason == "SSRF_BLOCKED" and box.messages == []
    finally:
        await blocked.close()
    named = sender(["mail.internal"], TableResolver({"mail.internal": [["127.0.0.1"]]}))
    try:
        with pytest.raises(PermissionDeniedError, match="loopback"):  # the name is listed, not the address
            await named.send("t", "email", config, PAYLOAD)
        assert box.messages == []
    finally:
        await named.close()
    # smtplib alone cannot resolve mail.internal: the message arriving proves it went to our checked address.
    allowed = sender(["127.0.0.1"], TableResolver({"mail.internal": [["127.0.0.1"]]}))
    try:
        await allowed.send("t", "email", config, PAYLOAD)
    finally:
        await allowed.close()
    assert len(box.messages) == 1 and box.messages[0].rcpt_tos == ["ops@example.com"]


async def test_a_stored_config_from_before_header_checks_never_sets_host(recorder: FakeWebhook) -> None:
    s = sender(["127.0.0.1"], TableResolver({}))
    try:
        config = {"url": f"http://127.0.0.1:{recorder.port}/h", "headers": {"Host": "internal.example", "X-Team": "a"}}
        await s.send("t", "webhook", config, PAYLOAD)
    finally:
        await s.close()
    [(headers, _)] = recorder.received
    assert headers["host"] == f"127.0.0.1:{recorder.port}" and headers["x-team"] == "a"
