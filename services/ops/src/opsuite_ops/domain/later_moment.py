"""A question about a moment later than now: "whats on puffin at 7pm tonight", "who's on at 9am tmrw".

Most tools report now and the past (a status, a series up to now); some hold what is planned (a rota's
shifts, planned works with their start and end). A question naming a clock time later than now, today
("tonight", "this evening", "later today", "today") or tomorrow ("tomorrow", "tmrw"), is answered only by data
reaching that moment: a successful call whose output holds a time at or after it (a date alone stands for its
whole day), or that was asked about a time at or after it. Otherwise what the run shows is the present, not the
moment asked: NOT_COVERED (the answer is partial, never complete on a status of now). Clock times are read in
UTC, as every time in opsuite ("1am tonight" is after midnight); "tomorrow" without a clock time asks about
tomorrow from its start (not "for tomorrow", a handover asked now); a clock time without a day word asks nothing
of the kind, nor does one already past today ("at 5am today") or tomorrow's; but "tonight", "this evening" and "later
today" always look forward: "7pm tonight" asked at 20:50 UTC is an evening in the asker's own zone, still to come,
so the data must reach past now. Times as epoch numbers are not read.

The other way round (:func:`unreached_start`): a series asked from the start of the window the question names
("lds1 get p99 on 2026-11-17") whose rows start long after it (the tool keeps 24 hours) holds nothing of the
time asked; when no series of the run reaches that start, the answer is about a later time, not the one asked:
NOT_COVERED. "Long" is more than a quarter of the window up to now, at least 2 hours and two sampling periods
(a daily KPI's one row a day); a series asked over a look-back number its schema caps ("hours" at most 12) says
so in a reading instead, and is not judged here. Any output of the run with a time near that start, or of
another tool with a time in the window (the disk failures of those days beside a log kept 24 hours), answers
for it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from opsuite_ops.domain.identifiers import output_strings
from opsuite_ops.domain.investigate import SERIES, role
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord, Tool
from opsuite_ops.domain.series_format import fmt_duration, fmt_time, parse_time
from opsuite_ops.domain.timerange import time_range

__all__ = ["asked_moment", "later_moment", "unreached_moments", "unreached_start"]

#: "7pm", "7 pm", "7:30pm", "at 19:00" (not a part of an address, a version or an ISO time: "10.0.0.1:22", "04:10:55").
_CLOCK = re.compile(
    r"(?<![.:\d])\b(\d{1,2})(?::([0-5]\d))?\s*([ap]\.?m)\b\.?|(?<![.:\d])\b([01]?\d|2[0-3]):([0-5]\d)\b(?![.:\d])",
    re.IGNORECASE,
)
_TODAY = re.compile(r"\b(?:tonight|tonite|this\s+evening|later\s+today|today)\b", re.IGNORECASE)
_TONIGHT = re.compile(r"\b(?:tonight|tonite)\b", re.IGNORECASE)
#: Day words that only ever look forward, whatever the clock time with them.
_FORWARD = re.compile(r"\b(?:tonight|tonite|this\s+evening|later\s+today)\b", re.IGNORECASE)
_TOMORROW = re.compile(r"\b(?:tomorrow|tmrw|tomoz)\b", re.IGNORECASE)
#: Before this hour, "tonight" is the night after midnight ("1am tonight": tomorrow at 01:00).
_SMALL_HOURS = 6


def _clock(m: re.Match[str]) -> tuple[int, int] | None:
    if m.group(1) is not None:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if m.group(3).lower().startswith("p") else 0), minute
    return int(m.group(4)), int(m.group(5))


def asked_moment(question: str, now: datetime) -> tuple[datetime, str] | None:
    """The first later moment ``question`` asks about, and its words ("7pm tonight"), or None."""
    day = _TOMORROW.search(question) or _TODAY.search(question)
    if day is None:
        return None
    tomorrow = bool(_TOMORROW.match(day.group(0)))
    for m in _CLOCK.finditer(question):
        clock = _clock(m)
        if clock is None:
            continue
        hour, minute = clock
        days = 1 if tomorrow or (_TONIGHT.match(day.group(0)) and hour < _SMALL_HOURS) else 0
        at = (now + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)
        if at > now:
            return at, f"{m.group(0).strip()} {day.group(0)}"
        if _FORWARD.match(day.group(0)):  # already past in UTC: a later moment in the asker's zone
            return now, f"{m.group(0).strip()} {day.group(0)}"
    if tomorrow and not re.search(r"\bfor\s+(?:the\s+)?$", question[: day.start()], re.IGNORECASE):
        # "is the weather gonna shut the helideck tmrw": tomorrow from its start (not "for tomorrow's shift", a
        # handover asked now)
        return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0), day.group(0)
    return None


def _reaches(text: str, at: datetime) -> bool:
    """Whether a time in ``text`` is at or after ``at``; a date alone stands for its whole day."""
    t = parse_time(text)
    if t is None:
        return False
    if len(text.strip()) == 10:  # "2026-12-07": the day's end
        return t + timedelta(days=1) > at
    return t >= at


def later_moment(question: str, now: datetime, records: Sequence[CallRecord]) -> list[AnswerStatusReason]:
    """NOT_COVERED when ``question`` asks about a later moment (:func:`asked_moment`) that no successful call's
    output or arguments reach (none when no call succeeded: the failures say why)."""
    asked = asked_moment(question, now)
    ok = [r for r in records if r.ok]
    if asked is None or not ok:
        return []
    at, words = asked
    for r in ok:
        for text in [*output_strings(r.output), *(v for v in r.arguments.values() if isinstance(v, str))]:
            if _reaches(text, at):
                return []
    tools = ", ".join(dict.fromkeys(r.tool for r in ok))
    return [
        AnswerStatusReason(
            AnswerReason.NOT_COVERED,
            f"the question asks about {words} ({'later than ' if at == now else ''}{fmt_time(at)}); no data of the "
            f"run ({tools}) reaches it: "
            "what it shows is up to now",
        )
    ]


def _row_times(output: object) -> list[datetime]:
    """The times (not dates alone) an output holds, at most the first 5,000 strings read; one past what a
    datetime holds ("9999-12-31T23:59:59-01:00") is none."""
    out = []
    for text in output_strings(output)[:5000]:
        try:
            t = parse_time(text) if 10 < len(text) <= 64 else None
        except (OverflowError, ValueError):
            continue
        if t is not None and _EARLIEST < t < _LATEST:
            out.append(t)
    return out


_MINUTE = timedelta(minutes=1)
#: Times outside these ("0001-01-01", a "never" of 9999) are no moments of the data: sentinels.
_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
_LONGEST_STEP = timedelta(days=62)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _step(times: Sequence[datetime]) -> timedelta:
    """The median interval between distinct ``times`` (sorted): a series' sampling period."""
    gaps = sorted(b - a for a, b in itertools.pairwise(times) if b > a)
    return gaps[len(gaps) // 2] if gaps else timedelta(0)


def unreached_start(
    question: str, now: datetime, records: Sequence[CallRecord], tools: Mapping[str, Tool]
) -> list[AnswerStatusReason]:
    """NOT_COVERED when the series asked from the start of the question's window all start long after it (see
    the module docstring)."""
    asked = time_range(question[:2000], now)
    if asked is None:
        return []
    slack = max(timedelta(hours=2), (now - asked.since) / 4)
    late: list[tuple[str, datetime]] = []
    within = False  # another output has a time in the window asked (the events of those days)
    for r in records:
        tool = tools.get(r.tool)
        times = sorted(_row_times(r.output)) if r.ok else []
        if times and times[0] <= asked.since + max(slack, min(_step(times) * 2, _LONGEST_STEP)):
            return []  # data of the run (a series of daily samples, or a list of jobs) reaches the start asked
        starts = [t for v in r.arguments.values() if isinstance(v, str) and (t := parse_time(v)) is not None]
        if times and tool is not None and role(tool) == SERIES and starts and min(starts) <= asked.since + _MINUTE:
            late.append((r.tool, times[0]))
        elif any(asked.since <= t <= asked.until for t in times):
            within = True
    if not late or within:
        return []
    name, first = min(late, key=lambda x: x[1])
    gap = fmt_duration(first - asked.since)
    return [
        AnswerStatusReason(
            AnswerReason.NOT_COVERED,
            f"the question asks about {asked.text} (from {fmt_time(asked.since)}); {name} was asked from then but "
            f"its rows start at {fmt_time(first)}, {gap} later: it keeps no data that old",
            name,
        )
    ]


def unreached_moments(
    question: str, now: datetime, records: Sequence[CallRecord], tools: Mapping[str, Tool]
) -> list[AnswerStatusReason]:
    """:func:`later_moment` and :func:`unreached_start`: a moment asked that the run's data does not reach."""
    return [*later_moment(question, now, records), *unreached_start(question, now, records, tools)]
