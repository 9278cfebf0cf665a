"""What one successful call contributes to the answer: its blocks, its fact line, its cuts, onsets and changes.

The shape of a call's output decides its blocks (see :mod:`compose`); a series table is summarised per
series (:mod:`series`) and shows at most :data:`SERIES_TABLE_ROWS` rows (:mod:`series_rows`), a change
table gives changes (:mod:`timeline`), any other table keeps at most :data:`MAX_TABLE_ROWS` rows.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from opsuite_ops.domain.absence import subject_values
from opsuite_ops.domain.aggregate import asks_count, asks_sum, not_additive
from opsuite_ops.domain.anchors import Anchor
from opsuite_ops.domain.bm25 import stem, tokenise, value_stem
from opsuite_ops.domain.cell_units import cell_text
from opsuite_ops.domain.model import (
    AnswerReason,
    AnswerStatusReason,
    Block,
    BlockKind,
    CallRecord,
    SeriesPoint,
    Tool,
)
from opsuite_ops.domain.series import MIN_POINTS, SeriesSummary, SeriesTable, analyse_table, summarise_points
from opsuite_ops.domain.series_format import fmt_num, fmt_time, parse_time, time_column
from opsuite_ops.domain.series_rows import select_rows
from opsuite_ops.domain.time_left import MAX_MOMENTS, moments_left
from opsuite_ops.domain.timeline import (
    ChangeEvent,
    Onset,
    change_events,
    is_change_table,
    lists_changes,
    names_changes,
)
from opsuite_ops.domain.typos import MIN_TYPO_LENGTH, misspelt

__all__ = [
    "MAX_BRIEF_GROUPS",
    "MAX_SERIES",
    "MAX_SERIES_BLOCKS",
    "MAX_TABLE_ROWS",
    "NO_ROWS_IN_WINDOW",
    "SERIES_TABLE_ROWS",
    "TABLE_CUT",
    "TEXT_ROWS",
    "CallFacts",
    "analyse_call",
    "call_source",
    "call_title",
    "dict_rows",
    "plain_number",
    "summarise",
    "thing_names",
]


#: Rows shown per table block; the trace keeps the full output.
MAX_TABLE_ROWS = 50


#: Rows of a table block the answer's text line states (the block itself holds up to MAX_TABLE_ROWS).
TEXT_ROWS = 20


#: Rows a series table shows when its summaries cover every column.
SERIES_TABLE_ROWS = 20


#: Series described per call; more are counted and reported as a cut.
MAX_SERIES = 10


#: A series table with at most this many series also gets one TIMESERIES block (every point) per series.
MAX_SERIES_BLOCKS = 4


#: Groups of series described briefly (one line each) when a table has more than MAX_SERIES series.
MAX_BRIEF_GROUPS = 40


def _fmt_args(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items())


def call_title(call: CallRecord) -> str:
    return f"{call.tool}({_fmt_args(call.arguments)})"


def call_source(call: CallRecord) -> str:
    """The call without its time arguments (``latency_by_service(service=checkout)``), to name a series."""
    args = {k: v for k, v in call.arguments.items() if parse_time(v) is None}
    return f"{call.tool}({_fmt_args(args)})"


def plain_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return None


def _series(data: Any) -> list[SeriesPoint] | None:
    points = data.get("series", data.get("points")) if isinstance(data, Mapping) else None
    if not isinstance(points, list) or not points:
        return None
    out = []
    for p in points:
        if not isinstance(p, Mapping):
            return None
        t = p.get("t", p.get("time", p.get("ts")))
        v = plain_number(p.get("v", p.get("value")))
        if t is None or v is None:
            return None
        out.append(SeriesPoint(str(t), v))
    return out


def dict_rows(data: Any) -> tuple[list[str], list[Mapping[str, Any]]] | None:
    """A call output's ``(columns, rows)`` when its rows are dicts (``{"rows": [...]}`` or a list), else None."""
    rows = data.get("rows") if isinstance(data, Mapping) else data
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        return None
    columns = [str(c) for c in (data.get("columns") or [])] if isinstance(data, Mapping) else []
    for r in rows:
        columns.extend(k for k in r if k not in columns)
    return columns, rows


