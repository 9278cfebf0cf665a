"""Rows before the asked window: a tool whose window starts on a whole day returns more than was asked.

"pipelines that failed in the last 24h" asks from 24 hours ago; a tool taking its window's start as a day
(``from_day``, ``format: date``) returns every row of that day, some older than asked. :func:`asked_start`
gives the start of the window the question asks for when a call's window start was a day and the question's
window starts within that day, so the composer leaves the older rows out of the answer and says how many
(the trace keeps the call's whole output). Read from the tool's schema and the question only.

A question without a time gets the planner's assumed window (:data:`ASSUMED_WINDOW`, the last 24 hours): when
the call's day is the day that window starts on and the call returned more rows than an answer shows, the
rows before the assumed window are the ones left out ("the current config" beside a run history taken from
yesterday's date: its older rows, not an arbitrary cut that would make the answer partial). Fewer rows are
shown whole: the tool's own window.

A numeric look-back in a coarser unit than asked, or held at its schema's minimum ("the last 3 hours" called
as ``days=1``), is wider than the question's window the same way: the rows before the asked start are left
out. So is a change history whose tool takes no window at all (a firmware rollout list, every campaign it
ever ran) when the question states one ("what changes went in over the last 24 hrs"): its rows from before
the window are no answer to it. Whichever of these gives the start, a table without a time column cannot be
cut to it: the composer says so and the answer is partial.

A question asking when some trouble started ("when did latency start going up", "it went stale earlier today,
when did that start") needs its series from before the trouble: :func:`onset_window` gives the window its
series tools are called over, :data:`ASSUMED_WINDOW` back from now when the question gives no window. A window
the question states ("today") is left as stated: it is the window the whole answer is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from opsuite_ops.domain.call_facts import MAX_TABLE_ROWS, dict_rows
from opsuite_ops.domain.model import CallRecord, Tool
from opsuite_ops.domain.series_format import time_column
from opsuite_ops.domain.timeline import asks_for_onset, names_changes
from opsuite_ops.domain.timerange import TimeRange, duration_unit, human_duration, is_date_param, time_bound, time_range

__all__ = ["ASSUMED_WINDOW", "asked_start", "onset_window"]

#: The window the deterministic planner assumes when a question gives none (its default ``default_window``).
ASSUMED_WINDOW = timedelta(hours=24)


def _rows(data: Any) -> int:
    rows = data.get("rows") if isinstance(data, Mapping) else data
    return len(rows) if isinstance(rows, list) else 0


def onset_window(
    question: str, window: TimeRange | None, now: datetime, default: timedelta = ASSUMED_WINDOW
) -> TimeRange | None:
    """The window a series is asked for when the question asks when some trouble started: ``default`` back from
    ``now`` when the question gives no window; None otherwise (no onset asked for, or a window the question
    states: "in the last hour", "today": the window the whole answer is about, left as stated)."""
    if not asks_for_onset(question):
        return None
    if window is None:
        return TimeRange(now - default, now, f"no time in the question; assumed the last {human_duration(default)}")
    return None


def asked_start(question: str, call: CallRecord, tool: Tool | None) -> datetime | None:
    """When ``call`` took its window's start as a day but the question's window starts later in that day,
    that later start; None otherwise (no time in the question, or the tool's window is as fine as asked)."""
    if tool is None or call.started_at is None:
        return None
    days = [
        value
        for name, value in call.arguments.items()
        if isinstance(value, str)
        and is_date_param(tool.properties.get(name, {}))
        and time_bound(name, tool.properties.get(name, {})) != "until"
    ]
    if not days:
        return _wider_span(question, call, tool) or _whole_history(question, call, tool)
    window = time_range(question, call.started_at)
    if window is None:
        # No time asked: the assumed window, when the call's day is the day it starts on (not a wider window
        # the planner chose for "when did we last ...").
        since = call.started_at - ASSUMED_WINDOW
        if not any(day[:10] == since.date().isoformat() for day in days) or _rows(call.output) <= MAX_TABLE_ROWS:
            return None
    else:
        since = window.since
    midnight = since.replace(hour=0, minute=0, second=0, microsecond=0)
    return since if since > midnight else None


#: How much wider than asked a look-back must be before rows are left out (clock skew, a call's latency).
_SLACK = timedelta(minutes=1)


def _wider_span(question: str, call: CallRecord, tool: Tool) -> datetime | None:
    """When ``call`` took a look-back in a coarser unit (or at a schema minimum) than the window the question
    asks ("the last 3 hours" as ``days=1``), the start of the asked window; None otherwise."""
    if call.started_at is None:
        return None
    spans = [
        float(value) * unit
        for name, value in call.arguments.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and tool.properties.get(name, {}).get("type") in ("integer", "number")
        and (unit := duration_unit(name)) is not None
    ]
    window = time_range(question, call.started_at)
    if len(spans) != 1 or window is None or window.since >= call.started_at - _SLACK:
        return None  # a window from now on ("due in the next 12 hrs" as due_within_hours=12) looks ahead, not back
    start = call.started_at - timedelta(seconds=spans[0])
    return window.since if window.since - start > _SLACK else None


def _whole_history(question: str, call: CallRecord, tool: Tool) -> datetime | None:
    """When ``call``'s tool says it lists changes, takes no window (no time bound, no look-back) and returned
    timed rows, and the question states a window, the start of that window; None otherwise (a snapshot's rows,
    an incident register's, or rows with no time are no change history to cut)."""
    if call.started_at is None or not names_changes(tool.name, tool.description, tool.tags):
        return None
    if any(time_bound(n, s) or duration_unit(n) for n, s in tool.properties.items()):
        return None  # the tool's own window, taken as the planner filled it
    if (table := dict_rows(call.output)) is None or not table[1] or time_column(*table) is None:
        return None
    window = time_range(question, call.started_at)
    return window.since if window is not None else None
