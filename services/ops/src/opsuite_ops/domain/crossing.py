"""When a series first crossed a level the question names: "when did wtg 7 first go over 80 on the bearing".

A question asking when (``when``, ``what time``) with a level ("over 80", "above 1,000", "below -28"; not "over 24
hours") is answered by the first point past that level, after a point that was not, of each returned series whose
column a word of the question names ("the bearing temp": ``gbx_bearing_temp_c``, never another measure's column);
a series already past it at its first point crossed it earlier than the window shows, and says so. When no such
series crosses the level, the time asked is not known: the part is NOT_COVERED, never answered with another fact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord
from opsuite_ops.domain.series import SeriesTable
from opsuite_ops.domain.series_format import fmt_time

__all__ = ["first_crossings"]

_WHEN = re.compile(r"\b(?:when|what\s+time|since\s+when)\b", re.IGNORECASE)
_LEVEL = re.compile(
    r"\b(?P<dir>over|above|exceed(?:ed|s)?|beyond|under|below)\s+(?P<n>-?\d[\d,]*(?:\.\d+)?)"
    r"(?!\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|months?)\b)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z0-9]+")
#: Most crossings stated (the first ones in time).
_SHOWN = 6


def first_crossings(
    question: str, tables: Sequence[tuple[CallRecord, SeriesTable, Sequence[Mapping[str, Any]]]]
) -> tuple[list[tuple[str, tuple[str, ...]]], list[AnswerStatusReason]]:
    """The sentences of the first crossings (with their call ids), or the NOT_COVERED reason of none."""
    m = _LEVEL.search(question[:2000])
    if m is None or not _WHEN.search(question[:2000]) or not tables:
        return [], []
    level, above = float(m.group("n").replace(",", "")), m.group("dir").lower() not in ("under", "below")
    asked = {stem(w) for w in _WORDS.findall(question.lower())}
    # Only the series of the measure asked ("the bearing temp"), when a column names it: not every column.
    named = [
        (call, s, table, rows)
        for call, table, rows in tables
        for s in table.series
        if {stem(w) for w in tokenise(s.column, keep_stop_words=True)} & asked
    ]
    word = "above" if above else "below"
    if not named:  # the series returned are of other measures: the crossing asked is not known
        reason = f"no series returned is of what goes {word} {level:g}: when it first did is not known"
        return [], [AnswerStatusReason(AnswerReason.NOT_COVERED, reason)]
    found: list[tuple[Any, str, str]] = []
    for call, s, table, rows in named:
        points = sorted(
            (table.times[i], float(v))
            for i in s.rows
            if i < len(rows) and isinstance(v := rows[i].get(s.column), int | float) and not isinstance(v, bool)
        )
        past = [k for k, (_t, v) in enumerate(points) if (v > level if above else v < level)]
        if not past:
            continue
        k = past[0]
        at, value = points[k]
        label = ", ".join(p for p in (s.column, s.group) if p)
        already = " (already past it at the first point returned)" if k == 0 else ""
        found.append((at, f"{label}: {value:g} at {fmt_time(at)}{already}", call.call_id))
    if not found:
        reason = f"no series returned goes {word} {level:g}: when it first did is not known"
        return [], [AnswerStatusReason(AnswerReason.NOT_COVERED, reason)]
    found.sort(key=lambda f: f[0])
    shown = found[:_SHOWN]
    more = f" (+{len(found) - len(shown)} more series)" if len(found) > len(shown) else ""
    text = f"First {word} {level:g}: " + "; ".join(t for _a, t, _c in shown) + more
    return [(text, tuple(dict.fromkeys(c for _a, _t, c in shown)))], []
