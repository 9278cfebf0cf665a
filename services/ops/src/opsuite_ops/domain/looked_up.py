"""A required parameter the question does not give, read from the rows a look-up of the same run returned.

"compressor A vib over the last 8 hrs": the historian's trend tool needs a tag, which the question names only by
what it measures; the tag directory the plan asked lists every tag with its description and equipment. When a
matching tool was left out of the plan for such a parameter (its reason carries ``param``) and a call of the run
returned a column of that name, the rows whose values the question's words match best give the value:

* a row scores one point per word of the question its values hold (stems, with the planner's synonyms: "vib" is
  vibration; clipped: "realloc" of "reallocated"), a code typed whole ("23-KA-201") as one word, plus one per
  pair of adjacent words it holds as they were typed ("compressor a" is not "compressor b"); bare numbers ("8
  hrs") count for nothing, but a thing the question names with a number ("fermenter 5") must be the row's own;
* the rows of the best score give one call each, only when they are few (:data:`MAX_PICKS` values at most) and
  the best score is above zero: otherwise the question does not single a row out and the reason stands; a
  comparison ("wave vs cfm vswr") picks for each side, without the other sides' words, among the rows holding it,
  and nothing unless every side gets its rows;
* a look-up that returned the column but no row the words match, because the plan gave it a filter ("spikes"),
  is asked once more with no arguments (the whole list, as capped by its API).

Nothing here knows a tool or a column by name: the parameter's own name is the column looked for. The answer
says which value was taken from which row (a reading), so a wrong pick is visible. The work is bounded: at most
500 rows and 200,000 characters of a call are read (a call with more singles out no row), 40 cells of a row,
24 words and pairs of the question, and the calls made stay within the budget's ``max_steps``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, stem
from opsuite_ops.domain.comparison import compared_sides
from opsuite_ops.domain.coverage import clipped, term_tokens, vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import name_key
from opsuite_ops.domain.model import AnswerStatusReason, CallRecord, Plan, PlanStep, Tool
from opsuite_ops.domain.param_kinds import is_search_param
from opsuite_ops.domain.plan_builder import PlanBuilder
from opsuite_ops.domain.planning import PlanRequest

__all__ = [
    "MAX_PICKS",
    "FollowUp",
    "Pick",
    "awaited",
    "follow_up",
    "numbered",
    "picks",
    "question_terms",
    "row_score",
    "typed_pairs",
]

#: Most values (calls) one left-out tool gets from a look-up's rows.
MAX_PICKS = 3
#: Rows of one call read, and characters of one row.
_MAX_ROWS = 500
_MAX_ROW_CHARS = 2000
_MAX_CELLS = 40
#: Characters of one call's rows read, and words (and pairs) of the question looked for.
_MAX_CHARS = 200_000
_MAX_WORDS = 24
_MAX_QUESTION = 2000
_TERM = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
_WORD = re.compile(r"[a-z0-9]+")
#: A thing and its number ("fermenter 5"), not a time or a count ("6 hrs", "top 5").
_NUMBERED = re.compile(
    r"\b([a-z][a-z-]*)\s+(\d+)\b(?!\s*(?:h|hrs?|hours?|m|mins?|minutes?|d|days?|w|wks?|weeks?|s|secs?|ms|%)\b)"
)
_NOT_A_THING = frozenset({"last", "past", "next", "over", "within", "top", "first", "every", "since", "about"})


@dataclass(frozen=True, slots=True)
class Pick:
    """One value of ``param`` for ``tool``, from the row of ``source`` the question's words match best."""

    tool: str
    param: str
    value: Any
    source: str
    matched: tuple[str, ...]

    def sentence(self) -> str:
        said = ", ".join(self.matched)
        value = " ".join(str(self.value)[:200].split())  # (a row's text: no line breaks into the answer)
        return (
            f"{self.tool} was asked for {self.param}={value}, from the row of {self.source} "
            f"the question's words match best ({said})"
        )


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What :func:`follow_up` did: the readings to state, the tools asked (their "not given" reasons no longer
    stand), the steps of the searches whose whole list gave a value (what they searched for was the planner's
    guess, not a part of the question), and what the calls made could not express (reasons of their own)."""

    readings: tuple[str, ...] = ()
    asked: frozenset[str] = frozenset()
    searches: frozenset[str] = frozenset()
    reasons: tuple[AnswerStatusReason, ...] = ()


def awaited(
    reasons: Sequence[AnswerStatusReason], tools: Mapping[str, Tool], records: Sequence[CallRecord]
) -> list[tuple[Tool, str]]:
    """The tools left out for a parameter the question does not give that no call of the run has asked."""
    called = {r.tool for r in records}
    out: list[tuple[Tool, str]] = []
    for r in reasons:
        tool = tools.get(r.tool)
        if r.param and tool is not None and tool.name not in called and (tool, r.param) not in out:
            out.append((tool, r.param))
    return out


def _column(data: Any, param: str) -> str | None:
    if not isinstance(data, Mapping) or not isinstance(data.get("columns"), list):
        return None
    want = name_key(param)
    return next((c for c in data["columns"] if isinstance(c, str) and name_key(c) == want), None)


def _rows(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = data.get("rows")
    return [r for r in rows[:_MAX_ROWS] if isinstance(r, Mapping)] if isinstance(rows, list) else []


def _terms(text: str, *, parts: bool = False) -> list[str]:
    """Words (stemmed, no stop words, no bare numbers) and whole codes ("23-ka-201") of ``text``; with ``parts``
    a code's words too (a row's "fraud-v43" holds the question's "v43")."""
    out = []
    for m in _TERM.findall(text.lower()):
        code = any(c in m for c in "-/") and any(c.isdigit() for c in m)
        if code:
            out.append(m)
        if not code or parts:
            out.extend(stem(w) for w in _WORD.findall(m) if w not in STOP_WORDS and not w.isdigit())
    return out


