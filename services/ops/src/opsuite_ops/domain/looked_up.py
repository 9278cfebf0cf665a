"""A required parameter the question does not give, read from the rows a look-up of the same run returned.

"compressor A vib over the last 8 hrs": the historian's trend tool needs a tag, which the question names only by
what it measures; the tag directory the plan asked lists every tag with its description and equipment. When a
matching tool was left out of the plan for such a parameter (its reason carries ``param``) and a call of the run
returned a column of that name, the rows whose values the question's words match best give the value:

* a row scores one point per word of the question its values hold (stems, with the planner's synonyms: "vib" is
  vibration; clipped: "realloc" of "reallocated"), a code typed whole ("23-KA-201") as one word, plus one per
  pair of adjacent words it holds as they were typed ("compressor a" is not "compressor b"); bare numbers ("8
  hrs") count for nothing;
* the rows of the best score give one call each, only when they are few (:data:`MAX_PICKS` values at most) and
  the best score is above zero: otherwise the question does not single a row out and the reason stands; a
  comparison ("wave vs cfm vswr") picks for each side, without the other sides' words, among the rows holding it,
  and nothing unless every side gets its rows;
* a look-up that returned the column but no row the words match, because the plan gave it a filter ("spikes"),
  is asked once more with no arguments (the whole list, as capped by its API).

Nothing here knows a tool or a column by name: the parameter's own name is the column looked for. The answer
says which value was taken from which row (a reading), so a wrong pick is visible.
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
from opsuite_ops.domain.model import AnswerStatusReason, CallRecord, Plan, PlanStep, Tool
from opsuite_ops.domain.param_kinds import is_search_param
from opsuite_ops.domain.plan_builder import PlanBuilder
from opsuite_ops.domain.planning import PlanRequest

__all__ = ["MAX_PICKS", "Pick", "awaited", "follow_up", "picks", "question_terms", "row_score", "typed_pairs"]

#: Most values (calls) one left-out tool gets from a look-up's rows.
MAX_PICKS = 3
#: Rows of one call read, and characters of one row.
_MAX_ROWS = 500
_MAX_ROW_CHARS = 2000
_MAX_QUESTION = 2000
_TERM = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
_WORD = re.compile(r"[a-z0-9]+")


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
        return (
            f"{self.tool} was asked for {self.param}={self.value}, from the row of {self.source} "
            f"the question's words match best ({said})"
        )


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


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
    want = _squash(param)
    return next((c for c in data["columns"] if isinstance(c, str) and _squash(c) == want), None)


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


def question_terms(question: str, synonyms: Mapping[str, tuple[str, ...]]) -> list[tuple[str, set[str]]]:
    """Each word (or whole code) of ``question`` with the forms a row may hold it in (its synonyms' too)."""
    seen: dict[str, set[str]] = {}
    for term in _terms(question[:_MAX_QUESTION]):
        seen.setdefault(term, term_tokens(term, synonyms) | {term})
    return list(seen.items())


def typed_pairs(question: str) -> list[str]:
    """Adjacent words of ``question`` as typed ("compressor a"), but for pairs of stop words."""
    words = _WORD.findall(question[:_MAX_QUESTION].lower())
    pairs = (f"{a} {b}" for a, b in itertools.pairwise(words))
    return list(dict.fromkeys(p for p in pairs if not all(w in STOP_WORDS for w in p.split())))


def row_score(
    row: Mapping[str, Any], terms: Sequence[tuple[str, set[str]]], pairs: Sequence[str]
) -> tuple[int, tuple[str, ...]]:
    """How many of the question's words and typed pairs ``row`` holds, and the cells that held them."""
    cells = [str(v)[:_MAX_ROW_CHARS] for v in row.values() if v is not None and not isinstance(v, bool)]
    held = [(cell, set(_terms(cell, parts=True)), " ".join(_WORD.findall(cell.lower()))) for cell in cells]
    score, matched = 0, []
    for term, forms in terms:
        # (a word clipped as operators clip them counts too: "realloc" of "reallocated")
        hit = next((cell for cell, mine, _plain in held if forms & mine or clipped(term, frozenset(mine))), None)
        if hit is not None:
            score += 1
            matched.append(hit)
    for pair in pairs:
        hit = next((cell for cell, _mine, plain in held if re.search(rf"\b{re.escape(pair)}\b", plain)), None)
        if hit is not None:
            score += 1
            matched.append(hit)
    return score, tuple(dict.fromkeys(m[:60] for m in matched))


def picks(
    question: str, tool: Tool, param: str, records: Sequence[CallRecord], synonyms: Mapping[str, tuple[str, ...]]
) -> list[Pick]:
    """The values of ``param`` the question singles out in the rows of the run's calls (see the module); for a
    comparison ("wave vs cfm"), those of each side (read without the other sides' words) that hold that side."""
    terms = question_terms(question, synonyms)
    sides = [{t for t, _f in question_terms(side, synonyms)} for side in compared_sides(question)]
    pairs = typed_pairs(question)
    if len(sides) < 2:
        return _best(tool, param, records, terms, pairs, set())
    out: dict[str, Pick] = {}
    for k, side in enumerate(sides):
        others = set().union(*(o for j, o in enumerate(sides) if j != k)) - side
        mine = [t for t in terms if t[0] not in others]
        apart = [p for p in pairs if not {stem(w) for w in p.split()} & others]
        found = _best(tool, param, records, mine, apart, side)
        if not found:
            return []  # one side alone would compare nothing: the reason stands
        for pick in found:
            out.setdefault(str(pick.value), pick)
    return list(out.values())


def _best(
    tool: Tool,
    param: str,
    records: Sequence[CallRecord],
    terms: Sequence[tuple[str, set[str]]],
    pairs: Sequence[str],
    side: set[str],
) -> list[Pick]:
    forms = {f for t, f_ in terms if t in side for f in f_}
    best: dict[str, tuple[int, Pick]] = {}
    for rec in records:
        column = _column(rec.output, param) if rec.ok and rec.tool != tool.name else None
        if column is None:
            continue
        for row in _rows(rec.output):
            value = row.get(column)
            if value is None or value == "" or isinstance(value, bool | dict | list):
                continue
            if side and not any(forms & set(_terms(str(v), parts=True)) for v in row.values() if v is not None):
                continue  # a row of a comparison's side holds that side
            score, matched = row_score(row, terms, pairs)
            key = str(value)
            if score > 0 and score > best.get(key, (0, None))[0]:
                best[key] = (score, Pick(tool.name, param, value, rec.tool, matched))
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
    records: Callable[[], Sequence[CallRecord]],
    tools: Mapping[str, Tool],
    planner: DeterministicPlanner,
    request: PlanRequest,
    run: Callable[[Plan], Awaitable[None]],
) -> tuple[list[str], set[str], set[str]]:
    """Ask the left-out tools with the values the run's look-ups give (``run`` executes a plan): the readings to
    state, the tools asked (their "not given" reasons no longer stand) and the steps of the searches whose whole
    list gave a value (what they searched for was the planner's guess, not a part of the question)."""
    waiting = awaited(reasons, tools, records())
    if not waiting:
        return [], set(), set()
    synonyms = planner.config.synonyms
    chosen = {(t.name, p): picks(question, t, p, records(), synonyms) for t, p in waiting}
    again = {s.tool: s for t, p in waiting if not chosen[(t.name, p)] for s in _again(t, p, records(), tools)}
    if again:
        await run(Plan(tuple(again.values()), planner="look-up", rationale="whole lists"))
        chosen = {(t.name, p): chosen[(t.name, p)] or picks(question, t, p, records(), synonyms) for t, p in waiting}
    entities = planner.entities(request, vocabulary(request.tools))
    builder = PlanBuilder(request, entities, planner.config, [(t, 0.0) for t, _p in waiting])
    made: list[Pick] = []
    for tool, param in waiting:
        for pick in chosen[(tool.name, param)]:
            if builder.add(tool, 0.0, [], given={param: pick.value}):
                made.append(pick)
    if not builder.steps:
        return [], set(), set()
    await run(Plan(tuple(builder.steps), planner="look-up", rationale="values from the run's look-ups"))
    sources = {p.source for p in made}
    searches = {s.id.removesuffix("-all") for s in again.values() if s.tool in sources}
    return [p.sentence() for p in made], {s.tool for s in builder.steps}, searches
