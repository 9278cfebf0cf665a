"""Server reflection answers under both protocol versions, grpc.reflection.v1 and v1alpha: with the real
grpcurl binary, and with raw ServerReflectionInfo calls on each method path."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection_pb2

from opsuite_common.server.reflection import V1_REQUEST, V1_RESPONSE, V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME
from opsuite_common.testing.servers import running_echo_server

GRPCURL = str(Path(sys.executable).parent / "grpcurl")
ECHO = "opsuite.testing.v1.EchoService"


async def _grpcurl(port: int, *args: str, flags: Sequence[str] = ()) -> tuple[int, str, str]:
    # Asynchronously: the server runs on this test's event loop.
    proc = await asyncio.create_subprocess_exec(
        GRPCURL,
        "-plaintext",
        "-max-time",
        "10",
        *flags,
        f"127.0.0.1:{port}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return proc.returncode or 0, out.decode(), err.decode()


async def _reflect(port: int, service: str, requests: Sequence[Any], response_type: Any) -> list[Any]:
    """One ServerReflectionInfo stream on ``/<service>/ServerReflectionInfo``: every request, its answers."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.stream_stream(
            f"/{service}/ServerReflectionInfo",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response_type.FromString,
        )
        return [r async for r in call(iter(requests), timeout=10)]


async def test_grpcurl_lists_both_reflection_services_and_describes_v1():
    async with running_echo_server() as (handle, _):
        code, out, err = await _grpcurl(handle.port, "list")
        assert code == 0, err
        assert {ECHO, "grpc.health.v1.Health", V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME} <= set(out.split())

        code, out, err = await _grpcurl(handle.port, "describe", V1_SERVICE_NAME)
        assert code == 0, err
        assert "rpc ServerReflectionInfo ( stream .grpc.reflection.v1.ServerReflectionRequest )" in out


async def test_grpcurl_calls_the_v1_method_itself():
    """grpcurl resolves the v1 messages through reflection, then calls the v1 path with them."""
    async with running_echo_server() as (handle, _):
        request = json.dumps({"fileContainingSymbol": ECHO})
        code, out, err = await _grpcurl(handle.port, f"{V1_SERVICE_NAME}/ServerReflectionInfo", flags=["-d", request])
        assert code == 0, err
        answer = json.loads(out)
        assert answer["original_request"] == {"file_containing_symbol": ECHO}
        protos = [_file(base64.b64decode(b)) for b in answer["file_descriptor_response"]["file_descriptor_proto"]]
        assert "EchoService" in [s.name for f in protos for s in f.service]


async def test_raw_v1_stub_lists_services_and_returns_descriptors():
    async with running_echo_server() as (handle, _):
        requests = [
            V1_REQUEST(list_services=""),
            V1_REQUEST(file_containing_symbol=ECHO),
            V1_REQUEST(file_containing_symbol="no.such.Service"),
        ]
        listed, echo, missing = await _reflect(handle.port, V1_SERVICE_NAME, requests, V1_RESPONSE)
    assert {s.name for s in listed.list_services_response.service} >= {ECHO, V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME}
    assert echo.original_request.file_containing_symbol == ECHO
    files = [_file(b) for b in echo.file_descriptor_response.file_descriptor_proto]
    assert "EchoService" in [s.name for f in files for s in f.service]
    assert missing.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]


async def test_v1_describes_itself_like_the_published_proto():
    async with running_echo_server() as (handle, _):
        (answer,) = await _reflect(
            handle.port, V1_SERVICE_NAME, [V1_REQUEST(file_containing_symbol=V1_SERVICE_NAME)], V1_RESPONSE
        )
    (proto,) = [_file(b) for b in answer.file_descriptor_response.file_descriptor_proto]
    assert (proto.name, proto.package) == ("grpc/reflection/v1/reflection.proto", "grpc.reflection.v1")
    (method,) = proto.service[0].method
    assert (method.input_type, method.output_type) == (
        ".grpc.reflection.v1.ServerReflectionRequest",
        ".grpc.reflection.v1.ServerReflectionResponse",
    )
    assert proto.options.java_package == "io.grpc.reflection.v1"


async def test_both_versions_give_the_same_answers():
    async with running_echo_server() as (handle, _):
        (v1,) = await _reflect(handle.port, V1_SERVICE_NAME, [V1_REQUEST(file_containing_symbol=ECHO)], V1_RESPONSE)
        (v1alpha,) = await _reflect(
            handle.port,
            V1ALPHA_SERVICE_NAME,
            [reflection_pb2.ServerReflectionRequest(file_containing_symbol=ECHO)],
            reflection_pb2.ServerReflectionResponse,
        )
    assert v1.SerializeToString(deterministic=True) == v1alpha.SerializeToString(deterministic=True)


def _file(serialized: bytes) -> descriptor_pb2.FileDescriptorProto:
    return descriptor_pb2.FileDescriptorProto.FromString(serialized)
