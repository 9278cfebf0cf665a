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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from opsuite_ops.domain.identifiers import output_strings
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord
from opsuite_ops.domain.series_format import fmt_time, parse_time

__all__ = ["asked_moment", "later_moment"]

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
