"""Workflow mappings and ``when`` conditions: JMESPath (``"$steps.a.output"``), tiny templates, literals.

A mapping value is compiled once at save time into a tree of nodes; evaluating a node never runs user
code. The context every expression sees is::

    {"params": {...}, "steps": {"<id>": {"output": ..., "status": "SUCCEEDED", "error": None | {...}}}}

String forms:

- ``"$<jmespath>"``: a JMESPath expression over the context, e.g. ``"$steps.a.output.rows[0].id"``;
- ``"$$text"``: the literal string ``"$text"`` (escape for a leading dollar);
- a string containing ``{{ ... }}``: a template whose placeholders are dotted lookups only
  (``"host-{{params.n}}"``, ``"{{steps.a.output.rows.0.id}}"``); a string that is exactly one
  placeholder keeps the value's type, otherwise values are rendered as text (``null`` as ``""``,
  non-strings as JSON);
- any other string, number, bool or null is a literal; dicts and lists are mapped recursively.

Expressions and templates may only start at ``params`` or ``steps``, and must name a step by id
(``steps.<id>...``), so the steps an expression reads are known before anything runs: they become
dependencies of the step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jmespath
from jmespath import exceptions as jmespath_exceptions
from jmespath import functions as jmespath_functions

from opsuite_common.errors import FieldViolation

__all__ = [
    "Condition",
    "Expr",
    "ListMapping",
    "Literal",
    "MappingNode",
    "ObjectMapping",
    "Template",
    "compile_condition",
    "compile_mapping",
    "is_truthy",
    "iter_refs",
]

ROOT_NAMES = frozenset({"params", "steps"})
_FUNCTIONS = jmespath_functions.Functions.FUNCTION_TABLE
# Placeholders: ``{{ a.b.0.c }}``; the content is checked separately so that a bad one gets a message.
_PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}")
_DOTTED_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")


def _walk_refs(node: Mapping[str, Any], at_root: bool, refs: set[str], problems: list[str]) -> None:
    """Collect the step ids an expression reads, and problems with how it reaches the context.

    ``at_root`` is True when ``node`` is evaluated against the whole context (not against the
    result of a projection or the left side of a pipe), which is where ``params``/``steps`` live.
    """
    kind = node.get("type")
    children: list[Any] = node.get("children", [])
    if kind == "field":
        if at_root:
            name = node.get("value")
            if name == "steps":
                problems.append("read a step by id, e.g. steps.<id>.output (not steps as a whole)")
            elif name not in ROOT_NAMES:
                problems.append(f"unknown name {name!r}: expressions start with 'params' or 'steps'")
        return
    if kind == "function_expression":
        _check_function(node, problems)
    if kind == "subexpression":
        first = children[0]
        if at_root and first.get("type") == "field" and first.get("value") == "steps":
            second = children[1]
            if second.get("type") == "field":
                refs.add(str(second.get("value")))
            else:
                problems.append("read a step by id, e.g. steps.<id>.output (not steps.* or steps[...])")
        else:
            _walk_refs(first, at_root, refs, problems)
        for child in children[1:]:
            _walk_refs(child, False, refs, problems)
        return
    if kind in {"index_expression", "projection", "value_projection", "filter_projection", "pipe"}:
        # Only the left-most child sees the caller's input; the rest see its result or elements.
        _walk_refs(children[0], at_root, refs, problems)
        for child in children[1:]:
            _walk_refs(child, False, refs, problems)
        return
    if kind == "expref":
        for child in children:
            _walk_refs(child, False, refs, problems)
        return
    for child in children:
        if isinstance(child, Mapping):
            _walk_refs(child, at_root, refs, problems)


def _check_function(node: Mapping[str, Any], problems: list[str]) -> None:
    """Reject unknown functions and wrong argument counts now, not at run time."""
    name = str(node.get("value"))
    entry = _FUNCTIONS.get(name)
    if entry is None:
        problems.append(f"unknown function {name}()")
        return
    signature = entry["signature"]
    count = len(node.get("children", []))
    variadic = bool(signature) and bool(signature[-1].get("variadic"))
    if (variadic and count < len(signature)) or (not variadic and count != len(signature)):
        expected = f"at least {len(signature)}" if variadic else str(len(signature))
        problems.append(f"{name}() takes {expected} argument(s), got {count}")


def _compile_jmespath(source: str) -> tuple[Any, frozenset[str], list[str]]:
    """Compile a JMESPath expression; return (compiled or None, step refs, problems)."""
    if not source.strip():
        return None, frozenset(), ["empty expression"]
    try:
        compiled = jmespath.compile(source)
    except jmespath_exceptions.JMESPathError as exc:
        # The library's message spans several lines with a caret; the first line is the useful one.
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, frozenset(), [f"invalid JMESPath expression {source!r}: {detail}"]
    refs: set[str] = set()
    problems: list[str] = []
    _walk_refs(compiled.parsed, True, refs, problems)
    return compiled, frozenset(refs), [f"in {source!r}: {p}" for p in problems]


def is_truthy(value: Any) -> bool:
    """JMESPath truthiness: null, false, "" and empty lists/objects are false; 0 is true."""
    if value is None or value is False:
        return False
    if isinstance(value, str | list | dict | tuple):
        return len(value) > 0
    return True


@dataclass(frozen=True, slots=True)
class Expr:
    """A JMESPath expression (written ``"$..."``) evaluated over the workflow context."""

    source: str
    compiled: Any = field(repr=False, compare=False)
    refs: frozenset[str] = frozenset()

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The expression's value (null when a path is missing)."""
        return self.compiled.search(context)


