"""TLS and mTLS with real certificates (made here with ``cryptography``) on real servers on port 0.

A client trusting the server's CA is served (health and reflection too); a plaintext client, a client
trusting another CA, and under mTLS a client without a certificate or with one from another CA are refused.
A setting that cannot be used is refused before the server binds, in one line naming the setting.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from opsuite.testing.v1 import echo_pb2
from opsuite_common import errors
from opsuite_common.logging import configure_logging
from opsuite_common.probe import check
from opsuite_common.settings import ClientSettings
from opsuite_common.testing.certs import CertificateAuthority
from opsuite_common.testing.servers import EchoSettings, running_echo_server
from opsuite_common.tls import TlsConfigError, client_tls, server_tls

from .conftest import make_client

ECHO = "opsuite.testing.v1.EchoService"


@dataclass(frozen=True)
class Pki:
    """Files of two CAs' certificates: the servers' and clients' CA, and another one nobody trusts."""

    folder: Path
    ca: Path
    other_ca: Path
    server: tuple[Path, Path]
    #: A server certificate naming only ``opsuite.test`` (not 127.0.0.1).
    named: tuple[Path, Path]
    client: tuple[Path, Path]
    #: A client certificate from the CA nobody trusts.
    rogue: tuple[Path, Path]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca, other = CertificateAuthority("test CA"), CertificateAuthority("other CA")
    return Pki(
        folder=folder,
        ca=ca.write(folder / "ca.pem"),
        other_ca=other.write(folder / "other-ca.pem"),
        server=ca.issue("localhost", dns=["localhost"], ips=["127.0.0.1"]).write(folder, "server"),
        named=ca.issue("opsuite.test", dns=["opsuite.test"]).write(folder, "named"),
        client=ca.issue("alice", client=True).write(folder, "client"),
        rogue=other.issue("mallory", client=True).write(folder, "rogue"),
    )


def tls_settings(pki: Pki, *, mtls: bool = False, pair: tuple[Path, Path] | None = None) -> dict[str, Any]:
    cert, key = pair or pki.server
    extra = {"tls_client_ca_file": str(pki.ca), "tls_require_client_cert": True} if mtls else {}
    return {"tls_cert_file": str(cert), "tls_key_file": str(key), **extra}


def trusting(ca: Path, pair: tuple[Path, Path] | None = None, **kw: Any) -> dict[str, Any]:
    """ClientSettings fields of a client trusting ``ca`` (showing ``pair`` when given)."""
    cert = {"tls_cert_file": str(pair[0]), "tls_key_file": str(pair[1])} if pair else {}
    return {"tls_ca_file": str(ca), **cert, **kw}


async def _mutate(port: int, token: str, **tls: Any) -> echo_pb2.EchoResponse:
    client = make_client(port, token, **tls)
    try:
        return await client.rpc.Mutate(echo_pb2.EchoRequest(message="over tls"))
    finally:
        await client.close()


async def _refused(port: int, token: str, **tls: Any) -> str:
    with pytest.raises(errors.ServiceUnavailableError) as refused:
        await _mutate(port, token, **tls)
    return refused.value.message


async def test_a_client_trusting_the_servers_ca_is_served_and_health_and_reflection_work(pki, tokens):
    async with running_echo_server(**tls_settings(pki)) as (handle, _):
        assert (await _mutate(handle.port, tokens.mint(), **trusting(pki.ca))).message == "over tls"

        creds = grpc.ssl_channel_credentials(pki.ca.read_bytes())
        async with grpc.aio.secure_channel(f"127.0.0.1:{handle.port}", creds) as channel:
            health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=ECHO))
            assert health.status == health_pb2.HealthCheckResponse.SERVING
            reflection = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            )
            names = {s.name async for r in reflection for s in r.list_services_response.service}
            assert {ECHO, "grpc.health.v1.Health"} <= names


async def test_a_plaintext_client_is_refused(pki, tokens):
    async with running_echo_server(**tls_settings(pki)) as (handle, servicer):
        message = await _refused(handle.port, tokens.mint())
    assert message.startswith("echo unreachable: ")
    assert servicer.calls == 0


