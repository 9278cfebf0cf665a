"""A small, safe template language for annotations and channel texts (Prometheus alerting-template style).

Text is copied as is; an action ``{{ ... }}`` is replaced by its value::

    {{ $labels.host }} is at {{ $value | humanizePercentage }} ({{ $values.count }} samples)
    {{ $labels.service | default "unknown" | toUpper }}
    https://runbooks.example/{{ $labels.alertname | urlquery }}
    {{ printf "%.1f" $value }}  is the same as  {{ $value | printf "%.1f" }}

An action is a pipeline: an operand (a variable, a "string", a `raw string` or a number) or a function
call ``name arg...``, then ``| name arg...`` calls, each receiving the value before it as its last argument
(Go template semantics). ``{{-`` and ``-}}`` trim the whitespace next to the action; ``{{/* ... */}}`` is a
comment.

What the sandbox allows, checked when the template is compiled (at save):

* variables: ``$value``, ``$labels.<name>``, ``$values.<name>`` (plus ``$annotations.<name>`` and
  ``$kind`` in channel templates). Nothing else: no attribute access beyond one name after ``$labels``
  or ``$values`` (``.Field``, ``$labels.a.b`` are refused), no assignment, no parentheses;
* functions: :data:`FUNCTIONS` only;
* no control structures (``if``, ``range``, ``with``, ``define``, ``template``, ``block``): there are no
  loops, so rendering is linear in the template's size; ``printf`` widths and precisions are at most 64;
* a template is at most :data:`MAX_SOURCE_CHARS` characters and :data:`MAX_ACTIONS` actions; its output is
  cut at :data:`MAX_OUTPUT_CHARS` characters (ending in ``…``).

Rendering never fails, so a notification is never lost to a template: a missing label or value renders
as the empty string (``default`` replaces it); a numeric function given text that is not a number returns
the text unchanged; ``printf`` marks a bad argument Go's way (``%!f(string=abc)``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from opsuite_cep.domain.template_functions import FUNCTIONS, number_of, printf_verbs, text_of

__all__ = [
    "ALERT_VARIABLES",
    "CHANNEL_VARIABLES",
    "FUNCTIONS",
    "MAX_ACTIONS",
    "MAX_OUTPUT_CHARS",
    "MAX_PIPELINE_CALLS",
    "MAX_SOURCE_CHARS",
    "Template",
    "TemplateError",
    "alert_data",
    "compile_map",
    "compile_template",
    "is_template",
    "render_all",
    "template_problem",
]

MAX_SOURCE_CHARS = 8_192
MAX_ACTIONS = 200
MAX_OUTPUT_CHARS = 16_384
#: Functions one action may chain with ``|`` (each step works on at most MAX_OUTPUT_CHARS characters).
MAX_PIPELINE_CALLS = 8

#: Variables of annotation templates; the maps among them take exactly one ``.name``.
ALERT_VARIABLES: Mapping[str, bool] = {"value": False, "labels": True, "values": True}
#: Variables of channel templates: the alert's plus its rendered annotations and the notification kind.
CHANNEL_VARIABLES: Mapping[str, bool] = {**ALERT_VARIABLES, "annotations": True, "kind": False}

_KEYWORDS = frozenset({"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"})


class TemplateError(ValueError):
    """A template refused at compile time; ``position`` is ``line L, column C`` of the problem."""

    def __init__(self, message: str, source: str, offset: int) -> None:
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        self.message, self.position = message, f"line {line}, column {column}"
        super().__init__(f"{self.position}: {message}")


# ----------------------------------------------------------------------------------------- compiled form
@dataclass(frozen=True, slots=True)
class _Var:
    name: str
    key: str | None


@dataclass(frozen=True, slots=True)
class _Lit:
    value: Any


_Operand: TypeAlias = _Var | _Lit


@dataclass(frozen=True, slots=True)
class _Call:
    fn: str
    args: tuple[_Operand, ...]


@dataclass(frozen=True, slots=True)
class _Action:
    head: _Operand | _Call
    calls: tuple[_Call, ...]


_Node: TypeAlias = str | _Action

_TOKEN = re.compile(
    r"""\s+
    | (?P<pipe>\|)
    | (?P<str>"(?:[^"\\\n]|\\.)*")
    | (?P<raw>`[^`]*`)
    | (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<var>\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _evaluate(op: _Operand, data: Mapping[str, Any]) -> Any:
    if isinstance(op, _Lit):
        return op.value
    value = data.get(op.name)
    if op.key is None:
        return value
    return value.get(op.key) if isinstance(value, Mapping) else None


def _clip(value: Any) -> Any:
    """A text value cut to the output cap, so no step of a pipeline works on more than that."""
    return value[:MAX_OUTPUT_CHARS] if isinstance(value, str) and len(value) > MAX_OUTPUT_CHARS else value


def _call(call: _Call, data: Mapping[str, Any], piped: tuple[Any, ...]) -> Any:
    """One function of a pipeline on clipped arguments; a value it cannot handle passes through as text."""
    args = [_clip(_evaluate(a, data)) for a in call.args] + [_clip(v) for v in piped]
    try:
        return _clip(FUNCTIONS[call.fn][0](*args))
    except (ValueError, OverflowError, ArithmeticError, TypeError):
        return text_of(args[-1]) if args else ""


class Template:
    """A compiled template; :meth:`render` never raises and caps its output (and each step's value)."""

    __slots__ = ("_nodes", "source")

    def __init__(self, source: str, nodes: Sequence[_Node]) -> None:
        self.source, self._nodes = source, tuple(nodes)

    def render(self, data: Mapping[str, Any]) -> str:
        """The text for ``data`` (variable name -> value; maps for ``labels``, ``values``, ...)."""
        out: list[str] = []
        size = 0
        for node in self._nodes:
            if isinstance(node, str):
                piece = node
            else:
                head = node.head
                value = _call(head, data, ()) if isinstance(head, _Call) else _clip(_evaluate(head, data))
                for call in node.calls:
                    value = _call(call, data, (value,))
                piece = text_of(value)
            out.append(piece)
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                return "".join(out)[: MAX_OUTPUT_CHARS - 1] + "…"
        return "".join(out)


def is_template(text: str) -> bool:
    """Whether ``text`` has an action (text without ``{{`` renders as itself)."""
    return "{{" in text


def compile_template(source: str, variables: Mapping[str, bool] = ALERT_VARIABLES) -> Template:
    """Parse ``source``; raises :class:`TemplateError` (with the position) for anything the sandbox refuses."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateError(f"a template is at most {MAX_SOURCE_CHARS} characters", source, MAX_SOURCE_CHARS)
    nodes: list[_Node] = []
    pos, actions = 0, 0
    while True:
        start = source.find("{{", pos)
        if start < 0:
            nodes.append(source[pos:])
            break
        text = source[pos:start]
        inner = start + 2
        if source.startswith("-", inner) and source[inner + 1 : inner + 2].isspace():
            text, inner = text.rstrip(), inner + 1
        nodes.append(text)
        end, trim_after = _find_close(source, inner)
        actions += 1
        if actions > MAX_ACTIONS:
            raise TemplateError(f"a template has at most {MAX_ACTIONS} actions", source, start)
        body = source[inner:end]
        if not body.strip().startswith("/*"):
            nodes.append(_parse_action(source, inner, body, variables))
        elif not body.strip().endswith("*/"):
            raise TemplateError("unclosed comment: end it with */}}", source, start)
        pos = end + (4 if trim_after else 2)
        if trim_after:
            while pos < len(source) and source[pos].isspace():
                pos += 1
    return Template(source, [n for n in nodes if n != ""])


def _find_close(source: str, inner: int) -> tuple[int, bool]:
    """The offset of the ``}}`` (or `` -}}``) closing the action that starts at ``inner``."""
    i, quote = inner, ""
    while i < len(source):
        ch = source[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in '"`':
            quote = ch
        elif source.startswith("}}", i):
            trim = i >= 2 and source[i - 1] == "-" and source[i - 2].isspace()
            return (i - 1 if trim else i), trim
        i += 1
    raise TemplateError("unclosed action: '{{' without '}}'", source, inner - 2)


