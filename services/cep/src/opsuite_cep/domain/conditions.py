"""Conditions: a typed tree parsed from a dict and compiled to plain Python closures (no ``eval``).

Dict form::

    {"field": "cpu", "op": ">", "value": 90}
    {"field": "b.version", "op": "==", "value_from": "a.version"}   # sequences: earlier aliases
    {"field": "region", "op": "in", "value": ["eu", "us"]}
    {"field": "trace_id", "op": "exists"}
    {"and": [...]}, {"or": [...]}, {"not": {...}}

A condition in one line (``cpu > 90 and host =~ "web-.*"``) is lowered to this tree by :mod:`.expressions`.

Paths follow :mod:`opsuite_cep.domain.events` (envelope fields ``id type source key time``, dotted
attribute paths). In a sequence step a path may start with a step alias (``a.version``).

Comparison semantics (docs/cep-semantics.md, Threshold alerts #13, plus this project's typing rules):

* **Numbers** (``int``/``float``) compare numerically with each other: ``1 == 1.0``.
  **``bool`` is not a number**: ``true == 1`` is false and ``true > 0`` is false.
* **Strings** order by Unicode code point (``"10" < "9"``); a string never equals a number
  (``"5" == 5`` is false). There is no implicit conversion.
* ``<, <=, >, >=`` hold only when both sides are numbers or both are strings; otherwise false.
* ``==`` uses the rules above (null equals only null); ``!=`` is true when the attribute is present
  and **not** ``==`` the value, so ``!=`` across types is true (``"5" != 5``).
* **A missing attribute makes every comparison false**, ``!=``, ``not_in`` and ``contains`` included.
  ``exists`` is true iff the attribute is present (a JSON null counts as present).
* ``NOT`` is two-valued: ``not(cpu > 90)`` is **true** when ``cpu`` is missing.
* ``in``/``not_in`` use ``==`` against each list element; ``not_in`` needs the attribute present.
* ``contains``: a case-sensitive substring test on strings; on a list attribute, element ``==``.
* ``regex`` is **fully anchored** and applies to strings only; patterns run on RE2 (``opsuite_common.regex``:
  linear time whatever the pattern, Prometheus's syntax; backreferences and lookaround are refused at save).
  ``not_regex`` (``!~``) is true when the attribute is present and is not a string the pattern matches (as ``!=``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from opsuite_cep.domain.events import ENVELOPE_FIELDS, MISSING, Event, compile_path
from opsuite_cep.domain.validation import Violations, join_path
from opsuite_common.regex import RegexError, compile_regex

if TYPE_CHECKING:
    from opsuite_cep.domain.expr_eval import EvalFrame

__all__ = [
    "OPERATORS",
    "And",
    "Bindings",
    "Comparison",
    "Condition",
    "Expr",
    "Not",
    "Or",
    "Predicate",
    "compile_condition",
    "compile_getter",
    "condition_to_dict",
    "equality_keys",
    "index_predicate",
    "parse_condition",
    "referenced_paths",
    "values_equal",
]

OPERATORS: Final = ("==", "!=", "<", "<=", ">", ">=", "in", "not_in", "contains", "regex", "not_regex", "exists")
_ORDERING: Final = frozenset({"<", "<=", ">", ">="})
_LEAF_KEYS: Final = frozenset({"field", "op", "value", "value_from"})

Bindings: TypeAlias = Mapping[str, Event]
Predicate: TypeAlias = Callable[[Event, Bindings], bool]
Frame: TypeAlias = "EvalFrame | None"  # a THRESHOLD rule's window state and the values an evaluation computed


@dataclass(frozen=True, slots=True)
class Comparison:
    """A leaf: ``field op value`` (or ``field op value_from`` where value_from is another path)."""

    field: str
    op: str
    value: Any = None
    value_from: str | None = None


@dataclass(frozen=True, slots=True)
class And:
    """True when every child is true."""

    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """True when any child is true."""

    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Two-valued negation: true over a missing attribute (docs/cep-semantics.md, Threshold alerts #13)."""

    child: Condition


@dataclass(frozen=True, slots=True)
class Expr:
    """A one-line leaf with no tree node (arithmetic, functions): canonical ``text``, the ``paths`` it reads, and
    ``build(aliases, frame)`` compiling it (:mod:`.expressions`)."""

    text: str
    paths: tuple[str, ...]
    build: Callable[[frozenset[str], Frame], Predicate] = field(compare=False, repr=False)


