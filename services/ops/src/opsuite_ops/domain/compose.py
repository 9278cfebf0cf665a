"""Phase 7, compose: blocks from call outputs, references, and the answer text.

Block shapes are recognised from the data: ``{"series"|"points": [{"t", "v"}...]}`` is a
timeseries, a list of objects or ``{"rows": [...]}`` a table, a number or ``{"value": n, "unit"}``
a number, text is markdown, any other object a two-column table. The deterministic composer writes
one line per fact plus a plain "could not find" paragraph per gap; the LLM composer asks the model
for the summary and still appends the same gap paragraph, so gaps are never glossed over.

Tables are read before they are shown:

* a **series table** (a time column and numeric columns, see :mod:`series`) is summarised per series
  over every row (latest, min, max, mean, trend, onset of a spike) and shows at most
  :data:`SERIES_TABLE_ROWS` rows, the newest first plus those around each onset, saying what was left
  out. Its summaries state every value, so showing fewer rows is not a cut, unless the table has columns
  the summaries do not cover (free text): then it shows up to :data:`MAX_TABLE_ROWS` rows and a shorter
  table is a cut;
* a **change table** (a time column and columns such as version/change/old/new, see :mod:`timeline`) of a
  tool that lists changes (:func:`~opsuite_ops.domain.timeline.lists_changes`, when the catalogue is
  given: a snapshot with a version column is none) gives the run's changes; with the series' onsets they
  make the answer's timeline, which names the last change before each onset (appended by both
  composers, like the gaps);
* rows older than the window asked, from a tool windowed by whole days, are left out and counted
  (:mod:`window_rows`);
* any other table keeps at most :data:`MAX_TABLE_ROWS` rows: the newest when it has a time column,
  otherwise the first.

Each cut (a table showing fewer rows than its call returned with facts left out, or more series than
:data:`MAX_SERIES` described) is reported in ``Composition.truncated`` (a TRUNCATED reason for the
answer status); the trace keeps the call's whole output.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from opsuite_common.errors import OpsuiteError
from opsuite_ops.domain.aggregate import (
    Ranked,
    asks_count,
    asks_ranking,
    count,
    counted_by_name,
    rank_column,
    ranking,
)
from opsuite_ops.domain.chat import ChatModel
from opsuite_ops.domain.model import (
    AnswerReason,
    AnswerStatusReason,
    Block,
    BlockKind,
    CallRecord,
    Gap,
    Reference,
    SeriesPoint,
    Tool,
)
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.series import (
    MIN_POINTS,
    SeriesSummary,
    SeriesTable,
    analyse_table,
    fmt_time,
    parse_time,
    select_rows,
    summarise_points,
    time_column,
)
from opsuite_ops.domain.timeline import (
    ChangeEvent,
    Onset,
    Timeline,
    build_timeline,
    change_events,
    lists_changes,
    names_changes,
)
from opsuite_ops.domain.window_rows import asked_start

__all__ = [
    "MAX_SERIES",
    "MAX_TABLE_ROWS",
    "SERIES_TABLE_ROWS",
    "Composer",
    "Composition",
    "DeterministicComposer",
    "LlmComposer",
    "blocks_for_call",
    "gap_text",
    "reference_for",
    "table_cut",
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


@dataclass(frozen=True, slots=True)
class Composition:
    """The composed answer; ``truncated`` says which blocks leave out facts their call returned (TRUNCATED)
    and, for a question asking for a cause, what its timeline lacks (NOT_COVERED: no onset, no changes)."""

    answer: str
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    composer: str
    note: str = ""
    truncated: tuple[AnswerStatusReason, ...] = ()


class Composer(Protocol):
    """Writes the answer from successful calls and gaps."""

    async def compose(
        self,
        question: str,
        calls: Sequence[CallRecord],
        gaps: Sequence[Gap],
        *,
        tools: Mapping[str, Tool] | None = None,
    ) -> Composition:
        """The answer for ``question`` (``tools``: the catalogue, to tell a change history from a snapshot)."""
        ...


def _fmt_args(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items())


def _title(call: CallRecord) -> str:
    return f"{call.tool}({_fmt_args(call.arguments)})"


def _source(call: CallRecord) -> str:
    """The call without its time arguments (``latency_by_service(service=checkout)``), to name a series."""
    args = {k: v for k, v in call.arguments.items() if parse_time(v) is None}
    return f"{call.tool}({_fmt_args(args)})"


def _num(v: Any) -> float | None:
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
        v = _num(p.get("v", p.get("value")))
        if t is None or v is None:
            return None
        out.append(SeriesPoint(str(t), v))
    return out


def _dict_rows(data: Any) -> tuple[list[str], list[Mapping[str, Any]]] | None:
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
class _CallFacts:
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


def _cut(call: CallRecord, detail: str) -> AnswerStatusReason:
    return AnswerStatusReason(AnswerReason.TRUNCATED, detail, call.tool, call.step_id)


def _points_facts(call: CallRecord, points: list[SeriesPoint], unit: str) -> _CallFacts:
    title = _title(call)
    block = Block(BlockKind.TIMESERIES, title=title, series=tuple(points), unit=unit, call_ids=(call.call_id,))
    parsed = [(parse_time(p.t, epoch=True), p.v) for p in points]
    timed = [(t, v) for t, v in parsed if t is not None]
    if len(timed) < len(parsed) or len(timed) < MIN_POINTS:
        return _CallFacts([block], f"{title}: {summarise(block)}")
    summary = summarise_points("value", timed)
    onsets = [Onset(_source(call), call.call_id, summary.onset)] if summary.onset is not None else []
    return _CallFacts([block], f"{title}: {summary.describe(unit)}", onsets=onsets)


def _series_table_facts(
    call: CallRecord, columns: list[str], rows: list[Mapping[str, Any]], table: SeriesTable
) -> _CallFacts:
    title, ids, total = _title(call), (call.call_id,), len(rows)
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
        fact = f"{title}: {total} rows; {table.series[0].describe()}"
    elif len(table.series) <= MAX_SERIES:
        fact = f"{title}: {total} rows, {len(table.series)} series:" + "".join(
            f"\n  - {s.describe()}" for s in table.series
        )
    else:
        # Many series: one brief line per group (latest, range, trend, onset of each of its series).
        groups: dict[str, list[SeriesSummary]] = {}
        for s in table.series:
            groups.setdefault(s.group, []).append(s)
        shown_groups = list(groups.items())[:MAX_BRIEF_GROUPS]
        fact = (
            f"{title}: {total} rows, {len(table.series)} series, briefly (latest, range, trend) per group:"
            + "".join(
                f"\n  - {group or 'all rows'}: " + "; ".join(s.brief() for s in members)
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
        cuts.append(_cut(call, f"the table from {title} has {total} rows and the answer shows {len(selection.rows)}; "
                               f"the series are summarised over every row, but the rows left out are not shown with "
                               f"their {', '.join(table.other_columns)}; the run's trace keeps the call's whole "
                               "output"))  # fmt: skip
    onsets = [Onset(_series_name(call, table, s), call.call_id, s.onset) for s in table.series if s.onset is not None]
    return _CallFacts(blocks, fact, cuts, onsets, columns=columns, rows=rows, series=table)


def _series_name(call: CallRecord, table: SeriesTable, s: SeriesSummary) -> str:
    """``cpu_by_host(host=web-02)``, ``metrics() for host=web-02``, ``error_pct of metrics() for service=x``."""
    name = _source(call) if len(table.value_columns) == 1 else f"{s.column} of {_source(call)}"
    return f"{name} for {s.group}" if s.group else name


def _table_facts(
    call: CallRecord,
    columns: list[str],
    rows: list[Mapping[str, Any]],
    tool: Tool | None = None,
    since: datetime | None = None,
) -> _CallFacts:
    older = 0
    if since is not None and (tcol := time_column(columns, rows)) is not None:
        # The tool's window started on a whole day: rows before the asked window are no part of the answer.
        kept = [r for r in rows if (t := parse_time(r.get(tcol), epoch=True)) is None or t >= since]
        older, rows = len(rows) - len(kept), kept
    facts = _shown_table_facts(call, columns, rows, tool)
    if older and since is not None:
        facts.fact += f" ({older} older rows left out: before the asked window, from {fmt_time(since)})"
    return facts


def _shown_table_facts(
    call: CallRecord, columns: list[str], rows: list[Mapping[str, Any]], tool: Tool | None
) -> _CallFacts:
    title, total = _title(call), len(rows)
    changes = change_events(
        call.call_id, columns, rows,
        change_tool=tool is not None and names_changes(tool.name, tool.description, tool.tags),
    )  # fmt: skip
    if changes is not None and tool is not None and not lists_changes(tool.name, tool.description, tool.tags):
        changes = []  # a snapshot shaped like changes (versions, last contact): shown as it is, on no timeline
        plain = True
    else:
        plain = False
    if changes is None and (series := analyse_table(columns, rows)) is not None:
        return _series_table_facts(call, columns, rows, series)
    shown, cuts, how = rows, [], ""
    if total > MAX_TABLE_ROWS:
        tcol = time_column(columns, rows)
        if tcol is not None:
            when = [parse_time(r.get(tcol), epoch=True) for r in rows]
            timed = sorted(((t, k) for k, t in enumerate(when) if t is not None), key=lambda p: p[0], reverse=True)
            order = [k for _, k in timed] + [k for k, t in enumerate(when) if t is None]
            shown, how = [rows[k] for k in order[:MAX_TABLE_ROWS]], "newest"
        else:
            shown, how = rows[:MAX_TABLE_ROWS], "first"
        cuts.append(_cut(call, f"the table from {title} has {total} rows and the answer shows the {how} "
                               f"{MAX_TABLE_ROWS}; the run's trace keeps the call's whole output"))  # fmt: skip
    block = Block(BlockKind.TABLE, title=title, columns=tuple(columns), rows=_row_tuples(columns, shown),
                  call_ids=(call.call_id,))  # fmt: skip
    fact = f"{title}: {summarise(block)}"
    if how:
        fact = f"{title}: {total} rows (the table shows the {how} {MAX_TABLE_ROWS})" + fact.split(" rows", 1)[1]
    return _CallFacts([block], fact, cuts, changes=None if plain else changes, columns=columns, rows=rows)


def _analyse(call: CallRecord, tool: Tool | None = None, since: datetime | None = None) -> _CallFacts:
    data, title, ids = call.output, _title(call), (call.call_id,)
    unit = str(data.get("unit", "")) if isinstance(data, Mapping) else ""
    if (points := _series(data)) is not None:
        return _points_facts(call, points, unit)
    if (table := _dict_rows(data)) is not None:
        return _table_facts(call, *table, tool, since)
    value = _num(data) if not isinstance(data, Mapping) else _num(data.get("value"))
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
    return _CallFacts([block], f"{title}: {summarise(block) or 'no data'}")


def blocks_for_call(call: CallRecord) -> list[Block]:
    """The blocks one successful call contributes (recognised from the shape of its output)."""
    return _analyse(call).blocks


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
        head = "; ".join(", ".join(f"{c}={v}" for c, v in zip(block.columns, r, strict=False)) for r in shown)
        more = f" (+{len(block.rows) - len(shown)} more in the table)" if len(block.rows) > len(shown) else ""
        return f"{len(block.rows)} rows" + (f": {head}{more}" if head else "")
    return block.markdown.strip().splitlines()[0][:200] if block.markdown.strip() else ""


def reference_for(call: CallRecord, blocks: Sequence[Block]) -> Reference:
    """Which tool call produced which fact (its blocks' summaries), with its execution id."""
    fact = "; ".join(summarise(b) for b in blocks) or "no data"
    return Reference(call.tool, call.call_id, call.step_id, call.execution_id, f"{_title(call)}: {fact}")


def table_cut(call: CallRecord, blocks: Sequence[Block] = ()) -> AnswerStatusReason | None:
    """The first TRUNCATED reason of ``call``'s output as composed (None when nothing is left out)."""
    cuts = _analyse(call).cuts
    return cuts[0] if cuts else None


def gap_text(gaps: Sequence[Gap]) -> str:
    """The plain "could not find" paragraph of a partial answer (empty when nothing is missing)."""
    if not gaps:
        return ""
    lines = ["Could not find:"]
    lines.extend(f"- {g.what} — {g.tool} failed: {g.why}" for g in gaps)
    return "\n".join(lines)


@dataclass(slots=True)
class _Facts:
    blocks: list[Block]
    refs: list[Reference]
    cuts: list[AnswerStatusReason]
    timeline: Timeline | None = None
    #: Facts computed over the rows of a tool's calls (a ranking, a count), with the call ids they are from.
    derived: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


def _name_args(call: CallRecord) -> str:
    """The call's arguments that name things (``pool=linux-large``), to tell its rows from another call's."""
    return ", ".join(f"{k}={v}" for k, v in call.arguments.items() if isinstance(v, str) and parse_time(v) is None)


def _numeric_columns(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for col in columns:
        values = [r.get(col) for r in rows if r.get(col) is not None]
        low = col.lower()
        if values and all(_num(v) is not None for v in values) and not (low == "id" or low.endswith("_id")):
            out.append(col)
    return out


def _row_label(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], row: Mapping[str, Any]) -> str:
    """What names a row among the others: its short string columns with a distinct value per row (at most 2),
    else every short string column (at most 3)."""
    short = [c for c in columns if all(isinstance(r.get(c), str) and " " not in str(r.get(c)) and parse_time(r.get(c))
                                       is None for r in rows)]  # fmt: skip
    distinct = [c for c in short if len({r.get(c) for r in rows}) == len(rows)]
    return ", ".join(f"{c}={row.get(c)}" for c in (distinct[:2] or short[:3]))


def _rankings(question: str, per_call: Sequence[tuple[CallRecord, _CallFacts]]) -> list[tuple[str, tuple[str, ...]]]:
    """For a ranking question, the order over each tool's rows (see :mod:`aggregate`)."""
    ask = asks_ranking(question, DEFAULT_SYNONYMS)
    if ask is None:
        return []
    by_tool: dict[str, list[tuple[CallRecord, _CallFacts]]] = {}
    for call, facts in per_call:
        if facts.rows:
            by_tool.setdefault(call.tool, []).append((call, facts))
    out: list[tuple[str, tuple[str, ...]]] = []
    for tool, items in by_tool.items():
        several = len(items) > 1
        candidates = list(
            dict.fromkeys(
                c
                for _call, f in items
                for c in (f.series.value_columns if f.series is not None else _numeric_columns(f.columns, f.rows))
            )
        )
        column = rank_column(ask, candidates)
        if column is None:
            continue
        entries: list[Ranked] = []
        how = set()
        for call, f in items:
            prefix = _name_args(call) if several else ""
            if f.series is not None:
                how.add("the latest value of each series")
                for s in f.series.series:
                    if s.column == column:
                        label = ", ".join(p for p in (prefix, s.group) if p) or s.name
                        entries.append(Ranked(label, s.latest))
            else:
                how.add("each row")
                for row in f.rows:
                    if (v := _num(row.get(column))) is not None:
                        label = ", ".join(p for p in (prefix, _row_label(f.columns, f.rows, row)) if p)
                        entries.append(Ranked(label or column, v))
        if any(isinstance(c.output, Mapping) and c.output.get("truncated") is True for c, _f in items):
            how.add("over the rows that came back: the API cut the result at its row limit")
        source = f"{tool}()" if several else _source(items[0][0])
        text = ranking(
            ask, column, entries, source + (f", {len(items)} calls" if several else ""), "; ".join(sorted(how))
        )
        if text:
            out.append((text, tuple(call.call_id for call, _f in items)))
    return out


def _counts(question: str, per_call: Sequence[tuple[CallRecord, _CallFacts]]) -> list[tuple[str, tuple[str, ...]]]:
    """For a "how many" question, the rows of each call that is no series table, in the asked window, of the
    tools whose name is the word counted."""
    if not asks_count(question):
        return []
    counted = [(c, f) for c, f in per_call if f.series is None and isinstance(c.output, (Mapping, list))]
    # Only the calls of the tools whose name says what is counted ("how many backups": backup_runs): the rows
    # of another tool ("how many origin servers" beside a property listing) count something else.
    named = [(c, f) for c, f in counted if counted_by_name(question, c.tool)]
    out: list[tuple[str, tuple[str, ...]]] = []
    for call, facts in named:
        n, how = count(question, facts.rows, call.arguments)
        what = f" of {len(facts.rows)} rows of {_title(call)} have {how}" if how else f" (the rows of {_title(call)})"
        out.append((f"Count: {n}{what}", (call.call_id,)))
    return out


def _facts(question: str, calls: Sequence[CallRecord], tools: Mapping[str, Tool] | None = None) -> _Facts:
    out = _Facts([], [], [])
    onsets: list[Onset] = []
    changes: list[ChangeEvent] = []
    sources: list[str] = []
    per_call: list[tuple[CallRecord, _CallFacts]] = []
    for call in calls:
        if not call.ok:
            continue
        tool = (tools or {}).get(call.tool)
        facts = _analyse(call, tool, asked_start(question, call, tool))
        per_call.append((call, facts))
        out.blocks.extend(facts.blocks)
        out.refs.append(Reference(call.tool, call.call_id, call.step_id, call.execution_id, facts.fact))
        out.cuts.extend(facts.cuts)
        onsets.extend(facts.onsets)
        if facts.changes is not None:
            changes.extend(facts.changes)
            sources.append(_title(call))
    out.derived = [*_rankings(question, per_call), *_counts(question, per_call)]
    out.timeline = build_timeline(question, changes, onsets, sources)
    if out.timeline is not None:
        out.blocks.append(Block(BlockKind.MARKDOWN, title="Timeline", markdown=out.timeline.text))
        if out.timeline.missing:  # the cause asked for cannot be placed: not a complete answer
            out.cuts.append(AnswerStatusReason(AnswerReason.NOT_COVERED, out.timeline.missing))
    return out


def _tail(facts: _Facts, gaps: Sequence[Gap]) -> str:
    """The deterministic paragraphs every answer ends with: the timeline, then the gaps."""
    parts = [facts.timeline.text] if facts.timeline is not None else []
    if gaps:
        parts.append(gap_text(gaps))
    return "".join(f"\n\n{p}" for p in parts)


class DeterministicComposer:
    """Answer text from block summaries, without any model."""

    name = "deterministic"

    async def compose(
        self,
        question: str,
        calls: Sequence[CallRecord],
        gaps: Sequence[Gap],
        *,
        tools: Mapping[str, Tool] | None = None,
    ) -> Composition:
        """The answer: one line per fact, then the timeline and the gaps."""
        facts = _facts(question, calls, tools)
        if facts.refs:
            lines = [f'For "{question}":']
            lines.extend(f"- {text} [{', '.join(ids)}]" for text, ids in facts.derived)
            lines.extend(f"- {r.fact} [{r.call_id}]" for r in facts.refs)
            text = "\n".join(lines)
        else:
            text = f'I could not answer "{question}": no tool returned data.'
        return _finish(text + _tail(facts, gaps), facts, self.name)


def _finish(text: str, facts: _Facts, composer: str) -> Composition:
    all_blocks = list(facts.blocks)
    if facts.refs:
        all_blocks.append(Block(BlockKind.REFERENCES, title="References", references=tuple(facts.refs)))
    return Composition(text, tuple(all_blocks), tuple(facts.refs), composer, truncated=tuple(facts.cuts))


class LlmComposer:
    """An LLM-written summary of the facts; falls back to the deterministic text when the LLM fails."""

    name = "llm"

    def __init__(self, client: ChatModel, fallback: DeterministicComposer | None = None) -> None:
        self.client = client
        self.fallback = fallback or DeterministicComposer()

    async def compose(
        self,
        question: str,
        calls: Sequence[CallRecord],
        gaps: Sequence[Gap],
        *,
        tools: Mapping[str, Tool] | None = None,
    ) -> Composition:
        """The LLM summary plus the deterministic timeline and gap paragraphs and the references."""
        facts = _facts(question, calls, tools)
        if not facts.refs:
            return await self.fallback.compose(question, calls, gaps, tools=tools)
        given = [{"ref": ", ".join(ids), "fact": text} for text, ids in facts.derived]
        given += [{"ref": r.call_id, "fact": r.fact} for r in facts.refs]
        if facts.timeline is not None:
            given.append({"ref": "timeline", "fact": facts.timeline.text})
        messages = [
            {
                "role": "system",
                "content": "Answer the operator's question in a few sentences using only the facts given. "
                "Cite each fact with its ref in square brackets, e.g. [c1]. Say plainly what is unknown.",
            },
            {"role": "user", "content": json.dumps({"question": question, "facts": given,
                                                     "missing": [g.what for g in gaps]})},
        ]  # fmt: skip
        try:
            completion = await self.client.chat(messages)
            text = (completion.choices[0].message.content or "").strip() if completion.choices else ""
        except OpsuiteError as exc:
            out = await self.fallback.compose(question, calls, gaps, tools=tools)
            return dataclasses.replace(out, note=f"LLM summary failed: {exc.message}")
        if not text:
            out = await self.fallback.compose(question, calls, gaps, tools=tools)
            return dataclasses.replace(out, note="LLM returned an empty summary")
        return _finish(text + _tail(facts, gaps), facts, self.name)
