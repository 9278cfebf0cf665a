"""Convert database and HTTP values into JSON-safe Python values (what ``json.dumps`` and ``Struct`` accept).

Rules, chosen so that no value silently loses information:

- ``Decimal``: a float when the float reads back as the same number, else its exact string;
  integral decimals within +/- 2**53 become ``int``.
- ``int`` outside +/- 2**53 (a double cannot hold it exactly): its decimal string.
- ``float`` NaN / Infinity (not valid JSON): ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
- ``datetime`` / ``date`` / ``time``: ISO 8601 strings (offsets kept); ``timedelta``: seconds as a float.
- ``bytes`` / ``bytearray`` / ``memoryview``: standard base64 text.
- ``UUID``, ``ipaddress`` objects, ``Path`` and other unknown scalars: ``str(value)``.
- mappings become dicts with string keys; lists, tuples and sets become lists (sets sorted when possible).

:func:`cap_cell` bounds one converted value to a byte size (SQL cells: ``max_cell_bytes``).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["MAX_SAFE_INT", "cap_cell", "to_jsonable", "type_hint"]

#: Largest integer a JSON number (an IEEE double) carries exactly.
MAX_SAFE_INT = 2**53 - 1


def _float(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _decimal(value: Decimal) -> int | float | str:
    if not value.is_finite():
        return "NaN" if value.is_nan() else ("Infinity" if value > 0 else "-Infinity")
    if value == value.to_integral_value():
        as_int = int(value)
        return as_int if abs(as_int) <= MAX_SAFE_INT else str(as_int)
    as_float = float(value)
    # Only hand out a float when it is the same number; money columns keep their exact digits.
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


def to_jsonable(value: Any) -> Any:
    """Return ``value`` converted (recursively) to None/bool/int/float/str/list/dict."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INT else str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        items = [to_jsonable(v) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return str(value)


def _cut_utf8(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def cap_cell(value: Any, max_bytes: int) -> tuple[Any, bool]:
    """``(value, False)`` when its JSON size is at most ``max_bytes``, else ``(a cut-down value, True)``.

    Text keeps its first ``max_bytes`` bytes (whole UTF-8 characters); base64 text of binary values is
    cut on a 4-character boundary so it still decodes (to a prefix of the bytes); an object or array
    over the limit becomes its compact JSON text, cut like any text. Numbers, booleans and null are small.
    """
    if isinstance(value, str):
        if len(value) * 4 <= max_bytes or len(value.encode("utf-8")) <= max_bytes:
            return value, False
        if value.isascii():
            # base64 (binary cells) and other ASCII text: whole 4-character groups still decode.
            return value[: max_bytes - max_bytes % 4], True
        return _cut_utf8(value, max_bytes), True
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if len(text) * 4 <= max_bytes or len(text.encode("utf-8")) <= max_bytes:
            return value, False
        return _cut_utf8(text, max_bytes), True
    return value, False


def type_hint(value: Any) -> str:
    """A short, database-neutral type name for a raw value ("integer", "number", "datetime", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dt.timedelta):
        return "interval"
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple | set | frozenset):
        return "array"
    return type(value).__name__.lower()
