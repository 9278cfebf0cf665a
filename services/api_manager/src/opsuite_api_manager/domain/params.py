"""Parameter validation against an API's JSON Schema (Draft 2020-12), defaults and log redaction.

``ParamSchema(schema)`` compiles once (the service may keep one per API version); ``validate(params)``
returns a new dict with ``default`` values filled in (nested objects too) and raises ``ValidationError``
with one ``FieldViolation`` per problem, e.g. ``FieldViolation("params.limit", "must be <= 100")``; a value filled
in from the schema's own ``default`` is not checked against its ``format`` (a default is an annotation in JSON
Schema: ``"default": ""`` for an optional date), every other keyword still applies to it.
``check_parameter_schema`` is the save-time check that a schema is itself valid. ``redact`` replaces
fields marked ``"x-secret": true`` or ``"writeOnly": true`` with ``"***"`` in a copy meant for logs.
``validate`` is where a secret parameter enters the service: it registers every secret value with the
current secret scope (``opsuite_common.secretscope``), so the value is masked wherever it might leave
(error messages, step inputs and outputs, script log lines, responses, the service log).
Remote ``$ref``\\ s are never fetched (the ``referencing`` default): a schema cannot make us do I/O.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema import ValidationError as SchemaViolation
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from opsuite_api_manager.domain.schema_regex import ParamValidator, pattern_search, regex_problems
from opsuite_common import limits
from opsuite_common.errors import FailedPreconditionError, FieldViolation, ValidationError
from opsuite_common.secretscope import REDACTED, register_secret

#: How deep defaults are filled into nested objects and lists.
DEFAULTS_DEPTH = 32

__all__ = [
    "DEFAULTS_DEPTH",
    "REDACTED",
    "ParamSchema",
    "check_parameter_schema",
    "format_path",
    "redact",
    "validate_params",
]

_SECRET_KEYS = ("x-secret", "writeOnly")


def format_path(root: str, path: Sequence[str | int]) -> str:
    """``("a", 0, "b")`` under ``params`` -> ``params.a[0].b``."""
    out = root
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _describe(error: SchemaViolation) -> Iterator[tuple[Sequence[str | int], str]]:
    """Turn one jsonschema error into (path, readable description) pairs."""
    path = list(error.absolute_path)
    kind: Any = error.validator
    value: Any = error.validator_value
    inst: Any = error.instance
    schema: Any = error.schema
    if kind == "required" and isinstance(inst, Mapping):
        for name in value:
            if name not in inst:
                yield [*path, name], "is required"
        return
    if kind == "additionalProperties" and isinstance(inst, Mapping):
        known = set((schema.get("properties") or {}).keys())
        patterns = schema.get("patternProperties") or {}
        for name in inst:
            if name not in known and not any(pattern_search(p, name) for p in patterns):
                yield [*path, name], "is not an accepted parameter"
        return
    simple = {
        "maximum": f"must be <= {value}",
        "minimum": f"must be >= {value}",
        "exclusiveMaximum": f"must be < {value}",
        "exclusiveMinimum": f"must be > {value}",
        "minLength": f"must be at least {value} characters long",
        "maxLength": f"must be at most {value} characters long",
        "minItems": f"must have at least {value} items",
        "maxItems": f"must have at most {value} items",
        "minProperties": f"must have at least {value} properties",
        "maxProperties": f"must have at most {value} properties",
        "uniqueItems": "must not contain duplicate items",
        "multipleOf": f"must be a multiple of {value}",
        "pattern": f"must match the pattern {value}",
        "format": f"must be a valid {value}",
        "const": f"must be exactly {value!r}",
    }
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        yield path, f"must be of type {' or '.join(types)} (got {_json_type(inst)})"
    elif kind == "enum":
        yield path, "must be one of: " + ", ".join(repr(v) for v in value)
    elif kind in simple:
        yield path, simple[kind]
    else:
        yield path, error.message


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, Mapping) else type(value).__name__


def _mentions(node: Any, keys: Sequence[str]) -> bool:
    """Whether any object in the schema tree has one of ``keys``."""
    if isinstance(node, Mapping):
        return any(k in node for k in keys) or any(_mentions(v, keys) for v in node.values())
    if isinstance(node, list):
        return any(_mentions(v, keys) for v in node)
    return False


def _copy_json(value: Any) -> Any:
    """A copy of a JSON-like value: new containers at every depth, scalars shared (they are immutable)."""
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    if isinstance(value, Mapping | tuple):
        return copy.deepcopy(value)
    return value


class ParamSchema:
    """A compiled parameter schema: validate-with-defaults and redact, reusable across executions."""

    def __init__(self, schema: Mapping[str, Any] | None) -> None:
        """Compile ``schema`` (None or ``{}`` accepts any object); call check_parameter_schema first."""
        self.schema: dict[str, Any] = dict(schema or {})
        # Regex keywords on RE2 (schema_regex): a tenant's pattern never backtracks on a caller's value.
        self._validator = ParamValidator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        # Decided once per schema (conservatively: the keyword anywhere in the tree, even as a property
        # name), so the common schema without defaults or secrets skips those walks on every call.
        self._has_defaults = _mentions(self.schema, ("default",))
        self._has_secrets = _mentions(self.schema, _SECRET_KEYS)
        # A schema saved before its patterns were checked may hold one RE2 refuses, or unevaluatedProperties
        # beside patternProperties (which jsonschema matches with Python's backtracking ``re``): no call can be
        # checked against it, and the fault is the API's, not the caller's. Looked for at the first validate():
        # a schema built only to redact (the execution log) never needs it.
        self._refused: tuple[list[str | int], str] | None = None
        self._refused_checked = False

    def _resolve(self, sub: Any) -> Any:
        """Follow local ``#/...`` refs so defaults and secrets inside ``$defs`` are honoured."""
        seen = 0
        while isinstance(sub, Mapping) and isinstance(sub.get("$ref"), str) and sub["$ref"].startswith("#/"):
            target: Any = self.schema
            for part in sub["$ref"][2:].split("/"):
                target = target.get(part) if isinstance(target, Mapping) else None
            seen += 1
            if target is None or seen > 32:
                return {}
            sub = target
        return sub if isinstance(sub, Mapping) else {}

    def _apply_defaults(
        self,
        schema: Any,
        instance: Any,
        path: tuple[str | int, ...] = (),
        filled: set[tuple[str | int, ...]] | None = None,
    ) -> None:
        """Fill ``default`` values in, recording the path of each value filled in ``filled``; no deeper than
        :data:`DEFAULTS_DEPTH` (a ``$ref`` to itself with an object default would fill without end)."""
        if len(path) >= DEFAULTS_DEPTH:
            return
        schema = self._resolve(schema)
        for part in schema.get("allOf", ()):
            self._apply_defaults(part, instance, path, filled)
        if isinstance(instance, dict):
            for name, sub in (schema.get("properties") or {}).items():
                sub_r = self._resolve(sub)
                if name not in instance and "default" in sub_r:
                    instance[name] = copy.deepcopy(sub_r["default"])
                    if filled is not None:
                        filled.add((*path, name))
                if name in instance:
                    self._apply_defaults(sub_r, instance[name], (*path, name), filled)
        elif isinstance(instance, list) and isinstance(schema.get("items"), Mapping):
            for i, item in enumerate(instance):
                self._apply_defaults(schema["items"], item, (*path, i), filled)

    def validate(self, params: Mapping[str, Any] | None, *, root: str = "params") -> dict[str, Any]:
        """Return a copy of ``params`` with defaults applied; raise ValidationError listing every problem."""
        if params is not None and not isinstance(params, Mapping):
            raise ValidationError.for_field(root, f"must be an object (got {_json_type(params)})")
        if not self._refused_checked:
            self._refused, self._refused_checked = next(regex_problems(self.schema), None), True
        if self._refused is not None:
            where, why = self._refused
            raise FailedPreconditionError(
                f"the API's parameter schema cannot be used: {format_path('parameter_schema', where)} {why}; "
                "update the API's parameter_schema",
                reason="PARAMETER_SCHEMA_UNSUPPORTED",
            )
        instance: dict[str, Any] = _copy_json(dict(params or {}))
        # A default is the API author's own value, an annotation that JSON Schema does not validate: a value filled
        # in from one is not refused for its *format* ("default": "" for an optional date the statement reads with
        # NULLIF); every other check (type, length, enum...) still applies to it, and the caller's values are all
        # checked.
        filled: set[tuple[str | int, ...]] = set()
        if self._has_defaults:
            self._apply_defaults(self.schema, instance, (), filled)
        if self._has_secrets:
            # Before the checks: a violation's description may quote the value it refused.
            secrets = self.secret_values(instance)
            if len(secrets) > limits.SECRET_VALUES:
                raise ValidationError.for_field(
                    root, f"holds {len(secrets)} secret values; the limit is {limits.SECRET_VALUES}"
                )
            for secret in secrets:
                register_secret(secret)
        seen: set[tuple[str, str]] = set()
        violations: list[FieldViolation] = []
        try:
            errors = sorted(self._validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        except Unresolvable as exc:
            raise ValidationError.for_field(
                "parameter_schema", f"cannot resolve reference {exc}; only local '#/$defs/...' refs work"
            ) from None
        for error in errors:
            at = tuple(error.absolute_path)
            if error.validator == "format" and any(at[:k] in filled for k in range(1, len(at) + 1)):
                continue  # the format of a value a default filled in (a set look-up per prefix: path depth, not N)
            for path, description in _describe(error):
                key = (format_path(root, path), description)
                if key not in seen:
                    seen.add(key)
                    violations.append(FieldViolation(*key))
        if violations:
            summary = "; ".join(f"{v.field} {v.description}" for v in violations[:5])
            more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
            raise ValidationError(f"invalid parameters: {summary}{more}", field_violations=violations)
        return instance

    def _redact(self, schema: Any, value: Any) -> Any:
        schema = self._resolve(schema)
        if any(schema.get(k) is True for k in _SECRET_KEYS):
            return REDACTED
        if isinstance(value, Mapping):
            props = schema.get("properties") or {}
            return {k: self._redact(props.get(k, {}), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._redact(schema.get("items", {}), v) for v in value]
        return value

    def redact(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``params`` for logs, with every secret field (at any depth) replaced by ``***``."""
        redacted: dict[str, Any] = (
            _copy_json(dict(params)) if not self._has_secrets else self._redact(self.schema, dict(params))
        )
        return redacted

    def secret_values(self, params: Mapping[str, Any]) -> set[str]:
        """The text of every secret value in ``params`` (to scrub them from URLs and messages).

        A secret object or array gives the text of each of its scalar leaves.
        """
        found: set[str] = set()

        def leaves(value: Any) -> None:
            if isinstance(value, Mapping):
                for v in value.values():
                    leaves(v)
            elif isinstance(value, list):
                for v in value:
                    leaves(v)
            elif value not in (None, "") and not isinstance(value, bool):
                found.add(str(value))

        def walk(schema: Any, value: Any) -> None:
            schema = self._resolve(schema)
            if any(schema.get(k) is True for k in _SECRET_KEYS):
                leaves(value)
            elif isinstance(value, Mapping):
                props = schema.get("properties") or {}
                for k, v in value.items():
                    walk(props.get(k, {}), v)
            elif isinstance(value, list):
                for v in value:
                    walk(schema.get("items", {}), v)

        walk(self.schema, dict(params))
        return found


def check_parameter_schema(schema: Any, *, field: str = "parameter_schema") -> None:
    """Save-time check: ``schema`` is a valid Draft 2020-12 schema describing an object of parameters."""
    if schema is None or schema == {}:
        return
    if not isinstance(schema, Mapping):
        raise ValidationError.for_field(field, "must be a JSON Schema object")
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    violations = [
        FieldViolation(format_path(field, list(e.absolute_path)), e.message) for e in meta.iter_errors(dict(schema))
    ]
    declared = schema.get("type")
    if declared is not None and declared != "object" and not violations:
        violations.append(FieldViolation(f"{field}.type", 'parameters are an object: use "type": "object"'))
    if not violations:
        violations.extend(_reference_problems(schema, field))
        violations.extend(FieldViolation(format_path(field, path), message) for path, message in regex_problems(schema))
    if violations:
        raise ValidationError(
            f"{field} is not a valid JSON Schema: {violations[0].field}: {violations[0].description}",
            field_violations=violations,
        )


def _reference_problems(schema: Mapping[str, Any], field: str) -> list[FieldViolation]:
    """Every ``$ref`` must be local and resolvable: found at save time, not at the first execution."""
    resolver = Registry().with_resource("", DRAFT202012.create_resource(dict(schema))).resolver()
    problems: list[FieldViolation] = []

    def walk(node: Any, path: list[str | int]) -> None:
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str):
                where = format_path(field, [*path, "$ref"])
                if not ref.startswith("#"):
                    problems.append(
                        FieldViolation(where, f"cannot resolve reference {ref!r}: only local '#/$defs/...' refs")
                    )
                else:
                    try:
                        resolver.lookup(ref)
                    except Unresolvable:
                        problems.append(FieldViolation(where, f"cannot resolve reference {ref!r}"))
            for key, value in node.items():
                walk(value, [*path, str(key)])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*path, i])

    walk(schema, [])
    return problems


def validate_params(schema: Mapping[str, Any] | None, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """One-shot ``ParamSchema(schema).validate(params)``."""
    return ParamSchema(schema).validate(params)


def redact(schema: Mapping[str, Any] | None, params: Mapping[str, Any]) -> dict[str, Any]:
    """One-shot ``ParamSchema(schema).redact(params)``."""
    return ParamSchema(schema).redact(params)
