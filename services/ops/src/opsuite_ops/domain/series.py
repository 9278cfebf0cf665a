"""Time series in tool results: recognised from the rows, summarised per series, and the rows that matter.

A table is a *series table* when one column holds times (ISO-8601 strings, or epoch seconds/milliseconds
in a column named like ``time``/``ts``/``timestamp``/``at``/``date`` or ``*_at``/``*_time``) and at least
one other column holds numbers; its string columns with few distinct values (``host``, ``service``) group
the rows into one series per label combination, mostly at distinct times (not a row per ward, all updated at
00:04). Each numeric column of each group is one series.

Per series (:class:`SeriesSummary`): the latest value and its time, min, max, mean, a trend and the
change points:

* **trend**: the least-squares slope over time times the window's length, relative to the mean level
  (or, for a mean near zero, half the range): above +10% rising, below -10% falling; a change of 3% or more
  is a trend too when the line explains 60% of the series' variance (a steady drift); otherwise flat;
* **change points**: a robust level-shift test (the Hampel identifier / modified z-score of Iglewicz and
  Hoaglin, 1993, with the median absolute deviation as recommended by Leys et al., 2013). Point ``i``
  starts a shift when it and the next :data:`PERSIST` - 1 points (every point left if fewer, but at least
  2 points) all lie on the same side of the median of the up to :data:`BASELINE_MAX` points before it,
  each more than :data:`K_MAD` scaled MADs away (1.4826 x MAD, floored at 5% of the median's size; when
  the MAD is 0, mostly equal values, 1.2533 x the mean absolute deviation stands in for it, as Iglewicz
  and Hoaglin advise). At least :data:`BASELINE_MIN` points of baseline are needed. The scan continues
  after each shift, so a spike and its recovery are both found; a shift is an **onset** when it moves
  away from the whole series' median (a recovery moves back to it).

The test is deterministic, pure Python, O(n x BASELINE_MAX) and needs no tuning per metric. The rows a table shows
(the newest, and those around the latest onset) are :func:`~opsuite_ops.domain.series_rows.select_rows`'s.
"""

from __future__ import annotations

import dataclasses
import itertools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from opsuite_ops.domain.series_format import (
    finite_number,
    fmt_duration,
    fmt_num,
    fmt_time,
    is_time_name,
    keyed_breakdown,
    moment_column,
    parse_time,
    record_ids,
    time_column,
)

__all__ = [
    "BASELINE_MAX",
    "BASELINE_MIN",
    "K_MAD",
    "MIN_POINTS",
    "ChangePoint",
    "SeriesSummary",
    "SeriesTable",
    "analyse_table",
    "change_points",
    "interval_span",
    "summarise_points",
    "trend",
]

