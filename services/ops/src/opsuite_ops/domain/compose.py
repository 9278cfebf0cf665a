"""Phase 7, compose: blocks from call outputs, references, and the answer text.

Block shapes are recognised from the data: ``{"series"|"points": [{"t", "v"}...]}`` is a
timeseries, a list of objects or ``{"rows": [...]}`` a table, a number or ``{"value": n, "unit"}``
a number, text is markdown, any other object a two-column table. The deterministic composer writes
one line per fact plus a plain "could not find" paragraph per gap; the LLM composer asks the model
for the summary and still appends the same gap paragraph, so gaps are never glossed over.

Tables are read before they are shown (:mod:`call_facts` reads each call's output):

* a **series table** (a time column and numeric columns, see :mod:`series`) is summarised per series
  over every row (latest, min, max, mean, trend, onset of a spike) and shows at most
  :data:`~opsuite_ops.domain.call_facts.SERIES_TABLE_ROWS` rows, the newest first plus those around each
  onset, saying what was left out. Its summaries state every value, so showing fewer rows is not a cut,
  unless the table has columns the summaries do not cover (free text): then it shows up to
  :data:`~opsuite_ops.domain.call_facts.MAX_TABLE_ROWS` rows and a shorter table is a cut;
* a **change table** (a time column and columns such as version/change/old/new, see :mod:`timeline`) of a
  tool that lists changes (:func:`~opsuite_ops.domain.timeline.lists_changes`, when the catalogue is
  given: a snapshot with a version column is none) gives the run's changes; with the series' onsets they
  make the answer's timeline, which names the last change before each onset (appended by both
  composers, like the gaps);
* rows older than the window asked, from a tool windowed by whole days, are left out and counted
  (:mod:`window_rows`);
* any other table keeps at most :data:`~opsuite_ops.domain.call_facts.MAX_TABLE_ROWS` rows: the newest
  when it has a time column, otherwise the first.

Each cut (a table showing fewer rows than its call returned with facts left out, or more series than
:data:`~opsuite_ops.domain.call_facts.MAX_SERIES` described) is reported in ``Composition.truncated`` (a
TRUNCATED reason for the answer status), except a table whose every row a ranking read ("the lowest battery
across all sites": the rows left out hold no part of the answer); the trace keeps the call's whole output.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from opsuite_common.errors import OpsuiteError
from opsuite_ops.domain.aggregate import (
    Ranked,
    asks_count,
    asks_ranking,
    asks_sum,
    count,
    counted_about,
    counted_by_name,
    counted_head,
    counted_named,
    counts_initials,
    rank_column,
    rank_score,
    ranked_key,
    ranking,
    summed_over_window,
    summed_per,
    uncounted,
)
from opsuite_ops.domain.anchors import anchored_timeline, find_anchor, first_times, read_from
from opsuite_ops.domain.asked_rows import off_subject_cuts
from opsuite_ops.domain.bm25 import stem
from opsuite_ops.domain.call_facts import (
    NO_ROWS_IN_WINDOW,
    TABLE_CUT,
    CallFacts,
    analyse_call,
    call_source,
    call_title,
    plain_number,
    summarise,
    thing_names,
)
from opsuite_ops.domain.chat import ChatModel
from opsuite_ops.domain.comparison import absent_sides
from opsuite_ops.domain.crossing import first_crossings
from opsuite_ops.domain.model import (
    AnswerReason,
    AnswerStatusReason,
    Block,
    BlockKind,
    CallRecord,
    Gap,
    Reference,
    Tool,
)
from opsuite_ops.domain.oddities import oddities
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.row_counts import asks_most_of, counted_rows
from opsuite_ops.domain.series_format import parse_time
from opsuite_ops.domain.timeline import ChangeEvent, Onset, Timeline, asks_for_onset, build_timeline
from opsuite_ops.domain.totals import column_totals
from opsuite_ops.domain.window_rows import asked_start

__all__ = [
    "Composer",
    "Composition",
    "DeterministicComposer",
    "LlmComposer",
    "blocks_for_call",
    "gap_text",
    "reference_for",
    "table_cut",
]


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


def blocks_for_call(call: CallRecord) -> list[Block]:
    """The blocks one successful call contributes (recognised from the shape of its output)."""
    return analyse_call(call).blocks


def reference_for(call: CallRecord, blocks: Sequence[Block]) -> Reference:
    """Which tool call produced which fact (its blocks' summaries), with its execution id."""
    fact = "; ".join(summarise(b) for b in blocks) or "no data"
    return Reference(call.tool, call.call_id, call.step_id, call.execution_id, f"{call_title(call)}: {fact}")


def table_cut(call: CallRecord, blocks: Sequence[Block] = ()) -> AnswerStatusReason | None:
    """The first TRUNCATED reason of ``call``'s output as composed (None when nothing is left out)."""
    cuts = analyse_call(call).cuts
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
        if values and all(plain_number(v) is not None for v in values) and not (low == "id" or low.endswith("_id")):
            out.append(col)
    return out


def _row_label(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], row: Mapping[str, Any]) -> str:
    """What names a row among the others: its short string columns (names such as "Blue 4", not text) with a
    distinct value per row (at most 2), else every short string column (at most 3)."""
    short = [c for c in columns if all(isinstance(v := r.get(c), str) and 0 < len(v) <= 40 and v.count(" ") < 3
                                       and parse_time(v) is None for r in rows)]  # fmt: skip
    distinct = [c for c in short if len({r.get(c) for r in rows}) == len(rows)]
    return ", ".join(f"{c}={row.get(c)}" for c in (distinct[:2] or short[:3]))


