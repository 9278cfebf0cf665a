"""Comparisons: "X vs Y" is complete only when every side it compares came back.

A question comparing named things ("queue wait linux-small vs arm64", "cpu of web-03 vs web-02", "compare
the hit ratio of A and B") is asked of each side: one call per side (see :mod:`fill`). When a tool answered
for one side and has no call with data for another (never called for it, failed, or empty), the answer
compares nothing: :func:`one_sided` gives a NOT_COVERED reason naming the missing side, so the answer is
PARTIAL, never COMPLETE.

The sides are the words right around "vs"/"versus" ("compared to/with"), or around the "and"/"with" after
"compare"; a side matches a call's argument when it is the argument, its last path segment or a whole part
of it ("billing" for ``quill/billing-svc``); a chat word ("rn") is no side. English question form only; no
tool or estate names.

A side that is a plain word no tool knows and no inventory lists ("speedy vs rapid", where only the
outcomes' rows name their recipient domains) is a thing compared, not a topic no tool reports
(:func:`compared_words`): the tools are called without it, the answer reads first the groups whose values
have it as a part, and :func:`unseen_sides` makes the answer PARTIAL when no call's arguments nor any output
of the run names it.

A listing called for neither side ("failed starts on frt_dc03 vs frt_dc05": failures per charger over the last
3 hours) whose rows hold one side and not the other answers the other too: it has none. :func:`absent_sides`
says so, and :func:`none_in_listings` lets an empty call for that side stand (:mod:`absence`); never for a
listing cut at the API's row limit or at a limit it was asked for ("the top 5").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from opsuite_ops.domain.bm25 import STOP_WORDS, stem
from opsuite_ops.domain.entities import ENTITY_CONCEPTS, is_empty, name_key
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord, PlanStep, Tool
from opsuite_ops.domain.param_kinds import LIMIT_PARAMS
from opsuite_ops.domain.words import CHAT_WORDS

if TYPE_CHECKING:
    from opsuite_ops.domain.extract import Entities

__all__ = ["absent_sides", "compared_sides", "compared_words", "none_in_listings", "one_sided", "unseen_sides"]

_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/:-]*[A-Za-z0-9])?")
_VERSUS = frozenset({"vs", "versus"})
#: Kind words after a name ("lds1-b nodes vs lhr2-b"): the side is the name before them.
_KIND_WORDS = frozenset(w for names in ENTITY_CONCEPTS.values() for n in names for w in (n, f"{n}s") if "_" not in n)
_PARTS = re.compile(r"[/:._-]+")
#: Words of a question looked at for its sides (a question is bounded; this keeps the work small).
_MAX_TOKENS = 200


def compared_sides(question: str) -> list[str]:
    """The things ``question`` compares, in its order ("queue wait linux-small vs arm64" -> linux-small,
    arm64); empty when it compares nothing."""
    tokens = [t for t in _TOKEN.findall(question[:2000])][:_MAX_TOKENS]
    lows = [t.lower() for t in tokens]
    comparing = "compare" in lows
    sides: list[str] = []
    for k, low in enumerate(lows):
        if low in _VERSUS:
            before = k - 1
        elif low in ("to", "with") and k > 1 and lows[k - 1] == "compared":
            before = k - 2  # "X compared to Y"
        elif comparing and low in ("and", "with"):
            before = k - 1  # "compare X and Y"
        else:
            continue
        while before >= 1 and lows[before] in _KIND_WORDS and any(c.isdigit() or c == "-" for c in lows[before - 1]):
            before -= 1  # "lds1-b nodes vs lhr2-b": the side is lds1-b
        j = next((j for j in range(k + 1, len(tokens)) if lows[j] not in STOP_WORDS), len(tokens))
        after = tokens[j] if j < len(tokens) else ""
        before = _like_side(lows, before, after)
        first = tokens[before] if before >= 0 else ""
        if before >= 1 and j + 1 < len(tokens) and lows[j] == lows[before - 1] and lows[j] != lows[before]:
            # "eng 1 vs eng 2": the sides are eng 1 and eng 2, the word both repeat with each one's number
            first, after = f"{tokens[before - 1]} {first}", f"{tokens[j]} {tokens[j + 1]}"
        for side in (first, after):
            # a chat word ("pulling rn vs its limit": right now) is no thing compared
            if side and side.lower() not in STOP_WORDS | CHAT_WORDS and side not in sides:
                sides.append(side)
    return sides


#: Words back from "vs" looked at for a name spelt like the other side's.
_SIDE_REACH = 5
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}")
_SIDE_STOPS = frozenset({"and", "or", "with", "to", "in", "on", "at", "for", "from", "of", "across", "between"})


def _like_side(lows: Sequence[str], before: int, after: str) -> int:
    """Where the side before "vs" is: the word right before it, unless the side after is a hyphenated name
    and that word is not while one a few words back is ("addr-lookup p95 vs cart-svc", "paynora-eu auth rate
    last hr vs cardex-uk": what is compared of each, or the window, sits between)."""
    if before < 1 or "-" not in after or _DATE_LIKE.match(after) or "-" in lows[before]:
        return before
    for k in range(before - 1, max(-1, before - 1 - _SIDE_REACH), -1):
        if lows[k] in _VERSUS or lows[k] in _SIDE_STOPS:
            break  # ("checkout-svc p95 in eu vs us-east": eu is the side, the service what both are of)
        if "-" in lows[k] and not _DATE_LIKE.match(lows[k]):
            return k
    return before


def _matches(side: str, value: object) -> bool:
    if not isinstance(value, str) or not value:
        return False
    key = name_key(side)
    parts = [p for p in _PARTS.split(value.lower()) if p]
    return key in (name_key(value), name_key(re.split(r"[/:]", value)[-1])) or side.lower() in parts


def one_sided(
    question: str, plan_steps: Sequence[PlanStep], state: RunState, tools: Mapping[str, Tool]
) -> list[AnswerStatusReason]:
    """NOT_COVERED for each side of a comparison that a tool answered for another side but not for it."""
    sides = compared_sides(question)
    if len(sides) < 2:
        return []
    called: dict[str, set[str]] = {}
    with_data: dict[str, set[str]] = {}
    for step in plan_steps:
        rec = state.latest.get(step.id)
        if step.tool not in tools or rec is None:
            continue
        for side in sides:
            if any(_matches(side, v) for v in rec.arguments.values()):
                called.setdefault(step.tool, set()).add(side)
                if rec.ok and not is_empty(rec.output):
                    with_data.setdefault(step.tool, set()).add(side)
    # A tool that answered for every side answered the comparison: another's empty rows for one side (no vendor
    # cases of G-TRNA beside G-TRNB's) say it has none, not that the side is missing.
    compared = any(len(answered) == len(sides) for answered in with_data.values())
    out: list[AnswerStatusReason] = []
    for tool, answered in with_data.items():
        for side in sides:
            if side in answered or (compared and side in called.get(tool, set())):
                continue
            got = ", ".join(s for s in sides if s in answered)
            why = "returned no data for it" if side in called.get(tool, set()) else "was not called for it"
            out.append(
                AnswerStatusReason(
                    AnswerReason.NOT_COVERED,
                    f"the comparison is one-sided: {tool} answered for {got} but {why}, so {side} is missing",
                    tool,
                )
            )
    return out


def compared_words(entities: Entities, question: str, vocab: frozenset[str]) -> Entities:
    """``entities`` without the terms that are sides of a comparison and words of no tool (see the module
    docstring): they name things to compare, which the rows will name, not a topic."""
    sides = {s.lower() for s in compared_sides(question)}
    drop = {t for t in entities.terms if t in sides and _plain(t, vocab)}
    if not drop:
        return entities
    terms = tuple(t for t in entities.terms if t not in drop)
    return dataclasses.replace(
        entities,
        terms=terms,
        keywords=" ".join(terms),
        rare=tuple(t for t in entities.rare if t not in drop),
        apart=tuple(t for t in entities.apart if t not in drop),
    )


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif depth < 4 and isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                yield k  # a column names a side too ("p50 vs p99" of ``p50_ms`` and ``p99_ms``)
            yield from _strings(v, depth + 1)
    elif depth < 4 and isinstance(value, list):
        for v in value[:10_000]:
            yield from _strings(v, depth + 1)


def _plain(side: str, vocab: frozenset[str]) -> bool:
    """A plain word or code that no tool knows ("g729 vs pcma"; not "cpu vs memory": those are what tools
    report)."""
    low = side.lower()
    return low.isalnum() and not low.isdigit() and low not in vocab and stem(low) not in vocab


def unseen_sides(question: str, records: Sequence[CallRecord], vocab: frozenset[str]) -> list[AnswerStatusReason]:
    """NOT_COVERED for each side of a comparison that is a word of no tool (``vocab``), that no call was made
    for and that no output of the run has as a value or a whole part of one: the answer compares nothing for
    it."""
    sides = compared_sides(question)
    if len(sides) < 2:
        return []
    out: list[AnswerStatusReason] = []
    for side in sides:
        if not _plain(side, vocab) or any(_matches(side, v) for r in records for v in r.arguments.values()):
            continue
        if any(_matches(side, text) for r in records if r.ok for text in _strings(r.output)):
            continue
        out.append(AnswerStatusReason(AnswerReason.NOT_COVERED, f"no data of the run names {side}: nothing to compare"))
    return out


#: Sides of a comparison a listing is checked for (a question comparing more is checked for its first ones).
_MAX_SIDES = 8


def _keys(values: Iterator[Any]) -> tuple[set[str], set[str]]:
    """The name keys (whole value, last path segment) and the lower-case parts of ``values``, as :func:`_matches`
    reads each, so each side is looked up once per column."""
    keys: set[str] = set()
    parts: set[str] = set()
    for value in values:
        if isinstance(value, str) and value:
            keys.update((name_key(value), name_key(re.split(r"[/:]", value)[-1])))
            parts.update(p for p in _PARTS.split(value.lower()) if p)
    return keys, parts


def _absent(
    sides: Sequence[str], call: CallRecord, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> tuple[str, list[str], list[str]] | None:
    """The column of ``rows`` holding some ``sides``, those it holds and those no column holds; None when the call
    was made for a side, was cut at the API's row limit or at a limit it was asked for, or holds every side or none."""
    if not rows or any(_matches(s, v) for s in sides for v in call.arguments.values()):
        return None
    if isinstance(call.output, Mapping) and call.output.get("truncated") is True:
        return None  # cut at the API's row limit: a side may be in the rows left out
    limits = [v for k, v in call.arguments.items() if k.lower() in LIMIT_PARAMS and isinstance(v, int | float)]
    if any(len(rows) >= v for v in limits):
        return None  # "the top 5": a side may be the sixth
    found: dict[str, list[str]] = {}
    for col in columns:
        keys, parts = _keys(r.get(col) for r in rows)
        held = [s for s in sides if name_key(s) in keys or s.lower() in parts]
        if held:
            found[col] = held
    anywhere = {s for held in found.values() for s in held}
    missing = [s for s in sides if s not in anywhere]
    if not anywhere or not missing:
        return None
    col, held = next(iter(found.items()))
    return col, held, missing


def absent_sides(
    question: str, tables: Sequence[tuple[CallRecord, str, Sequence[str], Sequence[Mapping[str, Any]]]]
) -> list[tuple[str, tuple[str, ...]]]:
    """For each listing (call, title, columns, rows) called for no side of the comparison, whose rows hold some
    sides in a column and not the others, the line saying it has no row for those (see the module docstring)."""
    sides = compared_sides(question)[:_MAX_SIDES]
    out: list[tuple[str, tuple[str, ...]]] = []
    for call, title, columns, rows in tables if len(sides) > 1 else ():
        if (found := _absent(sides, call, columns, rows)) is not None:
            col, held, missing = found
            none = ", ".join(f"{col}={s}" for s in missing)
            out.append((f"{title} has no row for {none} (it has rows for {', '.join(held)})", (call.call_id,)))
    return out


def none_in_listings(question: str, records: Sequence[CallRecord]) -> set[str]:
    """The sides of the comparison (as :func:`~opsuite_ops.domain.entities.name_key` keys) that a listing of
    ``records`` answers with none (:func:`absent_sides`): an empty call for such a side adds to an answer that
    stands."""
    sides = compared_sides(question)[:_MAX_SIDES]
    out: set[str] = set()
    for rec in records if len(sides) > 1 else ():
        rows = rec.output.get("rows") if isinstance(rec.output, Mapping) else rec.output
        if not rec.ok or not isinstance(rows, list) or not rows or not all(isinstance(r, Mapping) for r in rows):
            continue
        if (found := _absent(sides, rec, list(rows[0]), rows)) is not None:
            out |= {name_key(s) for s in found[2]}
    return out
