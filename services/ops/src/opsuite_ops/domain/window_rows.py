"""Rows before the asked window: a tool whose window starts on a whole day returns more than was asked.

"pipelines that failed in the last 24h" asks from 24 hours ago; a tool taking its window's start as a day
(``from_day``, ``format: date``) returns every row of that day, some older than asked. :func:`asked_start`
gives the start of the window the question asks for when a call's window start was a day and the question's
window starts within that day, so the composer leaves the older rows out of the answer and says how many
(the trace keeps the call's whole output). Read from the tool's schema and the question only.
"""

from __future__ import annotations

from datetime import datetime

from opsuite_ops.domain.model import CallRecord, Tool
from opsuite_ops.domain.timerange import time_bound, time_range

__all__ = ["asked_start"]


def asked_start(question: str, call: CallRecord, tool: Tool | None) -> datetime | None:
    """When ``call`` took its window's start as a day but the question's window starts later in that day,
    that later start; None otherwise (no time in the question, or the tool's window is as fine as asked)."""
    if tool is None or call.started_at is None:
        return None
    by_day = any(
        isinstance(value, str)
        and tool.properties.get(name, {}).get("format") == "date"
        and time_bound(name, tool.properties.get(name, {})) != "until"
        for name, value in call.arguments.items()
    )
    window = time_range(question, call.started_at) if by_day else None
    if window is None:
        return None
    midnight = window.since.replace(hour=0, minute=0, second=0, microsecond=0)
    return window.since if window.since > midnight else None