def _parse_action(source: str, base: int, body: str, variables: Mapping[str, bool]) -> _Action:
    commands: list[list[tuple[str, str, int]]] = [[]]
    for m in _TOKEN.finditer(body):
        kind = m.lastgroup
        if kind is None:
            continue
        at = base + m.start()
        if kind == "pipe":
            commands.append([])
        elif kind == "other":
            ch = m.group()
            why = {
                ".": "attribute access is not supported: use $labels.<name> or $values.<name>",
                "(": "parentheses are not supported: chain functions with |",
                ":": "variables cannot be assigned",
                "=": "variables cannot be assigned",
            }.get(ch, f"unexpected character {ch!r}")
            raise TemplateError(why, source, at)
        else:
            commands[-1].append((kind, m.group(), at))
    if not commands[0]:
        raise TemplateError("empty action", source, base)
    if len(commands) > MAX_PIPELINE_CALLS + 1:
        raise TemplateError(f"an action chains at most {MAX_PIPELINE_CALLS} functions with |", source, base)
    parsed = [_command(source, c, variables, i == 0, base) for i, c in enumerate(commands)]
    head, calls = parsed[0], parsed[1:]
    for call in calls:
        if not isinstance(call, _Call):
            raise TemplateError("after | comes a function name", source, base)
    return _Action(head, tuple(c for c in calls if isinstance(c, _Call)))


