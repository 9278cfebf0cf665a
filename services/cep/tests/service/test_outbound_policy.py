"""The operator's outbound policy for channels, black-box over gRPC with the server's resolver injected.

An upstream webhook listens on 127.0.0.2 and a canary on 127.0.0.1 at the same port (all of 127/8 is
loopback on Linux): the canary must never see a connection unless the operator opened 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.settings import OutboundSettings
from opsuite_common.testing.dns import TableResolver
from opsuite_common.testing.http import upstream_and_canary

from .conftest import Cep, struct
from .fakes import FakeWebhook


@pytest.fixture
async def hooks() -> AsyncIterator[tuple[FakeWebhook, FakeWebhook]]:
    """(upstream on 127.0.0.2, canary on 127.0.0.1), on one port."""
    upstream, canary = await upstream_and_canary(FakeWebhook)
    yield upstream, canary
    await upstream.stop()
    await canary.stop()


def operator(*allow: str) -> dict[str, Any]:
    """Settings overrides: the operator's OPSUITE_OUTBOUND_ALLOW, and no deprecated cep alias."""
    return {"outbound": OutboundSettings(allow=allow), "outbound_allow": []}


async def send_test(cep: Cep, url: str) -> cep_pb2.TestChannelResponse:
    ch = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": url})), metadata=cep.md()
    )
    return await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=cep.md())


async def test_the_operator_allow_list_opens_an_address_and_only_that_one(
    sqlite_url: str, start_cep: Any, hooks: tuple[FakeWebhook, FakeWebhook]
) -> None:
    upstream, canary = hooks
    resolver = TableResolver({"hooks.test": [["127.0.0.2"]]})
    cep: Cep = await start_cep(sqlite_url, resolver=resolver, **operator("127.0.0.2"))
    reply = await send_test(cep, f"http://hooks.test:{upstream.port}/hook")
    assert reply.ok, reply
    assert upstream.paths == ["/hook"] and canary.paths == []


async def test_a_name_that_rebinds_to_loopback_is_never_connected_to_there(
    sqlite_url: str, start_cep: Any, hooks: tuple[FakeWebhook, FakeWebhook]
) -> None:
    upstream, canary = hooks
    # The operator lists the NAME as well: that admits the name, not the loopback address it turns into.
    resolver = TableResolver({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})
    cep: Cep = await start_cep(sqlite_url, resolver=resolver, **operator("127.0.0.2", "rebind.test"))
    ch = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(
            name="hook", kind="webhook", config=struct({"url": f"http://rebind.test:{upstream.port}/hook"})
        ),
        metadata=cep.md(),
    )
    first = await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=cep.md())
    second = await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=cep.md())
    assert first.ok, first
    assert not second.ok and second.reason == "SSRF_BLOCKED" and "loopback" in second.error, second
    assert upstream.paths == ["/hook"] and canary.paths == []
    assert resolver.lookups == ["rebind.test", "rebind.test"]


@pytest.mark.parametrize(
    "table",
    [
        {"mixed.test": [["127.0.0.2", "127.0.0.1"]]},  # one answer the operator did not open
        {"mixed.test": [["127.0.0.1"]]},  # an allow-listed name resolving to loopback
    ],
    ids=["mixed-answers", "listed-name-to-loopback"],
)
async def test_a_name_with_a_forbidden_answer_is_refused_on_the_first_call(
    sqlite_url: str, start_cep: Any, hooks: tuple[FakeWebhook, FakeWebhook], table: dict[str, list[list[str]]]
) -> None:
    upstream, canary = hooks
    cep: Cep = await start_cep(sqlite_url, resolver=TableResolver(table), **operator("127.0.0.2", "mixed.test"))
    reply = await send_test(cep, f"http://mixed.test:{upstream.port}/hook")
    assert not reply.ok and reply.reason == "SSRF_BLOCKED" and "OPSUITE_OUTBOUND_ALLOW" in reply.error, reply
    assert upstream.paths == [] and canary.paths == []


async def test_the_deprecated_cep_setting_still_opens_addresses(
    sqlite_url: str, start_cep: Any, hooks: tuple[FakeWebhook, FakeWebhook]
) -> None:
    upstream, canary = hooks
    cep: Cep = await start_cep(
        sqlite_url, resolver=TableResolver({"hooks.test": [["127.0.0.2"]]}), outbound_allow=["127.0.0.2"]
    )
    assert (await send_test(cep, f"http://hooks.test:{upstream.port}/hook")).ok
    assert upstream.paths == ["/hook"] and canary.paths == []


AMBIGUOUS = [
    ("http://a.test\\@127.0.0.2/hook", "backslash"),
    ("http://a.test%40b.test/hook", "percent-encoded"),
    ("http://a@b@c.test/hook", "more than one '@'"),
    ("http://2130706433/hook", "unusual spelling"),
    ("http://0x7f.1/hook", "unusual spelling"),
    ("http://h.test:0/hook", "port"),
    ("http:///hook", "no host"),
]


@pytest.mark.parametrize(("url", "words"), AMBIGUOUS)
async def test_ambiguous_urls_are_refused_at_create_and_update_with_their_field(
    sqlite_url: str, start_cep: Any, url: str, words: str
) -> None:
    cep: Cep = await start_cep(sqlite_url, **operator("0.0.0.0/0"))
    for kind in ("webhook", "slack"):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await cep.stub.CreateChannel(
                cep_pb2.CreateChannelRequest(name=kind, kind=kind, config=struct({"url": url})), metadata=cep.md()
            )
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (kind, info.value)
        [violation] = from_grpc_error(info.value).field_violations
        assert violation.field == "config.url" and words in violation.description, violation
    ch = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="ok", kind="webhook", config=struct({"url": "https://hooks.example.com/"})),
        metadata=cep.md(),
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await cep.stub.UpdateChannel(
            cep_pb2.UpdateChannelRequest(id=ch.meta.id, etag=ch.meta.etag, config=struct({"url": url})),
            metadata=cep.md(),
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in from_grpc_error(info.value).field_violations] == ["config.url"]


async def test_an_ambiguous_smtp_host_is_refused_with_its_field(sqlite_url: str, start_cep: Any) -> None:
    cep: Cep = await start_cep(sqlite_url, **operator())
    config = {"host": "2130706433", "from": "cep@example.com", "to": ["ops@example.com"]}
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="mail", kind="email", config=struct(config)), metadata=cep.md()
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    [violation] = from_grpc_error(info.value).field_violations
    assert violation.field == "config.host" and "127.0.0.1" in violation.description