def _rankings(question: str, per_call: Sequence[tuple[CallRecord, CallFacts]]) -> list[tuple[str, tuple[str, ...]]]:
    """For a ranking question, the order over each tool's rows (see :mod:`aggregate`)."""
    ask = asks_ranking(question, DEFAULT_SYNONYMS)
    if ask is None:
        return []
    by_tool: dict[str, list[tuple[CallRecord, CallFacts]]] = {}
    for call, facts in per_call:
        if facts.rows:
            by_tool.setdefault(call.tool, []).append((call, facts))
    out: list[tuple[str, tuple[str, ...]]] = []
    columns: dict[str, str] = {}
    for tool, items in by_tool.items():
        candidates = list(
            dict.fromkeys(
                c
                for _call, f in items
                for c in (f.series.value_columns if f.series is not None else _numeric_columns(f.columns, f.rows))
            )
        )
        if (column := rank_column(ask, candidates)) is not None:
            columns[tool] = column
    # Only the tools whose column names the measure best ("state of health" is sohPct, not another batteryPct).
    top = max((rank_score(ask, c) for c in columns.values()), default=0)
    for tool, items in by_tool.items():
        several = len(items) > 1
        column = columns.get(tool)
        if column is None or rank_score(ask, column) < top:
            continue
        entries: list[Ranked] = []
        how = set()
        for call, f in items:
            prefix = _name_args(call) if several else ""
            key = ranked_key(question, f.columns)
            # "which turbine lost the most hours": summed per the thing asked, whatever series the rows make
            summed = summed_per(key, column, f.rows) if key and (f.series is None or asks_sum(question)) else None
            if summed is not None:
                how.add(f"{column} summed per {key}")
                entries.extend(Ranked(", ".join(p for p in (prefix, e.label) if p), e.value) for e in summed)
            elif f.series is not None:
                # "the most detection failures this past week": a count added up over the window, per series
                total = summed_over_window(question, column, f.rows)
                how.add(f"{column} summed over each series" if total else "the latest value of each series")
                for s in f.series.series:
                    if s.column == column:
                        label = ", ".join(p for p in (prefix, s.group) if p) or s.name
                        entries.append(Ranked(label, round(s.mean * s.count, 6) if total else s.latest))
            else:
                how.add("each row")
                for row in f.rows:
                    if (v := plain_number(row.get(column))) is not None:
                        label = ", ".join(p for p in (prefix, _row_label(f.columns, f.rows, row)) if p)
                        entries.append(Ranked(label or column, v))
        if any(isinstance(c.output, Mapping) and c.output.get("truncated") is True for c, _f in items):
            how.add("over the rows that came back: the API cut the result at its row limit")
        source = f"{tool}()" if several else call_source(items[0][0])
        text = ranking(
            ask, column, entries, source + (f", {len(items)} calls" if several else ""), "; ".join(sorted(how))
        )
        if text:
            out.append((text, tuple(call.call_id for call, _f in items)))
    # "which pump threw the most alarms": an event log's rows counted per pump (no column of its measures them)
    calls = [(c.tool, (c.call_id,), f.columns, f.rows, c.arguments) for c, f in per_call if f.rows]
    out.extend(counted_rows(question, ask, calls, ranked=frozenset(columns)))
    return out


