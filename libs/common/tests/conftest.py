from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from opsuite.testing.v1 import echo_pb2_grpc
from opsuite_common.client import ClientSettings, ServiceClient
from opsuite_common.resilience import BreakerRegistry, RetryPolicy
from opsuite_common.server import ServerHandle
from opsuite_common.testing.echo import ECHO_SERVICE, EchoServicer
from opsuite_common.testing.servers import TokenFactory, running_echo_server


@pytest.fixture
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture
async def echo_server() -> AsyncIterator[tuple[ServerHandle, EchoServicer]]:
    async with running_echo_server() as pair:
        yield pair


def make_client(port: int, token: str | None, **kw: object) -> ServiceClient:
    settings = ClientSettings(
        token=token,
        default_timeout_s=float(kw.pop("timeout", 5.0)),  # type: ignore[arg-type]
        retry=kw.pop("retry", RetryPolicy(max_attempts=4, initial_backoff_s=0.01, max_backoff_s=0.05)),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    return ServiceClient(
        f"127.0.0.1:{port}",
        echo_pb2_grpc.EchoServiceStub,
        ECHO_SERVICE,
        settings=settings,
        breakers=BreakerRegistry(
            fail_max=settings.breaker_fail_max,
            reset_timeout=settings.breaker_reset_timeout_s,
            success_threshold=settings.breaker_success_threshold,
            half_open_max_calls=settings.breaker_half_open_max_calls,
        ),
    )
