"""Script log lines made safe to store and show: control characters escaped, dropped lines counted.

Escaped (as the text ``\\xNN`` or ``\\uNNNN``): C0 controls except TAB and LF, DEL, the C1 controls
U+0080-U+009F, and the Unicode bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069).
TAB and LF stay as they are (a multi-line message is legitimate and harmless); CR, ESC, BEL, NUL and
the rest could move a terminal's cursor, rewrite what it shows or hide text. The escape is one-way:
a backslash is not doubled, so ``\\x1b`` typed by the script and an escaped ESC read the same.
Escaping is idempotent, so applying it again to stored lines (older records) changes nothing.

An execution record keeps its log lines in the ``logs`` JSON column; when lines were dropped (over
the policy's ``max_log_lines``), one more entry ``{"dropped": <count>}`` ends that list. No schema
migration: ``split_log_records`` separates it again for the API's ``logs_dropped`` field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .models import LogLine

__all__ = ["escape_controls", "log_records", "script_logs_dropped_of", "script_logs_of", "split_log_records"]

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DROPPED_KEY = "dropped"


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(value: Any) -> Any:
    """``value`` with control characters escaped in every string, dict key included, at any depth."""
    if isinstance(value, str):
        return _CONTROLS.sub(_escape_char, value) if _CONTROLS.search(value) else value
    if isinstance(value, dict):
        return {escape_controls(k) if isinstance(k, str) else k: escape_controls(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escape_controls(v) for v in value]
    return value


def script_logs_of(error: BaseException) -> tuple[LogLine, ...]:
    """The log lines a failed execution wrote before it failed (empty when it wrote none)."""
    logs = getattr(error, "script_logs", ())
    return tuple(logs) if isinstance(logs, tuple | list) else ()


def script_logs_dropped_of(error: BaseException) -> int:
    """How many log lines a failed execution dropped over its cap (0 when none or unknown)."""
    dropped = getattr(error, "script_logs_dropped", 0)
    return dropped if isinstance(dropped, int) and dropped > 0 else 0


def log_records(lines: Iterable[LogLine], dropped: int) -> list[dict[str, Any]]:
    """Log lines as execution-record entries, ended by a ``{"dropped": n}`` entry when ``dropped > 0``."""
    records: list[dict[str, Any]] = [{"at": line.at, "message": line.message, "fields": line.fields} for line in lines]
    if dropped > 0:
        records.append({_DROPPED_KEY: dropped})
    return records


def split_log_records(records: Iterable[Any]) -> tuple[list[dict[str, Any]], int]:
    """The record's log lines (``dropped`` entries removed) and the total count of dropped lines.

    Several ``dropped`` entries (not written today: one script run per record) would be summed.
    """
    lines: list[dict[str, Any]] = []
    dropped = 0
    for entry in records:
        if not isinstance(entry, dict):
            continue
        if "message" not in entry and isinstance(entry.get(_DROPPED_KEY), int):
            dropped += max(entry[_DROPPED_KEY], 0)
        else:
            lines.append(entry)
    return lines, dropped
