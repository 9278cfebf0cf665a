"""The one-line condition syntax: its lark grammar, and the builder of the syntax tree that checks as it goes.

Precedence, loosest first::

    or  <  and  <  not  <  comparisons (== != < <= > >=, =~ !~, in, not in)  <  + -  <  * / %  <  unary -

Comparisons do not chain (``a < b < c`` is refused); ``+ - * / %`` associate to the left. Strings are
``"double"`` or ``'single'`` quoted with JSON's escapes, or `` `raw` `` (no escapes: handy for regexes).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any, Final

from lark import Lark, Token, Transformer_NonRecursive
from lark.exceptions import VisitError

from opsuite_cep.domain.durations import parse_duration
from opsuite_cep.domain.expr_ast import (
    CONDITION_FUNCTIONS,
    VALUE_FUNCTIONS,
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
    is_condition,
    is_number,
)
from opsuite_common.regex import RegexError, compile_regex

__all__ = ["Builder", "ExpressionError", "builder_error", "grammar"]

_GRAMMAR: Final = r"""
?start: or_test
?or_test: and_test (_OR and_test)*
?and_test: not_test (_AND not_test)*
?not_test: NOT not_test -> negation
         | comparison
?comparison: sum
           | sum COMP_OP sum -> compare
           | sum MATCH_OP string -> match
           | sum IN items -> in_list
           | sum NOT IN items -> not_in_list
?sum: product
    | sum ADD_OP product -> chain
?product: unary
        | product MUL_OP unary -> chain
?unary: atom
      | ADD_OP unary -> neg
?atom: NUMBER -> number
     | string
     | TRUE -> true
     | FALSE -> false
     | NULL -> null
     | PATH -> path
     | PATH "(" [arg ("," arg)*] ")" -> call
     | "(" or_test ")"
?arg: or_test
    | PATH "[" DURATION "]" -> window
items: LSQB [item ("," item)*] "]"
?item: NUMBER -> number
     | ADD_OP NUMBER -> signed
     | string
     | TRUE -> true
     | FALSE -> false
     | NULL -> null
string: STRING | RAW_STRING

