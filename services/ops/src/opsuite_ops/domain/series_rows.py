"""The rows a series table shows: the newest first, plus those around each series' latest onset, with a
sentence saying what was left out (the series themselves are summarised over every row, see :mod:`series`)."""

from __future__ import annotations

from dataclasses import dataclass

from opsuite_ops.domain.series import SeriesSummary, SeriesTable
from opsuite_ops.domain.series_format import fmt_time

__all__ = ["AROUND_ROWS", "MIN_GROUP_ROWS", "RowSelection", "select_rows"]


#: Rows a series table shows around an onset that the newest rows do not reach (the rest are the newest).
AROUND_ROWS = 10
#: Fewest rows shown per series group when a table has many groups.
MIN_GROUP_ROWS = 4


@dataclass(frozen=True, slots=True)
class RowSelection:
    """Which rows a table shows (positions, in display order) and a sentence saying what was left out."""

    rows: tuple[int, ...]
    note: str = ""


def _pick(s: SeriesSummary, budget: int) -> tuple[list[int], str]:
    """Positions into ``s.rows`` (newest first, at most ``budget``) and how they were chosen."""
    n = len(s.rows)
    budget = min(budget, n)
    newest = set(range(n - budget, n))
    onset = s.onset
    if onset is None:
        return sorted(newest, reverse=True), f"the newest {budget}"
    around = min(AROUND_ROWS, budget // 2)
    lo = max(0, onset.index - around // 2 + 1)
    at = fmt_time(onset.at)
    if lo >= n - budget:  # the newest rows reach back to a few before the onset
        return sorted(
            newest, reverse=True
        ), f"the newest {budget}, back to {onset.index - (n - budget)} before the onset at {at}"
    keep = set(range(n - (budget - around), n)) | set(range(lo, lo + around))
    return sorted(keep, reverse=True), f"the newest {budget - around} and the {around} around the onset at {at}"


def select_rows(table: SeriesTable, total: int, limit: int) -> RowSelection:
    """The rows to show of a series table with ``total`` rows: all when they fit in ``limit``; otherwise, per
    group, its share of ``limit``: the newest rows, reaching back past its latest onset when that is recent,
    or else with the :data:`AROUND_ROWS` rows around the onset instead of the oldest of them (newest first),
    and a note on what was left out."""
    if total <= limit:
        return RowSelection(tuple(range(total)))
    # A group's rows carry one series per value column: choose by the one with an onset, else the first.
    by_group: dict[str, SeriesSummary] = {}
    for s in table.series:
        if s.group not in by_group or (by_group[s.group].onset is None and s.onset is not None):
            by_group[s.group] = s
    groups = list(by_group.values())
    budget = max(MIN_GROUP_ROWS, limit // len(groups))
    chosen: list[int] = []
    hows: list[str] = []
    for s in groups:
        positions, how = _pick(s, budget)
        chosen.extend(s.rows[p] for p in positions if s.rows[p] not in chosen)
        hows.append(how if len(groups) == 1 else f"{how} of {s.group or s.name}")
    shown = chosen[:limit]
    note = f"showing {len(shown)} of {total} rows, newest first: " + "; ".join(hows)
    if len(shown) < len(chosen):
        note += f" (cut to {limit})"
    return RowSelection(tuple(shown), note)
