"""Times and numbers in tool results: a time parsed from a value, the time column of rows, and numbers,
times and durations written for an answer (used by :mod:`series` and the composer)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "finite_number",
    "fmt_duration",
    "fmt_num",
    "fmt_time",
    "is_time_name",
    "keyed_breakdown",
    "moment_column",
    "parse_time",
    "record_ids",
    "time_column",
]


_TIME_NAMES = frozenset({"t", "time", "ts", "timestamp", "at", "date", "datetime", "when", "period"})
_TIME_SUFFIXES = ("_at", "_time", "_ts", "_timestamp", "_date")


def is_time_name(name: str) -> bool:
    low = name.lower()
    return low in _TIME_NAMES or low.endswith(_TIME_SUFFIXES)


def finite_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def parse_time(value: Any, *, epoch: bool = False) -> datetime | None:
    """A UTC datetime from an ISO-8601 string (naive means UTC) or, with ``epoch``, epoch s/ms; else None."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
            return None
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    n = finite_number(value)
    if not epoch or n is None:
        return None
    if 1e12 <= abs(n) < 1e14:
        n /= 1000.0  # milliseconds
    if not 1e8 <= abs(n) < 1e11:
        return None
    return datetime.fromtimestamp(n, UTC)


def time_column(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The column whose every non-empty value is a time: a time-like name first, then ISO-8601 by value."""
    named = [c for c in columns if is_time_name(c)]
    for col in [*named, *(c for c in columns if c not in named)]:
        values = [r.get(col) for r in rows if r.get(col) not in (None, "")]
        if values and all(parse_time(v, epoch=col in named) is not None for v in values):
            return col
    return None


def fmt_num(value: float) -> str:
    """A number with about 4 significant digits, never in exponent form."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = max(0, 3 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}" if abs(value) >= 10_000 else f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_time(at: datetime) -> str:
    """``2026-05-01 11:42Z`` (seconds only when not zero)."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M:%SZ" if at.second else "%Y-%m-%d %H:%MZ")


def fmt_duration(delta: timedelta) -> str:
    """``8 min``, ``1 h 5 min``, ``2 d 3 h``, ``40 s``."""
    secs = round(abs(delta.total_seconds()))
    days, rest = divmod(secs, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def keyed_breakdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], tcol: str = "") -> bool:
    """Whether short string ``columns`` (names, not text) that each repeat values together name every row once
    (``zone`` and ``category`` of complaint counts): each row is a thing of its own, not a point of a series,
    whatever time it carries (the latest complaint of each). A column naming moments of ``tcol``
    (:func:`moment_column`) names no thing: the rows it tells apart are points of the series of each chamber."""
    short = [c for c in columns if all(isinstance(v := r.get(c), str) and 0 < len(v) <= 40 and v.count(" ") < 3
                                       for r in rows)]  # fmt: skip
    one_each = [c for c in short if len({r.get(c) for r in rows}) == len(rows)]
    if one_each and _spanned(rows, tcol):
        return True  # a row per reason with its first and last contact: things with their spans, not samples
    short = [c for c in short if len({r.get(c) for r in rows}) < len(rows) and not moment_column(rows, c, tcol)]
    return bool(short) and len({tuple(r.get(c) for c in short) for r in rows}) == len(rows)


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _spanned(rows: Sequence[Mapping[str, Any]], tcol: str) -> bool:
    """Whether a column besides ``tcol`` holds a time in every row (a first and a last time of each thing)."""
    columns = dict.fromkeys(c for r in rows for c in r if c != tcol)
    return any(all(isinstance(v := r.get(c), str) and _ISO_TIME.match(v) for r in rows) for c in columns)


def moment_column(rows: Sequence[Mapping[str, Any]], col: str, tcol: str) -> bool:
    """Whether ``col`` names moments, not things: at least 3 values, each coming at one time of ``tcol`` (a few
    at two: a lot measured again), as the lot a particle check measured names the check of each chamber."""
    if not tcol:
        return False
    pairs = {(r.get(col), r.get(tcol)) for r in rows}
    values = {v for v, _t in pairs}
    return len(values) >= 3 and len(pairs) * 4 <= len(values) * 5


#: A name of one record: no space and a digit ("bk-90054", "EDS-02"), capitals and a number ("MCS 2", "RTG 09"), or
#: a code of capitals in parts joined by "/", "-", "_", "." or ":" ("KNK/DTT-B", "SLC/FM-WAVE").
_RECORD_NAME = re.compile(r"^(?:(?=\S*\d)\S+|[A-Z]{2,} \d+|[A-Z][A-Z0-9]*(?:[-/_.:][A-Z0-9]+)+)$")


def record_ids(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], tcol: str) -> bool:
    """Whether each row is a record of its own, named by an id (``bk-90054``, ``RD-64``, ``MCS 2``: a string column
    with a distinct value per row, each with letters, four in five of them a record's name, see
    :data:`_RECORD_NAME`): backups, drills, tickets or the units of a status snapshot are records to show, not the
    samples of a measure."""
    for col in columns:
        if col == tcol:
            continue
        values = [r.get(col) for r in rows]
        if (
            all(isinstance(v, str) and v.count(" ") <= 1 and len(v) <= 40 and v.upper() != v.lower() for v in values)
            and len(set(values)) == len(values)
            and sum(bool(_RECORD_NAME.match(str(v))) for v in values) * 5 >= len(values) * 4
        ):
            return True
    return False
