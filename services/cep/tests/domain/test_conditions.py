"""Conditions: parsing, compilation to closures and the documented typing rules.

See docs/cep-semantics.md, Threshold alerts #13.
"""

from __future__ import annotations

from typing import Any

import pytest

from opsuite_cep.domain import Event, Violations, compile_condition, condition_to_dict, parse_condition
from opsuite_cep.domain.durations import format_duration, parse_duration


def check(cond: dict[str, Any], attrs: dict[str, Any], **envelope: Any) -> bool:
    v = Violations()
    parsed = parse_condition(cond, v, "c")
    assert not v, v.items
    assert parsed is not None
    event = Event(
        id="e",
        type=envelope.get("type", "t"),
        time=0.0,
        source=envelope.get("source", ""),
        key=envelope.get("key", ""),
        attributes=attrs,
    )
    return compile_condition(parsed)(event, {})


@pytest.mark.parametrize(
    ("op", "value", "attr", "expected"),
    [
        ("==", 1, 1.0, True),  # numbers compare numerically
        ("==", 1, True, False),  # bool is not a number
        (">", 0, True, False),
        ("==", "5", 5, False),  # no string/number coercion
        ("!=", "5", 5, True),  # != across types is true
        ("<", "9", "10", True),  # strings by code point: "10" < "9"
        ("<", 10, "9", False),  # mixed types never order
        (">=", 2.5, 2.5, True),
        ("in", ["a", 2], 2.0, True),
        ("not_in", ["a", 2], "b", True),
        ("contains", "err", "an error", True),
        ("contains", "ERR", "an error", False),  # case-sensitive
        ("contains", "x", ["x", "y"], True),
        ("regex", "web-[0-9]+", "web-12", True),
        ("regex", "web", "web-12", False),  # fully anchored
        ("regex", "1", 1, False),  # strings only
        ("==", None, None, True),
    ],
)
def test_comparison_typing_rules(op: str, value: Any, attr: Any, expected: bool) -> None:
    assert check({"field": "x", "op": op, "value": value}, {"x": attr}) is expected


@pytest.mark.parametrize("op", ["==", "!=", "<", "in", "not_in", "contains", "regex"])
def test_row13_missing_attribute_makes_every_comparison_false(op: str) -> None:
    value: Any = ["a"] if op in ("in", "not_in") else "a"
    assert check({"field": "x", "op": op, "value": value}, {}) is False


def test_row13_not_over_missing_is_true_and_exists() -> None:
    assert check({"not": {"field": "cpu", "op": ">", "value": 90}}, {}) is True
    assert check({"field": "cpu", "op": "exists"}, {"cpu": None}) is True
    assert check({"field": "cpu", "op": "exists"}, {}) is False


def test_nested_paths_envelope_and_groups() -> None:
    cond = {
        "and": [
            {"field": "http.status", "op": ">=", "value": 500},
            {"field": "source", "op": "==", "value": "web-1"},
            {
                "or": [
                    {"field": "type", "op": "==", "value": "req"},
                    {"field": "attributes.type", "op": "==", "value": "x"},
                ]
            },
        ]
    }
    assert check(cond, {"http": {"status": 503}}, source="web-1", type="req") is True
    assert check(cond, {"http": {"status": 503}, "type": "x"}, source="web-1", type="other") is True
    assert check(cond, {"http": 503}, source="web-1", type="req") is False  # path through a non-object


def test_value_from_reads_an_earlier_alias() -> None:
    v = Violations()
    parsed = parse_condition(
        {"field": "b.version", "op": "==", "value_from": "a.version"}, v, "c", aliases=frozenset({"a", "b"})
    )
    assert parsed is not None
    pred = compile_condition(parsed, frozenset({"a", "b"}))
    a = Event("1", "deploy", 0, attributes={"version": "v2"})
    b = Event("2", "error", 1, attributes={"version": "v2"})
    assert pred(b, {"a": a, "b": b}) is True
    assert pred(b, {"a": Event("3", "deploy", 0, attributes={"version": "v1"}), "b": b}) is False


def test_round_trip_to_dict() -> None:
    data = {"or": [{"field": "x", "op": "in", "value": [1, 2]}, {"not": {"field": "y", "op": "exists"}}]}
    v = Violations()
    parsed = parse_condition(data, v, "c")
    assert parsed is not None and condition_to_dict(parsed) == data


def test_parse_errors_are_all_collected_with_paths() -> None:
    v = Violations()
    parse_condition(
        {
            "and": [
                {"field": "x", "op": "foo", "value": 1},
                {"field": "y", "op": "regex", "value": "("},
                {"field": "z", "op": "in", "value": 3},
                {"field": "w", "op": ">", "value": [1]},
            ]
        },
        v,
        "spec.condition",
    )
    fields = [f.field for f in v.items]
    assert fields == [
        "spec.condition.and[0].op",
        "spec.condition.and[1].value",
        "spec.condition.and[2].value",
        "spec.condition.and[3].value",
    ]
    assert "unknown operator 'foo'; expected one of ==" in v.items[0].description


@pytest.mark.parametrize(
    ("text", "seconds"), [("5m", 300), ("30s", 30), ("1h30m", 5400), (90, 90), ("250ms", 0.25), ("2", 2)]
)
def test_durations(text: Any, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["5 minutes", "-1s", -3, True, "m5", ""])
def test_bad_durations(bad: Any) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


def test_format_duration() -> None:
    assert format_duration(5400) == "1h30m"
    assert format_duration(0.25) == "250ms"
