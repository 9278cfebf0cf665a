"""The syntax tree of the one-line condition syntax (:mod:`.expr_parser` builds it, :mod:`.expressions` is the
entry point, :mod:`.expr_eval` evaluates what the condition tree has no node for).

Every node remembers the offset of its first character, so a refusal names the line and column.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from opsuite_cep.domain.durations import format_duration

__all__ = [
    "CONDITION_FUNCTIONS",
    "VALUE_FUNCTIONS",
    "WINDOW_FUNCTIONS",
    "Call",
    "Chain",
    "Compare",
    "InList",
    "Lit",
    "Logic",
    "Match",
    "Neg",
    "Negation",
    "Node",
    "Path",
    "Range",
    "arith",
    "format_node",
    "is_condition",
    "is_number",
    "literal_text",
]

#: Functions over a window of a group's samples: ``rate(x[5m])``; ``quantile_over_time`` takes φ first.
WINDOW_FUNCTIONS: Final = (
    "rate",
    "increase",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "count_over_time",
    "stddev_over_time",
    "last_over_time",
    "quantile_over_time",
)
#: Functions that are conditions (they lower to the tree's ``exists`` and ``contains``).
CONDITION_FUNCTIONS: Final = ("exists", "contains")
#: Functions of one number.
VALUE_FUNCTIONS: Final = ("abs",)


# ------------------------------------------------------------------------------------------ syntax tree
@dataclass(frozen=True, slots=True)
class Path:
    """An attribute (or envelope field, or ``alias.field``) of the event."""

    pos: int
    path: str


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: a finite number (float), a string, true, false or null."""

    pos: int
    value: Any


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    pos: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Chain:
    """``first op operand op operand ...`` of one precedence level (``+ -`` or ``* / %``), left to right."""

    pos: int
    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Range:
    """``path[5m]``: the samples of ``path`` in a window of event time (a window function's argument)."""

    pos: int
    path: str
    seconds: float


@dataclass(frozen=True, slots=True)
class Call:
    """A function call (see :data:`WINDOW_FUNCTIONS`, :data:`CONDITION_FUNCTIONS`, ``abs``)."""

    pos: int
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right`` with op one of ``== != < <= > >=``; ``primary``: its left side is the rule's $value."""

    pos: int
    op: str
    left: Node
    right: Node
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """``operand =~ "pattern"`` (or ``!~`` when ``negate``); the pattern is fully anchored."""

    pos: int
    negate: bool
    operand: Node
    pattern: str


@dataclass(frozen=True, slots=True)
class InList:
    """``operand in [literal, ...]`` (``not in`` when ``negate``)."""

    pos: int
    negate: bool
    operand: Node
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    """``a and b and ...`` or ``a or b or ...``."""

    pos: int
    op: str
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """``not child`` (two-valued, as the tree's NOT)."""

    pos: int
    child: Node


Node: TypeAlias = Path | Lit | Neg | Chain | Range | Call | Compare | Match | InList | Logic | Negation


def is_condition(node: Node) -> bool:
    """Whether ``node`` is true or false (a condition) rather than a value."""
    if isinstance(node, Call):
        return node.name in CONDITION_FUNCTIONS
    return isinstance(node, Compare | Match | InList | Logic | Negation)


def is_number(value: object) -> bool:
    """A number and not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def arith(op: str, left: float, right: float) -> float:
    """One arithmetic step with IEEE results, as PromQL: ``x/0`` is ±Inf or NaN, ``%`` is Go's math.Mod."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        if right != 0:
            return left / right
        if left == 0 or math.isnan(left):
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1.0, right)
    if right == 0 or math.isinf(left) or math.isnan(left) or math.isnan(right):
        return math.nan
    return math.fmod(left, right)


def literal_text(value: Any) -> str:
    """A literal in the one-line syntax (strings in JSON's quoting)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 1e16 else repr(number)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, sort_keys=True, default=str)


def format_node(node: Node) -> str:
    """The canonical, fully parenthesised text of a syntax node."""
    if isinstance(node, Path):
        return node.path
    if isinstance(node, Lit):
        return literal_text(node.value)
    if isinstance(node, Neg):
        return f"(-{format_node(node.operand)})"
    if isinstance(node, Chain):
        text = format_node(node.first)
        for op, operand in node.rest:
            text = f"({text} {op} {format_node(operand)})"
        return text
    if isinstance(node, Range):
        return f"{node.path}[{format_duration(node.seconds)}]"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(format_node(a) for a in node.args)})"
    if isinstance(node, Compare):
        return f"({format_node(node.left)} {node.op} {format_node(node.right)})"
    if isinstance(node, Match):
        return f"({format_node(node.operand)} {'!~' if node.negate else '=~'} {literal_text(node.pattern)})"
    if isinstance(node, InList):
        items = ", ".join(literal_text(v) for v in node.values)
        return f"({format_node(node.operand)} {'not in' if node.negate else 'in'} [{items}])"
    if isinstance(node, Logic):
        return "(" + f" {node.op} ".join(format_node(c) for c in node.children) + ")"
    return f"(not {format_node(node.child)})"
