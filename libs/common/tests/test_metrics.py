"""Prometheus metrics: RPC counts by method and code, latency, breaker state, served over HTTP."""

from __future__ import annotations

import urllib.request

import pytest

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.client import default_breakers
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import running_echo_server

from .conftest import make_client


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        return resp.read().decode()


async def test_rpc_counts_latency_and_breaker_state_are_exported(tokens):
    async with running_echo_server(metrics_port=-1) as (handle, _):
        port = handle.resources["metrics_port"]
        client = make_client(handle.port, tokens.mint())
        await client.rpc.Echo(echo_pb2.EchoRequest(message="m1"))
        with pytest.raises(errors.NotFoundError):
            await client.rpc.Echo(echo_pb2.EchoRequest(message="m2", raise_error="NotFoundError"))
        await client.close()
        # grpc sends an aborted call's status before the handler's last stage runs: wait for the count.
        text = await eventually(
            lambda: _scrape(port), until=lambda t: 'code="NOT_FOUND"' in t, what="the NOT_FOUND count in /metrics"
        )
    method = "/opsuite.testing.v1.EchoService/Echo"
    assert f'opsuite_rpc_requests_total{{code="OK",method="{method}",service="echo"}}' in text
    assert f'opsuite_rpc_requests_total{{code="NOT_FOUND",method="{method}",service="echo"}}' in text
    assert f'opsuite_rpc_duration_seconds_count{{method="{method}",service="echo"}}' in text


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