def _row_tuples(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(r.get(c) for c in columns) for r in rows)


@dataclass(slots=True)
class CallFacts:
    """What one successful call contributes: blocks, its fact sentence, a cut, onsets and changes."""

    blocks: list[Block]
    fact: str
    cuts: list[AnswerStatusReason] = field(default_factory=list)
    onsets: list[Onset] = field(default_factory=list)
    #: None when the call's output is not a change table.
    changes: list[ChangeEvent] | None = None
    #: The rows the answer is about (those in the asked window) and their columns, for rankings and counts.
    columns: list[str] = field(default_factory=list)
    rows: list[Mapping[str, Any]] = field(default_factory=list)
    #: The series the rows make, when they are a series table.
    series: SeriesTable | None = None


#: How a table cut to the answer's size is reported (a ranking over all its rows lifts it, see :mod:`compose`).
TABLE_CUT = "the table from "
#: How a call on a named thing whose rows are all older than the asked window is reported.
NO_ROWS_IN_WINDOW = "has no rows in the asked window"


def _cut(call: CallRecord, detail: str) -> AnswerStatusReason:
    return AnswerStatusReason(AnswerReason.TRUNCATED, detail, call.tool, call.step_id)


def _points_facts(call: CallRecord, points: list[SeriesPoint], unit: str) -> CallFacts:
    title = call_title(call)
    block = Block(BlockKind.TIMESERIES, title=title, series=tuple(points), unit=unit, call_ids=(call.call_id,))
    parsed = [(parse_time(p.t, epoch=True), p.v) for p in points]
    timed = [(t, v) for t, v in parsed if t is not None]
    if len(timed) < len(parsed) or len(timed) < MIN_POINTS:
        return CallFacts([block], f"{title}: {summarise(block)}")
    summary = summarise_points("value", timed)
    onsets = [Onset(call_source(call), call.call_id, summary.onset)] if summary.onset is not None else []
    return CallFacts([block], f"{title}: {summary.describe(unit)}", onsets=onsets)


_T = TypeVar("_T")


def _asked_first(items: Sequence[_T], text: Callable[[_T], str], words: frozenset[str]) -> list[_T]:
    """``items`` with those whose text has more of the question's ``words`` first, else in their order: a group
    the question names ("acme" of ``carrier=acme.net``), a measure it asks for ("refusal rate" of
    ``refusal_pct``) is read first, not after every other."""
    if not words:
        return list(items)
    return sorted(items, key=lambda it: -len(words & set(tokenise(text(it), keep_stop_words=True))))


