"""Shorter windows: a call whose result came back cut at the API's row limit is asked again over a shorter window.

A series over a day of two-minute samples (720 rows per replica) passes an API's row limit, and the rows past
it, the newest ones of the last groups when the API orders by name then time, are not in the answer: the
latest values and any recent onset are lost, and the answer is only PARTIAL. :func:`shorter_step` plans, for
each main-plan step whose latest call succeeded with ``"truncated": true``, the same tool with its window
shortened, read from the tool's schema alone (no tool names):

* an enum of durations (``PT15M | PT1H | PT6H | PT24H``) takes the next smaller value;
* a window's start (``since``, ``from_ts``, a ``date-time``; epoch seconds) moves to a quarter of the way
  back from now (a day-granular ``format: date`` start only when the day changes);
* a look-back in its own unit (``hours``, ``newer_than_minutes``) or a duration string (``window=1d``)
  takes a quarter of its length (kept within the schema's bounds).

A window is never shortened below :data:`MIN_WINDOW`, and a step at most :data:`MAX_ROUNDS` times. The
orchestrator runs each round, and when the shorter call succeeded with rows, the cut call is superseded: the
answer is composed from the shorter one (asked again while it is cut too), and a note says which window it
covers (the trace keeps both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.model import CallRecord, PlanStep, Tool
from opsuite_ops.domain.param_kinds import param_concept, window_bound
from opsuite_ops.domain.series_format import fmt_duration, parse_time
from opsuite_ops.domain.timerange import duration_text, duration_unit, duration_value, enum_seconds, format_time

__all__ = ["MAX_ROUNDS", "MIN_WINDOW", "Shortened", "cut_steps", "is_cut", "shorter_step"]

#: Shortest window a cut result is asked again over.
MIN_WINDOW = timedelta(minutes=30)
#: Most times one step's window is shortened.
MAX_ROUNDS = 2
_FACTOR = 4


@dataclass(frozen=True, slots=True)
class Shortened:
    """A step asked again over a shorter window: the new step, the window before and after."""

    step: PlanStep
    before: timedelta
    after: timedelta

    def note(self, tool: str) -> str:
        """The answer's note on it."""
        return (
            f"{tool} came back cut at the API's row limit over {fmt_duration(self.before)}; it was asked again "
            f"over the last {fmt_duration(self.after)}, and the answer is for that window"
        )


def is_cut(record: CallRecord | None) -> bool:
    """Whether a call succeeded with an output the API marked truncated."""
    out = record.output if record is not None else None
    return record is not None and record.ok and isinstance(out, Mapping) and out.get("truncated") is True


def has_rows(record: CallRecord) -> bool:
    """Whether a call's output holds rows (a list of rows, or a mapping with a non-empty ``rows``)."""
    out = record.output
    rows = out.get("rows") if isinstance(out, Mapping) else out
    return isinstance(rows, list) and bool(rows)


def _since(value: Any, schema: Mapping[str, Any]) -> datetime | None:
    if isinstance(value, str):
        return parse_time(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_time(value, epoch=True)
    return None


def _shorter(name: str, schema: Mapping[str, Any], value: Any, now: datetime) -> tuple[Any, float, float] | None:
    """The argument's shorter value, with the window's length before and after (seconds); None when it sets no
    window or cannot be shortened."""
    options = schema.get("enum")
    if isinstance(options, list) and (current := enum_seconds(value)) is not None:
        smaller = [(s, o) for o in options if (s := enum_seconds(o)) is not None and s < current]
        fitting = [p for p in smaller if p[0] >= MIN_WINDOW.total_seconds()]
        return (max(fitting)[1], current, max(fitting)[0]) if fitting else None
    if window_bound(param_concept(name, schema), name, schema) == "since":
        since = _since(value, schema)
        if since is None or since >= now:
            return None
        span = (now - since).total_seconds()
        target = span / _FACTOR
        if target < MIN_WINDOW.total_seconds():
            return None
        new = format_time(now - timedelta(seconds=target), schema, name)
        if new == value:
            return None
        if schema.get("format") == "date":
            start = datetime.fromisoformat(str(new)).replace(tzinfo=UTC)
            target = (now - start).total_seconds()
        return new, span, target
    if isinstance(value, str) and (current := enum_seconds(value)) is not None and duration_value(name, schema, 60.0):
        target = current / _FACTOR
        if target < MIN_WINDOW.total_seconds():
            return None
        new = duration_text(schema, target)
        return (new, current, enum_seconds(new) or target) if new != value else None
    unit = duration_unit(name)
    if unit is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        current = float(value) * unit
        target = current / _FACTOR
        if target < MIN_WINDOW.total_seconds():
            return None
        new = duration_value(name, schema, target)
        return (new, current, float(new) * unit) if new is not None and new != value else None
    return None


def shorter_step(step: PlanStep, tool: Tool, now: datetime, round_no: int) -> Shortened | None:
    """``step`` over a shorter window (see the module docstring), or None when no argument sets its window."""
    args = dict(step.arguments)
    before = after = 0.0
    for name, value in step.arguments.items():
        if isinstance(value, str) and value.startswith("$steps."):
            continue
        found = _shorter(name, tool.properties.get(name, {}), value, now)
        if found is None:
            continue
        args[name], span, shorter = found
        before, after = max(before, span), max(after, shorter)
    if args == step.arguments or after <= 0:
        return None
    sid = f"{step.id}-w{round_no}"
    why = f"{step.tool} came back cut at its row limit: a shorter window"
    return Shortened(PlanStep(sid, step.tool, args, (), why), timedelta(seconds=before), timedelta(seconds=after))


def cut_steps(steps: Sequence[PlanStep], latest: Mapping[str, CallRecord]) -> list[PlanStep]:
    """The steps whose latest call came back cut by the API."""
    return [s for s in steps if is_cut(latest.get(s.id))]
