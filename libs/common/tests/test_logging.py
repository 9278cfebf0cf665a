"""Logging: JSON lines, request context on every line, and secrets never reaching the output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from opsuite_common.logging import (
    bind_context,
    bound_context,
    clear_context,
    configure_logging,
    get_logger,
    redact_text,
)

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhbGljZSIsInRlbmFudCI6ImFjbWUiLCJyb2xlcyI6WyJhZG1pbiJdfQ."
    "c2lnbmF0dXJlLXRoYXQtaXMtc2VjcmV0LXNpZ25hdHVyZQ"
)
OPAQUE = "opaque-s3cr3t-9f8e7d6c5b4a"
DB_PASSWORD = "Pg-Pa55w0rd-xyz"


@pytest.fixture
def out() -> Iterator[io.StringIO]:
    """A captured JSON log stream; context is cleared around each test."""
    buf = io.StringIO()
    clear_context()
    configure_logging("testsvc", level="DEBUG", fmt="json", stream=buf)
    yield buf
    clear_context()


def lines(buf: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def test_json_lines_are_parsable_and_carry_service_level_logger_and_time(out: io.StringIO) -> None:
    get_logger("opsuite.test").info("hello", answer=42)
    (rec,) = lines(out)
    assert rec["event"] == "hello"
    assert rec["answer"] == 42
    assert rec["level"] == "info"
    assert rec["service"] == "testsvc"
    assert rec["logger"] == "opsuite.test"
    assert str(rec["timestamp"]).endswith("Z")


def test_context_vars_appear_on_every_line_until_cleared(out: io.StringIO) -> None:
    log = structlog.get_logger("opsuite.ctx")
    bind_context(request_id="req-1", tenant="acme", subject="alice", method="/opsuite.cep.v1.Cep/Get")
    log.info("first")
    logging.getLogger("grpc.something").warning("from stdlib")
    clear_context()
    log.info("after")
    first, stdlib_line, after = lines(out)
    for rec in (first, stdlib_line):
        assert rec["request_id"] == "req-1"
        assert rec["tenant"] == "acme"
        assert rec["subject"] == "alice"
        assert rec["method"] == "/opsuite.cep.v1.Cep/Get"
    assert "request_id" not in after


def test_bound_context_restores_previous_values(out: io.StringIO) -> None:
    bind_context(tenant="outer")
    with bound_context(tenant="inner", request_id="r2"):
        get_logger().info("in")
    get_logger().info("out")
    inner, outer = lines(out)
    assert (inner["tenant"], inner["request_id"]) == ("inner", "r2")
    assert outer["tenant"] == "outer"
    assert "request_id" not in outer


def test_stdlib_records_are_json_with_level_and_logger_name(out: io.StringIO) -> None:
    logging.getLogger("alembic.runtime.migration").info("Running upgrade %s -> %s", "a", "b")
    (rec,) = lines(out)
    assert rec["event"] == "Running upgrade a -> b"
    assert rec["logger"] == "alembic.runtime.migration"
    assert rec["level"] == "info"
    assert rec["service"] == "testsvc"


def test_level_filters_structlog_and_stdlib() -> None:
    buf = io.StringIO()
    configure_logging("testsvc", level="WARNING", fmt="json", stream=buf)
    get_logger("x").info("dropped")
    logging.getLogger("x").info("dropped too")
    get_logger("x").warning("kept")
    assert [r["event"] for r in lines(buf)] == ["kept"]


def test_configure_is_idempotent_and_last_stream_wins() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("a", fmt="json", stream=first)
    log = get_logger("early")  # created before the second configure: must follow it
    configure_logging("b", fmt="json", stream=second)
    configure_logging("b", fmt="json", stream=second)
    log.info("once")
    logging.getLogger("lib").warning("stdlib once")
    assert first.getvalue() == ""
    recs = lines(second)
    assert [r["event"] for r in recs] == ["once", "stdlib once"]  # one handler, no duplicates
    assert all(r["service"] == "b" for r in recs)


def test_console_format_is_chosen_for_a_tty() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    buf = Tty()
    configure_logging("testsvc", fmt="auto", stream=buf)
    get_logger("c").info("pretty", password=OPAQUE)
    text = buf.getvalue()
    assert "pretty" in text
    assert not text.lstrip().startswith("{")
    assert OPAQUE not in text


def test_unknown_level_is_rejected_with_a_hint() -> None:
    with pytest.raises(ValueError, match="DEBUG, INFO"):
        configure_logging("x", level="LOUD", stream=io.StringIO())


# --- redaction ------------------------------------------------------------------------------------


def test_jwt_anywhere_in_a_value_is_masked(out: io.StringIO) -> None:
    get_logger().info(f"got token {JWT} from client", note=f"raw={JWT};", user="alice")
    text = out.getvalue()
    assert JWT not in text
    assert "eyJzdWIiOiJhbGljZSIs" not in text  # not even the payload part
    rec = lines(out)[0]
    assert rec["user"] == "alice"
    assert str(rec["event"]).startswith("got token ")


def test_bearer_header_is_masked_in_values_and_by_key(out: io.StringIO) -> None:
    get_logger().info(
        "outgoing call",
        header=f"Bearer {OPAQUE}",
        metadata=[("authorization", f"Bearer {OPAQUE}"), ("x-request-id", "rid-7")],
        authorization=f"Bearer {OPAQUE}",
    )
    text = out.getvalue()
    assert OPAQUE not in text
    rec = lines(out)[0]
    assert rec["authorization"] == "***"
    assert rec["header"] == "Bearer ***"
    assert "rid-7" in text


def test_dsn_and_url_passwords_are_masked_but_host_is_kept(out: io.StringIO) -> None:
    get_logger().warning(
        "cannot connect",
        url=f"postgresql+psycopg://opsuite:{DB_PASSWORD}@db.internal:5432/opsuite",
        dsn=f"host=db.internal port=5432 user=opsuite password={DB_PASSWORD} dbname=opsuite",
        webhook=f"https://hooks.example.com/x?api_key={OPAQUE}&channel=ops",
    )
    text = out.getvalue()
    assert DB_PASSWORD not in text
    assert OPAQUE not in text
    rec = lines(out)[0]
    assert rec["url"] == "postgresql+psycopg://opsuite:***@db.internal:5432/opsuite"
    assert "host=db.internal" in str(rec["dsn"])
    assert "dbname=opsuite" in str(rec["dsn"])
    assert "channel=ops" in str(rec["webhook"])


def test_nested_secrets_are_masked_by_key_at_any_depth(out: io.StringIO) -> None:
    get_logger().info(
        "settings loaded",
        settings={
            "name": "cep",
            "db": {"Password": DB_PASSWORD, "host": "localhost"},
            "auth": [{"jwt_secret": OPAQUE, "algorithm": "HS256"}],
            "Api-Key": OPAQUE,
            "session_cookie": OPAQUE,
            "private_key": OPAQUE,
            "refresh_token": OPAQUE,
        },
        client_credentials=(OPAQUE,),
    )
    text = out.getvalue()
    assert DB_PASSWORD not in text
    assert OPAQUE not in text
    rec = lines(out)[0]
    settings = rec["settings"]
    assert isinstance(settings, dict)
    assert settings["name"] == "cep"
    assert settings["db"] == {"Password": "***", "host": "localhost"}
    assert settings["auth"] == [{"jwt_secret": "***", "algorithm": "HS256"}]
    assert rec["client_credentials"] == "***"


def test_exception_message_and_traceback_with_a_token_are_masked(out: io.StringIO) -> None:
    def failing(token: str) -> None:
        raise RuntimeError(f"upstream refused Authorization: Bearer {OPAQUE} and jwt {JWT}")

    try:
        failing(OPAQUE)
    except RuntimeError:
        get_logger("svc").exception("call failed", target="cep:50051")
    text = out.getvalue()
    assert OPAQUE not in text
    assert JWT not in text
    rec = lines(out)[0]
    assert "RuntimeError: upstream refused Authorization: Bearer ***" in str(rec["exception"])
    assert "Traceback" in str(rec["exception"])
    assert rec["target"] == "cep:50051"


def test_stdlib_exception_and_message_args_are_masked(out: io.StringIO) -> None:
    try:
        raise ConnectionError(f"could not connect to postgresql://app:{DB_PASSWORD}@10.0.0.5/app")
    except ConnectionError:
        logging.getLogger("sqlalchemy.pool").error("pool failure for %s", f"password={DB_PASSWORD}", exc_info=True)
    text = out.getvalue()
    assert DB_PASSWORD not in text
    rec = lines(out)[0]
    assert rec["event"] == "pool failure for password=***"
    assert "postgresql://app:***@10.0.0.5/app" in str(rec["exception"])


def test_repr_of_a_mapping_inside_a_string_is_masked(out: io.StringIO) -> None:
    get_logger().info("payload", body=str({"user": "bob", "password": DB_PASSWORD, "api_token": OPAQUE}))
    text = out.getvalue()
    assert DB_PASSWORD not in text
    assert OPAQUE not in text
    assert "bob" in text


def test_pem_private_key_is_masked() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7abc\n-----END RSA PRIVATE KEY-----"
    assert "MIIEpAIBAAKCAQEA7abc" not in redact_text(f"loaded {pem} ok")
    assert redact_text(f"loaded {pem} ok").endswith(" ok")


@pytest.mark.parametrize(
    "harmless",
    [
        "GET /v1/apis?page_size=20 took 3ms",
        "http://localhost:8080/health",
        "authentication required: send 'authorization: Bearer <token>'",
        "tenant acme has 3 rules",
    ],
)
def test_ordinary_text_is_left_alone(harmless: str) -> None:
    assert redact_text(harmless) == harmless


def test_a_closed_stream_never_makes_logging_raise():
    """A test runner or CLI runner may close the stream logging was pointed at; callers must not see it."""
    import io

    from opsuite_common.logging import configure_logging, get_logger

    stream = io.StringIO()
    configure_logging("closing", fmt="json", stream=stream)
    stream.close()
    get_logger("t").info("still fine")  # must not raise ValueError
    configure_logging("test", fmt="json")
