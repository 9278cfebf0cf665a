"""Outbound SSRF guard, black-box through the API: rebinding, odd spellings, CGNAT, NAT64, metadata."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.server import create_server
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.servers import TokenFactory

from .conftest import Cep, make_settings, struct
from .fakes import FakeWebhook

PUBLIC = "93.184.216.34"


class FakeInternetLoop(asyncio.SelectorEventLoop):
    """An event loop with a DNS and an internet of its own, for names and addresses the test owns.

    ``rebind.test`` answers a public address on the first lookup and 127.0.0.1 on every later one, and
    the public address refuses connections. Everything else is the real network. The event loop's
    getaddrinfo is where both the guard (``system_resolver``) and httpx (anyio) resolve names.
    """

    def __init__(self) -> None:
        super().__init__()
        self.lookups: list[str] = []

    async def getaddrinfo(self, host: Any, port: Any, **kw: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else host
        if name == "rebind.test":
            address = PUBLIC if not self.lookups else "127.0.0.1"
            self.lookups.append(address)
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port)))]
        return await super().getaddrinfo(host, port, **kw)

    async def create_connection(self, protocol_factory: Any, host: Any = None, port: Any = None, **kw: Any) -> Any:
        if host == PUBLIC:
            raise ConnectionRefusedError(f"{PUBLIC} refuses connections in this test")
        return await super().create_connection(protocol_factory, host, port, **kw)


def test_a_name_that_rebinds_to_loopback_after_the_check_never_reaches_loopback(tmp_path: Path) -> None:
    """The guard connects to the public address it checked; a second lookup (now 127.0.0.1) never happens."""

    async def scenario() -> tuple[cep_pb2.TestChannelResponse, list[Any], list[str]]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, FakeInternetLoop)
        hook = FakeWebhook()
        await hook.start()
        port = hook.port
        settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'cep.db'}", outbound_allow=[])
        handle = await create_server(settings)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        try:
            stub = cep_pb2_grpc.CepServiceStub(channel)
            md = TokenFactory().metadata("tenant-a", ["admin"])
            config = struct({"url": f"http://rebind.test:{port}/hook"})
            ch = await stub.CreateChannel(
                cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=config), metadata=md
            )
            test = await stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=md)
        finally:
            await channel.close()
            await handle.stop(0)
            await hook.stop()
        return test, hook.received, loop.lookups

    with asyncio.Runner(loop_factory=FakeInternetLoop) as runner:
        test, received, lookups = runner.run(scenario())
    assert received == []  # nothing reached the loopback server
    assert lookups == [PUBLIC]  # resolved once: the address checked is the address connected to
    assert not test.ok and test.reason == "CHANNEL_UNREACHABLE", test


@pytest.mark.parametrize(
    "url",
    [
        "http://100.64.0.1/hook",  # carrier-grade NAT
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 form of 127.0.0.1
        "http://[::1]/hook",  # IPv6 loopback (odd IPv4 spellings are refused as ambiguous: test_outbound_policy)
        "http://169.254.169.254/latest/meta-data",  # cloud metadata
        "http://[::ffff:10.0.0.1]/hook",  # IPv4-mapped private address
    ],
)
async def test_forbidden_destinations_are_ssrf_blocked_with_the_setting_to_change(
    sqlite_url: str, start_cep: Any, url: str
) -> None:
    cep: Cep = await start_cep(sqlite_url, outbound_allow=[])
    for kind in ("webhook", "slack"):  # refused when the channel is saved
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await cep.stub.CreateChannel(
                cep_pb2.CreateChannelRequest(name=kind, kind=kind, config=struct({"url": url})), metadata=cep.md()
            )
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED, (kind, info.value)
        assert from_grpc_error(info.value).reason == "SSRF_BLOCKED"
        assert "OPSUITE_OUTBOUND_ALLOW" in (info.value.details() or "")
