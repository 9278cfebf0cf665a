"""Acts asked about: "when did we last rotate the signing key", "when was the cert renewed".

A question asking *when* something was done names an act ("rotate", "renewed") and the thing it was done to
("the signing key"). An act is a change of that thing, so a change history answers it when its own words speak
of the thing (a change log of "signing keys and routing rules"), even when no tool knows the act's verb or the
thing's head noun: those name the record the history holds, not a metric no tool reports.

:func:`acted_words` gives those words of the question's terms (the verb and the words of its object), when
the catalogue has a change history (:func:`~opsuite_ops.domain.timeline.lists_changes`) knowing at least one
word of the object; the coverage check then counts them as known and such a history as named by the
question. English question form only; no tool or estate names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.bm25 import STOP_WORDS, stem, tokenise
from opsuite_ops.domain.coverage import clipped, term_tokens
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Tool
from opsuite_ops.domain.timeline import lists_changes

__all__ = ["acted_words", "actor_acts", "change_tools", "unknown_acts"]

#: "when did we (last) rotate X": a person's act on a thing.
_WHEN_WE_DID = re.compile(
    r"\bwhen\s+(?:did|do|does|have|has|had)\s+(?:we|i|you|they|someone|anyone|somebody|anybody)\s+"
    r"(?:(?:last|first|ever)\s+)?(?P<act>[a-z]+)\s+(?P<thing>[^?.;!,]+)",
    re.IGNORECASE,
)
#: "when was X (last) renewed", "when were the keys last rotated": the thing, then the act.
_WHEN_WAS_DONE = re.compile(
    r"\bwhen\s+(?:was|were|has|have|had)\s+(?P<thing>[^?.;!,]+?)\s+(?:(?:last|first|ever)\s+)?(?:been\s+)?"
    r"(?P<act>[a-z]+ed)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
#: "who deleted X", "who has restarted Y", "which user dropped the table": the actor of an act is asked for.
_WHO_DID = re.compile(
    r"\b(?:who|whom|which\s+(?:user|person|account|principal|engineer|team)|what\s+(?:user|account|principal))"
    r"\s+(?:(?:has|have|had|just|last|actually)\s+)?(?P<act>[a-z]+ed)\b",
    re.IGNORECASE,
)


def actor_acts(question: str) -> frozenset[str]:
    """The verbs of acts whose actor ``question`` asks for ("who deleted objects": "deleted"). Such a verb is
    the topic itself, not a word acting on the next one: a tool must know the act (its record says who) for
    the question to be covered (see :meth:`coverage.CoverageCheck.of`)."""
    return frozenset(m.group("act").lower() for m in _WHO_DID.finditer(question))


def change_tools(tools: Sequence[Tool]) -> list[Tool]:
    """The change histories of the catalogue (by their own words and tags)."""
    return [t for t in tools if lists_changes(t.name, t.description, t.tags)]


def _history_words(tools: Sequence[Tool]) -> set[str]:
    out: set[str] = set()
    for tool in tools:
        out.update(tokenise(tool.description, keep_stop_words=True))
        out.update(tokenise(tool.name, keep_stop_words=True))
    return out


def acted_words(question: str, terms: Sequence[str], tools: Sequence[Tool]) -> frozenset[str]:
    """The terms naming an act asked about and the thing it was done to, when a change history knows a word
    of that thing (see the module docstring); empty otherwise."""
    found = _WHEN_WE_DID.search(question) or _WHEN_WAS_DONE.search(question)
    if found is None:
        return frozenset()
    histories = change_tools(tools)
    if not histories:
        return frozenset()
    act = found.group("act").lower()
    thing = [w.lower() for w in _WORD.findall(found.group("thing")) if w.lower() not in STOP_WORDS]
    thing = [w for w in thing if w in terms]
    if act not in terms or not thing:
        return frozenset()  # an act with nothing it was done to
    known = _history_words(histories)
    if not any(stem(w) in known or w in known for w in thing):
        return frozenset()
    return frozenset((act, *thing))


#: "have they acked the page yet", "has anyone rebooted it yet": whether an act was done, asked with "yet".
_YET = re.compile(r"\b(?:have|has|had|did)\s+(?:[a-z]+\s+){0,3}?(?P<act>[a-z]{3,}ed)\b(?=[^?.!;]{0,60}\byet\b)", re.I)
#: "did they ack the page", "did anyone restart it": whether a person did an act to a thing.
_DID_THEY = re.compile(
    r"\bdid\s+(?:they|he|she|we|anyone|someone|somebody|anybody|you|u)\s+(?P<act>[a-z]{3,})\s+(?:the|a|an|it)\b",
    re.IGNORECASE,
)
#: Acts a state or a status says (a job "finished", an incident "resolved"): a state column answers them.
_STATE_ACTS = frozenset(
    """finished completed started stopped resolved fixed closed recovered restarted deployed merged landed shipped
    cleared drained healed synced caught failed succeeded passed ended opened approved rolled reverted
    replaced swapped installed updated upgraded applied released scheduled paused resumed""".split()  # noqa: SIM905
)


def unknown_acts(
    question: str, vocab: frozenset[str], synonyms: Mapping[str, tuple[str, ...]]
) -> list[AnswerStatusReason]:
    """NOT_COVERED for an act asked with "yet" ("have they acked the page yet") or of a person ("did they ack the
    page") that no tool knows by its verb,
    its synonyms or a clipped form: whether it was done is in no tool's data. A state's act ("has it finished
    yet") is answered by a state or status column and is never reported."""
    out: list[AnswerStatusReason] = []
    for m in (*_YET.finditer(question[:2000]), *_DID_THEY.finditer(question[:2000])):
        act = m.group("act").lower()
        if {act, f"{act}ed", f"{act}d"} & _STATE_ACTS or term_tokens(act, synonyms) & vocab or clipped(act, vocab):
            continue
        out.append(AnswerStatusReason(AnswerReason.NOT_COVERED, f"no tool reports {act}", terms=(act,)))
    ahead = _FORECAST.search(question[:2000])
    if ahead is not None and not any(v.startswith(_FORECAST_STEMS) or v in ("eta", "etr") for v in vocab):
        said = f'no tool forecasts ("{ahead.group(0).lower()}"): the tools report what has happened'
        out.append(AnswerStatusReason(AnswerReason.NOT_COVERED, said))
    return out


#: Stems of the words of a tool that forecasts or estimates ("forecast", "ETA", "estimated restoration").
_FORECAST_STEMS = ("forecast", "predict", "estimat", "projected", "projection")
#: A quantity or a time asked of the future ("how many auths r we expecting this weekend", "when will customers
#: actually get them", "how cold is it supposed to get tonite"): a forecast, which only a tool that forecasts (its
#: words say so) answers. Things booked ahead ("the next collection") are no forecast: their schedules answer them.
_FORECAST = re.compile(
    r"\b(?:are|r)\s+we\s+expecting\b|\bwill\s+(?:\w+\s+){1,3}?(?:get|receive|arrive|reach)\b|\bforecast\w*\b|"
    r"\bpredict\w*\b|\bprojected\b|\bsupposed\s+to\s+get\b",
    re.IGNORECASE,
)
