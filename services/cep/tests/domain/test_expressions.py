"""Conditions in one line (issue 14, item 3): grammar and precedence, lowering to the condition tree, values,
regex operators, errors with their position, bounds, and the canonical text TestRule shows."""

from __future__ import annotations

from typing import Any

import pytest

from opsuite_cep.domain import (
    And,
    Comparison,
    Event,
    Expr,
    ExpressionError,
    Not,
    Violations,
    compile_condition,
    format_condition,
    parse_condition,
    parse_expression,
    parse_rule,
    parsed_conditions,
)
from opsuite_cep.domain.expressions import MAX_EXPRESSION_CHARS, MAX_EXPRESSION_DEPTH, MAX_WINDOWS
from opsuite_cep.domain.rules import Limits
from opsuite_common.errors import ValidationError


def holds(text: str, **attrs: Any) -> bool:
    event = Event(id="e", type="t", time=0.0, source="src", key="k", attributes=attrs)
    return compile_condition(parse_expression(text))(event, {})


def canonical(text: str, **kw: Any) -> str:
    return format_condition(parse_expression(text, **kw))


def error(text: str, **kw: Any) -> str:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, **kw)
    return str(info.value)


# ------------------------------------------------------------------------------------------------ grammar
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('value > 90 and host =~ "web-.*"', '((value > 90) and (host =~ "web-.*"))'),
        ("a > 1 or b > 1 and c > 1", "((a > 1) or ((b > 1) and (c > 1)))"),  # and binds tighter than or
        ("not a > 1 and b > 1", "((not (a > 1)) and (b > 1))"),  # not binds tighter than and, looser than >
        ("a + b * c > 1", "((a + (b * c)) > 1)"),  # * before +
        ("a - b - c > 1", "(((a - b) - c) > 1)"),  # left-associative
        ("a - (b - c) > 1", "((a - (b - c)) > 1)"),
        ("a * b % c / d > 1", "((((a * b) % c) / d) > 1)"),
        ("-a * b > 1", "(((-a) * b) > 1)"),  # unary minus before *
        ("(a > 1 or b > 1) and c > 1", "(((a > 1) or (b > 1)) and (c > 1))"),
        ("90 < cpu", "(cpu > 90)"),  # a literal on the left is flipped into a plain comparison
        ("cpu > 60 * 5", "(cpu > 300)"),  # constants fold
        ("cpu >= -5", "(cpu >= -5)"),
        ("b.version != a.version", "(b.version != a.version)"),
        ("x not in [1, 'two', true, null]", '(x not in [1, "two", true, null])'),
        ("exists(trace_id) and contains(msg, `err`)", '(exists(trace_id) and contains(msg, "err"))'),
        ("abs(a - b) > 3", "(abs((a - b)) > 3)"),
        ("rate(req[90s]) > 1", "(rate(req[1m30s]) > 1)"),
        ("quantile_over_time(0.9, latency[5m]) > 0.25", "(quantile_over_time(0.9, latency[5m]) > 0.25)"),
        ("android > 1 and nothing < 2 and index == 3", "((android > 1) and (nothing < 2) and (index == 3))"),
    ],
)
def test_precedence_and_the_canonical_fully_parenthesised_form(text: str, expected: str) -> None:
    assert canonical(text, windows=True) == expected
    # the canonical text parses back to the same condition
    assert parse_expression(expected, windows=True) == parse_expression(text, windows=True)


def test_plain_comparisons_lower_to_the_json_tree_leaves() -> None:
    lowered = parse_expression('value > 90 and host =~ "web-.*" and not region in ["eu"] and h !~ "x"')
    assert lowered == And(
        (
            Comparison("value", ">", 90.0),
            Comparison("host", "regex", "web-.*"),
            Not(Comparison("region", "in", ("eu",))),
            Comparison("h", "not_regex", "x"),
        )
    )
    tree = parse_condition({"field": "cpu", "op": ">", "value": 90}, Violations(), "c")
    assert format_condition(tree) == "(cpu > 90)"  # type: ignore[arg-type]
    arithmetic = parse_expression("cpu * 100 > 90")  # what the tree has no node for is an Expr leaf
    assert isinstance(arithmetic, Expr) and arithmetic.paths == ("cpu",)


