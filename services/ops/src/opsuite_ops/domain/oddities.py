""" "Anything off?": the answer says whether anything stands out, and by what measure.

A question asking whether anything is odd ("bay C particle counts last 12 hrs, anything off?", "anything
weird on the feed?") gets one line saying what the series returned show: the series with a change point (a
level shift, see :mod:`series`) by name, or that none of them has one. The measure is named, so the line
claims no more than was checked: a value inside its limits but drifting slowly has no change point either.
English question form only; no tool or estate names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opsuite_ops.domain.series import SeriesTable
from opsuite_ops.domain.series_format import fmt_time

__all__ = ["asks_anything_odd", "oddities"]

_ODD = re.compile(
    r"\b(?:anything|something|any\s+\w+)\s+(?:odd|off|unusual|weird|strange|abnormal|anomalous|out of the ordinary)\b",
    re.IGNORECASE,
)
#: Series named in the line at most (the rest are counted).
_NAMED = 5


def asks_anything_odd(question: str) -> bool:
    """Whether ``question`` asks whether anything is odd ("anything off?", "any readings unusual?")."""
    return _ODD.search(question[:2000]) is not None


def oddities(question: str, tables: Sequence[tuple[str, str, SeriesTable]]) -> list[tuple[str, tuple[str, ...]]]:
    """For a question asking whether anything is odd, the line saying which series (of each ``(call_id, title,
    table)``) have a change point, or that none has; nothing for another question or without series."""
    if not asks_anything_odd(question) or not tables:
        return []
    total = sum(len(t.series) for _i, _n, t in tables)
    shifted = [
        (call_id, f"{s.column or s.name}{f' ({s.group})' if s.group else ''} of {title}", s.onset)
        for call_id, title, table in tables
        for s in table.series
        if s.onset is not None
    ]
    ids = tuple(dict.fromkeys(i for i, _n, _t in tables))
    if not shifted:
        text = (
            f"Anything off: nothing stands out by change points: none of the {total} series returned has a level shift"
        )
        return [(text, ids)]
    named = "; ".join(f"{name}: a {o.direction} at {fmt_time(o.at)}" for _i, name, o in shifted[:_NAMED])
    more = f"; and {len(shifted) - _NAMED} more" if len(shifted) > _NAMED else ""
    text = f"Anything off: {len(shifted)} of the {total} series returned have a level shift: {named}{more}"
    return [(text, tuple(dict.fromkeys(i for i, _n, _o in shifted)))]
