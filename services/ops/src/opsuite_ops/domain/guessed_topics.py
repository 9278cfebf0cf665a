"""Topic words read as names: "what are we looking at in scrap" where no inventory lists services.

A plain word after "in", "on" or "about" is read as a name of a kind no inventory lists (a guessed host or
service, see :mod:`extract`): "errors in checkout" names the service a tool takes. When no step of the plan
takes it in an argument, the reading served nothing, and the word may be the topic asked about ("scrap"):
:func:`unused_guesses` checks it against the catalogue as any term (:mod:`coverage`), and the answer says "no
tool reports scrap" when no tool's words know it. A row holding the word lifts the reason, as any
(:func:`~opsuite_ops.domain.absence.reported_in_rows`). Not a verb's object ("serving traffic", "running hot")
nor a word after "of" or "to" ("out of service", "up to date"): those are phrases, not topics. English only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.coverage import CoverageCheck, is_topic
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, PlanStep, Tool
from opsuite_ops.domain.words import GENERIC_WORDS

__all__ = ["unused_guesses"]

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