def _series_table_facts(
    call: CallRecord,
    columns: list[str],
    rows: list[Mapping[str, Any]],
    table: SeriesTable,
    words: frozenset[str] = frozenset(),
    summed: str = "",
) -> CallFacts:
    title, ids, total = call_title(call), (call.call_id,), len(rows)
    limit = SERIES_TABLE_ROWS if table.covers_every_column else MAX_TABLE_ROWS
    selection = select_rows(table, total, limit)
    blocks: list[Block] = []
    if len(table.series) <= MAX_SERIES_BLOCKS:
        for s in table.series:
            col = s.column
            pts = tuple(
                SeriesPoint(table.times[k].isoformat().replace("+00:00", "Z"), float(rows[k][col])) for k in s.rows
            )
            blocks.append(Block(BlockKind.TIMESERIES, title=f"{title}: {s.name}", series=pts, call_ids=ids))
    shown = [rows[k] for k in selection.rows]
    suffix = f" ({selection.note})" if selection.note else ""
    blocks.append(
        Block(BlockKind.TABLE, title=title + suffix, columns=tuple(columns), rows=_row_tuples(columns, shown),
              call_ids=ids)
    )  # fmt: skip
    cuts: list[AnswerStatusReason] = []
    if len(table.series) == 1:
        fact = f"{title}: {total} rows; {table.series[0].describe()}{_total(table.series[0], rows, summed)}"
    elif len(table.series) <= MAX_SERIES:
        fact = f"{title}: {total} rows, {len(table.series)} series:" + "".join(
            f"\n  - {s.describe()}{_total(s, rows, summed)}"
            for s in _asked_first(table.series, lambda s: f"{s.group} {s.column}", words)
        )
    else:
        # Many series: one brief line per group (latest, range, trend, onset of each of its series).
        groups: dict[str, list[SeriesSummary]] = {}
        for s in _asked_first(table.series, lambda s: s.column, words):
            groups.setdefault(s.group, []).append(s)
        groups = dict(_asked_first(list(groups.items()), lambda g: g[0], words))
        shown_groups = list(groups.items())[:MAX_BRIEF_GROUPS]
        fact = (
            f"{title}: {total} rows, {len(table.series)} series, briefly (latest, range, trend) per group:"
            + "".join(
                f"\n  - {group or 'all rows'}: "
                + "; ".join(s.brief() + (f" ({t[2:]})" if (t := _total(s, rows, summed)) else "") for s in members)
                for group, members in shown_groups
            )
        )
        if len(groups) > len(shown_groups):
            left = list(groups)[len(shown_groups) :]
            fact += f"\n  - (+{len(left)} more groups: {', '.join(left)})"
            cuts.append(_cut(call, f"{title} returned {len(groups)} groups of series and the answer describes "
                                  f"{len(shown_groups)}; the run's trace keeps the call's whole output"))  # fmt: skip
    if selection.note:
        fact += f"; {selection.note}" if len(table.series) == 1 else f"\n  - {selection.note}"
    if not table.covers_every_column and table.times:
        # Columns no series summarises (a status, an error text) say what the newest record was.
        k = max(range(len(table.times)), key=lambda i: table.times[i])
        fact += "; newest row: " + ", ".join(f"{c}={rows[k][c]}" for c in columns if rows[k].get(c) not in (None, ""))
    if len(selection.rows) < total and not table.covers_every_column:
        cuts.append(_cut(call, f"{TABLE_CUT}{title} has {total} rows and the answer shows {len(selection.rows)}; "
                               f"the series are summarised over every row, but the rows left out are not shown with "
                               f"their {', '.join(table.other_columns)}; the run's trace keeps the call's whole "
                               "output"))  # fmt: skip
    onsets = [Onset(_series_name(call, table, s), call.call_id, s.onset) for s in table.series if s.onset is not None]
    return CallFacts(blocks, fact, cuts, onsets, columns=columns, rows=rows, series=table)


def _series_name(call: CallRecord, table: SeriesTable, s: SeriesSummary) -> str:
    """``cpu_by_host(host=web-02)``, ``metrics() for host=web-02``, ``burnt_pct of metrics() for service=x``."""
    name = call_source(call) if len(table.value_columns) == 1 else f"{s.column} of {call_source(call)}"
    return f"{name} for {s.group}" if s.group else name


def _table_facts(
    call: CallRecord,
    columns: list[str],
    rows: list[Mapping[str, Any]],
    tool: Tool | None = None,
    since: datetime | None = None,
    words: frozenset[str] = frozenset(),
    anchor: Anchor | None = None,
    summed: str = "",
) -> CallFacts:
    older, untimed = 0, False
    if since is not None and (tcol := time_column(columns, rows)) is not None:
        # The tool's window was wider than asked (a whole day, a coarser unit): older rows are no part of it.
        kept = [r for r in rows if (t := parse_time(r.get(tcol), epoch=True)) is None or t >= since]
        older, rows = len(rows) - len(kept), kept
    elif since is not None and rows:
        untimed = True
    facts = _shown_table_facts(call, columns, rows, tool, words, anchor, summed)
    if older and since is not None:
        facts.fact += f" ({older} older rows left out: before the asked window, from {fmt_time(since)})"
        if not rows and thing_names(call, tool):
            # every row is older than asked ("the last 2 hours" of a tool with a row a day): no data on the thing
            # named (a listing with nothing named has nothing in the window: that is its answer)
            facts.cuts.append(
                AnswerStatusReason(
                    AnswerReason.NOT_COVERED,
                    f"{call_title(call)} {NO_ROWS_IN_WINDOW} (from {fmt_time(since)}): its {older} rows are all older",
                    call.tool,
                    call.step_id,
                )
            )
    if untimed and since is not None:
        # No time column to keep the rows to the asked window: some may be older than asked.
        facts.cuts.append(_cut(call, f"{call.tool} looked further back than asked and its rows carry no time, so "
                                     f"some may be older than the asked window (from {fmt_time(since)})"))  # fmt: skip
    return facts