# ------------------------------------------------------------------------------------------------ values
@pytest.mark.parametrize(
    ("text", "attrs", "expected"),
    [
        ("a + b * 2 == 7", {"a": 1, "b": 3}, True),
        ("a / b > 1", {"a": 3, "b": 2}, True),
        ("a % 3 == 1", {"a": 7}, True),
        ("a % 3 == -1", {"a": -7}, True),  # Go's math.Mod: the sign of the dividend
        ("a / 0 > 1e300", {"a": 1}, True),  # +Inf
        ("a / 0 == a / 0", {"a": 0}, False),  # NaN equals nothing
        ("a + 1 > 0", {}, False),  # a missing operand: the value is missing, every comparison false
        ("not a + 1 > 0", {}, True),  # and NOT of it true, as the tree
        ("a + 1 > 0", {"a": "5"}, False),  # no string to number conversion
        ("a + 1 > 0", {"a": True}, False),  # a bool is not a number
        ("-a < 0", {"a": 2}, True),
        ("abs(a - b) > 3", {"a": 1, "b": 9}, True),
        ("a * 2 == b", {"a": 2.5, "b": 5}, True),
        ("name == 'x' or code >= 500", {"name": "y", "code": 503}, True),
        ("source == 'src' and key == 'k'", {}, True),  # envelope fields
        ("http.status >= 500", {"http": {"status": 502}}, True),
        ("x > 'a'", {"x": "b"}, True),  # strings order by code point
        ("x * 1 in [2, 3]", {"x": 3}, True),
        ("x * 1 not in [2, 3]", {"x": 4}, True),
        ("x * 1 not in [2, 3]", {}, False),  # not in needs the value
        ("x == null", {"x": None}, True),
        ("ok == true", {"ok": True}, True),
    ],
)
def test_values_follow_the_tree_typing_rules(text: str, attrs: dict[str, Any], expected: bool) -> None:
    assert holds(text, **attrs) is expected


@pytest.mark.parametrize(
    ("text", "attrs", "expected"),
    [
        ('host =~ "web-[0-9]+"', {"host": "web-12"}, True),
        ('host =~ "web"', {"host": "web-12"}, False),  # fully anchored
        ('host =~ "web.*"', {"host": "my-web-1"}, False),
        ('host !~ "web-.*"', {"host": "db-1"}, True),
        ('host !~ "web-.*"', {"host": "web-1"}, False),
        ('host !~ "web-.*"', {}, False),  # missing: false, as !=
        ('host !~ "1"', {"host": 1}, True),  # present and not a matching string
        ('host =~ "1"', {"host": 1}, False),  # strings only
        (r'path =~ "/api/v[0-9]+/\\w+"', {"path": "/api/v2/users"}, True),  # JSON escapes: \\ is a backslash
        (r"path =~ `/api/v[0-9]+/\w+`", {"path": "/api/v2/users"}, True),  # a raw string needs none
    ],
)
def test_regex_operators_are_fully_anchored(text: str, attrs: dict[str, Any], expected: bool) -> None:
    assert holds(text, **attrs) is expected


def test_a_regex_on_a_computed_value_is_an_expr_leaf_with_the_same_rules() -> None:
    cond = parse_expression('x * 1 !~ "1"')
    assert isinstance(cond, Expr)
    assert holds('x * 1 !~ "1"', x=1) is True  # a number is never a matching string
    assert holds('x * 1 !~ "1"') is False


def test_json_tree_has_not_regex_too() -> None:
    v = Violations()
    tree = parse_condition({"field": "host", "op": "not_regex", "value": "web-.*"}, v, "c")
    assert not v and tree is not None
    event = Event("e", "t", 0.0, attributes={"host": "db-1"})
    assert compile_condition(tree)(event, {}) is True
    assert format_condition(tree) == '(host !~ "web-.*")'


def test_sequence_aliases_in_one_line() -> None:
    cond = parse_expression("b.version == a.version and b.n > a.n + 1", aliases=frozenset({"a", "b"}))
    a = Event("1", "deploy", 0.0, attributes={"version": "v2", "n": 1})
    b = Event("2", "deploy", 1.0, attributes={"version": "v2", "n": 3})
    assert compile_condition(cond, frozenset({"a", "b"}))(b, {"a": a, "b": b}) is True
    assert "'a' is a step alias" in error("a == 1", aliases=frozenset({"a"}))


