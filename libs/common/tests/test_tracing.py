"""OpenTelemetry tracing of the common library, exported to a real OTLP/gRPC receiver.

Off unless an OTLP endpoint is set (and then nothing of opentelemetry is even imported); on, a call through
the common client is one trace: the caller's span, the client's CLIENT span, the server pipeline's SERVER
span (its parent taken from ``traceparent``), with the semantic conventions' ``rpc.*`` attributes, and the
server's log lines carry the trace and span ids.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors, tracing
from opsuite_common.logging import configure_logging
from opsuite_common.testing.otlp import OtlpReceiver, ReceivedSpan
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client

ECHO = "opsuite.testing.v1.EchoService"
#: What tracing brings in when it is on. (redis-py imports ``opentelemetry.sdk.metrics`` by itself whenever the
#: SDK is installed, for its own optional metrics: not ours to defer.)
TRACING_MODULES = (
    "opentelemetry.sdk.trace",
    "opentelemetry.exporter",
    "opentelemetry.propagate",
    "opentelemetry.propagators",
    "opentelemetry.proto",
)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[OtlpReceiver]:
    """A receiver, and tracing of this process exporting to it (turned off again afterwards)."""
    rx = OtlpReceiver()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rx.endpoint)
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert tracing.configure_tracing("echo", "9.9.9", os.environ)
    try:
        yield rx
    finally:
        tracing.shutdown_tracing()
        rx.close()


def test_without_an_endpoint_tracing_is_off_and_opentelemetry_is_not_imported():
    code = """
import os, sys
for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
    os.environ.pop(name, None)
import opsuite_api_manager.server, opsuite_cep.server, opsuite_ops.server
from opsuite_common import tracing
from opsuite_common.logging import configure_logging, get_logger
assert tracing.configure_tracing("x", "0", os.environ) is False
configure_logging("x")
with tracing.span("nothing") as s:
    get_logger("t").info("a line")
    assert not s.is_recording()
