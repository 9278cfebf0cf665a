"""Secret scopes: registration where a secret enters, masking at every exit (logs, errors, responses)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid
from collections.abc import Iterator

import grpc
import pytest

from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc
from opsuite_common.auth import Role, requires
from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_common.logging import REDACTED, clear_context, configure_logging, get_logger
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.secretscope import (
    MIN_SECRET_CHARS,
    current_scope,
    mask_url,
    register_secret,
    register_url_secrets,
    scrub,
    scrub_value,
    secret_scope,
    url_secrets,
)
from opsuite_common.testing.echo import EchoServicer
from opsuite_common.testing.servers import TokenFactory, running_echo_server


def canary() -> str:
    return "canary-" + uuid.uuid4().hex


def test_every_form_of_a_registered_value_is_masked() -> None:
    secret = 'pa ss"wörd/1'
    forms = {
        "raw": secret,
        "quoted": "pa%20ss%22w%C3%B6rd%2F1",
        "plus": "pa+ss%22w%C3%B6rd%2F1",
        "json": json.dumps(secret)[1:-1],
        "ascii json": json.dumps(secret, ensure_ascii=True)[1:-1],
        "repr": repr(secret)[1:-1],
    }
    with secret_scope():
        register_secret(secret)
        for name, form in forms.items():
            assert scrub(f"<{form}>") == f"<{REDACTED}>", name
    assert scrub(f"<{secret}>") == f"<{secret}>"  # outside the scope nothing is known


def test_short_values_are_not_registered_and_empty_scopes_change_nothing() -> None:
    with secret_scope() as scope:
        register_secret("x" * (MIN_SECRET_CHARS - 1))
        register_secret(None)
        assert not scope
        value = {"a": ["xxx", 1, None], "b": "text"}
        assert scrub_value(value) is value
        register_secret("1234")
        assert scrub_value({"pin": 1234, "text": "code 1234", "1234": "k"}) == {
            "pin": 1234,
            "text": f"code {REDACTED}",
            REDACTED: "k",
        }


def test_outside_any_scope_registering_does_nothing() -> None:
    assert current_scope() is None
    register_secret("canary-outside")
    assert scrub("canary-outside") == "canary-outside"


async def test_child_tasks_share_the_scope() -> None:
    secret = canary()
    with secret_scope() as scope:

        async def step() -> None:
            joined = current_scope()
            assert joined is scope
            register_secret(secret)

        await asyncio.gather(step(), asyncio.to_thread(lambda: None))
        assert scrub(f"step got {secret}") == f"step got {REDACTED}"
    assert current_scope() is None
    with secret_scope() as fresh:
        assert fresh is not scope and not fresh


@pytest.mark.parametrize(
    ("url", "shown", "secrets"),
    [
        ("postgresql://app:s3cr3t-pw@db.test:5432/x", "postgresql://app:***@db.test:5432/x", {"s3cr3t-pw"}),
        (
            "postgresql+psycopg://app@db.test/x?sslmode=require&password=s3cr3t-pw&sslpassword=k3y-pass",
            "postgresql+psycopg://app@db.test/x?sslmode=require&password=***&sslpassword=***",
            {"s3cr3t-pw", "k3y-pass"},
        ),
        ("http://hook:p%40ss-word@hooks.test/in", "http://hook:***@hooks.test/in", {"p%40ss-word", "p@ss-word"}),
        ("mysql://u@h.test/d?PWD=abcd1234", "mysql://u@h.test/d?PWD=***", {"abcd1234"}),
        ("sqlite:///srv/data/reports.db", "sqlite:///srv/data/reports.db", set()),
        # Unencoded '/', '?', '#' in a database password: the driver reads them as password, urlsplit not.
        ("postgresql://u:pa/ssW0rd99@db.test/app", "postgresql://u:***@db.test/app", {"pa/ssW0rd99", "pa%2FssW0rd99"}),
        ("postgresql://u:pa?ss#w0rd@db.test/app", "postgresql://u:***@db.test/app", {"pa?ss#w0rd", "pa%3Fss%23w0rd"}),
        ("https://api.test/x?page=2", "https://api.test/x?page=2", set()),
    ],
)
def test_urls_are_masked_for_display_and_their_passwords_found(url: str, shown: str, secrets: set[str]) -> None:
    assert mask_url(url) == shown
    assert mask_url(shown) == shown  # masking what is already masked changes nothing
    assert set(url_secrets(url)) == secrets
    with secret_scope():
        register_url_secrets(url)
        masked = scrub(url)
        assert not any(s in masked for s in secrets)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    buf = io.StringIO()
    configure_logging("test", level="DEBUG", fmt="json", stream=buf)
    clear_context()
    yield buf
    clear_context()


def test_log_lines_mask_the_scope_secrets_in_every_field_and_traceback(log_stream: io.StringIO) -> None:
    secret = canary()
    log = get_logger("test.secrets")
    with secret_scope():
        register_secret(secret)
        log.info(f"connecting with {secret}", detail={"nested": [secret]}, plain=secret)
        try:
            raise RuntimeError(f"failed for {secret}")
        except RuntimeError:
            log.exception("boom")
        logging.getLogger("stdlib.test").warning("stdlib %s", secret)
    log.info("after the scope", value="harmless")
    text = log_stream.getvalue()
    assert secret not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["event"] == f"connecting with {REDACTED}" and lines[0]["detail"] == {"nested": [REDACTED]}
    assert "RuntimeError" in lines[1]["exception"] and len(lines) == 4


class _SecretEcho(EchoServicer):
    """Echo that treats the request's message as a secret entering the service."""

    @requires(Role.VIEWER)
    async def Echo(self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext) -> echo_pb2.EchoResponse:
        if not request.count:  # count=1: a call in which the message is not a secret
            register_secret(request.message)
        if request.raise_error:
            raise ValidationError(
                f"cannot use {request.message}",
                metadata={"value": request.message},
                field_violations=[FieldViolation("message", f"{request.message!r} is refused")],
            )
        return echo_pb2.EchoResponse(message=f"you sent {request.message}", attempt=1)

    @requires(Role.VIEWER)
    async def EchoStream(self, request: echo_pb2.EchoRequest, context: grpc.aio.ServicerContext):  # type: ignore[no-untyped-def]
        register_secret(request.message)
        for i in range(2):
            yield echo_pb2.EchoResponse(message=f"{i}: {request.message}", attempt=i)