#: Fewest points (per series) for rows to be treated as a series.
MIN_POINTS = 3
#: Baseline length of the level-shift test: at least this many points before a candidate...
BASELINE_MIN = 8
#: A series' first shift may have as few as this many points before it when it is clear (see _clear_shift).
SHORT_BASELINE = 3
#: ...and at most this many (the most recent ones).
BASELINE_MAX = 24
#: How many scaled MADs from the baseline median a point must lie to depart from it.
K_MAD = 3.5
#: Consecutive departing points that make a shift (fewer when the series ends, but at least 2).
PERSIST = 3
#: |relative change| below which a trend is flat, unless at least MIN_DRIFT with R squared >= STEADY_R2.
FLAT = 0.10
MIN_DRIFT = 0.03
STEADY_R2 = 0.6
_MAD_SCALE = 1.4826
_MEANAD_SCALE = 1.2533


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A level shift starting at point ``index``: from the baseline median ``before`` to ``after``."""

    index: int
    at: datetime
    #: The time of the point before it (the shift happened after this and at or before ``at``).
    previous_at: datetime | None
    before: float
    after: float
    #: Whether it moves away from the series' median (the onset of a spike) rather than back to it.
    onset: bool
    #: The interval each point stands for when the points are the starts of whole hours or days (an hourly
    #: aggregate): the shift then happened within ``at`` .. ``at + span``. None for samples at instants.
    span: timedelta | None = None

    @property
    def direction(self) -> str:
        """``rise`` or ``drop``."""
        return "rise" if self.after > self.before else "drop"


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """One series' facts: every point counts, so a summary never drops data."""

    name: str
    count: int
    first_at: datetime
    last_at: datetime
    latest: float
    minimum: float
    min_at: datetime
    maximum: float
    max_at: datetime
    mean: float
    trend: str
    change_points: tuple[ChangePoint, ...] = ()
    #: The label values that make its group (``host=web-02``), empty for an ungrouped table.
    group: str = ""
    #: The table column it is from (empty for a points block).
    column: str = ""
    #: Row positions (in the table) of the points, oldest first; empty for a points block.
    rows: tuple[int, ...] = ()
    #: Columns of the series' state that change along it (a replica's ``apply_state``): per column, its runs of
    #: one value, oldest first: (value, first time, last time).
    states: tuple[tuple[str, tuple[tuple[str, datetime, datetime], ...]], ...] = ()
    #: The least-squares slope, per second (the growth over the window is ``slope`` x its span, as the trend).
    slope: float | None = None

    @property
    def onset(self) -> ChangePoint | None:
        """The latest shift away from the usual level, if any."""
        return next((c for c in reversed(self.change_points) if c.onset), None)

    def brief(self) -> str:
        """One short phrase: ``used_pct latest 91 (min 89.3, max 91, rising)``, its onset if any."""
        return _brief_of(self)

    def describe(self, unit: str = "") -> str:
        """``value: latest 95.2% at ...; min ...; max ...; mean ...; rising; onset of a rise at ...``."""
        u = unit if unit in ("", "%") else f" {unit}"
        text = (
            f"{self.name}: latest {fmt_num(self.latest)}{u} at {fmt_time(self.last_at)}, "
            f"min {fmt_num(self.minimum)}{u} at {fmt_time(self.min_at)}, "
            f"max {fmt_num(self.maximum)}{u} at {fmt_time(self.max_at)}, mean {fmt_num(self.mean)}{u} "
            f"over {self.count} points from {fmt_time(self.first_at)}; trend {self.trend}"
        )
        text += "".join(f"; {col}: {_state_runs(runs)}" for col, runs in self.states)
        text += self.growth(u)
        onset = self.onset
        if onset is None:
            return text + ("; no onset of a spike" if self.change_points else "; no change point")
        text += (
            f"; onset of a {onset.direction} at {fmt_time(onset.at)} "
            f"({fmt_num(onset.before)}{u} before, {fmt_num(onset.after)}{u} after)"
        )
        back = [c for c in self.change_points if c.index > onset.index]
        if back:
            text += f", back to {fmt_num(back[-1].after)}{u} at {fmt_time(back[-1].at)}"
        return text

    def growth(self, unit: str = "") -> str:
        """``; +16.9 over 14 d (about +1.21 a day)``: how much a steadily rising or falling series changed over
        its window of a day or more, and per day (how fast a bucket or a table grows); else ""."""
        span = self.last_at - self.first_at
        if self.slope is None or self.trend == "flat" or span < _DAY or self.onset is not None:
            return ""
        change = self.slope * span.total_seconds()  # the least-squares change, as the trend reads it
        daily = change / (span / _DAY)
        # a percent series grows by percentage points, not by a percent of itself
        unit = " points" if unit.strip() in ("%", "percent", "pct") else unit
        return (
            f"; {'+' if change >= 0 else ''}{fmt_num(change)}{unit} over {fmt_duration(span)} "
            f"(about {'+' if daily >= 0 else ''}{fmt_num(daily)}{unit} a day)"
        )


_DAY = timedelta(days=1)


def _brief_of(s: SeriesSummary) -> str:
    if s.minimum == s.maximum:
        text = f"{s.column or s.name} {fmt_num(s.latest)} (constant)"
    else:
        text = (f"{s.column or s.name} latest {fmt_num(s.latest)} (min {fmt_num(s.minimum)}, "
                f"max {fmt_num(s.maximum)}, {s.trend})")  # fmt: skip
    text += "".join(f", {col}: {_state_runs(runs)}" for col, runs in s.states)
    onset = s.onset
    if onset is not None:
        text += (
            f", onset of a {onset.direction} at {fmt_time(onset.at)} ({fmt_num(onset.before)} before, "
            f"{fmt_num(onset.after)} after)"
        )
    return text


