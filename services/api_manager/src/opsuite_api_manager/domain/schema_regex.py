"""Parameter schemas whose regular expressions run on RE2 (``opsuite_common.regex``), not Python's ``re``.

A tenant editor writes an API's parameter schema, and callers send the values it validates. jsonschema
matches ``pattern`` and ``patternProperties`` with ``re.search``, which backtracks: ``"pattern":
"^(a+)+$"`` and a 30-character parameter would hold the event loop for seconds, for every tenant. The
validator here replaces the keywords that match regexes (``pattern``, ``patternProperties`` and
``additionalProperties``, which consults ``patternProperties``) with the same checks on RE2, which runs
in linear time. ``unevaluatedProperties`` next to ``patternProperties`` anywhere in one schema is refused
at save (jsonschema evaluates that pair with ``re`` internally), as is any pattern RE2 refuses
(backreferences, lookaround): :func:`regex_problems` lists them for the save-time check, and a schema stored
before that check that holds one is FAILED_PRECONDITION at execution (``params.ParamSchema``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from opsuite_common.regex import RegexError, compile_regex

__all__ = ["ParamValidator", "pattern_search", "regex_problems"]


def pattern_search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (RE2) matches somewhere in ``text``; a pattern RE2 refuses matches nothing."""
    try:
        return compile_regex(pattern).search(text) is not None
    except RegexError:  # refused at save, and a schema stored before that check is refused whole (ParamSchema)
        return False


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not pattern_search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if pattern_search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [k for k in instance if k not in known and not any(pattern_search(p, k) for p in patterns)]


def _additional_properties(validator: Any, allowed: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    extras = _additional(instance, schema)
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif not allowed and extras:
        listed = ", ".join(repr(e) for e in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


#: Draft 2020-12 with the regex keywords on RE2.
ParamValidator: Any = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    {"pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties},
)


def regex_problems(schema: Any, path: list[str | int] | None = None) -> Iterator[tuple[list[str | int], str]]:
    """``(path, message)`` for every pattern in ``schema`` that RE2 refuses, and for ``unevaluatedProperties``
    in a schema that also uses ``patternProperties``."""
    path = path or []
    if isinstance(schema, Mapping):
        if "unevaluatedProperties" in schema and _mentions_pattern_properties(schema):
            yield [*path, "unevaluatedProperties"], "cannot be combined with patternProperties; list the properties"
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield from _refused(value, [*path, key])
            elif key == "patternProperties" and isinstance(value, Mapping):
                for pattern, sub in value.items():
                    yield from _refused(pattern, [*path, key, pattern])
                    yield from regex_problems(sub, [*path, key, pattern])
            elif key not in ("const", "enum", "default", "examples"):
                yield from regex_problems(value, [*path, key])
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from regex_problems(item, [*path, i])


def _refused(pattern: str, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    try:
        compile_regex(pattern)
    except RegexError as exc:
        yield path, f"is not a pattern this service runs (RE2 syntax, no backreferences or lookaround): {exc}"


def _mentions_pattern_properties(schema: Any) -> bool:
    if isinstance(schema, Mapping):
        return "patternProperties" in schema or any(_mentions_pattern_properties(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_mentions_pattern_properties(v) for v in schema)
    return False
