"""Pure helpers: parameter validation and redaction, templates, JSON safety (the SSRF guard: libs/common)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from opsuite_api_manager.domain.jsonsafe import to_jsonable
from opsuite_api_manager.domain.params import ParamSchema, check_parameter_schema, redact, validate_params
from opsuite_api_manager.domain.templates import find_references, render_json, render_url
from opsuite_common.errors import ValidationError

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


def test_a_default_the_schema_itself_gives_is_passed_unchecked_and_the_callers_own_value_is_checked() -> None:
    # "default": "" for an optional date the statement reads with NULLIF: JSON Schema does not validate a default
    window = {"type": "object", "default": {"days": 0}, "properties": {"days": {"type": "integer", "minimum": 1}}}
    schema = {"type": "object", "properties": {"from_date": {"type": "string", "format": "date", "default": ""},
                                               "window": window}}  # fmt: skip
    with pytest.raises(ValidationError) as info:
        validate_params(schema, {})  # only a default's format goes unchecked: its minimum still applies
    assert {(v.field, v.description) for v in info.value.field_violations} == {("params.window.days", "must be >= 1")}
    assert validate_params(schema, {"window": {"days": 2}}) == {"from_date": "", "window": {"days": 2}}
    with pytest.raises(ValidationError) as info:
        validate_params(schema, {"from_date": "", "window": {"days": 0}})  # the same values, given by the caller
    got = {(v.field, v.description) for v in info.value.field_violations}
    assert got == {("params.from_date", "must be a valid date"), ("params.window.days", "must be >= 1")}


def test_a_default_that_refers_to_itself_fills_a_bounded_depth_not_a_recursion_error() -> None:
    from opsuite_api_manager.domain.params import DEFAULTS_DEPTH

    node = {"type": "object", "default": {}, "properties": {"child": {"$ref": "#/$defs/n"}}}
    schema = {"type": "object", "$defs": {"n": node}, "properties": {"x": {"$ref": "#/$defs/n"}}}
    check_parameter_schema(schema)  # a valid schema: nothing refuses it at save
    value, depth = validate_params(schema, {})["x"], 1
    while "child" in value:
        value, depth = value["child"], depth + 1
    assert depth == DEFAULTS_DEPTH


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
