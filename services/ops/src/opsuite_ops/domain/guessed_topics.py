"""Topic words read as names: "what are we looking at in scrap" where no inventory lists services.

A plain word after "in", "on" or "about" is read as a name of a kind no inventory lists (a guessed host or
service, see :mod:`extract`): "errors in checkout" names the service a tool takes. When no step of the plan
takes it in an argument, the reading served nothing, and the word may be the topic asked about ("scrap"):
:func:`unused_guesses` checks it against the catalogue as any term (:mod:`coverage`), and the answer says "no
tool reports scrap" when no tool's words know it. A row holding the word lifts the reason, as any
(:func:`~opsuite_ops.domain.absence.reported_in_rows`). Not a verb's object ("serving traffic", "running hot")
nor a word after "of" or "to" ("out of service", "up to date"): those are phrases, not topics. English only.

:func:`unhonoured_places`: "hows CCU on mobile rn?" where the tools reporting CCU know no "mobile" and only
another planned tool does (an on-call rota's ``mobile``, a phone number): the place qualifies the thing asked,
and no tool reports that thing there ("no tool reports ccu on mobile"). Not when a step takes the word in an
argument, nor when a tool reporting the thing knows it too.

:func:`unmeasured_things`: "inter-az link utilisation" where one tool knows utilisation (of disks) and another
knows a "link" (a ticket's linked incident): a utilisation or usage is of the word before it, and only a tool
knowing both reports it ("no tool reports link utilisation").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.coverage import CONCEPT_WORDS, CoverageCheck, clipped, is_topic, term_tokens, vocabulary
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, PlanStep, Tool
from opsuite_ops.domain.words import GENERIC_WORDS

__all__ = ["unhonoured_places", "unmeasured_things", "unused_guesses"]

#: A word after "in", "on" or "about" (and "the" or "our").
_TOPIC_PLACE = re.compile(r"\b(?:in|on|about)\s+(?:the\s+|our\s+)?([a-z]+)\b")


def unused_guesses(
    question: str,
    guessed: Sequence[str],
    steps: Sequence[PlanStep],
    tools: Sequence[Tool],
    synonyms: Mapping[str, tuple[str, ...]],
    vocab: frozenset[str],
) -> list[AnswerStatusReason]:
    """NOT_COVERED ("no tool reports scrap") for the plain words of ``guessed`` after "in", "on" or "about" that
    could name a topic, that no step takes in an argument and that no tool's words know (see the module
    docstring)."""
    placed = set(_TOPIC_PLACE.findall(question[:2000].lower()))
    taken = {w for st in steps for v in st.arguments.values() for w in re.findall(r"[a-z0-9]+", str(v).lower())}
    words = tuple(
        g
        for g in guessed
        if g.isalpha()
        and g in placed
        and g not in taken
        and g not in STOP_WORDS
        and g not in GENERIC_WORDS
        and len(g) > 2
        and is_topic(g, vocab)
    )
    check = CoverageCheck.of(words, tools, synonyms, vocab) if words else None
    if check is None or not check.uncovered:
        return []
    return [AnswerStatusReason(AnswerReason.NOT_COVERED, f"no tool reports {check.phrase}", terms=check.uncovered)]


#: A word, then "in" or "on" and a plain word: not a part of a name ("cpu on web-02") nor a kind word before one
#: ("milk in lot l4 6128").
_QUALIFIED = re.compile(r"\b([a-z][a-z0-9]+)\s+(in|on)\s+(?:the\s+|our\s+)?([a-z]+)\b(?![\w-])(?!\s+[\w-]*\d)")


#: Qualified pairs ("ccu on mobile") checked per question.
_MAX_PLACES = 8


def unhonoured_places(
    question: str,
    steps: Sequence[PlanStep],
    tools: Sequence[Tool],
    synonyms: Mapping[str, tuple[str, ...]],
    vocab: frozenset[str],
) -> list[AnswerStatusReason]:
    """NOT_COVERED ("no tool reports ccu on mobile") for a thing asked "on" or "in" a plain word that no planned
    tool reporting the thing knows, though another planned tool does (see the module docstring)."""
    planned = [t for t in tools if t.name in {s.tool for s in steps}]
    taken = {w for st in steps for v in st.arguments.values() for w in re.findall(r"[a-z0-9]+", str(v).lower())}
    out = []
    # Each pair once, and a few at most: each is checked against every planned tool's words.
    for thing, prep, place in list(dict.fromkeys(_QUALIFIED.findall(question[:2000].lower())))[:_MAX_PLACES]:
        if place in taken or {thing, place} & (STOP_WORDS | GENERIC_WORDS) or not is_topic(place, vocab):
            continue
        if not is_topic(thing, vocab):
            continue
        knows = {t.name: (_knows(t, thing, synonyms), _knows(t, place, synonyms)) for t in planned}
        reporting = [name for name, (of_thing, _p) in knows.items() if of_thing]
        if reporting and not any(knows[n][1] for n in reporting) and any(p for _t, p in knows.values()):
            detail = f"no tool reports {thing} {prep} {place}"
            out.append(AnswerStatusReason(AnswerReason.NOT_COVERED, detail, terms=(place,)))
    return out


def _knows(tool: Tool, word: str, synonyms: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``tool``'s own words know ``word`` (not the catalogue's: the whole vocabulary knows every word)."""
    return not CoverageCheck.of((word,), [tool], synonyms).uncovered


#: A thing, then the measure of it ("link utilisation", "disk usage").
_MEASURED = re.compile(r"\b([a-z]{3,})\s+(utili[sz]ation|usage|util)\b")
#: The forms a tool publishes a use in (stems): "cpu usage" is a percent of cpu used, its utilisation or load.
_USE_FORMS = frozenset({"usag", "use", "used", "util", "utilis", "utiliz", "percent", "pct", "load", "busy"})


def unmeasured_things(
    question: str, tools: Sequence[Tool], synonyms: Mapping[str, tuple[str, ...]], said: Sequence[AnswerStatusReason]
) -> list[AnswerStatusReason]:
    """NOT_COVERED ("no tool reports link utilisation") for a utilisation or usage of a thing that no tool of the
    catalogue knows both words of (see the module docstring), unless ``said`` already holds that sentence; at most 4
    such pairs are looked at."""
    out: list[AnswerStatusReason] = []
    already = {r.detail for r in said}
    words: list[frozenset[str]] | None = None
    for m in list(_MEASURED.finditer(question[:2000].lower()))[:4]:
        thing, measure = m.group(1), m.group(2)
        if thing in STOP_WORDS or thing in GENERIC_WORDS or thing in CONCEPT_WORDS or not is_topic(thing, frozenset()):
            continue
        words = words if words is not None else [vocabulary([t]) for t in tools]
        forms, measured = term_tokens(thing, synonyms), term_tokens(measure, synonyms) | _USE_FORMS
        detail = f"no tool reports {thing} {measure}"
        if detail not in already and not any(forms & w and (measured & w or clipped(measure, w)) for w in words):
            out.append(AnswerStatusReason(AnswerReason.NOT_COVERED, detail, terms=(thing,)))
    return out