def _words(text: str) -> list[str]:
    """The words of ``text`` in lower case, numbers without their leading zeros ("BBT-01" holds "bbt 1")."""
    return [(w.lstrip("0") or "0") if w.isdigit() else w for w in _WORD.findall(text.lower())]


def question_terms(question: str, synonyms: Mapping[str, tuple[str, ...]]) -> list[tuple[str, set[str]]]:
    """Each word (or whole code) of ``question`` with the forms a row may hold it in (its synonyms' too)."""
    seen: dict[str, set[str]] = {}
    for term in _terms(question[:_MAX_QUESTION]):
        if len(seen) < _MAX_WORDS:
            seen.setdefault(term, term_tokens(term, synonyms) | {term})
    return list(seen.items())


def typed_pairs(question: str) -> list[str]:
    """Adjacent words of ``question`` as typed ("compressor a"), but for pairs of stop words."""
    pairs = (f"{a} {b}" for a, b in itertools.pairwise(_words(question[:_MAX_QUESTION])))
    return list(dict.fromkeys(p for p in pairs if not all(w in STOP_WORDS for w in p.split())))[:_MAX_WORDS]


def numbered(text: str) -> list[str]:
    """The things ``text`` names with a number ("fermenter 5", "tank 7"; not "last 6 hrs", "top 5"): a row singled
    out must hold each as typed."""
    out = [
        f"{m.group(1)} {m.group(2).lstrip('0') or '0'}"
        for m in _NUMBERED.finditer(text[:_MAX_QUESTION].lower())
        if m.group(1) not in STOP_WORDS and m.group(1) not in _NOT_A_THING
    ]
    return list(dict.fromkeys(out))[:_MAX_WORDS]


@dataclass(frozen=True, slots=True)
class _Cells:
    """One row read once: its cells, each cell's terms and adjacent word pairs, and all its terms."""

    cells: tuple[str, ...]
    terms: tuple[frozenset[str], ...]
    pairs: tuple[frozenset[str], ...]
    words: frozenset[str]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> _Cells:
        cells = tuple(str(v)[:_MAX_ROW_CHARS] for v in list(row.values())[:_MAX_CELLS] if v is not None)
        terms = tuple(frozenset(_terms(c, parts=True)) for c in cells)
        pairs = tuple(frozenset(f"{a} {b}" for a, b in itertools.pairwise(_words(c))) for c in cells)
        return cls(cells, terms, pairs, frozenset().union(*terms))