def thing_names(call: CallRecord, tool: Tool | None) -> set[str]:
    """The things ``call`` asks about by name (``point=P2131B``; not ``since_date``): see
    :func:`~opsuite_ops.domain.absence.subject_values`."""
    return subject_values(tool, call.arguments) if tool is not None else set()


def _shown_table_facts(
    call: CallRecord,
    columns: list[str],
    rows: list[Mapping[str, Any]],
    tool: Tool | None,
    words: frozenset[str],
    anchor: Anchor | None = None,
    summed: str = "",
) -> CallFacts:
    change_tool = tool is not None and names_changes(tool.name, tool.description, tool.tags)
    changes = change_events(call.call_id, columns, rows, change_tool=change_tool)
    if changes is not None and tool is not None and not lists_changes(tool.name, tool.description, tool.tags):
        changes = []  # a snapshot shaped like changes (versions, last contact): shown as it is, on no timeline
        plain = True
    else:
        plain = False
    outside = 0
    tcol = is_change_table(columns, rows, change_tool=change_tool) if changes and not plain else None
    if anchor is not None and tcol is not None and changes is not None:
        # "what changed in the 2 hours before INC-4411 was opened": the changes of that window only
        kept = [r for r in rows if (at := parse_time(r.get(tcol), epoch=True)) is None or anchor.keeps(at)]
        outside, rows = len(rows) - len(kept), kept
        changes = [c for c in changes if anchor.keeps(c.at)]
    title, total = call_title(call), len(rows)
    # A table shaped like changes whose tool lists none (requests per ``recipe_version`` in 5-minute samples) is
    # read as what it is: a series table when its rows make series, else a plain table.
    if (changes is None or plain) and (series := analyse_table(columns, rows)) is not None:
        return _series_table_facts(call, columns, rows, series, words, summed)
    shown, cuts, how = _named_first(rows, words), [], ""
    if total > MAX_TABLE_ROWS:
        tcol = time_column(columns, rows)
        if tcol is not None:
            when = [parse_time(r.get(tcol), epoch=True) for r in rows]
            timed = sorted(((t, k) for k, t in enumerate(when) if t is not None), key=lambda p: p[0], reverse=True)
            order = [k for _, k in timed] + [k for k, t in enumerate(when) if t is None]
            shown, how = [rows[k] for k in order[:MAX_TABLE_ROWS]], "newest"
        else:
            shown, how = rows[:MAX_TABLE_ROWS], "first"
        cuts.append(_cut(call, f"{TABLE_CUT}{title} has {total} rows and the answer shows the {how} "
                               f"{MAX_TABLE_ROWS}; the run's trace keeps the call's whole output"))  # fmt: skip
    block = Block(BlockKind.TABLE, title=title, columns=tuple(columns), rows=_row_tuples(columns, shown),
                  call_ids=(call.call_id,))  # fmt: skip
    fact = f"{title}: {summarise(block)}" + moments_left(columns, shown[:MAX_MOMENTS], call.finished_at)
    if how:
        fact = f"{title}: {total} rows (the table shows the {how} {MAX_TABLE_ROWS})" + fact.split(" rows", 1)[1]
    if outside and anchor is not None:
        fact += f" ({outside} other changes left out: not in {anchor.window})"
    return CallFacts([block], fact, cuts, changes=None if plain else changes, columns=columns, rows=rows)