print(sorted(m for m in sys.modules if m.startswith(TRACING_MODULES)))
""".replace("TRACING_MODULES", repr(TRACING_MODULES))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_tracing_requested_follows_the_standard_variables():
    assert not tracing.tracing_requested({})
    assert tracing.tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317"})
    assert tracing.tracing_requested({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4317"})
    on = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317"}
    assert not tracing.tracing_requested({**on, "OTEL_SDK_DISABLED": "true"})
    assert not tracing.tracing_requested({**on, "OTEL_TRACES_EXPORTER": "none"})


async def test_a_client_call_is_one_trace_from_the_caller_to_the_server(receiver, tokens):
    logs = io.StringIO()
    configure_logging("echo", fmt="json", stream=logs)
    try:
        async with running_echo_server() as (handle, _):
            client = make_client(handle.port, tokens.mint())
            with tracing.span("caller") as root:
                assert root.is_recording()
                await client.rpc.Echo(echo_pb2.EchoRequest(message="hi"))
                with pytest.raises(errors.NotFoundError):
                    await client.rpc.Mutate(echo_pb2.EchoRequest(message="x", raise_error="NotFoundError"))
                with pytest.raises(errors.InternalError):  # a defect: its text holds a "secret"
                    await client.rpc.Mutate(echo_pb2.EchoRequest(message="x", raise_error="RuntimeError"))
                items = [i async for i in client.rpc.EchoStream(echo_pb2.EchoRequest(message="s", count=2))]
                health = health_pb2_grpc.HealthStub(client.channel)
                await health.Check(health_pb2.HealthCheckRequest())  # probes are not traced
            await client.close()
    finally:
        configure_logging("echo", fmt="json", stream=sys.stderr)
    tracing.shutdown_tracing()  # flushes what is queued
    assert len(items) == 2
    spans = receiver.spans()
    by_name: dict[tuple[str, str], list[ReceivedSpan]] = {}
    for s in spans:
        by_name.setdefault((s.name, s.kind), []).append(s)
    assert not [s for s in spans if "Health" in s.name]
    (caller,) = by_name[("caller", "internal")]
    assert caller.parent_id == "" and caller.service == "echo"
    assert {s.trace_id for s in spans} == {caller.trace_id}, "one trace"

    (client_echo,) = by_name[(f"{ECHO}/Echo", "client")]
    (server_echo,) = by_name[(f"{ECHO}/Echo", "server")]
    assert client_echo.parent_id == caller.span_id
    assert server_echo.parent_id == client_echo.span_id
    assert server_echo.attributes == {
        "rpc.system": "grpc",
        "rpc.service": ECHO,
        "rpc.method": "Echo",
        "rpc.grpc.status_code": 0,
    }
    assert client_echo.attributes["server.address"] == "127.0.0.1"
    assert client_echo.attributes["server.port"] == handle.port

    client_mutates = by_name[(f"{ECHO}/Mutate", "client")]
    server_mutates = sorted(by_name[(f"{ECHO}/Mutate", "server")], key=lambda s: s.attributes["rpc.grpc.status_code"])
    not_found, internal = server_mutates
    assert not_found.attributes["rpc.grpc.status_code"] == 5 and not_found.status_code == 0  # the caller's mistake
    assert internal.attributes["rpc.grpc.status_code"] == 13 and internal.status_code == 2  # the server's fault
    assert internal.status_message == "INTERNAL" and "s3cr3t" not in repr(spans)
    assert {c.status_code for c in client_mutates} == {2}  # every non-OK code fails a client span
    assert {s.parent_id for s in server_mutates} == {c.span_id for c in client_mutates}

    (client_stream,) = by_name[(f"{ECHO}/EchoStream", "client")]
    (server_stream,) = by_name[(f"{ECHO}/EchoStream", "server")]
    assert server_stream.parent_id == client_stream.span_id and client_stream.parent_id == caller.span_id
    assert client_stream.attributes["rpc.grpc.status_code"] == 0

    access = [json.loads(line) for line in logs.getvalue().splitlines() if '"event": "rpc"' in line]
    echo_line = next(line for line in access if line["method"] == f"/{ECHO}/Echo")
    assert (echo_line["trace_id"], echo_line["span_id"]) == (caller.trace_id, server_echo.span_id)
    error_line = next(json.loads(ln) for ln in logs.getvalue().splitlines() if "unhandled error" in ln)
    assert error_line["trace_id"] == caller.trace_id and error_line["span_id"] == internal.span_id


def test_a_stored_carrier_that_is_not_a_json_object_of_strings_gives_no_parent():
    assert tracing.stored_parent("") is None
    assert tracing.stored_parent("not json") is None
    assert tracing.stored_parent('["traceparent"]') is None
    assert tracing.stored_parent('{"traceparent": 7}') is None
    header = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert tracing.stored_parent(json.dumps({"traceparent": header})) == {"traceparent": header}


def test_with_tracing_off_a_served_rpcs_context_is_passed_on_unchanged():
    assert not tracing.enabled()
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    served = {"traceparent": parent, "tracestate": "vendor=1", "authorization": "Bearer x"}
    carried = [("traceparent", parent), ("tracestate", "vendor=1")]
    with tracing.rpc_server_span("/pkg.S/M", served):
        with tracing.rpc_client_span("pkg.S", "Next", "127.0.0.1:1") as client_span:
            assert list(client_span.inject([("x-request-id", "r")])) == [("x-request-id", "r"), *carried]
        headers: dict[str, str] = {}
        tracing.inject(headers)  # HTTP requests and messages
        assert headers == dict(carried)
        assert tracing.start_span("stream").inject([]) == carried
    headers = {}
    tracing.inject(headers)  # outside the served RPC nothing is carried
    assert headers == {} and tracing.NO_SPAN.inject([]) == []
    with tracing.rpc_server_span("/pkg.S/M", {"authorization": "Bearer x"}):
        assert tracing.NO_SPAN.inject([]) == []  # a caller without a trace: nothing invented


@pytest.mark.parametrize(
    ("served", "carried"),
    [
        ({"traceparent": "not-a-traceparent"}, []),
        ({"traceparent": "00-" + "0" * 32 + "-b7ad6b7169203331-01"}, []),  # an all-zero trace id is invalid
        ({"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" + "x" * 8000}, []),
        (
            {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "v=" + "x" * 8000},
            [("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")],
        ),
        ({"tracestate": "vendor=1"}, []),  # a tracestate without a traceparent
    ],
)
def test_with_tracing_off_only_a_well_formed_context_is_passed_on(served, carried):
    # What is passed on reaches other services, tenants' HTTP endpoints and stored outbox rows.
    assert not tracing.enabled()
    with tracing.rpc_server_span("/pkg.S/M", served):
        assert tracing.NO_SPAN.inject([]) == carried
