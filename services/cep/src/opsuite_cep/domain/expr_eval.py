"""Evaluation of the one-line leaves the condition tree has no node for (:mod:`.expressions` lowers the rest).

Each leaf is compiled once into closures, as the tree is (no ``eval``). Values follow the tree's typing rules:
arithmetic on numbers only, a missing or non-numeric operand makes the result missing, and a comparison with
a missing side is false. Window functions read the evaluated group's samples from an :class:`EvalFrame`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from opsuite_cep.domain.conditions import Bindings, Predicate, compile_getter, equality_keys, values_equal
from opsuite_cep.domain.events import MISSING, Event
from opsuite_cep.domain.expr_ast import (
    WINDOW_FUNCTIONS,
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
    arith,
    format_node,
    is_number,
)
from opsuite_cep.domain.series import WINDOW_EVALUATORS, Sample, number
from opsuite_common.regex import compile_regex

__all__ = ["EvalFrame", "compile_test", "compile_value"]

_Getter = Callable[[Event, Bindings], Any]


class EvalFrame:
    """What a THRESHOLD rule's compiled one-line leaves share.

    ``windows``: the ``(path, seconds)`` windows they read (registered while compiling); ``series``: the
    evaluated group's samples, one sequence per window; ``ordered``: the indexes of the windows a quantile reads
    (their values are kept in order); ``now``: the evaluation's event time; ``results``: what the evaluation
    computed (each window function by its text, ``value`` for ``$value``), reported with the alert's values.
    """

    __slots__ = ("now", "ordered", "results", "series", "windows")

    def __init__(self) -> None:
        self.windows: list[tuple[str, float]] = []
        self.ordered: set[int] = set()
        self.series: Sequence[Sequence[Sample]] = ()
        self.now = 0.0
        self.results: dict[str, Any] = {}

    def window(self, path: str, seconds: float) -> int:
        """The index of a window in :attr:`series` (registered on first use)."""
        key = (path, seconds)
        if key not in self.windows:
            self.windows.append(key)
        return self.windows.index(key)


def _ordered(left: object, right: object) -> bool:
    return (is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str))


_COMPARE: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "==": values_equal,
    "!=": lambda a, b: not values_equal(a, b),
    "<": lambda a, b: _ordered(a, b) and a < b,
    "<=": lambda a, b: _ordered(a, b) and a <= b,
    ">": lambda a, b: _ordered(a, b) and a > b,
    ">=": lambda a, b: _ordered(a, b) and a >= b,
}


def compile_test(node: Node, aliases: frozenset[str], frame: EvalFrame | None) -> Predicate:
    """A condition node as ``(event, bindings) -> bool``."""
    if isinstance(node, Logic):
        parts = [compile_test(c, aliases, frame) for c in node.children]
        if node.op == "and":
            return lambda e, b: all(p(e, b) for p in parts)
        return lambda e, b: any(p(e, b) for p in parts)
    if isinstance(node, Negation):
        inner = compile_test(node.child, aliases, frame)
        return lambda e, b: not inner(e, b)
    if isinstance(node, Compare):
        return _compare(node, aliases, frame)
    if isinstance(node, Match):
        get, pattern, negate = compile_value(node.operand, aliases, frame), compile_regex(node.pattern), node.negate

        def match(e: Event, b: Bindings) -> bool:
            actual = get(e, b)
            found = isinstance(actual, str) and pattern.fullmatch(actual) is not None
            return actual is not MISSING and found is not negate

        return match
    if isinstance(node, InList):
        get, negate = compile_value(node.operand, aliases, frame), node.negate
        keys = {equality_keys(v) for v in node.values}

        def member(e: Event, b: Bindings) -> bool:
            actual = get(e, b)
            return actual is not MISSING and (equality_keys(actual) in keys) is not negate

        return member
    raise ValueError(f"not a condition: {format_node(node)}")  # the parser lowers exists() and contains()


def _compare(node: Compare, aliases: frozenset[str], frame: EvalFrame | None) -> Predicate:
    left, right = compile_value(node.left, aliases, frame), compile_value(node.right, aliases, frame)
    test = _COMPARE[node.op]
    results = frame.results if frame is not None and node.primary else None

    def compare(e: Event, b: Bindings) -> bool:
        actual = left(e, b)
        if results is not None and is_number(actual):
            results["value"] = actual
        if actual is MISSING:
            return False
        expected = right(e, b)
        return expected is not MISSING and test(actual, expected)

    return compare


def compile_value(node: Node, aliases: frozenset[str], frame: EvalFrame | None) -> _Getter:
    """A value node as ``(event, bindings) -> value or MISSING``."""
    if isinstance(node, Path):
        return compile_getter(node.path, aliases)
    if isinstance(node, Lit):
        literal = node.value
        return lambda _e, _b: literal
    if isinstance(node, Neg):
        inner = compile_value(node.operand, aliases, frame)

        def negate(e: Event, b: Bindings) -> Any:
            value = number(inner(e, b))
            return MISSING if value is None else -value

        return negate
    if isinstance(node, Chain):
        return _chain(node, aliases, frame)
    if isinstance(node, Call) and node.name in WINDOW_FUNCTIONS:
        return _window(node, frame)
    if isinstance(node, Call) and node.name == "abs":
        inner = compile_value(node.args[0], aliases, frame)

        def absolute(e: Event, b: Bindings) -> Any:
            value = number(inner(e, b))
            return MISSING if value is None else abs(value)

        return absolute
    raise ValueError(f"not a value: {format_node(node)}")  # the parser refuses conditions as values


def _chain(node: Chain, aliases: frozenset[str], frame: EvalFrame | None) -> _Getter:
    first = compile_value(node.first, aliases, frame)
    rest = [(op, compile_value(n, aliases, frame)) for op, n in node.rest]

    def chain(e: Event, b: Bindings) -> Any:
        acc = number(first(e, b))
        if acc is None:
            return MISSING
        for op, get in rest:
            value = number(get(e, b))
            if value is None:
                return MISSING
            acc = arith(op, acc, value)
        return acc

    return chain


def _window(node: Call, frame: EvalFrame | None) -> _Getter:
    if frame is None:
        raise ValueError(f"{node.name}() needs a THRESHOLD rule's window state")  # refused at save elsewhere
    window = node.args[-1]
    assert isinstance(window, Range)
    q = node.args[0].value if isinstance(node.args[0], Lit) else 0.0
    index, seconds, text = frame.window(window.path, window.seconds), window.seconds, format_node(node)
    if node.name == "quantile_over_time":
        frame.ordered.add(index)
    evaluate, results = WINDOW_EVALUATORS[node.name], frame.results

    def over_window(_e: Event, _b: Bindings) -> Any:
        assert frame is not None
        value = evaluate(frame.series[index], frame.now - seconds, frame.now, seconds, q)
        if value is None:
            return MISSING
        results[text] = value
        return value

    return over_window