def _state_runs(runs: Sequence[tuple[str, datetime, datetime]]) -> str:
    """``streaming until 18:48Z, applying DDL 18:50Z..20:25Z, catching up since 20:27Z``."""
    if len(runs) == 1:
        return f"{runs[0][0]} throughout"
    parts = []
    for k, (value, first, last) in enumerate(runs):
        if k == 0:
            parts.append(f"{value} until {fmt_time(last)}")
        elif k == len(runs) - 1:
            parts.append(f"{value} since {fmt_time(first)}")
        else:
            parts.append(f"{value} {fmt_time(first)}..{fmt_time(last)}")
    return ", ".join(parts)


def _slope(times: Sequence[datetime], values: Sequence[float]) -> float | None:
    """The least-squares slope of ``values`` over ``times`` (per second), or None for fewer than two times."""
    xs = [(t - times[0]).total_seconds() for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(values)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, values, strict=True)) / sxx


def trend(times: Sequence[datetime], values: Sequence[float]) -> str:
    """``rising``/``falling``/``flat``: least-squares change over the window relative to the level."""
    if len(values) < 2:
        return "flat"
    xs = [(t - times[0]).total_seconds() for t in times]
    span = xs[-1] - xs[0]
    mx, my = statistics.fmean(xs), statistics.fmean(values)
    sxx = sum((x - mx) ** 2 for x in xs)
    if span <= 0 or sxx == 0:
        return "flat"
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, values, strict=True)) / sxx
    level = max(abs(my), (max(values) - min(values)) / 2)
    if level == 0:
        return "flat"
    relative = slope * span / level
    if abs(relative) < FLAT:
        # a small change is a trend when the series drifts steadily: the line explains most of its variance
        total = sum((y - my) * (y - my) for y in values)  # (float ** 2 raises on overflow; * gives inf)
        residual = sum((d := y - (my + slope * (x - mx))) * d for x, y in zip(xs, values, strict=True))
        steady = 0 < total < float("inf") and 1 - residual / total >= STEADY_R2
        return ("rising" if relative > 0 else "falling") if steady and abs(relative) >= MIN_DRIFT else "flat"
    return "rising" if relative > 0 else "falling"


def _scale(window: Sequence[float], median: float) -> float:
    """1.4826 x MAD; for a MAD of 0 (mostly equal values) 1.2533 x the mean absolute deviation instead."""
    deviations = [abs(v - median) for v in window]
    mad = statistics.median(deviations)
    spread = _MAD_SCALE * mad if mad > 0 else _MEANAD_SCALE * statistics.fmean(deviations)
    return max(spread, 0.05 * abs(median), 1e-9)


def _clear_shift(base: Sequence[float], rest: Sequence[float], med: float) -> bool:
    """A shift after a short baseline (too short for a robust spread): the points from it on lie past the
    baseline's whole range by more than half its width, for :data:`BASELINE_MIN` points (or to the series'
    end), and the level moves by at least half of the smaller of the two levels."""
    lo, hi = min(base), max(base)
    margin = (hi - lo) / 2
    ups = rest[0] > hi
    held = 0
    for v in rest:
        if not (v > hi + margin if ups else v < lo - margin):
            break
        held += 1
    if held < PERSIST or held < min(BASELINE_MIN, len(rest)):
        return False
    after = statistics.median(rest[:held])
    return abs(after - med) >= 0.5 * min(abs(med), abs(after))


def _is_onset(after: float, before: float, overall: float, previous: ChangePoint | None) -> bool:
    """Onset or recovery: after an onset, a shift back toward the level before it is its recovery; the first
    shift is an onset when it moves away from the series' median or rises (a spike that fills most of the
    window still starts with a rise)."""
    if previous is None:
        return abs(after - overall) > abs(before - overall) or after > before
    if previous.onset:
        return abs(after - previous.before) >= abs(after - previous.after)
    return True


def interval_span(times: Sequence[datetime]) -> timedelta | None:
    """The interval the points stand for when they are the starts of whole hours or days: spaced by at least an
    hour and each a multiple of that spacing since the epoch (``10:00``, ``11:00``...: a GROUP BY hour); None
    for samples at instants (``10:26``, ``10:31``...)."""
    steps = [b - a for a, b in itertools.pairwise(times) if b > a]
    if not steps:
        return None
    step = min(steps).total_seconds()
    if step < 3600 or any(t.timestamp() % step for t in times):
        return None
    return timedelta(seconds=step)


