"""Pure helpers: address classification, parameter validation and redaction, templates, JSON safety."""

from __future__ import annotations

import datetime as dt
import ipaddress
import uuid
from decimal import Decimal

import pytest

from opsuite_api_manager.domain.jsonsafe import to_jsonable
from opsuite_api_manager.domain.params import ParamSchema, check_parameter_schema, redact, validate_params
from opsuite_api_manager.domain.ssrf import NetworkPolicy, check_url, forbidden_reason, parse_ip_literal
from opsuite_api_manager.domain.templates import find_references, render_json, render_url
from opsuite_common.errors import PermissionDeniedError, ValidationError

# --------------------------------------------------------------------------- ssrf


@pytest.mark.parametrize(
    "spelling",
    ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f000001", "0x7F.0.0.1", "127.1", "127.0.1", "017700000001"],
)
def test_every_ipv4_spelling_of_loopback_parses(spelling: str) -> None:
    assert parse_ip_literal(spelling) == ipaddress.IPv4Address("127.0.0.1")


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "1..2", "abc.1", "1.2.3.256"])
def test_names_and_invalid_numbers_are_not_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "IPv4-mapped"),
        ("::ffff:10.0.0.1", "private"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::7f00:1", "NAT64"),
        ("2002:7f00:1::", "6to4"),
        ("::7f00:1", "IPv4-compatible"),
        ("240.0.0.1", ""),
        ("192.0.2.1", ""),
    ],
)
def test_forbidden_addresses_have_plain_reasons(address: str, words: str) -> None:
    reason = forbidden_reason(ipaddress.ip_address(address))
    assert reason is not None and words.lower() in reason.lower()


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_allow_list_by_cidr_name_and_wildcard() -> None:
    policy = NetworkPolicy(allow=("10.0.0.0/8", "*.corp.example", "db.internal", "169.254.169.254"))
    policy.check("10.9.9.9", ipaddress.ip_address("10.9.9.9"))
    policy.check("api.corp.example", ipaddress.ip_address("192.168.1.1"))
    policy.check("db.internal", ipaddress.ip_address("172.16.0.5"))
    policy.check("169.254.169.254", ipaddress.ip_address("169.254.169.254"))  # explicit address entry
    with pytest.raises(PermissionDeniedError):
        policy.check("corp.example.evil.com", ipaddress.ip_address("192.168.1.1"))
    with pytest.raises(PermissionDeniedError, match="metadata"):  # a name never unlocks fd00:ec2::254
        policy.check("db.internal", ipaddress.ip_address("fd00:ec2::254"))


def test_allowlist_only_refuses_public_hosts_not_listed() -> None:
    strict = NetworkPolicy(allow=("api.example.com",), allowlist_only=True)
    check_url("https://api.example.com/x", strict)
    with pytest.raises(PermissionDeniedError, match="allow-list"):
        check_url("https://other.example.com/x", strict)
    with pytest.raises(PermissionDeniedError):
        strict.check("8.8.8.8", ipaddress.ip_address("8.8.8.8"))


# --------------------------------------------------------------------------- params