# ------------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cpu >", "line 1, column 6: the expression ends too soon; expected one of: an attribute, a number"),
        ("cpu >> 1", "line 1, column 6: unexpected '>'; expected one of: an attribute"),
        ("cpu > 90 and\nhost = 'a'", "line 2, column 6: unexpected character '=': compare with =="),
        ("a < b < c", "line 1, column 7: unexpected '<': comparisons do not chain"),
        ("cpu > 1 && mem > 1", "line 1, column 9: unexpected character '&': join conditions with 'and'"),
        ("cpu and mem > 1", "line 1, column 1: 'and' joins conditions; this is a value"),
        ("cpu * 2", "line 1, column 1: this is a value, not a condition"),
        ("cpu[5m] > 1", "line 1, column 4: unexpected '[': a range like x[5m] is only an argument"),
        ("shell(x) > 1", "line 1, column 1: unknown function 'shell'"),
        ('host =~ "("', "line 1, column 9: invalid regular expression"),
        ('x > "a" + 1', "line 1, column 5: '+' works on numbers"),
        ("x > true", "line 1, column 5: '>' compares numbers or strings, not true"),
        ('x =~ "\\d"', "line 1, column 7: unknown escape '\\d' in a string"),
        ("rate(x) > 1", "line 1, column 1: rate takes a range: rate(x[5m])"),
        ("quantile_over_time(1.5, x[5m]) > 1", "line 1, column 20: the quantile is a number from 0 to 1"),
        ("exists(a + 1)", "line 1, column 1: exists takes an attribute"),
        ("   ", "line 1, column 1: empty expression"),
    ],
)
def test_errors_give_the_position(text: str, message: str) -> None:
    assert error(text, windows=True).startswith(message)


def test_a_refused_expression_is_a_field_violation_at_save() -> None:
    rule = {"name": "r", "kind": "THRESHOLD", "event_type": "m", "spec": {"condition": "cpu > 90 and", "where": "x >"}}
    with pytest.raises(ValidationError) as info:
        parse_rule(rule)
    fields = {v.field: v.description for v in info.value.field_violations}
    assert fields["spec.condition"].startswith("invalid expression at line 1, column 13: the expression ends")
    assert fields["spec.where"].startswith("invalid expression at line 1, column 4:")


# ------------------------------------------------------------------------------------------------ bounds
def test_bounds_on_what_a_tenant_writes() -> None:
    assert f"at most {MAX_EXPRESSION_CHARS} characters" in error("x > 1 or " * 300 + "x > 1")
    assert "more than 200 parts" in error(" or ".join(f"x{i} > {i}" for i in range(80)))
    assert f"nested more than {MAX_EXPRESSION_DEPTH} levels" in error("-" * 40 + "x > 1")
    assert f"nested more than {MAX_EXPRESSION_DEPTH} levels" in error("not " * 40 + "x > 1")
    # parentheses alone add no level, and a long chain of one operator is one level (no recursion either way)
    assert canonical("(" * 500 + "x > 1" + ")" * 500) == "(x > 1)"
    assert canonical("x" + " + 1" * 60 + " > 1").startswith("((((")
    windows = " + ".join(f"sum_over_time(x[{i + 1}m])" for i in range(MAX_WINDOWS + 1)) + " > 1"
    assert f"at most {MAX_WINDOWS} distinct windows" in error(windows, windows=True)
    same = " + ".join("sum_over_time(x[1m])" for _ in range(MAX_WINDOWS + 1)) + " > 1"
    assert canonical(same, windows=True)  # the same window read twice is one window
    assert "at most 60s, got 2m" in error("rate(x[2m]) > 1", windows=True, limits=Limits(max_window_size=60))
    assert "longer than 0s" in error("rate(x[0s]) > 1", windows=True)
    assert "longer than 10 characters" in error('x =~ "aaaaaaaaaaa"', limits=Limits(max_regex_length=10))