def change_points(times: Sequence[datetime], values: Sequence[float]) -> list[ChangePoint]:
    """Level shifts of a series in time order (see the module docstring for the test)."""
    n = len(values)
    if n < SHORT_BASELINE + 2:
        return []
    span = interval_span(times)
    overall = statistics.median(values)
    out: list[ChangePoint] = []
    start = 0  # the baseline never reaches back past the previous shift
    i = SHORT_BASELINE
    while i < n - 1:
        base = values[max(start, i - BASELINE_MAX) : i]
        short = len(base) < BASELINE_MIN
        if short and (start > 0 or len(base) < SHORT_BASELINE):
            i += 1
            continue
        med = statistics.median(base)
        limit = K_MAD * _scale(base, med)
        run = values[i : min(n, i + PERSIST)]
        ups = all(v - med > limit for v in run)
        shifted = len(run) >= 2 and (ups or all(med - v > limit for v in run))
        if short and _clear_shift(base, values[i:], med):
            ups, shifted = values[i] > med, True
            limit = min(limit, abs(values[i] - med) / 2)
        elif short:
            shifted = False
        if shifted:
            end = i
            while end < n and ((values[end] - med > limit) if ups else (med - values[end] > limit)):
                end += 1
            after = statistics.median(values[i:end])
            onset = _is_onset(after, med, overall, out[-1] if out else None)
            prev = times[i - 1] if i > 0 else None
            out.append(ChangePoint(i, times[i], prev, med, after, onset, span))
            start = i
            i = max(i + 1, min(end, i + BASELINE_MIN))
            continue
        i += 1
    return out


def summarise_points(
    name: str, points: Sequence[tuple[datetime, float]], rows: Sequence[int] = (), group: str = "", column: str = ""
) -> SeriesSummary:
    """The summary of one series (``points`` in any order; sorted by time here, ties kept in order)."""
    order = sorted(range(len(points)), key=lambda k: points[k][0])
    times = [points[k][0] for k in order]
    values = [points[k][1] for k in order]
    lo = min(range(len(values)), key=lambda k: (values[k], -k))
    hi = max(range(len(values)), key=lambda k: (values[k], k))
    return SeriesSummary(
        name=name,
        count=len(values),
        first_at=times[0],
        last_at=times[-1],
        latest=values[-1],
        minimum=values[lo],
        min_at=times[lo],
        maximum=values[hi],
        max_at=times[hi],
        mean=statistics.fmean(values),
        trend=trend(times, values),
        change_points=tuple(change_points(times, values)),
        group=group,
        column=column,
        rows=tuple(rows[k] for k in order) if rows else (),
        slope=_slope(times, values),
    )


@dataclass(frozen=True, slots=True)
class SeriesTable:
    """A table recognised as series: its time, value and label columns, and one summary per series."""

    time_column: str
    value_columns: tuple[str, ...]
    label_columns: tuple[str, ...]
    #: Columns neither summarised nor a label (free text, ids): leaving rows out drops their values.
    other_columns: tuple[str, ...]
    series: tuple[SeriesSummary, ...]
    times: tuple[datetime, ...] = field(default=(), repr=False)

    @property
    def covers_every_column(self) -> bool:
        """Whether the summaries state every value of every row (then showing fewer rows drops nothing)."""
        return not self.other_columns


def _is_id(name: str) -> bool:
    low = name.lower()
    return low == "id" or low.endswith(("_id", "-id")) or low == "uuid"


#: Most runs of one value a state column may have in a series for the summary to list them all.
MAX_STATE_RUNS = 6


