"""Size limits of every user input, in one place (README "Size limits" lists them).

Each limit keeps one stored item far below the gRPC message size, so that a list page always fits
(list RPCs also stop a page at a byte budget, see :func:`opsuite_common.paging.fit_page`). Text is
measured in UTF-8 bytes, structured values (JSON objects) as their compact JSON text. An input over
its limit is INVALID_ARGUMENT with a field violation naming the field.
"""

from __future__ import annotations

import json
from typing import Any

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = [
    "CHANNEL_CONFIG_BYTES",
    "COMMENT_BYTES",
    "DESCRIPTION_BYTES",
    "EVENT_ATTRIBUTES_BYTES",
    "LABEL_CHARS",
    "LABEL_VALUE_CHARS",
    "MAX_LABELS",
    "MAX_MATCHERS",
    "NAME_CHARS",
    "PARAMS_BYTES",
    "QUESTION_CHARS",
    "RULE_DEFINITION_BYTES",
    "SCHEMA_BYTES",
    "SCRIPT_BYTES",
    "SECRET_VALUES",
    "SPEC_BYTES",
    "STATEMENT_BYTES",
    "URL_BYTES",
    "check_json",
    "check_text",
    "json_bytes",
    "raise_violations",
]

KIB = 1024
#: Names of APIs, data sources, rules, channels (characters).
NAME_CHARS = 128
#: One tag, one label key, one silence matcher's name (characters).
LABEL_CHARS = 64
#: One label value of a rule, one silence matcher's value (characters).
LABEL_VALUE_CHARS = 256
#: Tags of an API, labels of a rule.
MAX_LABELS = 32
#: Matchers of one silence.
MAX_MATCHERS = 32
#: Descriptions of APIs and data sources.
DESCRIPTION_BYTES = 4 * KIB
#: A silence's comment.
COMMENT_BYTES = 4 * KIB
#: An SQL API's statement.
STATEMENT_BYTES = 64 * KIB
#: A script API's source.
SCRIPT_BYTES = 256 * KIB
#: An API's param_schema (JSON).
SCHEMA_BYTES = 64 * KIB
#: An API's whole spec (JSON): an HTTP request template or a workflow definition.
SPEC_BYTES = 320 * KIB
#: A cep rule definition (JSON).
RULE_DEFINITION_BYTES = 64 * KIB
#: A cep channel config (JSON, secrets included).
CHANNEL_CONFIG_BYTES = 16 * KIB
#: Default per-event attributes size of PublishEvents (OPSUITE_CEP_MAX_ATTRIBUTES_BYTES overrides it).
EVENT_ATTRIBUTES_BYTES = 64 * KIB
#: A URL (data source, webhook).
URL_BYTES = 4 * KIB
#: An ops question (characters).
QUESTION_CHARS = 4000
#: An execution's params, and its input document (serialized).
PARAMS_BYTES = 1024 * KIB
#: Secret values (leaves of fields marked secret) in one execution's params.
SECRET_VALUES = 256


def json_bytes(value: Any) -> int:
    """The size of ``value`` as compact JSON text (how structured inputs are measured)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode())


def check_text(field: str, value: str, limit: int, *, chars: bool = False) -> FieldViolation | None:
    """A violation when ``value`` is over ``limit`` bytes (UTF-8) or characters, else None."""
    size = len(value) if chars else len(value.encode())
    if size <= limit:
        return None
    unit = "characters" if chars else "bytes"
    return FieldViolation(field, f"is {size} {unit}; the limit is {limit} {unit}")


def check_json(field: str, value: Any, limit: int) -> FieldViolation | None:
    """A violation when ``value`` as compact JSON is over ``limit`` bytes, else None."""
    size = json_bytes(value)
    if size <= limit:
        return None
    return FieldViolation(field, f"is {size} bytes as JSON; the limit is {limit} bytes")


def raise_violations(*found: FieldViolation | None) -> None:
    """Raise one INVALID_ARGUMENT listing every violation found (Nones are skipped)."""
    problems = [v for v in found if v is not None]
    if problems:
        fields = ", ".join(v.field for v in problems)
        raise ValidationError(f"input over its size limit: {fields}", field_violations=problems)