Condition: TypeAlias = Comparison | And | Or | Not | Expr


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def values_equal(left: object, right: object) -> bool:
    """Equality under the documented typing rules (numbers numerically, no cross-type equality)."""
    if _is_number(left) and _is_number(right):
        return left == right
    if type(left) is not type(right):
        return False
    return left == right


def _ordered(left: object, right: object) -> bool:
    return (_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))


def equality_keys(value: object) -> tuple[str, object] | None:
    """A hashable key such that ``values_equal(a, b)`` iff keys are equal (used by the rule index)."""
    if _is_number(value):
        return ("n", float(value))  # type: ignore[arg-type]
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, bool):
        return ("b", value)
    if value is None:
        return ("z", None)
    return None


# --------------------------------------------------------------------------------------------- parsing


def parse_condition(
    data: object,
    violations: Violations,
    path: str,
    *,
    aliases: frozenset[str] = frozenset(),
    max_nodes: int = 200,
    max_depth: int = 16,
    max_regex_length: int = 512,
) -> Condition | None:
    """Parse a condition dict; record every problem in ``violations`` and return None if invalid.

    ``aliases`` are the sequence aliases a path may start with (empty outside sequences).
    """
    budget = [max_nodes]
    before = len(violations.items)
    result = _parse(data, violations, path, aliases, budget, max_depth, max_regex_length)
    if budget[0] < 0:
        violations.add(path, f"the condition has more than {max_nodes} nodes; split the rule")
    return result if len(violations.items) == before else None


def _parse(
    data: object,
    v: Violations,
    path: str,
    aliases: frozenset[str],
    budget: list[int],
    depth: int,
    max_regex: int,
) -> Condition | None:
    budget[0] -= 1
    if depth <= 0:
        v.add(path, "the condition is nested too deeply")
        return None
    if not isinstance(data, Mapping):
        v.add(path, "a condition must be an object like {'field': 'cpu', 'op': '>', 'value': 90}")
        return None
    groups = [k for k in ("and", "or", "not") if k in data]
    if groups:
        if len(data) != 1:
            v.add(path, f"a '{groups[0]}' group must be the only key of its object")
            return None
        key = groups[0]
        sub = join_path(path, key)
        if key == "not":
            child = _parse(data["not"], v, sub, aliases, budget, depth - 1, max_regex)
            return Not(child) if child is not None else None
        items = data[key]
        if not isinstance(items, list) or not items:
            v.add(sub, f"'{key}' needs a non-empty list of conditions")
            return None
        children = [
            _parse(item, v, join_path(sub, i), aliases, budget, depth - 1, max_regex) for i, item in enumerate(items)
        ]
        if any(c is None for c in children):
            return None
        kids = tuple(c for c in children if c is not None)
        return And(kids) if key == "and" else Or(kids)
    return _parse_leaf(data, v, path, aliases, max_regex)


def _check_path(value: object, v: Violations, field: str, aliases: frozenset[str]) -> bool:
    if not isinstance(value, str) or not value or any(not p for p in value.split(".")):
        v.add(field, "expected a dotted attribute path like 'http.status' or an envelope field like 'source'")
        return False
    head = value.split(".")[0]
    if head in aliases and "." not in value:
        v.add(field, f"'{value}' is a step alias; name a field of it, e.g. '{value}.version'")
        return False
    return True


