"""Prometheus metrics: the go-grpc-prometheus RPC metrics, process and build info, breaker state, over HTTP."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.client import default_breakers
from opsuite_common.metrics import set_build_info
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        return resp.read().decode()


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Sample name -> its (labels, value) pairs, as Prometheus's own parser reads the exposition."""
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def _value(samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float | None:
    return next((v for lbl, v in samples.get(name, []) if labels.items() <= lbl.items()), None)


async def test_rpc_counts_latency_process_and_build_info_are_exported(tokens):
    set_build_info("echo", "1.2.3")
    async with running_echo_server(metrics_port=-1) as (handle, _):
        port = handle.resources["metrics_port"]
        client = make_client(handle.port, tokens.mint())
        await client.rpc.Echo(echo_pb2.EchoRequest(message="m1"))
        with pytest.raises(errors.NotFoundError):
            await client.rpc.Echo(echo_pb2.EchoRequest(message="m2", raise_error="NotFoundError"))
        items = [item async for item in client.rpc.EchoStream(echo_pb2.EchoRequest(message="s", count=2))]
        await client.close()
        # grpc sends an aborted call's status before the handler's last stage runs: wait for the count.
        text = await eventually(
            lambda: _scrape(port),
            until=lambda t: 'grpc_code="NOT_FOUND"' in t and "EchoStream" in t,
            what="the NOT_FOUND and stream counts in /metrics",
        )
    assert len(items) == 2
    samples = _samples(text)
    unary = {"grpc_type": "unary", "grpc_service": "opsuite.testing.v1.EchoService", "grpc_method": "Echo"}
    assert _value(samples, "grpc_server_started_total", **unary) == 2
    assert _value(samples, "grpc_server_handled_total", **unary, grpc_code="OK") == 1
    assert _value(samples, "grpc_server_handled_total", **unary, grpc_code="NOT_FOUND") == 1
    assert _value(samples, "grpc_server_handling_seconds_count", **unary, grpc_code="OK") == 1
    assert _value(samples, "grpc_server_handling_seconds_bucket", **unary, grpc_code="OK", le="+Inf") == 1
    stream = {**unary, "grpc_type": "server_stream", "grpc_method": "EchoStream"}
    assert _value(samples, "grpc_server_handled_total", **stream, grpc_code="OK") == 1
    handled = {frozenset(lbl) for lbl, _ in samples["grpc_server_handled_total"]}
    assert handled == {frozenset({"grpc_type", "grpc_service", "grpc_method", "grpc_code"})}
    assert (_value(samples, "process_resident_memory_bytes") or 0) > 0
    assert _value(samples, "process_cpu_seconds_total") is not None
    assert _value(samples, "opsuite_build_info", service="echo", version="1.2.3") == 1


async def test_breaker_state_gauge_follows_state_changes():
    from opsuite_common.client import ClientSettings
    from opsuite_common.metrics import REGISTRY

    breaker = default_breakers(ClientSettings(breaker_fail_max=1, breaker_reset_timeout_s=99)).get("gauge-test")

    async def down() -> None:
        raise errors.ServiceUnavailableError("down")

    with pytest.raises(errors.ServiceUnavailableError):
        await breaker.call(down)
    assert breaker.state == "open"
    assert REGISTRY.get_sample_value("opsuite_breaker_state", {"breaker": "gauge-test"}) == 2