def row_score(
    row: Mapping[str, Any] | _Cells,
    terms: Sequence[tuple[str, set[str]]],
    pairs: Sequence[str],
    required: Sequence[str] = (),
) -> tuple[int, tuple[str, ...]]:
    """How many of the question's words and typed pairs ``row`` holds, and the cells that held them; 0 when it
    lacks a thing of ``required`` (see :func:`numbered`)."""
    read = row if isinstance(row, _Cells) else _Cells.of(row)
    if any(all(need not in mine for mine in read.pairs) for need in required):
        return 0, ()
    score, matched = 0, []
    for term, forms in terms:
        # (a word clipped as operators clip them counts too: "realloc" of "reallocated")
        if not (forms & read.words or (len(term) >= 4 and clipped(term, read.words))):
            continue
        score += 1
        cells = zip(read.cells, read.terms, strict=True)
        matched.append(next((c for c, mine in cells if forms & mine or any(w.startswith(term) for w in mine)), ""))
    for pair in pairs:
        k = next((k for k, mine in enumerate(read.pairs) if pair in mine), None)
        if k is not None:
            score += 1
            matched.append(read.cells[k])
    return score, tuple(dict.fromkeys(" ".join(m[:60].split()) for m in matched))


def picks(
    question: str,
    tool: Tool,
    param: str,
    records: Sequence[CallRecord],
    synonyms: Mapping[str, tuple[str, ...]],
    least: int = 1,
    read: dict[str, list[tuple[Mapping[str, Any], _Cells]]] | None = None,
) -> list[Pick]:
    """The values of ``param`` the question singles out in the rows of the run's calls (see the module); for a
    comparison ("wave vs cfm"), those of each side (read without the other sides' words) that hold that side.
    ``read`` keeps each call's rows once read (call id -> rows), for the next tool or parameter looked for."""
    terms = question_terms(question, synonyms)
    said = compared_sides(question)
    sides = [{t for t, _f in question_terms(side, synonyms)} for side in said]
    pairs = typed_pairs(question)
    rows = _read(tool, param, records, {} if read is None else read)
    if len(sides) < 2:
        return _best(rows, tool, param, terms, pairs, set(), numbered(question), least)
    out: dict[str, Pick] = {}
    for k, side in enumerate(sides):
        others = set().union(*(o for j, o in enumerate(sides) if j != k)) - side
        mine = [t for t in terms if t[0] not in others]
        apart = [p for p in pairs if not {stem(w) for w in p.split()} & others]
        found = _best(rows, tool, param, mine, apart, side, numbered(said[k]), least)
        if not found:
            return []  # one side alone would compare nothing: the reason stands
        for pick in found:
            out.setdefault(str(pick.value), pick)
    return list(out.values())


def _read(
    tool: Tool, param: str, records: Sequence[CallRecord], read: dict[str, list[tuple[Mapping[str, Any], _Cells]]]
) -> list[tuple[str, Any, _Cells]]:
    """(producer, value, the row read) of every row of the run's calls holding ``param``'s column; a call whose
    rows hold more than :data:`_MAX_CHARS` characters gives none."""
    out: list[tuple[str, Any, _Cells]] = []
    for rec in records:
        column = _column(rec.output, param) if rec.ok and rec.tool != tool.name else None
        if column is None:
            continue
        if rec.call_id not in read:
            read[rec.call_id] = _rows_read(rec.output)
        for row, cells in read[rec.call_id]:
            value = row.get(column)
            if not (value is None or value == "" or isinstance(value, bool | dict | list)):
                out.append((rec.tool, value, cells))
    return out


def _rows_read(output: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], _Cells]]:
    """Each row of a call's output read once; none when they hold more than :data:`_MAX_CHARS` characters (no row
    is singled out from a part of them)."""
    budget, out = _MAX_CHARS, []
    for row in _rows(output):
        cells = _Cells.of(row)
        budget -= sum(len(c) for c in cells.cells)
        if budget < 0:
            return []
        out.append((row, cells))
    return out