def _parse_leaf(
    data: Mapping[str, Any], v: Violations, path: str, aliases: frozenset[str], max_regex: int
) -> Comparison | None:
    before = len(v.items)
    v.check_keys(data, _LEAF_KEYS | {"and", "or", "not"}, path)
    field = data.get("field")
    if field is None:
        v.add(join_path(path, "field"), "required: the attribute path to test")
    else:
        _check_path(field, v, join_path(path, "field"), aliases)
    op = data.get("op")
    op_path = join_path(path, "op")
    if op not in OPERATORS:
        v.add(op_path, f"unknown operator {op!r}; expected one of {', '.join(OPERATORS)}")
        return None
    value = data.get("value")
    value_from = data.get("value_from")
    value_path = join_path(path, "value")
    if value_from is not None:
        if "value" in data:
            v.add(value_path, "give either 'value' or 'value_from', not both")
        if op in ("in", "not_in", "regex", "not_regex", "exists"):
            v.add(join_path(path, "value_from"), f"'value_from' is not supported with '{op}'")
        else:
            _check_path(value_from, v, join_path(path, "value_from"), aliases)
    elif op == "exists":
        if "value" in data:
            v.add(value_path, "'exists' takes no value")
    elif "value" not in data:
        v.add(value_path, f"required for operator '{op}'")
    elif op in _ORDERING and not (_is_number(value) or isinstance(value, str)):
        v.add(value_path, f"'{op}' compares numbers or strings, got {type(value).__name__}")
    elif op in ("==", "!=", "contains") and equality_keys(value) is None:
        v.add(value_path, f"'{op}' needs a string, number, boolean or null, got {type(value).__name__}")
    elif op in ("in", "not_in"):
        if not isinstance(value, list) or any(equality_keys(x) is None for x in value):
            v.add(value_path, f"'{op}' needs a list of strings, numbers, booleans or nulls")
    elif op in ("regex", "not_regex"):
        if not isinstance(value, str):
            v.add(value_path, f"'{op}' needs a string pattern")
        elif len(value) > max_regex:
            v.add(value_path, f"the pattern is longer than {max_regex} characters")
        else:
            try:
                compile_regex(value)
            except RegexError as exc:
                v.add(value_path, f"invalid regular expression: {exc}")
    if len(v.items) != before:
        return None
    if op in ("in", "not_in") and isinstance(value, list):
        value = tuple(value)
    return Comparison(field=str(field), op=str(op), value=value, value_from=value_from)


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    """The dict form of a condition (inverse of :func:`parse_condition`); an ``Expr`` leaf is ``{"expr": text}``."""
    if isinstance(condition, Expr):
        return {"expr": condition.text}
    if isinstance(condition, And):
        return {"and": [condition_to_dict(c) for c in condition.children]}
    if isinstance(condition, Or):
        return {"or": [condition_to_dict(c) for c in condition.children]}
    if isinstance(condition, Not):
        return {"not": condition_to_dict(condition.child)}
    out: dict[str, Any] = {"field": condition.field, "op": condition.op}
    if condition.value_from is not None:
        out["value_from"] = condition.value_from
    elif condition.op != "exists":
        out["value"] = list(condition.value) if isinstance(condition.value, tuple) else condition.value
    return out


# ------------------------------------------------------------------------------------------- compiling

_Getter = Callable[[Event, Bindings], Any]


def compile_getter(path: str, aliases: frozenset[str]) -> _Getter:
    """A getter ``(event, bindings) -> value or MISSING`` for a path that may start with a step alias."""
    head, _, rest = path.partition(".")
    if head in aliases and rest:
        inner = compile_path(rest)

        def from_alias(_event: Event, bindings: Bindings) -> Any:
            bound = bindings.get(head)
            return MISSING if bound is None else inner(bound)

        return from_alias
    getter = compile_path(path)
    return lambda event, _bindings: getter(event)


def _compile_test(op: str, literal: Any) -> Callable[[Any, Any], bool]:
    """A two-argument test ``(actual, expected)``; the actual value is never MISSING here."""
    if op == "==":
        return values_equal
    if op == "!=":
        return lambda a, b: not values_equal(a, b)
    if op == "<":
        return lambda a, b: _ordered(a, b) and a < b
    if op == "<=":
        return lambda a, b: _ordered(a, b) and a <= b
    if op == ">":
        return lambda a, b: _ordered(a, b) and a > b
    if op == ">=":
        return lambda a, b: _ordered(a, b) and a >= b
    if op in ("in", "not_in"):
        keys = {equality_keys(x) for x in literal} if literal is not None else set()
        if op == "in":
            return lambda a, _b: equality_keys(a) in keys
        return lambda a, _b: equality_keys(a) not in keys
    if op == "contains":

        def contains(a: Any, b: Any) -> bool:
            if isinstance(a, str):
                return isinstance(b, str) and b in a
            if isinstance(a, list):
                return any(values_equal(x, b) for x in a)
            return False

        return contains
    if op in ("regex", "not_regex"):
        pattern, negate = compile_regex(literal), op == "not_regex"
        return lambda a, _b: (isinstance(a, str) and pattern.fullmatch(a) is not None) is not negate
    raise ValueError(f"unknown operator {op!r}")  # unreachable for parsed conditions