_OR: "or"
_AND: "and"
NOT: "not"
IN: "in"
TRUE: "true"
FALSE: "false"
NULL: "null"
LSQB: "["
COMP_OP: "==" | "!=" | "<=" | ">=" | "<" | ">"
MATCH_OP: "=~" | "!~"
ADD_OP: "+" | "-"
MUL_OP: "*" | "/" | "%"
PATH: /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/
DURATION: /([0-9]+(\.[0-9]+)?(ms|s|m|h|d|w))+/
NUMBER: /([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?/
STRING: /"([^"\\\n]|\\.)*"/ | /'([^'\\\n]|\\.)*'/
RAW_STRING: /`[^`]*`/
%ignore /[ \t\r\n]+/
"""


@cache
def grammar() -> Lark:
    """The LALR parser (built once: a parse is linear in the text and uses no recursion)."""
    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


class ExpressionError(ValueError):
    """A refused expression; ``position`` is ``line L, column C`` of the problem."""

    def __init__(self, message: str, source: str, offset: int) -> None:
        offset = max(0, min(offset, len(source)))
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        self.message, self.position = message, f"line {line}, column {column}"
        super().__init__(f"{self.position}: {message}")


_ESCAPES: Final = re.compile(r"\\(u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")
_SIMPLE_ESCAPES: Final = {
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _unquote(token: Token, source: str) -> str:
    """The text of a string literal: JSON's escapes (a surrogate pair ``\\ud83d\\ude00`` is one code point, as
    ``json.loads`` reads it) plus ``\\'``; a raw string as written. Text that is not valid Unicode (a lone
    surrogate, which UTF-8 cannot encode, so neither RE2 nor a reply could carry it) is refused."""
    text, start = str(token), (token.start_pos or 0) + 1
    body = text[1:-1]
    lone = _SURROGATE.search(body)
    if lone is not None:  # only a source that was not UTF-8 (e.g. JSON text with "\\ud800") carries one
        raise ExpressionError(
            f"the string holds {_escaped(lone.group())}, which is not valid Unicode text", source, start + lone.start()
        )
    if text.startswith("`"):
        return body

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if len(code) == 11:  # a high and a low surrogate: one code point
            high, low = int(code[1:5], 16), int(code[7:], 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        if code.startswith("u") and len(code) == 5:
            point = int(code[1:], 16)
            if 0xD800 <= point <= 0xDFFF:
                raise ExpressionError(
                    f"'\\{code}' is half of a UTF-16 surrogate pair: write both halves "
                    "(\\ud83d\\ude00) or the character itself",
                    source,
                    start + m.start(),
                )
            return chr(point)
        if code not in _SIMPLE_ESCAPES:
            raise ExpressionError(
                f"unknown escape '\\{code}' in a string: write '\\\\{code}', or use a `raw string` for a regex",
                source,
                start + m.start(),
            )
        return _SIMPLE_ESCAPES[code]

    return _ESCAPES.sub(one, body)


def _escaped(char: str) -> str:
    return f"'\\u{ord(char):04x}'"


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


class Builder(Transformer_NonRecursive[Token, Any]):
    """Builds the syntax tree from lark's parse tree, bottom up and without recursion, checking as it goes.

    Raises :class:`ExpressionError` (wrapped by lark in ``VisitError``) at the first problem: a type mistake
    (``cpu and mem``), an unknown function, a bad regex or string, a window where none is allowed, or a bound
    (``max_nodes``, ``max_depth``, ``max_regex``, ``max_range`` seconds). Any other error raised while building
    is a refusal too: :func:`builder_error` turns lark's ``VisitError`` into an :class:`ExpressionError` at the
    part being built.
    """

    def __init__(
        self,
        source: str,
        *,
        aliases: frozenset[str],
        windows: bool,
        max_nodes: int,
        max_depth: int,
        max_regex: int,
        max_range: float,
    ) -> None:
        super().__init__()
        self.source, self.aliases, self.windows = source, aliases, windows
        self.max_nodes, self.max_depth, self.max_regex, self.max_range = max_nodes, max_depth, max_regex, max_range
        self.nodes = 0
        self._depth: dict[int, int] = {}
        self._keep: list[Node] = []  # keeps ids unique while their depth is remembered

    # ----------------------------------------------------------------------------------- helpers
    def fail(self, message: str, at: int) -> ExpressionError:
        """An error at offset ``at``."""
        return ExpressionError(message, self.source, at)

    def _made(self, node: Node, *children: Node) -> Node:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self.fail(f"the expression has more than {self.max_nodes} parts; split the rule", node.pos)
        depth = 1 + max((self._depth.get(id(c), 1) for c in children), default=0)
        if depth > self.max_depth:
            raise self.fail(f"the expression is nested more than {self.max_depth} levels deep", node.pos)
        self._depth[id(node)] = depth
        self._keep.append(node)
        return node

    def _value(self, node: Node, what: str) -> Node:
        if is_condition(node):
            raise self.fail(f"{what} needs a value here, not a condition", node.pos)
        if isinstance(node, Range):
            raise self.fail("a range like x[5m] is only an argument of a window function such as rate()", node.pos)
        return node

    def _condition(self, node: Node, what: str) -> Node:
        if not is_condition(node):
            raise self.fail(f"{what} joins conditions; this is a value: compare it, e.g. 'x > 0'", node.pos)
        return node

    def _number(self, node: Node, what: str) -> Node:
        node = self._value(node, what)
        if isinstance(node, Lit) and not is_number(node.value):
            raise self.fail(f"{what} works on numbers, not on {json.dumps(node.value)}", node.pos)
        return node

    def _path(self, token: Token) -> str:
        path = str(token)
        if path in self.aliases:
            raise self.fail(f"'{path}' is a step alias; name a field of it, e.g. '{path}.version'", _at(token))
        return path

    # ----------------------------------------------------------------------------------- leaves
    def number(self, children: list[Token]) -> Node:
        value = float(children[0])
        if not math.isfinite(value):
            raise self.fail(f"the number {children[0]} is too large", _at(children[0]))
        return self._made(Lit(_at(children[0]), value))

    def signed(self, children: list[Token]) -> Node:
        value = float(children[1]) * (-1.0 if str(children[0]) == "-" else 1.0)
        if not math.isfinite(value):
            raise self.fail(f"the number {children[1]} is too large", _at(children[1]))
        return self._made(Lit(_at(children[0]), value))

    def string(self, children: list[Token]) -> Node:
        return self._made(Lit(_at(children[0]), _unquote(children[0], self.source)))

    def true(self, children: list[Token]) -> Node:
        return self._made(Lit(_at(children[0]), True))

    def false(self, children: list[Token]) -> Node:
        return self._made(Lit(_at(children[0]), False))

    def null(self, children: list[Token]) -> Node:
        return self._made(Lit(_at(children[0]), None))

    def path(self, children: list[Token]) -> Node:
        return self._made(Path(_at(children[0]), self._path(children[0])))

    def window(self, children: list[Token]) -> Node:
        name, text = children
        try:
            seconds = parse_duration(str(text))
        except ValueError:  # the grammar took its shape, so only its size is wrong: more seconds than a float holds
            raise self.fail(f"the window {_short(text)} is too long: at most {self.max_range:g}s", _at(text)) from None
        if seconds <= 0 or seconds > self.max_range:
            raise self.fail(f"a window is longer than 0s and at most {self.max_range:g}s, got {text}", _at(text))
        return self._made(Range(_at(name), self._path(name), seconds))

    def items(self, children: list[Any]) -> list[Any]:
        return [c for c in children if not isinstance(c, Token)]

    # ----------------------------------------------------------------------------------- values
    def neg(self, children: list[Any]) -> Node:
        sign, operand = children
        operand = self._number(operand, f"'{sign}'")
        if str(sign) == "+":
            return operand
        if isinstance(operand, Lit):  # a negative literal, so that 'x > -5' stays a plain comparison
            self.nodes -= 1
            return self._made(Lit(_at(sign), -operand.value))
        return self._made(Neg(_at(sign), operand), operand)

    def chain(self, children: list[Any]) -> Node:
        left, op, right = children
        what = f"'{op}'"
        left, right = self._number(left, what), self._number(right, what)
        if isinstance(left, Lit) and isinstance(right, Lit):
            folded = arith(str(op), left.value, right.value)
            if math.isfinite(folded):  # a constant: '60 * 5' is 300, so 'x > 60 * 5' stays a plain comparison
                self.nodes -= 2
                return self._made(Lit(left.pos, folded))
        level = "+-" if str(op) in "+-" else "*/%"
        if isinstance(left, Chain) and left.rest[0][0] in level:  # the same level: extend (left-associative)
            self.nodes -= 1
            node = Chain(left.pos, left.first, (*left.rest, (str(op), right)))
        else:
            node = Chain(left.pos, left, ((str(op), right),))
        return self._made(node, node.first, *(n for _, n in node.rest))

    def call(self, children: list[Any]) -> Node:
        name, args = children[0], tuple(children[1:])
        fn, at = str(name), _at(name)
        known = (*WINDOW_FUNCTIONS, *VALUE_FUNCTIONS, *CONDITION_FUNCTIONS)
        if fn not in known:
            raise self.fail(f"unknown function '{fn}'; expected one of: {', '.join(known)}", at)
        if fn in WINDOW_FUNCTIONS:
            self._window_args(fn, args, at)
        elif fn in CONDITION_FUNCTIONS:
            want = 1 if fn == "exists" else 2
            if len(args) != want or not isinstance(args[0], Path):
                shape = "exists(path)" if fn == "exists" else 'contains(path, "text")'
                raise self.fail(f"{fn} takes an attribute{' and a literal' if want == 2 else ''}: {shape}", at)
            if fn == "contains" and not isinstance(args[1], Lit):
                raise self.fail('contains takes a literal second: contains(path, "text")', args[1].pos)
        elif len(args) != 1:
            raise self.fail(f"{fn} takes one value: {fn}(x)", at)
        else:
            self._number(args[0], fn)
        return self._made(Call(at, fn, args), *args)

    def _window_args(self, fn: str, args: tuple[Node, ...], at: int) -> None:
        if not self.windows:
            raise self.fail(
                f"{fn}() reads a window of a group's events: only a THRESHOLD rule's spec.condition has one", at
            )
        want = 2 if fn == "quantile_over_time" else 1
        shape = f"{fn}(0.9, x[5m])" if want == 2 else f"{fn}(x[5m])"
        if len(args) != want or not isinstance(args[-1], Range):
            raise self.fail(f"{fn} takes {'a quantile and ' if want == 2 else ''}a range: {shape}", at)
        if want == 2:
            q = args[0]
            if not (isinstance(q, Lit) and is_number(q.value) and 0 <= q.value <= 1):
                raise self.fail(f"the quantile is a number from 0 to 1: {shape}", q.pos)

    # ----------------------------------------------------------------------------------- conditions
    def compare(self, children: list[Any]) -> Node:
        left, op, right = children
        left, right = self._value(left, f"'{op}'"), self._value(right, f"'{op}'")
        if str(op) not in ("==", "!=") and any(isinstance(x, Lit) and not _is_ordered(x.value) for x in (left, right)):
            bad = next(x for x in (left, right) if isinstance(x, Lit) and not _is_ordered(x.value))
            raise self.fail(f"'{op}' compares numbers or strings, not {json.dumps(bad.value)}", bad.pos)
        return self._made(Compare(left.pos, str(op), left, right), left, right)

    def match(self, children: list[Any]) -> Node:
        operand, op, pattern = children
        operand = self._value(operand, f"'{op}'")
        text = pattern.value
        if len(text) > self.max_regex:
            raise self.fail(f"the pattern is longer than {self.max_regex} characters", pattern.pos)
        try:
            compile_regex(text)
        except RegexError as exc:
            raise self.fail(f"invalid regular expression: {exc}", pattern.pos) from None
        return self._made(Match(operand.pos, str(op) == "!~", operand, text), operand)

    def in_list(self, children: list[Any]) -> Node:
        operand, _, items = children
        operand = self._value(operand, "'in'")
        return self._made(InList(operand.pos, False, operand, tuple(i.value for i in items)), operand)

    def not_in_list(self, children: list[Any]) -> Node:
        operand, _, _, items = children
        operand = self._value(operand, "'not in'")
        return self._made(InList(operand.pos, True, operand, tuple(i.value for i in items)), operand)

    def negation(self, children: list[Any]) -> Node:
        word, child = children
        return self._made(Negation(_at(word), self._condition(child, "'not'")), child)

    def and_test(self, children: list[Any]) -> Node:
        return self._logic("and", children)

    def or_test(self, children: list[Any]) -> Node:
        return self._logic("or", children)

    def _logic(self, op: str, children: list[Any]) -> Node:
        kids = tuple(self._condition(c, f"'{op}'") for c in children)
        return self._made(Logic(kids[0].pos, op, kids), *kids)


def builder_error(exc: VisitError, source: str) -> ExpressionError:
    """The refusal for an error raised while :class:`Builder` built a part of ``source``.

    Its own :class:`ExpressionError` as it is; any other error (the builder's checks missed a case) at the
    first character of the part being built, so that a tenant's text is always refused with a position and never
    fails the call as an internal error.
    """
    orig = exc.orig_exc
    if isinstance(orig, ExpressionError):
        return orig
    if isinstance(orig, MemoryError):  # the process's trouble, not the text's
        raise orig
    part = exc.obj
    tokens = [part] if isinstance(part, Token) else list(part.scan_values(lambda v: isinstance(v, Token)))
    at = min((_at(t) for t in tokens), default=0)
    reason = str(orig) or type(orig).__name__
    return ExpressionError(_short(reason, 200), source, at)


def _is_ordered(value: object) -> bool:
    return is_number(value) or isinstance(value, str)


def _at(token: Token) -> int:
    return token.start_pos or 0