SCHEMA = {
    "type": "object",
    "properties": {
        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "filter": {
            "type": "object",
            "default": {},
            "properties": {
                "since": {"type": "string", "format": "date", "default": "2024-01-01"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
            },
        },
        "token": {"type": "string", "x-secret": True},
        "auth": {
            "type": "object",
            "properties": {"password": {"type": "string", "writeOnly": True}, "user": {"type": "string"}},
        },
    },
    "required": ["status"],
    "additionalProperties": False,
}


def test_defaults_are_applied_including_nested_objects() -> None:
    out = validate_params(SCHEMA, {"status": "open"})
    assert out == {"status": "open", "limit": 10, "filter": {"since": "2024-01-01"}}
    given = {"status": "open", "filter": {"tags": ["a"]}}
    assert validate_params(SCHEMA, given)["filter"] == {"tags": ["a"], "since": "2024-01-01"}
    assert given == {"status": "open", "filter": {"tags": ["a"]}}  # caller's dict is not mutated


def test_every_problem_becomes_a_field_violation() -> None:
    with pytest.raises(ValidationError) as info:
        validate_params(
            SCHEMA,
            {"limit": 500, "status": "maybe", "filter": {"since": "yesterday", "tags": ["a", "b", "c"]}, "extra": 1},
        )
    got = {(v.field, v.description) for v in info.value.field_violations}
    assert ("params.limit", "must be <= 100") in got
    assert ("params.status", "must be one of: 'open', 'closed'") in got
    assert ("params.filter.since", "must be a valid date") in got
    assert ("params.filter.tags", "must have at most 2 items") in got
    assert ("params.extra", "is not an accepted parameter") in got
    with pytest.raises(ValidationError) as missing:
        validate_params(SCHEMA, {"limit": "ten"})
    got = {(v.field, v.description) for v in missing.value.field_violations}
    assert ("params.status", "is required") in got
    assert ("params.limit", "must be of type integer (got string)") in got


def test_redaction_of_secret_fields_at_any_depth() -> None:
    params = {"status": "open", "token": "t0k", "auth": {"user": "bob", "password": "pw"}}
    assert redact(SCHEMA, params) == {"status": "open", "token": "***", "auth": {"user": "bob", "password": "***"}}
    assert params["token"] == "t0k"
    assert ParamSchema(SCHEMA).secret_values(params) == {"t0k", "pw"}


def test_secret_inside_defs_reference_is_redacted() -> None:
    schema = {
        "type": "object",
        "$defs": {"key": {"type": "string", "x-secret": True}},
        "properties": {"k": {"$ref": "#/$defs/key"}},
    }
    assert redact(schema, {"k": "v"}) == {"k": "***"}


def test_check_parameter_schema() -> None:
    check_parameter_schema(SCHEMA)
    check_parameter_schema(None)
    with pytest.raises(ValidationError) as info:
        check_parameter_schema({"type": "object", "properties": {"a": {"type": "integr"}}})
    assert info.value.field_violations[0].field.startswith("parameter_schema.properties.a")
    with pytest.raises(ValidationError, match="object"):
        check_parameter_schema({"type": "string"})
    with pytest.raises(ValidationError, match="resolve"):
        check_parameter_schema({"type": "object", "properties": {"a": {"$ref": "https://example.com/s.json"}}})


def test_non_object_params_are_refused() -> None:
    with pytest.raises(ValidationError):
        validate_params({}, ["not", "an", "object"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- templates


def test_templates_are_lookups_only() -> None:
    assert find_references("{{ params.a }}/{{params.b.c}}/{{ steps.s1.rows.0 }}") == [
        "params.a",
        "params.b.c",
        "steps.s1.rows.0",
    ]
    for bad in ("{{ params.a + 1 }}", "{{ __import__('os') }}", "{{ params.a | upper }}", "{{}}"):
        with pytest.raises(ValidationError):
            find_references(bad)
    with pytest.raises(ValidationError, match=r"params\.nope"):
        render_url("http://x/{{ params.nope }}", {"params": {}})


def test_render_json_keeps_types_and_renders_text() -> None:
    context = {"params": {"n": 3, "flag": True, "tags": ["a"], "name": "x"}}
    body = {
        "n": "{{ params.n }}",
        "f": "{{params.flag}}",
        "t": "{{ params.tags }}",
        "s": "hi {{ params.name }} #{{ params.n }}",
        "k": [1, "{{params.n}}"],
    }
    assert render_json(body, context) == {"n": 3, "f": True, "t": ["a"], "s": "hi x #3", "k": [1, 3]}


# --------------------------------------------------------------------------- jsonsafe


def test_to_jsonable() -> None:
    value = {
        "d": Decimal("12.25"),
        "big": Decimal("12345678901234567890.123456789"),
        "i": Decimal("42"),
        "ts": dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC),
        "day": dt.date(2024, 5, 1),
        "t": dt.time(8, 30),
        "u": uuid.UUID(int=1),
        "b": b"\x00\xff",
        "nan": float("nan"),
        "huge": 2**60,
        "set": {3, 1},
        "td": dt.timedelta(minutes=1),
    }
    assert to_jsonable(value) == {
        "d": 12.25,
        "big": "12345678901234567890.123456789",
        "i": 42,
        "ts": "2024-05-01T08:30:00+00:00",
        "day": "2024-05-01",
        "t": "08:30:00",
        "u": "00000000-0000-0000-0000-000000000001",
        "b": "AP8=",
        "nan": "NaN",
        "huge": str(2**60),
        "set": [1, 3],
        "td": 60.0,
    }