def compile_condition(condition: Condition, aliases: frozenset[str] = frozenset(), frame: Frame = None) -> Predicate:
    """Compile a parsed condition into a closure ``(event, bindings) -> bool`` (``frame``: see :class:`Expr`)."""
    if isinstance(condition, Expr):
        return condition.build(aliases, frame)
    if isinstance(condition, And):
        parts = [compile_condition(c, aliases, frame) for c in condition.children]
        return lambda e, b: all(p(e, b) for p in parts)
    if isinstance(condition, Or):
        parts = [compile_condition(c, aliases, frame) for c in condition.children]
        return lambda e, b: any(p(e, b) for p in parts)
    if isinstance(condition, Not):
        inner = compile_condition(condition.child, aliases, frame)
        return lambda e, b: not inner(e, b)
    get = compile_getter(condition.field, aliases)
    if condition.op == "exists":
        return lambda e, b: get(e, b) is not MISSING
    test = _compile_test(condition.op, condition.value)
    if condition.value_from is not None:
        other = compile_getter(condition.value_from, aliases)

        def compare_paths(e: Event, b: Bindings) -> bool:
            actual, expected = get(e, b), other(e, b)
            return actual is not MISSING and expected is not MISSING and test(actual, expected)

        return compare_paths
    literal = condition.value

    def compare(e: Event, b: Bindings) -> bool:
        actual = get(e, b)
        return actual is not MISSING and test(actual, literal)

    return _fast_compare(condition.field, condition.op, literal, aliases, compare) or compare


_FAST_ORDERING: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _fast_compare(path: str, op: str, literal: Any, aliases: frozenset[str], general: Predicate) -> Predicate | None:
    """The same predicate as ``general``, specialised for the common leaves on a top-level attribute.

    Covers ``==`` with a string or number literal and ``< <= > >=`` with a number literal; values of
    another type (bool, str subclasses, ...) go to ``general``, so the semantics are exactly the same.
    """
    parts = path.split(".")
    if parts[0] in aliases or (len(parts) == 1 and parts[0] in ENVELOPE_FIELDS):
        return None
    if parts[0] == "attributes" and len(parts) > 1:
        parts = parts[1:]
    if len(parts) != 1:
        return None
    name = parts[0]
    if op == "==" and type(literal) is str:

        def eq_str(e: Event, b: Bindings) -> bool:
            actual = e.attributes.get(name, MISSING)
            t = type(actual)
            if t is str:
                return actual == literal  # type: ignore[no-any-return]
            return False if t is int or t is float or actual is MISSING else general(e, b)

        return eq_str
    if not _is_number(literal) or (op != "==" and op not in _FAST_ORDERING):
        return None
    if op == "==":

        def eq_num(e: Event, b: Bindings) -> bool:
            actual = e.attributes.get(name, MISSING)
            t = type(actual)
            if t is float or t is int:
                return actual == literal  # type: ignore[no-any-return]
            return False if t is str or actual is MISSING else general(e, b)

        return eq_num
    if op == ">":  # the commonest threshold, without the extra call

        def gt_num(e: Event, b: Bindings) -> bool:
            actual = e.attributes.get(name, MISSING)
            t = type(actual)
            if t is float or t is int:
                return actual > literal  # type: ignore[no-any-return]
            return False if t is str or actual is MISSING else general(e, b)

        return gt_num
    cmp = _FAST_ORDERING[op]

    def order_num(e: Event, b: Bindings) -> bool:
        actual = e.attributes.get(name, MISSING)
        t = type(actual)
        if t is float or t is int:
            return cmp(actual, literal)
        return False if t is str or actual is MISSING else general(e, b)

    return order_num


# ------------------------------------------------------------------------------------------- analysis


def referenced_paths(condition: Condition) -> list[str]:
    """Every path a condition reads, in order and without repeats (reported as alert values)."""
    seen: dict[str, None] = {}

    def walk(node: Condition) -> None:
        if isinstance(node, And | Or):
            for child in node.children:
                walk(child)
        elif isinstance(node, Not):
            walk(node.child)
        elif isinstance(node, Expr):
            seen.update(dict.fromkeys(node.paths))
        else:
            seen.setdefault(node.field)
            if node.value_from:
                seen.setdefault(node.value_from)

    walk(condition)
    return list(seen)


def index_predicate(
    condition: Condition | None, aliases: frozenset[str] = frozenset()
) -> tuple[str, tuple[Any, ...]] | None:
    """An equality the condition implies, as ``(path, allowed values)``, or None.

    Only a top-level ``==``/``in`` leaf or one inside a top-level AND qualifies: then an event whose
    value at ``path`` is not among the values cannot satisfy the condition, so the rule index may skip
    the rule without evaluating it (Esper filter indexing).
    """
    if condition is None:
        return None
    candidates = condition.children if isinstance(condition, And) else (condition,)
    best: tuple[str, tuple[Any, ...]] | None = None
    for node in candidates:
        if not isinstance(node, Comparison) or node.value_from is not None:
            continue
        if node.field.split(".")[0] in aliases:
            continue
        if node.op == "==":
            return (node.field, (node.value,))
        if node.op == "in" and best is None:
            best = (node.field, tuple(node.value))
    return best
