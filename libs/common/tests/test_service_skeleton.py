"""The one service skeleton (``create_service_server``) over a real channel: app lifecycle, GetServerInfo,
fail-closed registration and named pipeline slots."""

from __future__ import annotations

import socket

import grpc
import pytest

from opsuite.common.v1 import common_pb2
from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common.server import (
    STAGE_SLOTS,
    create_service_server,
    in_slot_order,
    package_version,
)
from opsuite_common.server.stages import AccessLogStage
from opsuite_common.testing.echo import ECHO_SERVICE, EchoServicer
from opsuite_common.testing.servers import EchoSettings, auth_settings_for_tests


class RecordingApp:
    """An App that records what the skeleton did to it, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def start(self) -> None:
        self.events.append("start")

    def draining(self, grace_ends: float | None) -> None:
        self.events.append("draining")

    async def aclose(self) -> None:
        self.events.append("aclose")


async def _host(app: RecordingApp, port: int = 0):
    return await create_service_server(
        service="echo",
        settings=EchoSettings(port=port, auth=auth_settings_for_tests()),
        app=app,
        descriptor=ECHO_SERVICE,
        servicer=EchoServicer(),
        add_servicer=echo_pb2_grpc.add_EchoServiceServicer_to_server,
    )


async def test_the_app_starts_before_serving_and_closes_after_the_drain(tokens):
    app = RecordingApp()
    handle = await _host(app)
    assert handle.app is app and app.events == ["start"]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
        stub = echo_pb2_grpc.EchoServiceStub(channel)
        info = await stub.GetServerInfo(
            common_pb2.GetServerInfoRequest(), metadata=tokens.metadata(tenant="acme", roles=["viewer"])
        )
        assert info.service == "echo" and info.version == package_version("opsuite-common") != "0+unknown"
        assert info.caller.tenant == "acme" and list(info.caller.roles) == ["viewer"]
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.GetServerInfo(common_pb2.GetServerInfoRequest())  # no token: the common handler is guarded
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    await handle.stop(1)
    assert app.events == ["start", "draining", "aclose"]


async def test_a_server_that_cannot_start_closes_its_app():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    app = RecordingApp()
    try:
        with pytest.raises(OSError):
            await _host(app, port=taken.getsockname()[1])
    finally:
        taken.close()
    assert app.events == ["start", "aclose"]


async def test_a_handler_added_to_the_raw_server_is_refused(tokens):
    """Registration outside the pipeline would skip auth and error mapping: the raw server refuses it."""
    handle = await _host(RecordingApp())
    try:
        raw = grpc.method_handlers_generic_handler(
            "opsuite.testing.v1.Sneaky",
            {"Call": grpc.unary_unary_rpc_method_handler(lambda req, ctx: echo_pb2.EchoResponse())},
        )
        with pytest.raises(RuntimeError, match="through the server pipeline"):
            handle.server.add_generic_rpc_handlers((raw,))
        with pytest.raises(RuntimeError, match="through the server pipeline"):
            handle.server.add_registered_method_handlers("opsuite.testing.v1.Sneaky", {})
    finally:
        await handle.stop(0)


def test_pipeline_slots_are_named_and_ordered():
    log = AccessLogStage()
    assert in_slot_order({"access_log": log}) == [log]
    assert STAGE_SLOTS.index("metrics") == STAGE_SLOTS.index("access_log") + 1  # sees the final status code
    assert STAGE_SLOTS.index("error_mapping") < STAGE_SLOTS.index("auth") < STAGE_SLOTS.index("rate_limit")
    with pytest.raises(ValueError, match="unknown pipeline slots"):
        in_slot_order({"acess_log": log})
