"""Every error class round-trips through a real channel with its reason, metadata and details."""

from __future__ import annotations

import grpc
import pytest

from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common import errors
from opsuite_common.rpc_status import from_grpc_error

from .conftest import make_client

ALL_CLASSES = [
    errors.ValidationError,
    errors.AuthenticationError,
    errors.PermissionDeniedError,
    errors.NotFoundError,
    errors.ConflictError,
    errors.StaleEtagError,
    errors.FailedPreconditionError,
    errors.RateLimitedError,
    errors.ResourceLimitError,
    errors.ResultTooLargeError,
    errors.ServiceUnavailableError,
    errors.CircuitOpenError,
    errors.DatabaseUnavailableError,
    errors.DeadlineExceededError,
    errors.CancelledError,
    errors.UnimplementedError,
    errors.InternalError,
]


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
async def test_every_error_class_round_trips(echo_server, tokens, cls):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint())
    try:
        with pytest.raises(errors.OpsuiteError) as info:
            await client.rpc.Mutate(echo_pb2.EchoRequest(message="x", raise_error=cls.__name__))
    finally:
        await client.close()
    err = info.value
    assert type(err) is cls
    assert err.reason == cls.reason
    assert err.code == cls.code
    assert err.message == f"echo raised {cls.__name__}"
    assert err.metadata == {"resource": "echo"}
    if issubclass(cls, errors.ValidationError):
        assert [(v.field, v.description) for v in err.field_violations] == [
            ("message", "must not be empty"),
            ("count", "must be between 0 and 100"),
        ]
    if issubclass(cls, (errors.RateLimitedError, errors.ServiceUnavailableError)):
        assert err.retry_after == pytest.approx(0.05)
    else:
        assert err.retry_after is None


async def test_unexpected_exception_is_generic_internal_with_request_id(echo_server, tokens):
    handle, _ = echo_server
    async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
        stub = echo_pb2_grpc.EchoServiceStub(channel)
        md = (*tokens.metadata(), ("x-request-id", "req-leak-check"))
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await stub.Echo(echo_pb2.EchoRequest(message="m", raise_error="RuntimeError"), metadata=md)
    exc = info.value
    assert exc.code() == grpc.StatusCode.INTERNAL
    wire = exc.details() + repr(exc.trailing_metadata())
    for leaked in ("boom", "/srv", "SELECT", "s3cr3t", "Traceback", "secret.py"):
        assert leaked not in wire
    assert "req-leak-check" in exc.details()
    typed = from_grpc_error(exc)
    assert isinstance(typed, errors.InternalError)
    assert typed.metadata == {"request_id": "req-leak-check"}


async def test_streaming_error_is_typed(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint())
    got = []
    with pytest.raises(errors.NotFoundError):
        async for item in client.rpc.EchoStream(
            echo_pb2.EchoRequest(message="s", count=3, raise_error="NotFoundError")
        ):
            got.append(item.message)
    await client.close()
    assert got == ["s#0"]


def test_ok_code_is_rejected():
    with pytest.raises(TypeError):

        class Bad(errors.OpsuiteError):
            code = errors.Code.OK


def test_reason_must_be_upper_snake():
    with pytest.raises(ValueError):
        errors.NotFoundError("x", reason="not-found")


async def test_undecodable_request_is_invalid_argument_not_unknown(echo_server, tokens):
    handle, servicer = echo_server
    async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
        raw = channel.unary_unary("/opsuite.testing.v1.EchoService/Echo", lambda b: b, lambda b: b)
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await raw(b"\x0a\xff\xff\xff\xff\x0f", metadata=tokens.metadata())
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert from_grpc_error(info.value).reason == "MALFORMED_REQUEST"
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await raw(b"\x0a\xff\xff\xff\xff\x0f")  # no token: authentication still comes first
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert servicer.calls == 0


def test_huge_error_details_fit_in_grpc_trailers():
    """An error quoting a 70 kB input must still fit grpc's 16 KiB trailer limit (found by the fuzzer)."""
    from opsuite_common.rpc_status import to_status

    huge = errors.ValidationError(
        "bad value " + "x" * 70_000,
        field_violations=[errors.FieldViolation(f"f{i}", "y" * 5000) for i in range(100)],
        metadata={"k": "z" * 10_000},
    )
    status = to_status(huge)
    assert len(status.details) < 1024 + 20 * 600 + 2000
    assert sum(len(v) for _, v in status.trailing_metadata) < 16 * 1024


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        # grpc's own "message larger than max" carries no reason: a resource limit, never a rate limit.
        (errors.Code.RESOURCE_EXHAUSTED, None, errors.ResourceLimitError),
        (errors.Code.RESOURCE_EXHAUSTED, "SCRIPT_MEMORY_LIMIT", errors.ResourceLimitError),
        (errors.Code.RESOURCE_EXHAUSTED, "RESULT_TOO_LARGE", errors.ResultTooLargeError),
        (errors.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", errors.RateLimitedError),
        (errors.Code.RESOURCE_EXHAUSTED, "CONCURRENCY_LIMITED", errors.RateLimitedError),
        (errors.Code.OUT_OF_RANGE, None, errors.ValidationError),
        (errors.Code.UNAVAILABLE, "CIRCUIT_OPEN", errors.CircuitOpenError),
        # A reason whose class has another code does not win over the code.
        (errors.Code.NOT_FOUND, "CIRCUIT_OPEN", errors.NotFoundError),
        (errors.Code.DATA_LOSS, None, errors.InternalError),
    ],
)
def test_a_status_maps_back_to_the_most_specific_class(code, reason, expected):
    assert errors.error_class_for(code, reason) is expected


def test_a_reason_belongs_to_one_class():
    with pytest.raises(TypeError, match="already belongs"):

        class Clash(errors.OpsuiteError):
            reason = "RATE_LIMITED"