def _command(
    source: str, tokens: list[tuple[str, str, int]], variables: Mapping[str, bool], first: bool, base: int
) -> _Operand | _Call:
    if not tokens:
        raise TemplateError("empty command: nothing between | and | or }}", source, base)
    kind, text, at = tokens[0]
    if kind != "ident":
        if len(tokens) > 1:
            raise TemplateError(f"unexpected {tokens[1][1]!r}: only a function takes arguments", source, tokens[1][2])
        return _operand(source, tokens[0], variables)
    if text in _KEYWORDS:
        raise TemplateError(f"'{text}' is not supported: templates have no control structures or loops", source, at)
    if text in ("true", "false", "nil") and len(tokens) == 1:
        return _Lit({"true": True, "false": False, "nil": None}[text])
    if text not in FUNCTIONS:
        raise TemplateError(f"unknown function '{text}'; expected one of: {', '.join(FUNCTIONS)}", source, at)
    args = tuple(_operand(source, t, variables) for t in tokens[1:])
    _, fewest, most = FUNCTIONS[text]
    given = len(args) + (0 if first else 1)
    if given < fewest or (most >= 0 and given > most):
        want = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise TemplateError(f"{text} takes {want} argument(s), given {given}", source, at)
    if text == "printf":
        fmt = args[0] if args else None
        if not isinstance(fmt, _Lit) or not isinstance(fmt.value, str):
            raise TemplateError('printf takes its format as a string literal first: printf "%.1f" $value', source, at)
        try:
            printf_verbs(fmt.value)
        except ValueError as exc:
            raise TemplateError(str(exc), source, at) from None
    return _Call(text, args)


def _operand(source: str, token: tuple[str, str, int], variables: Mapping[str, bool]) -> _Operand:
    kind, text, at = token
    if kind == "str":
        try:
            return _Lit(json.loads(text))
        except ValueError:
            raise TemplateError(f"invalid string literal {text}", source, at) from None
    if kind == "raw":
        return _Lit(text[1:-1])
    if kind == "num":
        return _Lit(float(text))
    if kind == "var":
        name, *keys = text[1:].split(".")
        allowed = ", ".join(f"${v}.<name>" if is_map else f"${v}" for v, is_map in variables.items())
        if name not in variables:
            raise TemplateError(f"unknown variable ${name}; expected one of: {allowed}", source, at)
        if not variables[name]:
            if keys:
                raise TemplateError(f"attribute access is not supported: ${name} has no fields", source, at)
            return _Var(name, None)
        if len(keys) != 1:
            what = "name one entry" if not keys else "attribute access is not supported"
            raise TemplateError(f"{what}: write ${name}.<name>", source, at)
        return _Var(name, keys[0])
    if kind == "ident":
        raise TemplateError(f"'{text}' is a function: call it first or after |", source, at)
    raise TemplateError(f"unexpected {text!r}", source, at)


# ----------------------------------------------------------------------------------------- alert data
def _main_value(values: Mapping[str, Any]) -> Any:
    """``$value``: ``values["value"]`` when present, else the only numeric value, else None."""
    if "value" in values:
        return values["value"]
    numbers = [v for v in values.values() if number_of(v) is not None and not isinstance(v, str)]
    return numbers[0] if len(numbers) == 1 else None


def alert_data(labels: Mapping[str, str], values: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """The variables of an alert's templates (``extra``: ``annotations``, ``kind`` for channel templates)."""
    return {"labels": labels, "values": values, "value": _main_value(values), **extra}


def render_all(templates: Mapping[str, Template | str], data: Mapping[str, Any]) -> dict[str, str]:
    """Render every entry of a map of compiled templates (a plain string is copied as is)."""
    return {k: (t if isinstance(t, str) else t.render(data)) for k, t in templates.items()}


def template_problem(text: str, variables: Mapping[str, bool] = ALERT_VARIABLES) -> str | None:
    """Why ``text`` is refused as a template (``line L, column C: ...``), or None when it compiles."""
    if not is_template(text):
        return None
    try:
        compile_template(text, variables)
    except TemplateError as exc:
        return f"invalid template at {exc}"
    return None


def compile_map(texts: Mapping[str, str]) -> dict[str, Template | str] | None:
    """Compiled templates of a map of texts, or None when no text is a template (copy them as they are).

    A text refused by the sandbox (saved before it was checked) is kept as plain text: rendering never fails.
    """
    if not any(is_template(t) for t in texts.values()):
        return None
    out: dict[str, Template | str] = {}
    for key, text in texts.items():
        try:
            out[key] = compile_template(text) if is_template(text) else text
        except TemplateError:
            out[key] = text
    return out
