from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

from opsuite.testing.v1 import echo_pb2_grpc
from opsuite_common.client import ClientSettings, ServiceClient, connect
from opsuite_common.resilience import RetryPolicy
from opsuite_common.server import ServerHandle
from opsuite_common.testing.echo import ECHO_SERVICE, EchoServicer
from opsuite_common.testing.servers import TokenFactory, running_echo_server

if TYPE_CHECKING:
    from opsuite.testing.v1.echo_pb2_grpc import EchoServiceAsyncStub


@pytest.fixture
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture
async def echo_server() -> AsyncIterator[tuple[ServerHandle, EchoServicer]]:
    async with running_echo_server() as pair:
        yield pair


def make_client(
    port: int, token: str | None, *, timeout: float = 5.0, retry: RetryPolicy | None = None, **kw: Any
) -> ServiceClient[EchoServiceAsyncStub]:
    """A client of the echo server on ``port`` with its own breakers; ``kw`` are ClientSettings fields."""
    retry = retry or RetryPolicy(max_attempts=4, initial_backoff_s=0.01, max_backoff_s=0.05)
    settings = ClientSettings(
        timeout_s=timeout,
        retry_attempts=retry.max_attempts,
        retry_initial_backoff_s=retry.initial_backoff_s,
        retry_max_backoff_s=retry.max_backoff_s,
        **kw,
    )
    return connect(
        f"127.0.0.1:{port}",
        echo_pb2_grpc.EchoServiceStub,
        ECHO_SERVICE,
        settings=settings,
        token=token,
        breakers=settings.breaker_registry(),
    )
