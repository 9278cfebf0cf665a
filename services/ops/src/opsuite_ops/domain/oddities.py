""" "Anything off?": the answer says whether anything stands out, and by what measure.

A question asking whether anything is odd ("bay C particle counts last 12 hrs, anything off?", "anything
weird on the feed?") gets one line saying what the series returned show: the series with a change point (a
level shift, see :mod:`series`) by name, or that none of those long enough to test has one. The measure is
named, so the line claims no more than was checked: a value inside its limits but drifting slowly has no change
point either.
English question form only; no tool or estate names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opsuite_ops.domain.series import SHORT_BASELINE, SeriesTable
from opsuite_ops.domain.series_format import fmt_time

__all__ = ["asks_anything_odd", "oddities"]

_ODD = re.compile(
    r"\b(?:anything|something)\s+(?:odd|off|unusual|weird|strange|abnormal|anomalous|out of the ordinary)\b"
    r"|\bany\s+\w+\s+(?:odd|unusual|weird|strange|abnormal|anomalous)\b",  # not "did we turn any alarms off"
    re.IGNORECASE,
)
#: Series named in the line at most (the rest are counted).
_NAMED = 5


def asks_anything_odd(question: str) -> bool:
    """Whether ``question`` asks whether anything is odd ("anything off?", "any readings unusual?")."""
    return _ODD.search(question[:2000]) is not None


def oddities(
    question: str, tables: Sequence[tuple[str, str, SeriesTable]], onsets_elsewhere: bool = False
) -> list[tuple[str, tuple[str, ...]]]:
    """For a question asking whether anything is odd, the line saying which series (of each ``(call_id, title,
    table)``) have a change point, or that none of those long enough to test has; nothing for another question,
    without series, or when none of the tables' series shifts but another series of the run has an onset
    (``onsets_elsewhere``: its own line says so)."""
    if not asks_anything_odd(question) or not tables:
        return []
    total = sum(1 for _i, _n, t in tables for s in t.series if len(s.rows) >= SHORT_BASELINE + 2)
    shifted = [
        (call_id, f"{s.column or s.name}{f' ({s.group})' if s.group else ''} of {title}", s.onset)
        for call_id, title, table in tables
        for s in table.series
        if s.onset is not None
    ]
    ids = tuple(dict.fromkeys(i for i, _n, _t in tables))
    if not shifted and (onsets_elsewhere or not total):
        return []
    if not shifted:
        text = (
            f"Anything off: nothing stands out by change points: none of the {total} series returned has a level shift"
        )
        return [(text, ids)]
    named = "; ".join(f"{name}: a {o.direction} at {fmt_time(o.at)}" for _i, name, o in shifted[:_NAMED])
    more = f"; and {len(shifted) - _NAMED} more" if len(shifted) > _NAMED else ""
    text = f"Anything off: {len(shifted)} of the {total} series returned have a level shift: {named}{more}"
    return [(text, tuple(dict.fromkeys(i for i, _n, _o in shifted)))]
