"""Conditions in one line: ``value > 90 and host =~ "web-.*"``, next to the JSON condition tree.

Wherever a rule takes a condition (``spec.condition``, ``spec.where``, a step's ``where``), a **string** is an
expression in this syntax. It is parsed with lark (:mod:`.expr_parser`: grammar and precedence), checked and
bounded at save, and **lowered to the condition tree** (:mod:`.conditions`): ``and``/``or``/``not`` become
And/Or/Not, ``path op literal``, ``path op path``, ``=~``, ``!~``, ``in``, ``exists()`` and ``contains()``
become the tree's leaves, so they evaluate exactly as the JSON form (same typing rules, fast paths and rule
index). What the tree has no node for (arithmetic, ``abs``, window functions) becomes an :class:`Expr` leaf
evaluated by :mod:`.expr_eval`. Nothing is ever passed to Python's ``eval``.

Values: ``+ - * / %`` work on numbers (a bool is not a number); anything else (a missing attribute, a
string) makes the result missing, and a comparison with a missing side is false, as in the tree. ``x / 0`` is
±Inf (NaN for ``0 / 0``) and ``%`` is Go's ``math.Mod``, as in PromQL.

Window functions (``rate(x[5m])``, ``increase``, ``*_over_time``) read the samples of ``x`` of the events of
the rule's group in a window of event time ending at the event being evaluated: :mod:`.series` says exactly.
They are allowed in a THRESHOLD rule's ``spec.condition`` only.

Bounds on what a tenant writes (a refusal names the field and the position, ``line 1, column 14: ...``):
:data:`MAX_EXPRESSION_CHARS` characters, ``Limits.max_condition_nodes`` parts, :data:`MAX_EXPRESSION_DEPTH`
levels of nesting, :data:`MAX_WINDOWS` distinct windows, windows up to ``Limits.max_window_size``, regexes
up to ``Limits.max_regex_length`` characters (each compiled once, when the rule is loaded).
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Final

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from opsuite_cep.domain.conditions import And, Comparison, Condition, Expr, Not, Or
from opsuite_cep.domain.expr_ast import (
    Call,
    Chain,
    Compare,
    InList,
    Lit,
    Logic,
    Match,
    Neg,
    Negation,
    Node,
    Path,
    Range,
    format_node,
    is_condition,
    literal_text,
)
from opsuite_cep.domain.expr_eval import compile_test
from opsuite_cep.domain.expr_parser import Builder, ExpressionError, builder_error, grammar
from opsuite_cep.domain.rules import (
    AbsenceSpec,
    AnomalySpec,
    Limits,
    Rule,
    ScheduleSpec,
    SequenceSpec,
    ThresholdSpec,
    WindowSpec,
)
from opsuite_cep.domain.validation import Violations, join_path

__all__ = [
    "MAX_EXPRESSION_CHARS",
    "MAX_EXPRESSION_DEPTH",
    "MAX_WINDOWS",
    "ExpressionError",
    "expression_condition",
    "format_condition",
    "parse_expression",
    "parsed_conditions",
    "rule_conditions",
]

MAX_EXPRESSION_CHARS: Final = 2_048
MAX_EXPRESSION_DEPTH: Final = 32
#: Distinct ``(attribute, range)`` windows of one condition (each keeps samples per group).
MAX_WINDOWS: Final = 8

_FLIP: Final = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_TERMINALS: Final = {
    "PATH": "an attribute",
    "NUMBER": "a number",
    "STRING": "a string",
    "RAW_STRING": "a string",
    "TRUE": "true",
    "FALSE": "false",
    "NULL": "null",
    "LPAR": "(",
    "RPAR": ")",
    "LSQB": "[",
    "RSQB": "]",
    "COMMA": ",",
    "DURATION": "a duration like 5m",
    "ADD_OP": "+ -",
    "MUL_OP": "* / %",
    "COMP_OP": "== != < <= > >=",
    "MATCH_OP": "=~ !~",
    "IN": "in",
    "NOT": "not",
    "_AND": "and",
    "_OR": "or",
    "$END": "the end",
}
_HINTS: Final = {
    "=": "compare with ==",
    "&": "join conditions with 'and'",
    "|": "join conditions with 'or'",
    "!": "negate with 'not' (or compare with != or !~)",
    "[": "a range like x[5m] is only an argument of a window function such as rate()",
}


def parse_expression(
    text: str, *, aliases: frozenset[str] = frozenset(), limits: Limits | None = None, windows: bool = False
) -> Condition:
    """Parse, check and lower one expression; raise :class:`ExpressionError` with the position of the problem.

    ``aliases``: the sequence aliases a path may start with; ``windows``: whether window functions are allowed.
    """
    lim = limits or Limits()
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"an expression is at most {MAX_EXPRESSION_CHARS} characters", text, MAX_EXPRESSION_CHARS)
    if not text.strip():
        raise ExpressionError("empty expression; write a condition like 'cpu > 90'", text, 0)
    try:
        tree = grammar().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None
    builder = Builder(
        text,
        aliases=aliases,
        windows=windows,
        max_nodes=lim.max_condition_nodes,
        max_depth=MAX_EXPRESSION_DEPTH,
        max_regex=lim.max_regex_length,
        max_range=lim.max_window_size,
    )
    try:
        node: Node = builder.transform(tree)
    except VisitError as exc:  # whatever the builder raised is a refusal of the text, with its position
        raise builder_error(exc, text) from None
    if not is_condition(node):
        raise ExpressionError("this is a value, not a condition: compare it, e.g. 'cpu > 90'", text, node.pos)
    seen: dict[tuple[str, float], None] = {}
    for window in _ranges(node):
        seen.setdefault((window.path, window.seconds))
        if len(seen) > MAX_WINDOWS:
            raise ExpressionError(f"a condition reads at most {MAX_WINDOWS} distinct windows", text, window.pos)
    return _lower(_primary(node))


def expression_condition(
    text: str,
    violations: Violations,
    path: str,
    *,
    aliases: frozenset[str] = frozenset(),
    limits: Limits | None = None,
    windows: bool = False,
) -> Condition | None:
    """:func:`parse_expression`, recording a refusal as a violation of ``path`` (then None)."""
    try:
        return parse_expression(text, aliases=aliases, limits=limits, windows=windows)
    except ExpressionError as exc:
        violations.add(path, f"invalid expression at {exc}")
        return None


# --------------------------------------------------------------------------------------------- errors
_ORDER: Final = list(dict.fromkeys(_TERMINALS.values()))


def _expected(names: set[str] | frozenset[str] | None) -> str:
    words = {_TERMINALS.get(n, n.lower()) for n in names or () if n != "$END"}
    ordered = sorted(words, key=lambda w: (_ORDER.index(w) if w in _ORDER else len(_ORDER), w))
    return "one of: " + ", ".join(ordered)


def _syntax_error(exc: UnexpectedInput, text: str) -> ExpressionError:
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        ch = text[at]
        hint = _HINTS.get(ch)  # the lexer's 'allowed' may name more than the grammar takes here, so it is not listed
        return ExpressionError(f"unexpected character {ch!r}" + (f": {hint}" if hint else ""), text, at)
    if isinstance(exc, UnexpectedToken):
        expected = exc.accepts or exc.expected
        if exc.token.type == "$END":
            return ExpressionError(f"the expression ends too soon; expected {_expected(expected)}", text, len(text))
        hint = _HINTS.get(str(exc.token))
        if exc.token.type in ("COMP_OP", "MATCH_OP") and "PATH" not in expected:
            hint = "comparisons do not chain: write 'a < b and b < c'"
        got = f"unexpected {str(exc.token)!r}"
        message = f"{got}: {hint}" if hint else f"{got}; expected {_expected(expected)}"
        return ExpressionError(message, text, exc.token.start_pos or 0)
    return ExpressionError("the expression ends too soon", text, len(text))


# --------------------------------------------------------------------------------------------- lowering
def _ranges(node: Node) -> list[Range]:
    out: list[Range] = []
    for child in _children(node):
        out.extend([child] if isinstance(child, Range) else _ranges(child))
    return out


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Chain):
        return (node.first, *(n for _, n in node.rest))
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Neg | Match | InList):
        return (node.operand,)
    if isinstance(node, Negation):
        return (node.child,)
    if isinstance(node, Logic | Call):
        return node.children if isinstance(node, Logic) else node.args
    return ()


def _primary(node: Node) -> Node:
    """Mark the comparison whose left side is the alert's ``$value`` (PromQL: ``rate(x[5m]) > 1`` is the rate).

    It is the top comparison, or the first of a top-level ``and``, when its left side is computed.
    """
    if isinstance(node, Logic) and node.op == "and":
        return dataclasses.replace(node, children=(_primary(node.children[0]), *node.children[1:]))
    if isinstance(node, Compare) and not isinstance(node.left, Path | Lit):
        return dataclasses.replace(node, primary=True)
    return node


def _lower(node: Node) -> Condition:
    if isinstance(node, Logic):
        kind = And if node.op == "and" else Or
        kids: list[Condition] = []
        for child in (_lower(c) for c in node.children):
            kids.extend(child.children if isinstance(child, kind) else (child,))
        return kind(tuple(kids))
    if isinstance(node, Negation):
        return Not(_lower(node.child))
    leaf = _leaf(node)
    if leaf is not None:
        return leaf
    return Expr(format_node(node), tuple(dict.fromkeys(_paths(node))), partial(compile_test, node))


def _leaf(node: Node) -> Comparison | None:
    """The tree leaf ``node`` is, when it is one."""
    if isinstance(node, Compare) and not node.primary:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, Path) and isinstance(right, Lit):
            return Comparison(left.path, op, right.value)
        if isinstance(left, Lit) and isinstance(right, Path):
            return Comparison(right.path, _FLIP[op], left.value)
        if isinstance(left, Path) and isinstance(right, Path):
            return Comparison(left.path, op, value_from=right.path)
    if isinstance(node, Match) and isinstance(node.operand, Path):
        return Comparison(node.operand.path, "not_regex" if node.negate else "regex", node.pattern)
    if isinstance(node, InList) and isinstance(node.operand, Path):
        return Comparison(node.operand.path, "not_in" if node.negate else "in", node.values)
    if isinstance(node, Call) and node.name == "exists" and isinstance(node.args[0], Path):
        return Comparison(node.args[0].path, "exists")
    if isinstance(node, Call) and node.name == "contains":
        target, literal = node.args
        if isinstance(target, Path) and isinstance(literal, Lit):
            return Comparison(target.path, "contains", literal.value)
    return None


def _paths(node: Node) -> list[str]:
    if isinstance(node, Path | Range):
        return [node.path]
    return [p for child in _children(node) for p in _paths(child)]


# --------------------------------------------------------------------------------------------- canonical text
_TREE_OPS: Final = {"regex": "=~", "not_regex": "!~", "in": "in", "not_in": "not in"}


def format_condition(condition: Condition) -> str:
    """A condition (from either syntax) in the one-line syntax, canonical and fully parenthesised.

    Parsing the text again gives the same condition, except for a JSON path that is not a dotted identifier
    (``"cpu-pct"``), which is printed as it is.
    """
    if isinstance(condition, Expr):
        return condition.text
    if isinstance(condition, And | Or):
        word = " and " if isinstance(condition, And) else " or "
        return "(" + word.join(format_condition(c) for c in condition.children) + ")"
    if isinstance(condition, Not):
        return f"(not {format_condition(condition.child)})"
    field, op, value = condition.field, condition.op, condition.value
    if op == "exists":
        return f"exists({field})"
    right = condition.value_from if condition.value_from is not None else literal_text(value)
    if op == "contains":
        return f"contains({field}, {right})"
    if op in ("in", "not_in"):
        right = "[" + ", ".join(literal_text(v) for v in value) + "]"
    return f"({field} {_TREE_OPS.get(op, op)} {right})"


def rule_conditions(rule: Rule) -> dict[str, Condition]:
    """Every condition of a rule by its field in the definition (``spec.condition``, ``spec.steps[1].where``)."""
    spec, out = rule.spec, {}
    if isinstance(spec, ThresholdSpec | ScheduleSpec):
        out["spec.condition"] = spec.condition
    if isinstance(spec, ThresholdSpec | WindowSpec | AnomalySpec):
        out["spec.where"] = spec.where
    if isinstance(spec, SequenceSpec):
        for i, step in enumerate(spec.steps):
            out[join_path(join_path("spec.steps", i), "where")] = step.where
    if isinstance(spec, AbsenceSpec):
        out["spec.expected.where"] = spec.expected.where
        if spec.trigger is not None:  # an ABSENCE rule with expected_keys has none
            out["spec.trigger.where"] = spec.trigger.where
    return {k: v for k, v in out.items() if v is not None}


def parsed_conditions(rule: Rule) -> dict[str, str]:
    """:func:`rule_conditions` in canonical one-line text (what TestRule shows)."""
    return {field: format_condition(condition) for field, condition in rule_conditions(rule).items()}
