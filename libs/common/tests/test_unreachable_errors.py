"""A failed call names the server and the cause, also once the breaker is open: "echo unreachable: connection
refused (circuit open, retrying after 60s)", not only that a breaker is open."""

from __future__ import annotations

import pytest

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.client import peer_name
from opsuite_common.testing.echo import ECHO_SERVICE
from opsuite_common.testing.processes import free_port

from .conftest import make_client


async def test_a_server_that_is_down_is_named_with_the_cause_before_and_after_the_breaker_opens(tokens):
    port = free_port()  # nothing listens there: every connection is refused
    client = make_client(port, tokens.mint(), breaker_fail_max=2, breaker_reset_timeout_s=60)
    try:
        for _ in range(2):
            with pytest.raises(errors.ServiceUnavailableError) as down:
                await client.rpc.Mutate(echo_pb2.EchoRequest(message="x"))
            assert type(down.value) is errors.ServiceUnavailableError
            assert down.value.message == "echo unreachable: connection refused"
            assert down.value.metadata == {"target": f"127.0.0.1:{port}"}
        assert client.breaker.state == "open"
        with pytest.raises(errors.CircuitOpenError) as opened:
            await client.rpc.Echo(echo_pb2.EchoRequest(message="x"))
    finally:
        await client.close()
    assert opened.value.message.startswith("echo unreachable: connection refused (circuit open, retrying after ")
    assert opened.value.message.endswith("s)") and opened.value.reason == "CIRCUIT_OPEN"
    assert opened.value.metadata["breaker"] == client.breaker.name


async def test_an_open_breaker_repeats_what_the_server_said(echo_server, tokens):
    handle, _ = echo_server
    client = make_client(handle.port, tokens.mint(), breaker_fail_max=1, breaker_reset_timeout_s=60)
    try:
        with pytest.raises(errors.ServiceUnavailableError) as first:
            await client.rpc.Mutate(echo_pb2.EchoRequest(message="s", raise_error="ServiceUnavailableError"))
        with pytest.raises(errors.CircuitOpenError) as opened:
            await client.rpc.Mutate(echo_pb2.EchoRequest(message="s"))
    finally:
        await client.close()
    assert opened.value.message == f"{first.value.message} (circuit open, retrying after 60s)"


def test_the_peer_is_the_service_name_in_snake_case():
    from opsuite.apimanager.v1 import api_manager_pb2
    from opsuite.cep.v1 import cep_pb2

    assert peer_name(api_manager_pb2.DESCRIPTOR.services_by_name["ApiManagerService"]) == "api_manager"
    assert peer_name(cep_pb2.DESCRIPTOR.services_by_name["CepService"]) == "cep"
    assert peer_name(ECHO_SERVICE) == "echo"