async def test_a_client_trusting_another_ca_is_refused_and_told_why(pki, tokens):
    async with running_echo_server(**tls_settings(pki)) as (handle, servicer):
        message = await _refused(handle.port, tokens.mint(), **trusting(pki.other_ca))
    assert message == (
        "echo unreachable: TLS handshake failed: the server's certificate was not accepted "
        "(unable to get local issuer certificate)"
    )
    assert servicer.calls == 0


async def test_a_tls_client_of_a_plaintext_server_is_told_so(pki, tokens):
    async with running_echo_server() as (handle, _):
        message = await _refused(handle.port, tokens.mint(), **trusting(pki.ca))
    assert message == "echo unreachable: TLS handshake failed: the server does not speak TLS (is it serving plaintext?)"


async def test_mtls_refuses_a_client_without_a_certificate_or_with_a_foreign_one(pki, tokens):
    async with running_echo_server(**tls_settings(pki, mtls=True)) as (handle, servicer):
        token = tokens.mint()
        await _refused(handle.port, token, **trusting(pki.ca))
        await _refused(handle.port, token, **trusting(pki.ca, pki.rogue))
        assert servicer.calls == 0
        reply = await _mutate(handle.port, token, **trusting(pki.ca, pki.client))
        assert reply.message == "over tls" and servicer.calls == 1


async def test_the_server_name_override_checks_the_certificate_against_another_name(pki, tokens):
    async with running_echo_server(**tls_settings(pki, pair=pki.named)) as (handle, _):
        message = await _refused(handle.port, tokens.mint(), **trusting(pki.ca))
        assert (
            message
            == "echo unreachable: TLS handshake failed: the server's certificate is not issued for the host name called"
        )
        named = trusting(pki.ca, tls_server_name="opsuite.test")
        assert (await _mutate(handle.port, tokens.mint(), **named)).message == "over tls"


async def test_the_probe_calls_over_mtls(pki):
    async with running_echo_server(**tls_settings(pki, mtls=True)) as (handle, _):
        target = f"127.0.0.1:{handle.port}"
        # The probe is blocking: run it off the loop the server runs on.
        assert await asyncio.to_thread(check, target, ECHO, 5.0, ClientSettings(**trusting(pki.ca, pki.client)))
        assert not await asyncio.to_thread(check, target, ECHO, 5.0, ClientSettings(**trusting(pki.ca)))
        assert not await asyncio.to_thread(check, target, ECHO, 5.0, None)


async def test_an_expired_certificate_is_served_with_a_warning_and_clients_are_told_why(pki, tokens):
    expired = CertificateAuthority("expiring CA")
    pair = expired.issue("localhost", ips=["127.0.0.1"], expired=True).write(pki.folder, "expired")
    ca = expired.write(pki.folder / "expiring-ca.pem")
    logs = io.StringIO()
    configure_logging("echo", level="INFO", fmt="json", stream=logs)
    # Not refused: a service restarted while its certificate is being renewed still starts.
    async with running_echo_server(**tls_settings(pki, pair=pair)) as (handle, _):
        message = await _refused(handle.port, tokens.mint(), **trusting(ca))
    assert message.endswith("TLS handshake failed: the server's certificate was not accepted (certificate has expired)")
    warning = next(json.loads(line) for line in logs.getvalue().splitlines() if "certificate expired" in line)
    assert warning["setting"] == "OPSUITE_ECHO_TLS_CERT_FILE" and warning["level"] == "warning"


# ------------------------------------------------------------------------------------- refused settings
def _encrypted_key(pki: Pki) -> Path:
    key = serialization.load_pem_private_key(pki.server[1].read_bytes(), password=None)
    path = pki.folder / "encrypted-key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
    )
    return path


def _junk(pki: Pki) -> Path:
    path = pki.folder / "junk.pem"
    path.write_text("not a pem file\n")
    return path