def analyse_call(
    call: CallRecord,
    tool: Tool | None = None,
    since: datetime | None = None,
    question: str = "",
    anchor: Anchor | None = None,
) -> CallFacts:
    """What one call's output says (blocks, the answer's line, cuts, onsets, changes); the series and groups of
    a series table that the ``question``'s words name come first; a change table keeps the changes in the window
    before the ``anchor`` the question names ("the 2 hours before INC-4411 was opened"), see :mod:`anchors`."""
    data, title, ids = call.output, call_title(call), (call.call_id,)
    unit = str(data.get("unit", "")) if isinstance(data, Mapping) else ""
    if (points := _series(data)) is not None:
        return _points_facts(call, points, unit)
    if (table := dict_rows(data)) is not None:
        words = _question_words(question, table[0])
        facts = _table_facts(call, *table, tool, since, words, anchor, question if asks_sum(question) else "")
        if facts.series is None and facts.changes is None and not asks_count(question):
            facts.fact += _measured(facts.columns, facts.rows, words)
        return facts
    value = plain_number(data) if not isinstance(data, Mapping) else plain_number(data.get("value"))
    if value is not None:
        block = Block(BlockKind.NUMBER, title=title, value=value, unit=unit, call_ids=ids)
    elif isinstance(data, str):
        block = Block(BlockKind.MARKDOWN, title=title, markdown=data, call_ids=ids)
    elif isinstance(data, Mapping):
        rows2 = tuple(
            (str(k), json.dumps(v, default=str) if isinstance(v, (dict, list)) else v) for k, v in data.items()
        )
        block = Block(BlockKind.TABLE, title=title, columns=("field", "value"), rows=rows2, call_ids=ids)
    else:
        block = Block(BlockKind.MARKDOWN, title=title, markdown=f"`{json.dumps(data, default=str)}`", call_ids=ids)
    return CallFacts([block], f"{title}: {summarise(block) or 'no data'}")


#: Names of a count per interval: a past participle ("bags_screened", "l3_referred") or a count word.
_COUNTED = re.compile(r"(?i)(?<![a-z])(?:count|total|num|number)(?![a-z])")
#: Names of an amount of energy per interval, the unit last (``heat_mwh``, ``energy_kwh``), unlike a level or a rate
#: (``power_kw``), a price or an intensity (``price_eur_mwh``, ``kwh_per_tonne``) or a meter's reading (``meter_kwh``).
_ENERGY = re.compile(r"(?i)(?<![a-z])(?:[kmgt]?wh|[mg]j)$")
_NOT_ENERGY = re.compile(r"(?i)(?<![a-z])(?:per|price|cost|eur|gbp|usd|tariff|rate|meter|reading|register|cumulative|"
                         r"total|counter|index|intensity)(?![a-z])")  # fmt: skip


def _total(series: SeriesSummary, rows: Sequence[Mapping[str, Any]], summed: str) -> str:
    """``; 1216 in all over those 6 points`` for a series of counts (whole numbers, no mean, ratio or percentile in
    its column's or group's name) when the question (``summed``, empty when it asks about no window) asks about a
    window: a count by its name (count, total, num), or things the question names as the series does, a plural
    and what was done to them ("bags screened in the last 6 hrs": ``bags_screened``); or an amount of energy,
    which each interval's row adds to (``heat_mwh``: "heat output over the last 24 hrs" is their sum)."""
    cells = [rows[k].get(series.column) for k in series.rows]
    values = [float(v) for v in cells if isinstance(v, int | float) and not isinstance(v, bool)]
    if not summed or not values or not_additive(series.column) or not_additive(series.group.replace("=", " ")):
        return ""
    rising = all(b >= a for a, b in itertools.pairwise(values))  # a register that only counts up: a reading
    if _ENERGY.search(series.column) and not _NOT_ENERGY.search(series.column) and len(values) == len(cells) > 1 \
            and not (rising and values[-1] > values[0]):  # fmt: skip
        return f"; {fmt_num(sum(values))} in all over those {len(values)} points"
    names = [series.column, *(g.split("=", 1)[-1] for g in series.group.split(", "))]
    done = [n.replace("_", " ").lower() for n in names if re.fullmatch(r"[a-z]+s_[a-z]+ed", n.lower())]
    if re.fullmatch(r"[a-z]{3,}ed", series.column.lower()) and asks_count(summed):
        done.append(series.column.lower())  # "how many purchases failed in the last 6 hrs": ``failed`` per interval
    if not _COUNTED.search(" ".join(names)) and not any(d in summed.lower() for d in done):
        return ""  # a gauge (a temperature, a queue's depth, connections open) adds up to nothing
    if len(values) < len(cells) or not all(v.is_integer() for v in values):
        return ""
    return f"; {fmt_num(sum(values))} in all over those {len(values)} points"