def _state_columns(rows: Sequence[Mapping[str, Any]], labels: Sequence[str], when: Sequence[datetime]) -> list[str]:
    """The label columns that are a state of a series rather than a part of its name: without the column, the
    other labels and the time still tell every row apart, and it takes several values within one series (a
    replica's ``apply_state``: streaming, applying DDL, catching up). ``cluster`` beside ``instance`` is
    constant per series (a label); ``instance`` beside ``cluster`` is needed to tell the rows apart. A state
    holds for stretches (at most 3 runs of one value, or a quarter of the series' points): a ``job`` column
    whose values alternate from row to row names interleaved series, not a state."""
    kept, states = list(labels), []
    changed = True
    while changed:
        changed = False
        for col in kept:
            rest = [c for c in kept if c != col]
            keys = [(tuple(r.get(c) for c in rest), when[k]) for k, r in enumerate(rows)]
            if len(set(keys)) < len(keys):
                continue
            seen: dict[tuple[Any, ...], list[tuple[datetime, Any]]] = {}
            for k, r in enumerate(rows):
                seen.setdefault(tuple(r.get(c) for c in rest), []).append((when[k], r.get(col)))
            runs = [len(_runs(points)) for points in seen.values()]
            # A state holds for stretches of its series (few runs); values that alternate from point to point
            # (the jobs of a run history) name interleaved series instead.
            if any(n > 1 for n in runs) and all(
                n <= max(3, len(points) // 4) for n, points in zip(runs, seen.values(), strict=True)
            ):
                kept.remove(col)
                states.append(col)
                changed = True
                break
    return states


def _runs(values: Sequence[tuple[datetime, Any]]) -> tuple[tuple[str, datetime, datetime], ...]:
    """Runs of one value in time order: (value, first time, last time)."""
    out: list[tuple[str, datetime, datetime]] = []
    for at, value in sorted(values, key=lambda p: p[0]):
        text = "" if value is None else str(value)
        if out and out[-1][0] == text:
            out[-1] = (text, out[-1][1], at)
        else:
            out.append((text, at, at))
    return tuple(out)


def analyse_table(
    columns: Sequence[str], rows: Sequence[Mapping[str, Any]], *, records: bool = False
) -> SeriesTable | None:
    """The series in ``rows`` (dicts keyed by ``columns``), or None; ``records``: also of records named by ids."""
    if len(rows) < MIN_POINTS:
        return None
    tcol = time_column(columns, rows)
    if tcol is None:
        return None
    times = [parse_time(r.get(tcol), epoch=is_time_name(tcol)) for r in rows]
    if any(t is None for t in times):
        return None  # a row without a time cannot be placed on the series
    when = [t for t in times if t is not None]
    if len(set(when)) < 2:
        return None  # every row at one time ("failures by reason at 22:56"): one moment's rows, not a series
    value_cols, label_cols, other_cols = list[str](), list[str](), list[str]()
    for col in columns:
        if col == tcol:
            continue
        values = [r.get(col) for r in rows if r.get(col) is not None]
        if values and not _is_id(col) and all(finite_number(v) is not None for v in values):
            value_cols.append(col)
        elif values and all(isinstance(v, str) for v in values) and len(set(values)) * MIN_POINTS <= len(rows):
            (other_cols if moment_column(rows, col, tcol) else label_cols).append(col)  # a lot measured: no group
        elif values:
            other_cols.append(col)
    if (
        not value_cols
        or (not records and record_ids(columns, rows, tcol))
        or keyed_breakdown(rows, [*label_cols, *other_cols], tcol)
    ):
        return None
    state_cols = _state_columns(rows, label_cols, when)
    label_cols = [c for c in label_cols if c not in state_cols]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for k, r in enumerate(rows):
        groups.setdefault(tuple(r.get(c) for c in label_cols), []).append(k)
    if any(len({when[k] for k in idx}) * 2 < len(idx) for idx in groups.values() if len(idx) >= MIN_POINTS):
        return None  # a row per thing at one moment ("a board of wards, each updated at 00:04"), not a series
    series: list[SeriesSummary] = []
    for key, idx in groups.items():
        label = ", ".join(f"{c}={v}" for c, v in zip(label_cols, key, strict=True) if v is not None)
        states = tuple((c, _runs([(when[k], rows[k].get(c)) for k in idx])) for c in state_cols)
        if any(len(runs) > MAX_STATE_RUNS for _c, runs in states):
            # A state that flips too often to list: its values are left to the rows (not covered).
            other_cols.extend(c for c, runs in states if len(runs) > MAX_STATE_RUNS and c not in other_cols)
        states = tuple((c, runs) for c, runs in states if len(runs) <= MAX_STATE_RUNS)
        for col in value_cols:
            pts = [(when[k], v, k) for k in idx if (v := finite_number(rows[k].get(col))) is not None]
            if len(pts) < MIN_POINTS:
                continue
            name = f"{col} ({label})" if label else col
            summary = summarise_points(name, [(t, v) for t, v, _ in pts], [k for _, _, k in pts], label, col)
            series.append(dataclasses.replace(summary, states=states) if states else summary)
    if not series:
        return None
    return SeriesTable(tcol, tuple(value_cols), tuple(label_cols), tuple(other_cols), tuple(series), tuple(when))