async def test_rpc_responses_and_errors_mask_what_the_handler_registered() -> None:
    secret = canary()
    md = TokenFactory().metadata(roles=["viewer"])
    async with (
        running_echo_server(_SecretEcho()) as (handle, _),
        grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as channel,
    ):
        stub = echo_pb2_grpc.EchoServiceStub(channel)
        reply = await stub.Echo(echo_pb2.EchoRequest(message=secret), metadata=md)
        assert reply.message == f"you sent {REDACTED}"
        streamed = [r.message async for r in stub.EchoStream(echo_pb2.EchoRequest(message=secret), metadata=md)]
        assert streamed == [f"0: {REDACTED}", f"1: {REDACTED}"]
        with pytest.raises(grpc.RpcError) as caught:
            await stub.Echo(echo_pb2.EchoRequest(message=secret, raise_error="x"), metadata=md)
        err = from_grpc_error(caught.value)
        assert err.reason == "VALIDATION_FAILED"
        assert err.message == f"cannot use {REDACTED}" and err.metadata["value"] == REDACTED
        assert [v.description for v in err.field_violations] == [f"'{REDACTED}' is refused"]
        # Each call has a scope of its own: a previous call's secrets are not applied to the next one.
        other = await stub.Echo(echo_pb2.EchoRequest(message=secret, count=1), metadata=md)
        assert other.message == f"you sent {secret}"


def test_many_registered_values_are_all_masked() -> None:
    values = [f"secret-value-{i:05d}" for i in range(3000)]
    with secret_scope() as scope:
        for value in values:
            register_secret(value)
        assert len(scope) == 3000
        text = " ".join(values[::100])
        assert set(scrub(text).split()) == {REDACTED}
        register_secret("one-more-secret")  # added after the first use: masked too
        assert scrub("x one-more-secret y") == f"x {REDACTED} y"
