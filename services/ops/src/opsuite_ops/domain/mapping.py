"""Output mapping: how a step's argument refers to an earlier step's output.

The language is one rule: an argument *string* of the form ``$steps.<step_id>`` or
``$steps.<step_id>.<jmespath>`` is replaced by that step's output data (or the JMESPath of it),
keeping its JSON type. Lists and objects are walked, so ``{"hosts": ["$steps.s1.rows[0].host"]}``
works. ``$$`` at the start escapes a literal dollar. Anything else is a literal.

Examples: ``$steps.s1.rows[0].host``, ``$steps.lookup.rows[*].host``, ``$steps.s2``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jmespath  # exposes jmespath.exceptions

from opsuite_common.errors import ValidationError

__all__ = ["MappingError", "is_reference", "references_in", "resolve_arguments", "step_ref", "validate_jmespath"]

_REF_RE = re.compile(r"^\$steps\.(?P<step>[A-Za-z0-9_-]+)(?:\.(?P<path>.+)|(?P<index>\[.+))?$", re.DOTALL)


class MappingError(ValidationError):
    """An output mapping could not be resolved (bad JMESPath, or the producer's output lacks the value)."""

    reason = "OUTPUT_MAPPING_FAILED"
    default_message = "an argument mapped from an earlier step could not be resolved"


def step_ref(step_id: str, path: str = "") -> str:
    """The mapping string for ``path`` (JMESPath) in ``step_id``'s output."""
    return f"$steps.{step_id}.{path}" if path else f"$steps.{step_id}"


def is_reference(value: object) -> bool:
    """Whether ``value`` is an output-mapping string."""
    return isinstance(value, str) and _REF_RE.match(value) is not None


def _walk_refs(value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, str):
        m = _REF_RE.match(value)
        if m:
            out.append((m.group("step"), m.group("path") or m.group("index") or ""))
    elif isinstance(value, Mapping):
        for v in value.values():
            _walk_refs(v, out)
    elif isinstance(value, list):
        for v in value:
            _walk_refs(v, out)


def references_in(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every ``(step_id, jmespath)`` the arguments refer to; the path is "" for the whole output."""
    out: list[tuple[str, str]] = []
    _walk_refs(dict(arguments), out)
    return out


def _resolve(value: Any, outputs: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, str):
        if value.startswith("$$"):
            return value[1:]
        m = _REF_RE.match(value)
        if not m:
            return value
        step = m.group("step")
        if step not in outputs:
            raise MappingError(f"{where}: {value!r} refers to step {step!r}, which has no output")
        path = m.group("path") or m.group("index")
        if not path:
            return outputs[step]
        try:
            result = jmespath.search(path, outputs[step])
        except jmespath.exceptions.JMESPathError as exc:
            raise MappingError(f"{where}: {path!r} is not a valid JMESPath expression: {exc}") from None
        if result is None:
            raise MappingError(f"{where}: step {step!r} returned no value at {path!r}")
        return result
    if isinstance(value, Mapping):
        return {k: _resolve(v, outputs, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, outputs, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def resolve_arguments(arguments: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, Any]:
    """``arguments`` with every mapping replaced by the producer's output (``outputs``: step id -> data)."""
    return {k: _resolve(v, outputs, f"arguments.{k}") for k, v in arguments.items()}


def validate_jmespath(expr: str) -> str | None:
    """None when ``expr`` compiles, else the reason it does not."""
    try:
        jmespath.compile(expr)
    except jmespath.exceptions.JMESPathError as exc:
        return str(exc)
    return None
