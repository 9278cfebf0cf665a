"""Property-based fuzzing of every RPC of every service, through real channels to real processes.

Requests are generated from the proto descriptors (tests/reliability/protofuzz.py) and sent with a
valid admin token and without one. Expected: never INTERNAL or UNKNOWN, every error carries an
ErrorInfo reason, no call hangs past its deadline, an unauthenticated call is UNAUTHENTICATED, and
the service is still SERVING afterwards. Raw garbage and oversize messages must not take a server
down. ``OPSUITE_FUZZ_EXAMPLES`` raises the number of cases per RPC (default 15).
"""

from __future__ import annotations

import json
import os
import socket
from collections import Counter
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsuite.apimanager.v1 import api_manager_pb2
from opsuite.cep.v1 import cep_pb2
from opsuite.ops.v1 import ops_pb2
from opsuite_common.testing.servers import TokenFactory

from .protofuzz import message_strategy

EXAMPLES = int(os.environ.get("OPSUITE_FUZZ_EXAMPLES", "15"))
STREAM_S = 1.0
SUMMARY: dict[str, dict[str, int]] = {}
SUMMARY_PATH = Path(__file__).resolve().parents[2] / "bench" / "results" / "reliability" / "fuzz_summary.json"

DESCRIPTORS = {
    "api_manager": api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"],
    "cep": cep_pb2.DESCRIPTOR.services_by_name["CepService"],
    "ops": ops_pb2.DESCRIPTOR.services_by_name["OpsService"],
}
CASES = [(svc, m.name) for svc, d in DESCRIPTORS.items() for m in d.methods]
TOKEN = TokenFactory().mint(tenant="fuzz-tenant", roles=["admin"], subject="fuzzer")


def _reason(err: grpc.RpcError) -> str | None:
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    return info.reason
    return None


def _invoke(channel: grpc.Channel, svc: str, method: str, request, metadata) -> None:
    m = DESCRIPTORS[svc].methods_by_name[method]
    path = f"/{DESCRIPTORS[svc].full_name}/{method}"
    ser, de = type(request).SerializeToString, lambda b: b
    if m.client_streaming:
        call = channel.stream_stream(path, ser, de) if m.server_streaming else channel.stream_unary(path, ser, de)
        result = call(iter([request, request]), timeout=15, metadata=metadata)
    elif m.server_streaming:
        # Watch streams stay open by design: a short deadline ends them from our side.
        result = channel.unary_stream(path, ser, de)(request, timeout=STREAM_S, metadata=metadata)
    else:
        channel.unary_unary(path, ser, de)(request, timeout=15, metadata=metadata)
        return
    if m.server_streaming:
        for n, _ in enumerate(result):
            if n >= 20:  # a watch stream never ends on its own
                result.cancel()
                break


@pytest.mark.parametrize(("svc", "method"), CASES, ids=[f"{s}.{m}" for s, m in CASES])
def test_fuzz_rpc(stack, svc, method):
    stats = SUMMARY.setdefault(f"{svc}.{method}", Counter())
    desc = DESCRIPTORS[svc].methods_by_name[method]
    input_type = desc.input_type
    server_stream = desc.server_streaming and not desc.client_streaming
    with grpc.insecure_channel(
        stack.target(svc), options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    ) as channel:

        @settings(
            max_examples=min(EXAMPLES, 8) if server_stream else EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
        )
        @given(request=message_strategy(input_type), with_token=st.booleans())
        def one(request, with_token):
            md = (("authorization", f"Bearer {TOKEN}"),) if with_token else ()
            stats["cases"] += 1
            try:
                _invoke(channel, svc, method, request, md)
                stats["ok"] += 1
            except grpc.RpcError as err:
                code = err.code()
                if code == grpc.StatusCode.CANCELLED or (
                    server_stream and code == grpc.StatusCode.DEADLINE_EXCEEDED and _reason(err) is None
                ):
                    stats["ok"] += 1  # our own cancel / deadline on a stream that stays open
                    return
                stats[code.name] += 1
                assert code not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), err.details()
                reason = _reason(err)
                # A deadline the server did not send is a hang past the deadline.
                assert reason is not None, f"{code.name} without ErrorInfo: {err.details()}"
                if not with_token:
                    assert code == grpc.StatusCode.UNAUTHENTICATED, f"{code.name}: {err.details()}"

        one()
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
    _write_summary()


def _write_summary() -> None:
    SUMMARY_PATH.parent.mkdir(parents=True, exist_ok=True)
    doc = {"examples_per_rpc": EXAMPLES, "rpcs": {k: dict(v) for k, v in sorted(SUMMARY.items())}}
    doc["total_cases"] = sum(v["cases"] for v in SUMMARY.values())
    doc["failures"] = 0  # a failure stops the test before this line
    SUMMARY_PATH.write_text(json.dumps(doc, indent=2) + "\n")


@pytest.mark.parametrize("svc", list(DESCRIPTORS))
def test_garbage_bytes_and_oversize_messages_do_not_take_the_server_down(stack, svc):
    host, port = stack.target(svc).split(":")
    for payload in (
        b"\x00" * 64,
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        os.urandom(4096),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + os.urandom(512),
    ):
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(payload)
            s.settimeout(2)
            try:
                s.recv(1024)
            except (TimeoutError, ConnectionResetError):
                pass
    with grpc.insecure_channel(stack.target(svc)) as channel:
        m = next(iter(DESCRIPTORS[svc].methods))
        path = f"/{DESCRIPTORS[svc].full_name}/{m.name}"
        call = channel.unary_unary(path, lambda b: b, lambda b: b)
        with pytest.raises(grpc.RpcError) as info:
            call(
                b"\x0a" + b"\xff" * 10 + b"x" * (20 * 1024 * 1024),
                timeout=10,
                metadata=(("authorization", f"Bearer {TOKEN}"),),
            )
        assert info.value.code() in (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            grpc.StatusCode.INVALID_ARGUMENT,
            grpc.StatusCode.INTERNAL,
        )
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