P = "OPSUITE_ECHO_"
SERVER_CASES: list[tuple[str, Callable[[Pki], dict[str, Any]], str]] = [
    (
        "missing file",
        lambda p: {**tls_settings(p), "tls_cert_file": str(p.folder / "nope.pem")},
        f"{P}TLS_CERT_FILE: cannot read {{folder}}/nope.pem: No such file or directory",
    ),
    (
        "certificate without key",
        lambda p: {"tls_cert_file": str(p.server[0])},
        f"{P}TLS_CERT_FILE is set but {P}TLS_KEY_FILE is not: set both (a certificate and its key)",
    ),
    (
        "key of another certificate",
        lambda p: {**tls_settings(p), "tls_key_file": str(p.client[1])},
        f"{P}TLS_KEY_FILE: the key in {{folder}}/client-key.pem does not belong to the first certificate in "
        f"{{folder}}/server.pem ({P}TLS_CERT_FILE)",
    ),
    (
        "not a certificate",
        lambda p: {**tls_settings(p), "tls_cert_file": str(_junk(p))},
        f"{P}TLS_CERT_FILE: {{folder}}/junk.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
    ),
    (
        "not a key",
        lambda p: {**tls_settings(p), "tls_key_file": str(p.server[0])},
        f"{P}TLS_KEY_FILE: {{folder}}/server.pem holds no PEM private key",
    ),
    (
        "encrypted key",
        lambda p: {**tls_settings(p), "tls_key_file": str(_encrypted_key(p))},
        f"{P}TLS_KEY_FILE: {{folder}}/encrypted-key.pem is encrypted; a passphrase is not supported",
    ),
    (
        "client CA without requiring certificates",
        lambda p: {**tls_settings(p), "tls_client_ca_file": str(p.ca)},
        f"{P}TLS_CLIENT_CA_FILE is set but {P}TLS_REQUIRE_CLIENT_CERT is false",
    ),
    (
        "requiring certificates without a CA",
        lambda p: {**tls_settings(p), "tls_require_client_cert": True},
        f"{P}TLS_REQUIRE_CLIENT_CERT is true but {P}TLS_CLIENT_CA_FILE is not set",
    ),
    (
        "mTLS without TLS",
        lambda p: {"tls_client_ca_file": str(p.ca), "tls_require_client_cert": True},
        f"{P}TLS_CLIENT_CA_FILE needs {P}TLS_CERT_FILE and {P}TLS_KEY_FILE",
    ),
    (
        "client CA that is no certificate",
        lambda p: {**tls_settings(p, mtls=True), "tls_client_ca_file": str(_junk(p))},
        f"{P}TLS_CLIENT_CA_FILE: {{folder}}/junk.pem holds no PEM certificate",
    ),
]


@pytest.mark.parametrize(("case", "fields", "message"), SERVER_CASES, ids=[c[0] for c in SERVER_CASES])
async def test_a_server_setting_that_cannot_be_used_stops_the_start_naming_it(pki, case, fields, message):
    expected = message.format(folder=pki.folder)
    with pytest.raises(TlsConfigError) as refused:
        server_tls(EchoSettings(**fields(pki)))
    assert str(refused.value).startswith(expected) and "\n" not in str(refused.value)
    with pytest.raises(TlsConfigError) as at_build:  # build_server refuses it before binding
        async with running_echo_server(**fields(pki)):
            pass
    assert str(at_build.value) == str(refused.value)


def test_client_settings_that_cannot_be_used_are_refused_naming_them(pki):
    with pytest.raises(TlsConfigError, match=r"^OPSUITE_CLIENT_TLS_KEY_FILE is set but OPSUITE_CLIENT_TLS_CERT_FILE"):
        client_tls(ClientSettings(tls_key_file=str(pki.client[1])))
    with pytest.raises(TlsConfigError, match=r"^OPSUITE_CLIENT_TLS_CA_FILE: cannot read"):
        client_tls(ClientSettings(tls_ca_file=str(pki.folder / "nope.pem")))
    with pytest.raises(TlsConfigError, match=r"^OPSUITE_CLIENT_TLS_SERVER_NAME is set but TLS is off"):
        client_tls(ClientSettings(tls_server_name="opsuite.test"))
    flags = {"tls_cert_file": "--tls-cert", "tls_key_file": "--tls-key"}  # the CLI names its options
    with pytest.raises(TlsConfigError, match=r"^--tls-key: the key in .* \(--tls-cert\)$"):
        client_tls(ClientSettings(**trusting(pki.ca, (pki.client[0], pki.server[1]))), flags)
    assert client_tls(ClientSettings()) is None
    system_roots = client_tls(ClientSettings(tls=True))
    assert system_roots is not None and system_roots.root_ca is None
