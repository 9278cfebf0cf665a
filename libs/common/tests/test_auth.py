"""Bad, expired, missing and wrongly signed tokens are refused; roles are enforced; identity propagates."""

from __future__ import annotations

import grpc
import jwt
import pytest

from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common import errors
from opsuite_common.auth import Role, TokenIssuer
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.servers import TEST_SECRET, running_echo_server

from .conftest import make_client


async def _call_raw(port: int, metadata: tuple[tuple[str, str], ...]) -> errors.OpsuiteError | None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            await echo_pb2_grpc.EchoServiceStub(channel).Echo(echo_pb2.EchoRequest(message="hi"), metadata=metadata)
        except grpc.aio.AioRpcError as exc:
            return from_grpc_error(exc)
    return None


@pytest.mark.parametrize(
    ("make_md", "reason"),
    [
        (lambda t: (), "MISSING_TOKEN"),
        (lambda t: (("authorization", "Basic abc"),), "MALFORMED_TOKEN"),
        (lambda t: (("authorization", "Bearer not.a.jwt"),), "INVALID_TOKEN"),
        (lambda t: (("authorization", f"Bearer {t.mint(ttl_s=-60)}"),), "TOKEN_EXPIRED"),
        (
            lambda t: (
                (
                    "authorization",
                    "Bearer " + TokenIssuer(key="another-secret-xxxxxxxxxxxxxxxxxx").mint(subject="x", tenant="t"),
                ),
            ),
            "INVALID_TOKEN",
        ),
        (
            lambda t: (
                ("authorization", "Bearer " + jwt.encode({"sub": "x", "exp": 9999999999}, TEST_SECRET, "HS256")),
            ),
            "INVALID_TOKEN",
        ),
        (
            lambda t: (
                ("authorization", "Bearer " + jwt.encode({"sub": "x", "tenant": "t", "exp": 9999999999}, "", "none")),
            ),
            "INVALID_TOKEN",
        ),
    ],
    ids=["missing", "not-bearer", "garbage", "expired", "wrong-signature", "no-tenant", "alg-none"],
)
async def test_bad_tokens_are_unauthenticated(echo_server, tokens, make_md, reason):
    handle, servicer = echo_server
    err = await _call_raw(handle.port, make_md(tokens))
    assert isinstance(err, errors.AuthenticationError)
    assert err.reason == reason
    assert servicer.calls == 0  # the handler never ran


@pytest.mark.parametrize(
    "tenant",
    ["", "x" * 64, "a\x00b", "Acme", "../etc", ".", "a/b", "a b", "-lead", "ténant", 7],
    ids=["empty", "64-chars", "nul", "upper", "dotdot", "dot", "slash", "space", "leading-dash", "non-ascii", "int"],
)
async def test_a_tenant_claim_off_the_pattern_is_invalid_tenant(echo_server, tenant):
    handle, servicer = echo_server
    token = jwt.encode({"sub": "x", "tenant": tenant, "roles": ["admin"], "exp": 9999999999}, TEST_SECRET, "HS256")
    err = await _call_raw(handle.port, (("authorization", f"Bearer {token}"),))
    assert isinstance(err, errors.AuthenticationError)
    assert err.reason == "INVALID_TENANT"
    assert servicer.calls == 0


@pytest.mark.parametrize("tenant", ["a", "acme", "tenant-b", "t_1", "9lives", "x" * 63])
async def test_tenant_names_on_the_pattern_are_accepted(echo_server, tenant):
    handle, servicer = echo_server
    token = jwt.encode({"sub": "x", "tenant": tenant, "roles": ["admin"], "exp": 9999999999}, TEST_SECRET, "HS256")
    assert await _call_raw(handle.port, (("authorization", f"Bearer {token}"),)) is None
    assert servicer.calls == 1


@pytest.mark.parametrize("subject", ["x" * 257, "a\x00b", "line\nbreak"], ids=["long", "nul", "newline"])
async def test_a_subject_that_is_too_long_or_unprintable_is_refused(echo_server, subject):
    handle, servicer = echo_server
    token = jwt.encode({"sub": subject, "tenant": "t", "roles": ["admin"], "exp": 9999999999}, TEST_SECRET, "HS256")
    err = await _call_raw(handle.port, (("authorization", f"Bearer {token}"),))
    assert isinstance(err, errors.AuthenticationError)
    assert err.reason == "INVALID_TOKEN"
    assert servicer.calls == 0


async def test_tampered_token_is_refused(echo_server, tokens):
    handle, _ = echo_server
    header, payload, sig = tokens.mint(tenant="a").split(".")
    forged = jwt.utils.base64url_encode(b'{"sub":"x","tenant":"b","roles":["admin"],"exp":9999999999}').decode()
    err = await _call_raw(handle.port, (("authorization", f"Bearer {header}.{forged}.{sig}"),))
    assert isinstance(err, errors.AuthenticationError)


async def test_role_too_low_is_permission_denied(echo_server, tokens):
    handle, servicer = echo_server
    client = make_client(handle.port, tokens.mint(roles=[Role.VIEWER]))
    assert (await client.rpc.Echo(echo_pb2.EchoRequest(message="ok"))).message == "ok"
    with pytest.raises(errors.PermissionDeniedError) as info:
        await client.rpc.Mutate(echo_pb2.EchoRequest(message="no"))
    await client.close()
    assert info.value.metadata == {"required_role": "editor"}
    assert servicer.attempts["no"] == 0


async def test_health_and_reflection_need_no_token(echo_server):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    handle, _ = echo_server
    async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
        resp = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
        assert resp.status == health_pb2.HealthCheckResponse.SERVING
        resp = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="opsuite.testing.v1.EchoService")
        )
        assert resp.status == health_pb2.HealthCheckResponse.SERVING


async def test_tenant_and_request_id_reach_a_downstream_service(tokens):
    md = (*tokens.metadata(tenant="tenant-z", roles=["viewer"], subject="bob"), ("x-request-id", "rid-42"))
    async with (
        running_echo_server() as (downstream, _),
        running_echo_server() as (upstream, _),
        grpc.aio.insecure_channel(f"127.0.0.1:{upstream.port}") as channel,
    ):
        call = echo_pb2_grpc.EchoServiceStub(channel).WhoAmI(
            echo_pb2.WhoAmIRequest(forward_to=f"127.0.0.1:{downstream.port}"), metadata=md
        )
        resp = await call
        trailing = dict(await call.trailing_metadata())
    assert resp.identity.tenant == "tenant-z"
    assert resp.identity.subject == "bob"
    assert list(resp.identity.roles) == ["viewer"]
    assert resp.request_id == "rid-42"
    assert trailing["x-request-id"] == "rid-42"


async def test_request_id_is_generated_and_returned(echo_server, tokens):
    handle, _ = echo_server
    async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel:
        call = echo_pb2_grpc.EchoServiceStub(channel).WhoAmI(echo_pb2.WhoAmIRequest(), metadata=tokens.metadata())
        resp = await call
        trailing = dict(await call.trailing_metadata())
    assert resp.request_id and trailing["x-request-id"] == resp.request_id