def _best(
    rows: Sequence[tuple[str, Any, _Cells]],
    tool: Tool,
    param: str,
    terms: Sequence[tuple[str, set[str]]],
    pairs: Sequence[str],
    side: set[str],
    required: Sequence[str],
    least: int = 1,
) -> list[Pick]:
    forms = {f for t, f_ in terms if t in side for f in f_}
    best: dict[str, tuple[int, Pick]] = {}
    for source, value, read in rows:
        if side and not forms & read.words:
            continue  # a row of a comparison's side holds that side
        score, matched = row_score(read, terms, pairs, required)
        key = str(value)
        if score >= least and score > best.get(key, (0, None))[0]:
            best[key] = (score, Pick(tool.name, param, value, source, matched))
    if not best:
        return []
    top = max(score for score, _p in best.values())
    chosen = [p for score, p in best.values() if score == top]
    return chosen if len(chosen) <= MAX_PICKS else []


def _again(tool: Tool, param: str, records: Sequence[CallRecord], tools: Mapping[str, Tool]) -> list[PlanStep]:
    """The look-ups that returned ``param``'s column for a call searching for words: asked once more with no
    arguments (a time window is no filter to lift: the same call without it keeps the tool's default)."""
    out: list[PlanStep] = []
    asked_whole = {r.tool for r in records if not r.arguments}
    for rec in records:
        producer = tools.get(rec.tool)
        if producer is None or producer.required or rec.tool == tool.name or rec.tool in asked_whole:
            continue
        searched = any(is_search_param(producer, k, producer.properties.get(k, {})) for k in rec.arguments)
        if rec.ok and searched and _column(rec.output, param) is not None and all(s.tool != rec.tool for s in out):
            out.append(PlanStep(f"{rec.step_id}-all", rec.tool, {}, (), f"{param} for {tool.name}: the whole list"))
    return out


async def follow_up(
    question: str,
    reasons: Sequence[AnswerStatusReason],
    spare: Sequence[AnswerStatusReason],
    records: Callable[[], Sequence[CallRecord]],
    tools: Mapping[str, Tool],
    planner: DeterministicPlanner,
    request: PlanRequest,
    run: Callable[[Plan], Awaitable[None]],
) -> FollowUp:
    """Ask the left-out tools with the values the run's look-ups give (``run`` validates and executes a plan);
    at most the budget's ``max_steps`` calls in all. A ``spare`` tool (left out, but no part of the question
    missing for it) is asked only for the one value the rows single out clearly (two points or more)."""
    waiting = awaited(reasons, tools, records())
    extra = [w for w in awaited(spare, tools, records()) if w not in waiting]
    if not waiting and not extra:
        return FollowUp()
    synonyms, limit = planner.config.synonyms, request.budget.max_steps
    read: dict[str, list[tuple[Mapping[str, Any], _Cells]]] = {}  # (each call's rows read once for every tool)

    def choose(tool: Tool, param: str) -> list[Pick]:
        if (tool, param) not in extra:
            return picks(question, tool, param, records(), synonyms, read=read)
        clear = picks(question, tool, param, records(), synonyms, least=2, read=read)
        return clear if len(clear) == 1 else []

    waiting = [*waiting, *extra]
    chosen = {(t.name, p): choose(t, p) for t, p in waiting}
    again = {s.tool: s for t, p in waiting if not chosen[(t.name, p)] for s in _again(t, p, records(), tools)}
    if again:
        await run(Plan(tuple(again.values())[:limit], planner="look-up", rationale="whole lists"))
        chosen = {(t.name, p): chosen[(t.name, p)] or choose(t, p) for t, p in waiting}
    entities = planner.entities(request, vocabulary(request.tools))
    builder = PlanBuilder(request, entities, planner.config, [(t, 0.0) for t, _p in waiting])
    made: list[Pick] = []
    for tool, param in waiting:
        for pick in chosen[(tool.name, param)]:
            if len(builder.steps) < limit and builder.add(tool, 0.0, [], given={param: pick.value}):
                made.append(pick)
    steps = builder.steps[:limit]
    if not steps:
        return FollowUp()
    await run(Plan(tuple(steps), planner="look-up", rationale="values from the run's look-ups"))
    ran = {s.id for s in steps} & {r.step_id for r in records()}  # (a plan the validation refused ran nothing)
    asked = frozenset(s.tool for s in steps if s.id in ran)
    made = [p for p in made if p.tool in asked]
    sources = {p.source for p in made}
    searches = frozenset(s.id.removesuffix("-all") for s in again.values() if s.tool in sources)
    said = (*(p.sentence() for p in made), *builder.readings)
    return FollowUp(said, asked, searches, tuple(r for r in builder.dropped if r.tool in asked))