@dataclass(frozen=True, slots=True)
class Template:
    """A string with ``{{dotted.lookup}}`` placeholders."""

    source: str
    parts: tuple[str | tuple[str, ...], ...]
    refs: frozenset[str] = frozenset()

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The rendered string, or the raw value when the template is exactly one placeholder."""
        if len(self.parts) == 1 and isinstance(self.parts[0], tuple):
            return _lookup(context, self.parts[0])
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = _lookup(context, part)
            if value is None:
                out.append("")
            elif isinstance(value, str):
                out.append(value)
            else:
                out.append(json.dumps(value, default=str, separators=(",", ":")))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant value, returned as is."""

    value: Any
    refs: frozenset[str] = frozenset()

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The constant."""
        return self.value


@dataclass(frozen=True, slots=True)
class ObjectMapping:
    """A dict whose values are mappings."""

    items: tuple[tuple[str, MappingNode], ...]
    refs: frozenset[str] = frozenset()

    def evaluate(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """A new dict with every value evaluated."""
        return {key: node.evaluate(context) for key, node in self.items}


@dataclass(frozen=True, slots=True)
class ListMapping:
    """A list whose items are mappings."""

    items: tuple[MappingNode, ...]
    refs: frozenset[str] = frozenset()

    def evaluate(self, context: Mapping[str, Any]) -> list[Any]:
        """A new list with every item evaluated."""
        return [node.evaluate(context) for node in self.items]


MappingNode = Expr | Template | Literal | ObjectMapping | ListMapping


@dataclass(frozen=True, slots=True)
class Condition:
    """A ``when`` condition: a JMESPath expression whose value is tested for JMESPath truthiness."""

    source: str
    compiled: Any = field(repr=False, compare=False)
    refs: frozenset[str] = frozenset()

    def evaluate(self, context: Mapping[str, Any]) -> bool:
        """True when the step should run."""
        return is_truthy(self.compiled.search(context))


def _lookup(context: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """Follow a dotted path through dicts (by key) and lists (by integer index); missing gives None."""
    value: Any = context
    for segment in path:
        if isinstance(value, Mapping):
            value = value.get(segment)
        elif isinstance(value, list | tuple) and segment.lstrip("-").isdigit():
            index = int(segment)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            return None
    return value


def _compile_template(source: str) -> tuple[Template, list[str]]:
    """Split a template into text and placeholder paths; report placeholders that are not lookups."""
    parts: list[str | tuple[str, ...]] = []
    refs: set[str] = set()
    problems: list[str] = []
    pos = 0
    for match in _PLACEHOLDER_RE.finditer(source):
        if match.start() > pos:
            parts.append(source[pos : match.start()])
        pos = match.end()
        inner = match.group(1).strip()
        if not _DOTTED_RE.match(inner):
            problems.append(
                f"template placeholder {{{{{inner}}}}} must be a dotted lookup such as "
                "{{params.name}} or {{steps.<id>.output.field}}"
            )
            continue
        path = tuple(inner.split("."))
        if path[0] not in ROOT_NAMES:
            problems.append(f"template placeholder {{{{{inner}}}}} must start with 'params' or 'steps'")
            continue
        if path[0] == "steps":
            if len(path) < 2:
                problems.append("template placeholder {{steps}} must name a step: {{steps.<id>.output}}")
                continue
            refs.add(path[1])
        parts.append(path)
    if pos < len(source):
        parts.append(source[pos:])
    return Template(source, tuple(parts), frozenset(refs)), problems


def compile_mapping(value: Any, path: str) -> tuple[MappingNode, list[FieldViolation]]:
    """Compile a mapping value found at field ``path``; returns the node and every problem found."""
    violations: list[FieldViolation] = []
    node = _compile(value, path, violations)
    return node, violations


def _compile(value: Any, path: str, violations: list[FieldViolation]) -> MappingNode:
    if isinstance(value, Mapping):
        items: list[tuple[str, MappingNode]] = []
        for key, sub in value.items():
            if not isinstance(key, str):
                violations.append(FieldViolation(path, f"keys must be strings, got {key!r}"))
                continue
            items.append((key, _compile(sub, f"{path}.{key}", violations)))
        return ObjectMapping(tuple(items), _union(n.refs for _, n in items))
    if isinstance(value, list | tuple):
        nodes = [_compile(sub, f"{path}[{i}]", violations) for i, sub in enumerate(value)]
        return ListMapping(tuple(nodes), _union(n.refs for n in nodes))
    if isinstance(value, str):
        if value.startswith("$$"):
            return Literal(value[1:])
        if value.startswith("$"):
            compiled, refs, problems = _compile_jmespath(value[1:])
            violations.extend(FieldViolation(path, p) for p in problems)
            return Expr(value, compiled, refs)
        if "{{" in value:
            template, problems = _compile_template(value)
            violations.extend(FieldViolation(path, p) for p in problems)
            return template
        return Literal(value)
    if value is None or isinstance(value, bool | int | float):
        return Literal(value)
    violations.append(FieldViolation(path, f"unsupported value of type {type(value).__name__}"))
    return Literal(None)


def compile_condition(source: Any, path: str) -> tuple[Condition | None, list[FieldViolation]]:
    """Compile a ``when`` condition (a JMESPath expression; a leading ``$`` is accepted)."""
    if not isinstance(source, str):
        return None, [FieldViolation(path, 'must be a JMESPath expression string, e.g. "params.enabled"')]
    text = source[1:] if source.startswith("$") else source
    compiled, refs, problems = _compile_jmespath(text)
    violations = [FieldViolation(path, p) for p in problems]
    if compiled is None:
        return None, violations
    return Condition(source, compiled, refs), violations


def _union(sets: Iterator[frozenset[str]] | Any) -> frozenset[str]:
    out: set[str] = set()
    for s in sets:
        out |= s
    return frozenset(out)


def iter_refs(node: MappingNode | Condition, path: str) -> Iterator[tuple[str, str]]:
    """Yield ``(field path, step id)`` for every step a mapping reads, at the most precise path."""
    if isinstance(node, ObjectMapping):
        for key, sub in node.items:
            yield from iter_refs(sub, f"{path}.{key}")
    elif isinstance(node, ListMapping):
        for i, sub in enumerate(node.items):
            yield from iter_refs(sub, f"{path}[{i}]")
    else:
        for ref in sorted(node.refs):
            yield path, ref
