"""Phase 7, compose: blocks from call outputs, references, and the answer text.

Block shapes are recognised from the data: ``{"series"|"points": [{"t", "v"}...]}`` is a
timeseries, a list of objects or ``{"rows": [...]}`` a table, a number or ``{"value": n, "unit"}``
a number, text is markdown, any other object a two-column table. The deterministic composer writes
one line per fact plus a plain "could not find" paragraph per gap; the LLM composer asks the model
for the summary and still appends the same gap paragraph, so gaps are never glossed over. A table
block keeps at most :data:`MAX_TABLE_ROWS` rows: each cut is reported in ``Composition.truncated``
(a TRUNCATED reason for the answer status); the trace keeps the call's whole output.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from opsuite_common.errors import OpsuiteError
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
)

__all__ = [
    "MAX_TABLE_ROWS",
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


@dataclass(frozen=True, slots=True)
class Composition:
    """The composed answer; ``truncated`` says which table blocks show only part of their call's rows."""

    answer: str
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    composer: str
    note: str = ""
    truncated: tuple[AnswerStatusReason, ...] = ()


class Composer(Protocol):
    """Writes the answer from successful calls and gaps."""

    async def compose(self, question: str, calls: Sequence[CallRecord], gaps: Sequence[Gap]) -> Composition:
        """The answer for ``question``."""
        ...


def _fmt_args(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items())


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


def _rows(data: Any) -> tuple[list[str], list[tuple[Any, ...]]] | None:
    rows = data.get("rows") if isinstance(data, Mapping) else data
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        return None
    columns = list(data.get("columns") or []) if isinstance(data, Mapping) else []
    for r in rows:
        columns.extend(k for k in r if k not in columns)
    return columns, [tuple(r.get(c) for c in columns) for r in rows]


def blocks_for_call(call: CallRecord) -> list[Block]:
    """The blocks one successful call contributes (recognised from the shape of its output)."""
    data, title, ids = call.output, f"{call.tool}({_fmt_args(call.arguments)})", (call.call_id,)
    unit = str(data.get("unit", "")) if isinstance(data, Mapping) else ""
    if (series := _series(data)) is not None:
        return [Block(BlockKind.TIMESERIES, title=title, series=tuple(series), unit=unit, call_ids=ids)]
    if (table := _rows(data)) is not None:
        cols, rows = table
        return [
            Block(BlockKind.TABLE, title=title, columns=tuple(cols), rows=tuple(rows[:MAX_TABLE_ROWS]), call_ids=ids)
        ]
    value = _num(data) if not isinstance(data, Mapping) else _num(data.get("value"))
    if value is not None:
        return [Block(BlockKind.NUMBER, title=title, value=value, unit=unit, call_ids=ids)]
    if isinstance(data, str):
        return [Block(BlockKind.MARKDOWN, title=title, markdown=data, call_ids=ids)]
    if isinstance(data, Mapping):
        rows2 = tuple(
            (str(k), json.dumps(v, default=str) if isinstance(v, (dict, list)) else v) for k, v in data.items()
        )
        return [Block(BlockKind.TABLE, title=title, columns=("field", "value"), rows=rows2, call_ids=ids)]
    return [Block(BlockKind.MARKDOWN, title=title, markdown=f"`{json.dumps(data, default=str)}`", call_ids=ids)]


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
        head = "; ".join(", ".join(f"{c}={v}" for c, v in zip(block.columns, r, strict=False)) for r in block.rows[:3])
        more = f" (+{len(block.rows) - 3} more)" if len(block.rows) > 3 else ""
        return f"{len(block.rows)} rows" + (f": {head}{more}" if head else "")
    return block.markdown.strip().splitlines()[0][:200] if block.markdown.strip() else ""


def reference_for(call: CallRecord, blocks: Sequence[Block]) -> Reference:
    """Which tool call produced which fact, with its execution id."""
    fact = "; ".join(summarise(b) for b in blocks) or "no data"
    return Reference(
        call.tool, call.call_id, call.step_id, call.execution_id, f"{call.tool}({_fmt_args(call.arguments)}): {fact}"
    )


def table_cut(call: CallRecord, blocks: Sequence[Block]) -> AnswerStatusReason | None:
    """A TRUNCATED reason when a table block of ``call`` shows fewer rows than the call returned."""
    table = _rows(call.output)
    shown = next((len(b.rows) for b in blocks if b.kind is BlockKind.TABLE), None)
    if table is None or shown is None or len(table[1]) <= shown:
        return None
    total = len(table[1])
    return AnswerStatusReason(
        AnswerReason.TRUNCATED,
        f"the table from {call.tool}({_fmt_args(call.arguments)}) has {total} rows and the answer shows the "
        f"first {shown}; the run's trace keeps the call's whole output",
        call.tool,
        call.step_id,
    )


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


def _facts(calls: Sequence[CallRecord]) -> _Facts:
    out = _Facts([], [], [])
    for call in calls:
        if not call.ok:
            continue
        bs = blocks_for_call(call)
        out.blocks.extend(bs)
        out.refs.append(reference_for(call, bs))
        if (cut := table_cut(call, bs)) is not None:
            out.cuts.append(cut)
    return out


class DeterministicComposer:
    """Answer text from block summaries, without any model."""

    name = "deterministic"

    async def compose(self, question: str, calls: Sequence[CallRecord], gaps: Sequence[Gap]) -> Composition:
        """The answer: one line per fact, then the gaps."""
        facts = _facts(calls)
        if facts.refs:
            lines = [f'For "{question}":']
            lines.extend(f"- {r.fact} [{r.call_id}]" for r in facts.refs)
            text = "\n".join(lines)
        else:
            text = f'I could not answer "{question}": no tool returned data.'
        if gaps:
            text += "\n\n" + gap_text(gaps)
        return _finish(text, facts, self.name)


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

    async def compose(self, question: str, calls: Sequence[CallRecord], gaps: Sequence[Gap]) -> Composition:
        """The LLM summary plus the deterministic gap paragraph and references."""
        facts = _facts(calls)
        if not facts.refs:
            return await self.fallback.compose(question, calls, gaps)
        given = [{"ref": r.call_id, "fact": r.fact} for r in facts.refs]
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
            out = await self.fallback.compose(question, calls, gaps)
            return dataclasses.replace(out, note=f"LLM summary failed: {exc.message}")
        if not text:
            out = await self.fallback.compose(question, calls, gaps)
            return dataclasses.replace(out, note="LLM returned an empty summary")
        if gaps:
            text += "\n\n" + gap_text(gaps)
        return _finish(text, facts, self.name)
