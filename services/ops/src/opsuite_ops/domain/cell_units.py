"""A table cell stated with the unit its column's name carries: ``wait_seconds=15.0`` reads "15 s".

A column named for a duration in seconds or milliseconds (``wait_seconds``, ``oven_wait_s``, ``p99_ms``) holds
a number in that unit; the answer's row line says it with the unit ("wait_seconds=15 s") so that a duration
is what the answer states, not a bare 15.0. Read from the column's name only; any other cell is left as is.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cell_text"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: The last word of a column's name -> the unit it says.
_UNITS = {"seconds": "s", "secs": "s", "sec": "s", "s": "s", "ms": "ms", "millis": "ms", "milliseconds": "ms"}


def _unit(column: str) -> str | None:
    words = re.findall(r"[a-z0-9]+", _CAMEL.sub(" ", column).lower())
    if len(words) < 2 or words[-2] == "per":  # a bare "s" column; "requests_per_s" is a rate, not a duration
        return None
    return _UNITS.get(words[-1])


def cell_text(column: str, value: Any) -> str:
    """``value`` of ``column`` as the answer writes it: a number with the unit its column names, else as is."""
    unit = _unit(column)
    if unit is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return f"{value:g} {unit}"
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return f"{float(value):g} {unit}"
    return str(value)