_CODE_PARTS = re.compile(r"[-_./:]")


def _named_first(rows: list[Mapping[str, Any]], words: frozenset[str]) -> list[Mapping[str, Any]]:
    """``rows`` with those holding a value the question names first ("is anything degraded or stopped": the rows in
    state degraded or stopped, which the answer's line then shows), when some do and others do not; a value named
    by a part of its code counts ("phx" of ``s3-phx``: "which buckets replicate to phx")."""
    if not words:
        return rows

    def named(row: Mapping[str, Any]) -> bool:
        cells = [v.lower() for v in row.values() if isinstance(v, str) and 0 < len(v) <= 40 and v.count(" ") < 3]
        parts = {p for c in cells if " " not in c for p in _CODE_PARTS.split(c) if len(p) >= 3 and p != c}
        return any(stem(c) in words or value_stem(c) in words for c in cells) or bool(parts & words)

    first = [r for r in rows if named(r)]
    return [*first, *(r for r in rows if not named(r))] if 0 < len(first) < len(rows) else rows


def _measured(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], words: frozenset[str]) -> str:
    """``; over time: contamination_pct (grade=PET) latest 14.9 (min 2.6, max 15.1, rising), onset of a rise at
    ...``: the measure the question names that records named by ids carry over time (quality samples, each with
    its id), which the rows alone leave to the reader; "" when they carry none the question names."""
    if not any(words & set(tokenise(c, keep_stop_words=True)) for c in columns):
        return ""  # no measure the question names: no second reading of the rows
    table = analyse_table(columns, rows, records=True)
    named = [s for s in table.series if words & set(tokenise(s.column, keep_stop_words=True))] if table else []
    briefs = []
    for s in named[:3]:
        text = f"{s.name} latest {fmt_num(s.latest)} (min {fmt_num(s.minimum)}, max {fmt_num(s.maximum)}, {s.trend})"
        if (onset := s.onset) is not None:
            text += f", onset of a {onset.direction} at {fmt_time(onset.at)} ({fmt_num(onset.before)} before, "
            text += f"{fmt_num(onset.after)} after)"
        briefs.append(text)
    return "; over time: " + "; ".join(briefs) if briefs else ""


def _question_words(question: str, columns: Sequence[str]) -> frozenset[str]:
    """The question's (stemmed) words, with a misspelt one also read as the column word it misspells ("rejcts"
    for ``reject_pct``), so the measure the question names comes first whatever the typo."""
    words = set(tokenise(question))
    known = {w for c in columns for w in tokenise(c, keep_stop_words=True)}
    for word in words - known:
        if len(word) >= MIN_TYPO_LENGTH and (fixed := misspelt(word, known, frozenset())):
            words.add(fixed)
    return frozenset(words)


def summarise(block: Block) -> str:
    """One line stating what a block shows."""
    unit = f" {block.unit}" if block.unit else ""
    if block.kind is BlockKind.TIMESERIES and block.series:
        values = [p.v for p in block.series]
        return (
            f"{len(values)} points from {block.series[0].t} to {block.series[-1].t}; latest {values[-1]:g}{unit}, "
            f"average {sum(values) / len(values):.4g}{unit}, max {max(values):g}{unit}"
        )
    if block.kind is BlockKind.NUMBER and block.value is not None:
        return f"{block.value:g}{unit}"
    if block.kind is BlockKind.TABLE:
        shown = block.rows[:TEXT_ROWS]
        head = "; ".join(
            ", ".join(f"{c}={cell_text(c, v)}" for c, v in zip(block.columns, r, strict=False)) for r in shown
        )
        more = f" (+{len(block.rows) - len(shown)} more in the table)" if len(block.rows) > len(shown) else ""
        return f"{len(block.rows)} rows" + (f": {head}{more}" if head else "")
    return block.markdown.strip().splitlines()[0][:200] if block.markdown.strip() else ""
