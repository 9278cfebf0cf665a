"""Through a real server: one access-log line per RPC with context; secrets never reach the logs."""

from __future__ import annotations

import io
import json

import pytest

from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common import errors
from opsuite_common.logging import configure_logging
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client


@pytest.fixture
def captured():
    buf = io.StringIO()
    configure_logging("echo", fmt="json", stream=buf)
    yield buf
    configure_logging("test", fmt="json")


def _lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def _stream_access(buf: io.StringIO) -> list[dict]:
    return [line for line in _lines(buf) if line.get("event") == "rpc" and line["method"].endswith("/EchoStream")]


async def test_access_log_line_per_rpc_with_request_context(captured, tokens):
    async with running_echo_server() as (handle, _):
        client = make_client(handle.port, tokens.mint(tenant="acme", subject="dora"))
        await client.rpc.Echo(echo_pb2.EchoRequest(message="hello"), metadata=[("x-request-id", "trace-1")])
        with pytest.raises(errors.NotFoundError):
            await client.rpc.Echo(echo_pb2.EchoRequest(message="nf", raise_error="NotFoundError"))
        await client.close()
    access = [line for line in _lines(captured) if line.get("event") == "rpc"]
    assert len(access) == 2
    first, second = access
    assert first["code"] == "OK" and first["request_id"] == "trace-1"
    assert first["method"] == "/opsuite.testing.v1.EchoService/Echo"
    assert first["tenant"] == "acme" and first["subject"] == "dora" and first["service"] == "echo"
    assert isinstance(first["duration_ms"], float)
    assert second["code"] == "NOT_FOUND"


async def test_tokens_and_secrets_never_reach_the_logs(captured, tokens):
    token = tokens.mint(tenant="acme")
    bad_token = token[:-4] + "AAAA"
    async with running_echo_server() as (handle, _):
        client = make_client(handle.port, token)
        with pytest.raises(errors.InternalError):
            await client.rpc.Echo(echo_pb2.EchoRequest(message="x", raise_error="RuntimeError"))
        await client.close()
        forged = make_client(handle.port, bad_token)
        with pytest.raises(errors.AuthenticationError):
            await forged.rpc.Echo(echo_pb2.EchoRequest(message="x"))
        await forged.close()
    text = captured.getvalue()
    assert "unhandled error in RPC handler" in text  # the traceback was logged...
    assert "s3cr3t" not in text  # ...with the secret in it masked
    assert token not in text and bad_token not in text
    assert token.split(".")[1] not in text


@pytest.mark.parametrize("failure", ["RuntimeError", "UnavailableError"])
async def test_a_stream_the_caller_cancels_is_logged_as_cancelled_without_a_traceback(captured, tokens, failure):
    async with running_echo_server() as (handle, servicer):
        token = tokens.mint(tenant="acme")
        client = make_client(handle.port, token)
        call = echo_pb2_grpc.EchoServiceStub(client.channel).EchoStream(
            echo_pb2.EchoRequest(message="m", count=2, sleep_ms=30_000, raise_error=failure),
            metadata=[("authorization", f"Bearer {token}")],
        )
        assert (await call.read()).message == "m#0"
        call.cancel()  # the handler's cleanup then fails with ``failure``
        await eventually(lambda: _stream_access(captured), what="the cancelled stream's access line")
        await client.close()
    [access] = _stream_access(captured)
    assert access["code"] == "CANCELLED"
    text = captured.getvalue()
    assert "INTERNAL" not in text and "Traceback" not in text and "unhandled error" not in text


async def test_refusals_by_a_limit_are_summarised_not_logged_one_line_each(captured, tokens):
    """A runaway client refused 30 times in a row leaves one access line (a flood must not flood the log)."""
    # Refusals answered at once (no hold), so that all 30 fall within the summary's one-second window.
    async with running_echo_server(rate_limit_per_s=0.01, rate_limit_burst=1, rate_limit_refusal_hold_s=0) as (
        handle,
        _,
    ):
        client = make_client(handle.port, tokens.mint(tenant="acme", subject="dora"))
        await client.rpc.Echo(echo_pb2.EchoRequest(message="first"))
        refused = 0
        for _ in range(30):
            with pytest.raises(errors.RateLimitedError):
                await client.rpc.Echo(echo_pb2.EchoRequest(message="again"))
            refused += 1
        await client.close()
    access = [line for line in _lines(captured) if line.get("event") == "rpc"]
    codes = [line["code"] for line in access]
    assert codes.count("OK") == 1
    limited = [line for line in access if line["code"] == "RESOURCE_EXHAUSTED"]
    assert refused == 30
    # One line a second per tenant, method and reason; the refusals left out are counted into the next line.
    assert 1 <= len(limited) < 5
    assert all(line["reason"] == "RATE_LIMITED" and line["tenant"] == "acme" for line in limited)
    assert len(limited) + sum(line.get("suppressed", 0) for line in limited) <= 30
    assert not [line for line in _lines(captured) if line.get("event") == "rpc error"]
