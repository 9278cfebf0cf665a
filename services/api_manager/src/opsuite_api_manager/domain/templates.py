"""A deliberately tiny template language: ``{{ params.x }}`` dotted lookups, nothing else.

There are no expressions, filters, calls or loops, so a template can never run code. A path is a
dot-separated list of names (``[A-Za-z_][A-Za-z0-9_-]*``) or list indexes (``rows.0.id``) looked up in
a context mapping such as ``{"params": {...}}``. Where the value lands decides how it is encoded:

- :func:`render_url` percent-encodes every substituted value (``/``, ``?``, ``#``, ``&`` included), so a
  parameter can never change the URL's structure (path, query, host).
- :func:`render_header` refuses values containing CR/LF (header injection).
- :func:`render_json` keeps a value's JSON type when a string leaf is exactly one placeholder
  (``"{{ params.limit }}"`` -> ``10``), and interpolates text otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = [
    "TemplateError",
    "find_references",
    "lookup",
    "render_header",
    "render_json",
    "render_text",
    "render_url",
    "stringify",
]

_SEGMENT = r"[A-Za-z_][A-Za-z0-9_\-]*|\d+"
_PATH = rf"(?:{_SEGMENT})(?:\.(?:{_SEGMENT}))*"
_PLACEHOLDER = re.compile(r"\{\{\s*(" + _PATH + r")\s*\}\}")
_ANY_BRACES = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_MISSING = object()


class TemplateError(ValidationError):
    """A template is malformed or refers to a value that does not exist."""


def find_references(template: str, *, field: str = "template") -> list[str]:
    """Every dotted path a template refers to, in order; raises TemplateError for malformed ``{{ }}``."""
    violations = [
        FieldViolation(field, f"'{{{{{m.group(1)}}}}}' is not a dotted lookup such as '{{{{ params.name }}}}'")
        for m in _ANY_BRACES.finditer(template)
        if not _PLACEHOLDER.fullmatch(m.group(0))
    ]
    if violations:
        raise TemplateError(f"{field}: malformed template placeholder", field_violations=violations)
    return [m.group(1) for m in _PLACEHOLDER.finditer(template)]


def lookup(context: Mapping[str, Any], path: str, *, field: str = "template") -> Any:
    """Resolve a dotted path in ``context``; raises TemplateError naming the first missing segment."""
    current: Any = context
    walked: list[str] = []
    for segment in path.split("."):
        walked.append(segment)
        value: Any = _MISSING
        if isinstance(current, Mapping):
            value = current.get(segment, _MISSING)
        elif isinstance(current, list | tuple) and segment.isdigit() and int(segment) < len(current):
            value = current[int(segment)]
        if value is _MISSING:
            raise TemplateError.for_field(
                field, f"'{'.'.join(walked)}' has no value (template refers to '{{{{ {path} }}}}')"
            )
        current = value
    return current


def stringify(value: Any) -> str:
    """Text form of a substituted value: JSON for containers/bools/null, ``str`` for the rest."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool | dict | list | tuple):
        return json.dumps(value, separators=(",", ":"), default=str)
    return str(value)


def _render(template: str, context: Mapping[str, Any], field: str, encode: Callable[[str], str]) -> str:
    find_references(template, field=field)  # reject malformed placeholders before substituting anything
    return _PLACEHOLDER.sub(lambda m: encode(stringify(lookup(context, m.group(1), field=field))), template)


def render_text(template: str, context: Mapping[str, Any], *, field: str = "template") -> str:
    """Substitute placeholders as plain text (for text bodies)."""
    return _render(template, context, field, lambda s: s)


def render_url(template: str, context: Mapping[str, Any], *, field: str = "url") -> str:
    """Substitute placeholders percent-encoded (RFC 3986 unreserved characters kept)."""
    return _render(template, context, field, lambda s: quote(s, safe=""))


def render_header(template: str, context: Mapping[str, Any], *, field: str = "headers") -> str:
    """Substitute placeholders into a header value; a CR or LF anywhere is refused."""
    rendered = _render(template, context, field, lambda s: s)
    if "\r" in rendered or "\n" in rendered or "\x00" in rendered:
        raise TemplateError.for_field(field, "header values cannot contain line breaks or NUL characters")
    return rendered


def render_json(template: Any, context: Mapping[str, Any], *, field: str = "body") -> Any:
    """Render every string leaf of a JSON structure; a lone placeholder keeps the value's own type."""
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template.strip())
        if whole:
            return lookup(context, whole.group(1), field=field)
        return render_text(template, context, field=field)
    if isinstance(template, Mapping):
        return {str(k): render_json(v, context, field=f"{field}.{k}") for k, v in template.items()}
    if isinstance(template, list | tuple):
        return [render_json(v, context, field=f"{field}[{i}]") for i, v in enumerate(template)]
    return template