def _counts(
    question: str, per_call: Sequence[tuple[CallRecord, CallFacts]], tools: Mapping[str, Tool] | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """For a "how many" question, the rows of each call that is no series table, in the asked window, of the
    tools whose name is the word counted (or whose description says it has one row per such thing); with no
    such tool, the column totals of the calls whose rows have a column of the things counted."""
    if not asks_count(question):
        return []
    counted = [(c, f) for c, f in per_call if f.series is None and isinstance(c.output, (Mapping, list))]
    # Only the calls of the tools whose name says what is counted ("how many backups": backup_runs).
    named = [(c, f) for c, f in counted
             if counted_by_name(question, c.tool) or _one_row_per(question, (tools or {}).get(c.tool))
             or counts_initials(question, f.rows)]  # fmt: skip
    if not named:
        # "how many robots across all the DCs" over a listing of sites: their ``robots`` column counts them
        return [(t, (c.call_id,)) for c, f in counted if (t := column_totals(question, f.rows, c.tool, call_title(c)))]
    # "how many customer tickets": customer_tickets, not customer_cages (the tools naming more of the words)
    naming = {c.tool: len(counted_named(question, c.tool)) for c, _f in named}
    named = [(c, f) for c, f in named if naming[c.tool] == max(naming.values())]
    out: list[tuple[str, tuple[str, ...]]] = []
    for call, facts in named:
        if (totals := column_totals(question, facts.rows, call.tool, call_title(call))) is not None:
            out.append((totals, (call.call_id,)))  # "how many nodes" over a listing of pools: their columns
            continue
        n, how = count(question, facts.rows, call.arguments)
        rows_of = f"of the {len(facts.rows)} rows of {call_title(call)}, those with {how}" if how else ""
        what = f" ({rows_of or f'the rows of {call_title(call)}'})"
        if isinstance(call.output, Mapping) and call.output.get("truncated") is True:
            what += " (at least: the API cut the result at its row limit)"  # a count over cut rows is a floor
        out.append((f"Count: {n}{what}", (call.call_id,)))
    return out


_ROW_PER = re.compile(r"\bone row (?:per|for each|for every|a|an|each) ([a-z]+)", re.IGNORECASE)


def _one_row_per(question: str, tool: Tool | None) -> bool:
    """Whether ``tool``'s description says it has one row per thing counted ("Product holds, one row per lot" for
    "how many lots are on hold")."""
    head = counted_head(question)[0]
    m = _ROW_PER.search(tool.description) if tool is not None and head else None
    if m is None and tool is not None and head:
        m = _ROWS_ARE.match(tool.description)  # "MEL deferred defects (DDL-nnnn): aircraft, ..." for "how many defects"
    return m is not None and stem(m.group(1).lower()) == stem(head.lower())


#: A description opening with what its rows are, then its columns: "MEL deferred defects (DDL-nnnn): aircraft, ...".
_ROWS_ARE = re.compile(
    r"\s*(?:(?!(?:per|by|for|of|in|on|at|from|with)\b)[A-Za-z][\w-]*\s+){0,4}?"
    r"(?!(?:per|by|for|of|in|on|at|from|with)\b)([A-Za-z]+)(?:\s*\([^()]{0,40}\))?\s*:"
)


#: A "which ... the most Ys" whose rows no column measures and no count of them ranks.
_UNRANKED = "which one has the most is not worked out: no column of the rows measures it and no count of them ranks it"

#: The onset asked for ("since when has it been failing") that no returned series shows.
_NO_ONSET = "no series with an onset was returned: when it started is not known"


def _gives_reasons(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether rows carry their own reason (a ``reason`` or ``cause`` column, filled in every row)."""
    cols = [c for c in columns if c.lower() in ("reason", "cause", "root_cause", "why")]
    said = [[str(r.get(c) or "").strip().lower() for r in rows] for c in cols]
    return bool(rows) and any(all(v and v not in _PLACEHOLDERS for v in values) for values in said)


#: Values that give no reason at all.
_PLACEHOLDERS = frozenset({"unknown", "n/a", "na", "-", "none", "null", "tbc", "tbd", "?", "pending"})


def _facts(question: str, calls: Sequence[CallRecord], tools: Mapping[str, Tool] | None = None) -> _Facts:
    out = _Facts([], [], [])
    onsets: list[Onset] = []
    changes: list[ChangeEvent] = []
    sources: list[str] = []
    per_call: list[tuple[CallRecord, CallFacts]] = []
    read: list[tuple[str, datetime]] = []  # each change source's window start
    anchor = find_anchor(question, calls, tools)  # "before IR-1 was opened": that record's time
    for call in calls:
        if not call.ok:
            continue
        tool = (tools or {}).get(call.tool)
        try:
            facts = analyse_call(call, tool, asked_start(question, call, tool), question, anchor)
        except (ArithmeticError, statistics.StatisticsError):  # a tenant's numbers too large to summarise
            why = f"{call_title(call)} returned numbers too large to summarise; the run's trace keeps its output"
            facts = CallFacts([], why, [AnswerStatusReason(AnswerReason.NOT_COVERED, why, call.tool, call.step_id)])
        per_call.append((call, facts))
        out.blocks.extend(facts.blocks)
        out.refs.append(Reference(call.tool, call.call_id, call.step_id, call.execution_id, facts.fact))
        out.cuts.extend(off_subject_cuts(question, facts.rows, facts.blocks, facts.cuts))
        onsets.extend(facts.onsets)
        if facts.changes is not None:
            changes.extend(facts.changes)
            sources.append(call_title(call))
            if anchor is not None and (start := read_from(call, tool)) is not None:
                read.append((call_title(call), start))
    rankings = _rankings(question, per_call)
    crossed, unseen = first_crossings(question, [(c, f.series, f.rows) for c, f in per_call if f.series is not None])
    if not rankings and asks_most_of(question) and any(f.rows for _c, f in per_call):
        # "which pump threw the most occlusion alarms": rows came back, but nothing counted or ranked them
        out.cuts.append(AnswerStatusReason(AnswerReason.NOT_COVERED, _UNRANKED))
    counts = _counts(question, per_call, tools)
    if asks_count(question) and not counts and not rankings:  # "how many pages" over an on-call rota's rows
        said = [w for c, f in per_call for w in (c.tool.replace("_", " "), *f.columns, *_about(tools, c.tool))]
        if lacking := uncounted(question, said):
            out.cuts.append(AnswerStatusReason(AnswerReason.NOT_COVERED, lacking))
    absent = absent_sides(question, [(c, call_title(c), f.columns, f.rows) for c, f in per_call])
    tables = [(c.call_id, call_title(c), f.series) for c, f in per_call if f.series is not None]
    odd = oddities(question, tables, any(f.series is None and f.onsets for _c, f in per_call))
    out.derived = [*rankings, *counts, *crossed, *absent, *odd]
    filtered = [text.split(", those with ", 1)[1] for text, _ids in counts if ", those with " in text]
    if (topic := counted_about(question)) and not any(
        re.search(rf"(?<![\w-]){re.escape(stem(topic))}", f, re.IGNORECASE) for f in filtered
    ):
        # "how many tickets about temps": no count filtered on it (no column says which rows are about it)
        out.cuts.append(AnswerStatusReason(AnswerReason.NOT_COVERED, f'how many of the rows are about "{topic}" no '
                                           "count worked out: no column of theirs says"))  # fmt: skip
    out.cuts.extend(unseen)
    # A ranking read every row its calls returned: the rows a table leaves out hold no part of the answer asked.
    ranked = {c.step_id for c, _f in per_call if any(c.call_id in ids for _t, ids in rankings)}
    out.cuts = [c for c in out.cuts if not (c.step_id in ranked and c.detail.startswith(TABLE_CUT))]
    # A call with no rows in the asked window adds nothing to another call's rows on the same thing.
    named = {c.call_id: thing_names(c, (tools or {}).get(c.tool)) for c, _f in per_call}
    answered = {v for c, f in per_call if f.rows for v in named[c.call_id]}
    empty = {c.step_id for c, f in per_call if not f.rows and named[c.call_id] & answered}
    out.cuts = [c for c in out.cuts if not (c.step_id in empty and NO_ROWS_IN_WINDOW in c.detail)]
    # "what changed before IR-1 was opened": the record's own time is the onset (anchors.py)
    out.timeline = anchored_timeline(question, changes, onsets, sources, anchor, read) or build_timeline(
        question, changes, onsets, sources
    )
    if out.timeline is not None:
        out.blocks.append(Block(BlockKind.MARKDOWN, title="Timeline", markdown=out.timeline.text))
        # the cause asked for cannot be placed: not a complete answer, unless the rows say their own reasons
        # ("which lots are on hold and why": each hold's reason)
        if out.timeline.missing and not any(_gives_reasons(f.columns, f.rows) for _c, f in per_call):
            out.cuts.append(AnswerStatusReason(AnswerReason.NOT_COVERED, out.timeline.missing))
    tabled = [(call_title(c), c, (tools or {}).get(c.tool), f.columns, f.rows) for c, f in per_call if not f.series]
    if not onsets and asks_for_onset(question):  # the start asked for: no series says when, unless rows' first times
        first = first_times(tabled)
        out.derived.extend([first] if first else [])
        out.cuts.extend([] if first else [AnswerStatusReason(AnswerReason.NOT_COVERED, _NO_ONSET)])
    return out


def _about(tools: Mapping[str, Tool] | None, name: str) -> tuple[str, ...]:
    tool = (tools or {}).get(name)
    return (tool.description, *tool.tags) if tool is not None else ()


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
