"""Graceful shutdown: health Watch sees NOT_SERVING, in-flight calls finish, new calls are refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common import errors
from opsuite_common.auth import TokenIssuer, TokenVerifier
from opsuite_common.testing.servers import TEST_SECRET, running_echo_server


async def test_watch_reports_not_serving_and_in_flight_calls_finish(tokens):
    async with running_echo_server() as (handle, servicer):
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""))
        first = await watch.read()
        assert first.status == health_pb2.HealthCheckResponse.SERVING
        stub = echo_pb2_grpc.EchoServiceStub(channel)
        slow = asyncio.ensure_future(
            stub.Echo(echo_pb2.EchoRequest(message="slow", sleep_ms=400), metadata=tokens.metadata())
        )
        await asyncio.sleep(0.1)  # the slow call is in flight
        stopping = asyncio.ensure_future(handle.stop(grace=5))
        second = await watch.read()
        assert second.status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert (await slow).message == "slow"  # finished within the grace period
        await stopping
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await stub.Echo(echo_pb2.EchoRequest(message="late"), metadata=tokens.metadata(), timeout=2)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        assert servicer.attempts["late"] == 0
        await channel.close()


def test_rs256_tokens_verify_with_the_public_key_only():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    token = TokenIssuer(algorithm="RS256", key=private_pem).mint(subject="s", tenant="t", roles=["editor"])
    ident = TokenVerifier(algorithm="RS256", public_key=public_pem).verify(token)
    assert (ident.subject, ident.tenant, ident.top_role.name) == ("s", "t", "EDITOR")
    # An HS256 token signed with the public key as a secret (algorithm confusion) is refused.
    forged = jwt.encode({"sub": "s", "tenant": "t", "roles": ["admin"], "exp": 9999999999}, "x" * 32, "HS256")
    with pytest.raises(errors.AuthenticationError):
        TokenVerifier(algorithm="RS256", public_key=public_pem).verify(forged)


def test_dev_token_cli_mints_a_verifiable_token(tmp_path):
    secret_file = tmp_path / "jwt-secret"
    secret_file.write_text(TEST_SECRET)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "opsuite_common.devtoken",
            "--tenant",
            "t9",
            "--role",
            "viewer",
            "--secret-file",
            str(secret_file),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 0, r.stderr
    ident = TokenVerifier(secret=TEST_SECRET).verify(r.stdout.strip())
    assert ident.tenant == "t9" and [x.name for x in ident.roles] == ["VIEWER"]
    missing = subprocess.run(
        [sys.executable, "-m", "opsuite_common.devtoken", "--secret-file", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert missing.returncode != 0 and "./dev up" in missing.stderr


async def test_a_stuck_cleanup_is_left_after_its_bound_and_the_others_still_run(monkeypatch):
    from opsuite_common.server import bootstrap

    monkeypatch.setattr(bootstrap, "CLEANUP_TIMEOUT_S", 0.2)
    ran: list[str] = []

    async def stuck() -> None:
        await asyncio.Event().wait()  # a pool that never closes

    async def closes() -> None:
        ran.append("closed")

    async with running_echo_server() as (handle, _servicer):
        handle.on_stop(closes)  # runs last: cleanups run in reverse order
        handle.on_stop(stuck)
        await asyncio.wait_for(handle.stop(0), timeout=10)  # no hang: the stuck one is left after 0.2 s
    assert ran == ["closed"]
