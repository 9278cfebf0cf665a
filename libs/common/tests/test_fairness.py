"""Fair sharing over a real channel: per-tenant rate limits and per-tenant caps on calls in progress."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import grpc
import pytest

from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common import errors
from opsuite_common.auth import Role, requires
from opsuite_common.ratelimit import EXECUTION, STREAM, ConcurrencyLimiter, RateLimit, holds_slots
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.echo import EchoServicer
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import EchoSettings, TokenFactory, running_echo_server


class GatedEcho(EchoServicer):
    """Echo that holds an execution slot (and EchoStream a stream slot) until ``gate`` opens."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = 0

    @requires(Role.VIEWER)
    @holds_slots(EXECUTION)
    async def Echo(self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext) -> echo_pb2.EchoResponse:
        """Wait for the gate when asked to hold."""
        if request.message.startswith("hold"):
            self.waiting += 1
            try:
                await self.gate.wait()
            finally:
                self.waiting -= 1
        return echo_pb2.EchoResponse(message=request.message)

    @requires(Role.VIEWER)
    @holds_slots(STREAM)
    async def EchoStream(
        self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[echo_pb2.EchoResponse]:
        """One item, then wait for the gate."""
        yield echo_pb2.EchoResponse(message=request.message)
        await self.gate.wait()


@contextlib.asynccontextmanager
async def serving(
    servicer: EchoServicer | None = None, **settings: object
) -> AsyncIterator[tuple[echo_pb2_grpc.EchoServiceStub, EchoServicer]]:
    """An echo server with ``settings`` and a stub on a real channel to it."""
    async with (
        running_echo_server(servicer, **settings) as (handle, served),
        grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as ch,
    ):
        yield echo_pb2_grpc.EchoServiceStub(ch), served


def md(tokens: TokenFactory, tenant: str) -> tuple[tuple[str, str], ...]:
    return tokens.metadata(tenant, ["viewer"])


async def _error(call: object) -> errors.OpsuiteError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call  # type: ignore[misc]
    return from_grpc_error(info.value)


def test_rate_limits_are_on_by_default():
    settings = EchoSettings()
    assert settings.default_rate_limit() == RateLimit(100, 200)
    assert settings.tenant_slot_caps() == {EXECUTION: 32, STREAM: 100}


def test_a_caps_refusal_takes_nothing_and_release_gives_back():
    limiter = ConcurrencyLimiter({EXECUTION: 1, STREAM: 1})
    held = limiter.acquire("t", [EXECUTION], "/s/M")
    # Refused on the execution slot: the stream slot it also asked for is not taken either.
    with pytest.raises(errors.RateLimitedError):
        limiter.acquire("t", [STREAM, EXECUTION], "/s/S")
    assert limiter.in_use("t", STREAM) == 0
    limiter.release("t", held)
    assert limiter.in_use("t", EXECUTION) == 0
    assert limiter.acquire("t", [STREAM, EXECUTION], "/s/S") == (STREAM, EXECUTION)


async def test_a_tenant_over_its_rate_is_refused_with_retry_info_while_another_is_served(tokens):
    async with serving(rate_limit_per_s=1, rate_limit_burst=3) as (stub, servicer):
        for i in range(3):
            await stub.Echo(echo_pb2.EchoRequest(message=f"a{i}"), metadata=md(tokens, "noisy"))
        err = await _error(stub.Echo(echo_pb2.EchoRequest(message="a3"), metadata=md(tokens, "noisy")))
        assert err.code == errors.Code.RESOURCE_EXHAUSTED and err.reason == "RATE_LIMITED"
        assert err.retry_after is not None and 0 < err.retry_after <= 1.5
        assert servicer.attempts["a3"] == 0  # refused before the handler ran
        for i in range(3):
            reply = await stub.Echo(echo_pb2.EchoRequest(message=f"b{i}"), metadata=md(tokens, "quiet"))
            assert reply.message == f"b{i}"


async def test_execution_cap_refuses_the_next_call_and_frees_slots_on_end_and_on_cancel(tokens):
    servicer = GatedEcho()
    async with serving(servicer, tenant_max_executions=2) as (stub, _):
        a = md(tokens, "tenant-a")
        held = [stub.Echo(echo_pb2.EchoRequest(message=f"hold{i}"), metadata=a) for i in range(2)]
        await eventually(lambda: servicer.waiting == 2, what="two held calls")
        err = await _error(stub.Echo(echo_pb2.EchoRequest(message="third"), metadata=a))
        assert err.code == errors.Code.RESOURCE_EXHAUSTED and err.reason == "CONCURRENCY_LIMITED"
        assert err.retry_after is not None and err.retry_after > 0
        assert err.metadata["slot"] == EXECUTION and err.metadata["limit"] == "2"
        # Another tenant has its own slots.
        assert (await stub.Echo(echo_pb2.EchoRequest(message="b"), metadata=md(tokens, "tenant-b"))).message == "b"
        # The caller cancels one held call: its slot comes back.
        held[0].cancel()
        await eventually(lambda: servicer.waiting == 1, what="the cancelled call to end")
        late = stub.Echo(echo_pb2.EchoRequest(message="hold-late"), metadata=a)
        await eventually(lambda: servicer.waiting == 2, what="a call in the freed slot")
        # Both held calls end normally: their slots come back too.
        servicer.gate.set()
        assert (await held[1]).message == "hold1" and (await late).message == "hold-late"
        servicer.gate.clear()
        more = [stub.Echo(echo_pb2.EchoRequest(message=f"hold-again{i}"), metadata=a) for i in range(2)]
        await eventually(lambda: servicer.waiting == 2, what="two new held calls")
        servicer.gate.set()
        assert [(await c).message for c in more] == ["hold-again0", "hold-again1"]


async def test_stream_cap_refuses_another_open_stream_until_one_is_cancelled(tokens):
    servicer = GatedEcho()
    async with serving(servicer, tenant_max_streams=2) as (stub, _):
        a = md(tokens, "tenant-a")
        streams = [stub.EchoStream(echo_pb2.EchoRequest(message=f"s{i}"), metadata=a) for i in range(2)]
        assert [(await s.read()).message for s in streams] == ["s0", "s1"]
        refused = stub.EchoStream(echo_pb2.EchoRequest(message="s2"), metadata=a)
        err = await _error(refused.read())
        assert err.reason == "CONCURRENCY_LIMITED" and err.metadata["slot"] == STREAM
        assert err.retry_after is not None
        other = stub.EchoStream(echo_pb2.EchoRequest(message="b"), metadata=md(tokens, "tenant-b"))
        assert (await other.read()).message == "b"
        other.cancel()
        streams[0].cancel()

        async def a_stream_in_the_freed_slot() -> tuple[grpc.aio.UnaryStreamCall, echo_pb2.EchoResponse] | None:
            candidate = stub.EchoStream(echo_pb2.EchoRequest(message="s3"), metadata=a)
            try:
                return candidate, await candidate.read()
            except grpc.aio.AioRpcError as exc:
                assert from_grpc_error(exc).reason == "CONCURRENCY_LIMITED"
                return None

        # The server learns of the cancellation asynchronously: refused (over the cap) until it has.
        candidate, again = await eventually(a_stream_in_the_freed_slot, what="a stream in the slot the cancel freed")
        assert again.message == "s3"
        servicer.gate.set()
        candidate.cancel()
        streams[1].cancel()