def test_window_functions_only_in_a_threshold_condition() -> None:
    assert "only a THRESHOLD rule's spec.condition has one" in error("rate(x[5m]) > 1")
    rule: dict[str, Any] = {
        "name": "r",
        "kind": "WINDOW",
        "event_type": "m",
        "spec": {"window": "tumbling", "size": "1m", "aggregate": "count", "op": ">", "threshold": 1},
    }
    with pytest.raises(ValidationError) as info:
        parse_rule({**rule, "spec": {**rule["spec"], "where": "rate(x[5m]) > 1"}})
    assert [v.field for v in info.value.field_violations] == ["spec.where"]


def test_parsed_conditions_of_every_kind_and_both_syntaxes() -> None:
    threshold = parse_rule(
        {
            "name": "r",
            "kind": "THRESHOLD",
            "event_type": "m",
            "spec": {"condition": "rate(req[5m]) > 10", "where": {"field": "env", "op": "==", "value": "prod"}},
        }
    )
    assert parsed_conditions(threshold) == {
        "spec.condition": "(rate(req[5m]) > 10)",
        "spec.where": '(env == "prod")',
    }
    sequence = parse_rule(
        {
            "name": "s",
            "kind": "SEQUENCE",
            "spec": {
                "within": "1m",
                "steps": [
                    {"alias": "a", "event_type": "deploy"},
                    {"alias": "b", "event_type": "error", "where": "b.version == a.version"},
                ],
            },
        }
    )
    assert parsed_conditions(sequence) == {"spec.steps[1].where": "(b.version == a.version)"}


def test_infinite_literals_and_huge_integers() -> None:
    assert "too large" in error("x > 1e999")
    assert holds("x * 2 > 1e300", x=10**400) is True  # a huge integer attribute is +Inf, not an error


# ------------------------------------------------------------------------------------------------ strings
NINES = "9" * 400


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # parse_duration's ValueError inside the builder: a refusal at the duration, not lark's VisitError
        (f"rate(x[{NINES}s]) > 1", "line 1, column 8: the window 999"),
        # a lone surrogate cannot be encoded as UTF-8 (RE2 raised UnicodeEncodeError; == was accepted)
        ('host =~ "\\ud800"', "line 1, column 10: '\\ud800' is half of a UTF-16 surrogate pair"),
        ('host == "\\ud800"', "line 1, column 10: '\\ud800' is half of a UTF-16 surrogate pair"),
        ('host == "a\\udc00"', "line 1, column 11: '\\udc00' is half of a UTF-16 surrogate pair"),
        ('host == "\\ude00\\ud83d"', "line 1, column 10: '\\ude00' is half"),  # a pair in the wrong order
        ("host == `\ud800`", "line 1, column 10: the string holds '\\ud800', which is not valid Unicode text"),
        ("host == '\udfff'", "line 1, column 10: the string holds '\\udfff', which is not valid Unicode text"),
    ],
)
def test_what_the_builder_cannot_take_is_an_expression_error_with_its_position(text: str, message: str) -> None:
    assert error(text, windows=True).startswith(message)


def test_any_error_inside_the_builder_is_an_expression_error_at_its_part(monkeypatch: pytest.MonkeyPatch) -> None:
    from opsuite_cep.domain.expr_parser import Builder

    def broken(self: Builder, children: list[Any]) -> Any:
        raise OverflowError("cannot take this")

    monkeypatch.setattr(Builder, "in_list", broken)
    assert error("x > 1 and y in [1, 2]") == "line 1, column 11: cannot take this"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"\\ud83d\\ude00"', "\U0001f600"),  # a surrogate pair is one code point, as in JSON
        ("'\\uD83D\\uDE00'", "\U0001f600"),
        ('"\\u00e9\\t\\"\\/\\\\"', 'é\t"/\\'),
        ("'it\\'s'", "it's"),
        ('"😀"', "\U0001f600"),
    ],
)
def test_string_literals_decode_as_json(text: str, value: str) -> None:
    assert holds(f"host == {text}", host=value) is True
    assert parse_expression(f"host == {text}") == Comparison("host", "==", value)
    assert canonical(f"host == {text}").encode()  # TestRule's text is valid UTF-8
