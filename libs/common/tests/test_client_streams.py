"""ServiceClient's typed view: round trips, and streams under the default deadline and the breaker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.client import connect
from opsuite_common.resilience import RetryPolicy
from opsuite_common.settings import ClientSettings
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client

#: Seconds the echo server waits between two items of a slow stream: far past the small default deadline.
NEVER = 30_000


async def test_a_typed_call_and_a_typed_stream_round_trip(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint())
    try:
        reply = await client.rpc.Echo(echo_pb2.EchoRequest(message="hi", payload=b"\x00\x01"))
        assert (reply.message, reply.payload, reply.attempt) == ("hi", b"\x00\x01", 1)
        items = [item.message async for item in client.rpc.EchoStream(echo_pb2.EchoRequest(message="s", count=3))]
        assert items == ["s#0", "s#1", "s#2"]
        stream = client.rpc.EchoStream(echo_pb2.EchoRequest(message="r", count=1))
        assert (await stream.read()).message == "r#0"
        assert await stream.read() is grpc.aio.EOF
    finally:
        await client.close()


async def test_the_typed_view_has_exactly_the_services_methods(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint())
    try:
        with pytest.raises(AttributeError):
            client.rpc.Nope
        assert callable(client.rpc.GetServerInfo)
    finally:
        await client.close()


async def test_a_stream_without_a_timeout_gets_the_default_deadline(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(), timeout=0.3)
    received: list[str] = []
    try:
        with pytest.raises(errors.DeadlineExceededError):
            async for item in client.rpc.EchoStream(echo_pb2.EchoRequest(message="d", count=2, sleep_ms=NEVER)):
                received.append(item.message)
    finally:
        await client.close()
    assert received == ["d#0"]  # opened, then cut by the deadline while the server was still going


async def test_timeout_none_keeps_a_stream_open_past_the_default_deadline(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(), timeout=0.1)
    try:
        # The second item comes after 0.6 s: six times the default deadline, which would have ended the stream.
        request = echo_pb2.EchoRequest(message="w", count=2, sleep_ms=600)
        items = [item.message async for item in client.rpc.EchoStream(request, timeout=None)]
    finally:
        await client.close()
    assert items == ["w#0", "w#1"]


async def test_an_explicit_stream_timeout_replaces_the_default(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(), timeout=60)
    stream = client.rpc.EchoStream(echo_pb2.EchoRequest(message="e", count=2, sleep_ms=NEVER), timeout=0.3)
    try:
        assert (await stream.read()).message == "e#0"
        with pytest.raises(errors.DeadlineExceededError):
            await stream.read()
    finally:
        await client.close()


async def test_streams_to_a_dead_target_open_the_breaker_after_fail_max(tokens):
    async with running_echo_server() as (handle, _):
        port = handle.port
    client = make_client(port, tokens.mint(), breaker_fail_max=2)
    try:
        for _ in range(2):
            with pytest.raises(errors.ServiceUnavailableError):
                async for _item in client.rpc.EchoStream(echo_pb2.EchoRequest(message="down"), timeout=2):
                    pass
        assert client.breaker.state == "open"
        with pytest.raises(errors.CircuitOpenError):
            await client.rpc.EchoStream(echo_pb2.EchoRequest(message="down")).read()
    finally:
        await client.close()


async def test_the_breaker_sees_a_streams_opening_not_its_later_errors(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(), breaker_fail_max=1)
    try:
        for _ in range(3):  # each stream opens (first item), then fails: fail_max=1 would open at once if counted
            stream = client.rpc.EchoStream(
                echo_pb2.EchoRequest(message="m", count=3, raise_error="ServiceUnavailableError")
            )
            assert (await stream.read()).message == "m#0"
            with pytest.raises(errors.ServiceUnavailableError):
                await stream.read()
        assert client.breaker.state == "closed" and client.breaker.fail_counter == 0
    finally:
        await client.close()


async def test_cancel_ends_a_stream(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint())
    try:
        stream = client.rpc.EchoStream(echo_pb2.EchoRequest(message="c", count=2, sleep_ms=NEVER), timeout=None)
        assert (await stream.read()).message == "c#0"
        assert stream.cancel()
        assert await stream.read() is grpc.aio.EOF
    finally:
        await client.close()


class _Events(cep_pb2_grpc.CepServiceServicer):
    """A loopback CepService that only implements the client-streaming StreamEvents (counts the batches)."""

    async def StreamEvents(self, request_iterator, context):
        batches = 0
        async for _ in request_iterator:
            batches += 1
        return cep_pb2.StreamEventsResponse(batches=batches)


@pytest.fixture
async def events_target() -> AsyncIterator[str]:
    server = grpc.aio.server()
    cep_pb2_grpc.add_CepServiceServicer_to_server(_Events(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(0)


def _events_client(target: str, timeout: float, fail_max: int = 5):
    settings = ClientSettings(timeout_s=timeout, retry_attempts=1, breaker_fail_max=fail_max)
    service = cep_pb2.DESCRIPTOR.services_by_name["CepService"]
    return connect(
        target, cep_pb2_grpc.CepServiceStub, service, settings=settings, breakers=settings.breaker_registry()
    )


async def test_a_client_stream_round_trips_and_gets_the_default_deadline(events_target):
    client = _events_client(events_target, timeout=0.3)

    async def forever() -> AsyncIterator[cep_pb2.PublishEventsRequest]:
        yield cep_pb2.PublishEventsRequest()
        await asyncio.Event().wait()  # the caller never ends its stream
        yield cep_pb2.PublishEventsRequest()

    try:
        batches = (cep_pb2.PublishEventsRequest() for _ in range(3))
        assert (await client.rpc.StreamEvents(batches)).batches == 3
        with pytest.raises(errors.DeadlineExceededError):
            await client.rpc.StreamEvents(forever())
        assert client.breaker.fail_counter == 1  # a client stream is one call for the breaker
    finally:
        await client.close()


async def test_client_streams_to_a_dead_target_open_the_breaker():
    async with running_echo_server() as (handle, _):
        dead = f"127.0.0.1:{handle.port}"
    client = _events_client(dead, timeout=2, fail_max=2)
    try:
        for _ in range(2):
            with pytest.raises(errors.ServiceUnavailableError):
                await client.rpc.StreamEvents(iter([cep_pb2.PublishEventsRequest()]))
        with pytest.raises(errors.CircuitOpenError):
            await client.rpc.StreamEvents(iter([cep_pb2.PublishEventsRequest()]))
    finally:
        await client.close()


def test_retry_policy_follows_the_settings():
    policy = ClientSettings(retry_attempts=7, retry_initial_backoff_s=0.5, retry_max_backoff_s=4).retry_policy()
    assert policy == RetryPolicy(max_attempts=7, initial_backoff_s=0.5, max_backoff_s=4)


async def test_a_stream_left_early_is_cancelled_by_async_with_and_by_aclose(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(), timeout=60)
    slow = echo_pb2.EchoRequest(message="e", count=2, sleep_ms=NEVER)  # the second item never comes in time
    try:
        async with client.rpc.EchoStream(slow) as stream:
            assert (await stream.read()).message == "e#0"
        assert stream._call.cancelled()  # the call ended with the block, not when its deadline passed
        other = client.rpc.EchoStream(slow)
        assert (await other.read()).message == "e#0"
        await other.aclose()
        assert other._call.cancelled() and await other.read() is grpc.aio.EOF
    finally:
        await client.close()
