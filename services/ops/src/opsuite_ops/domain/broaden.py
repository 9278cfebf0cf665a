"""Narrower searches: a free-text search that found nothing is asked again with fewer of its words.

Keyword search tools differ: some match the whole phrase, some every word. A search for the question's key
terms ("covers error spike deployment") may then find nothing although a document on "error spike" exists.
:func:`narrower_plan` takes each search step whose call succeeded with no rows and whose search argument
has several words, and plans the same tool with each run of one word fewer (contiguous, in the question's
order: "covers error spike", "error spike deployment"), in one round. The orchestrator runs a round, and
asks for the next (one word fewer again) only for the searches whose every narrower call still found
nothing; at most :data:`MAX_NARROWER_CALLS` calls per search and :data:`MAX_NARROWER_CALLS_PER_RUN` per run
in all. A search that finds nothing at any width is reported by :func:`empty_searches` (the answer is then
not complete: nothing was found); so are the names of a search (words in capitals or with digits) that only its
narrower searches found rows for and that none of those rows holds (a search for "microsoft SNDS" that found a
page on Microsoft only: nothing on SNDS).

An *auxiliary* search (:func:`auxiliary_searches`) is neither narrowed nor reported: one the question does
not name (no word of it is in the search tool's name, tags or parameters) while another step of the main
plan, no search, returned data; a how-to question asks for the documents themselves, so its searches never
are, nor is one searching for a word no other tool knows ("how long were the signals dark": only it could say).
"who's on call for search" answered by the rota is complete, whatever a playbook search found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsuite_ops.domain.bm25 import is_verb_or_adverb, stem, tokenise
from opsuite_ops.domain.coverage import asks_how_to, strong_tokens, vocabulary
from opsuite_ops.domain.entities import TICKET_ID, is_empty, name_key
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Plan, PlanStep, Tool
from opsuite_ops.domain.param_kinds import is_search_param
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS
from opsuite_ops.domain.typos import typo_of

__all__ = [
    "MAX_NARROWER_CALLS",
    "MAX_NARROWER_CALLS_PER_RUN",
    "Narrowing",
    "auxiliary_searches",
    "empty_searches",
    "narrower_plan",
]

#: Most narrower calls made for one search.
MAX_NARROWER_CALLS = 10
#: Most narrower calls made in one run, whatever the number of searches.
MAX_NARROWER_CALLS_PER_RUN = 10


@dataclass(slots=True)
class Narrowing:
    """Per run: the searches being narrowed (step id of the original -> its narrower steps, by round)."""

    rounds: dict[str, list[list[str]]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    #: Search steps neither narrowed nor reported (see :func:`auxiliary_searches`).
    auxiliary: frozenset[str] = frozenset()


def _search_param(tool: Tool, step: PlanStep) -> str | None:
    for name, value in step.arguments.items():
        schema = tool.properties.get(name, {})
        if isinstance(value, str) and not value.startswith("$") and is_search_param(tool, name, schema):
            return name
    return None


def _found(state: RunState, step_ids: Sequence[str]) -> bool:
    return any((rec := state.latest.get(s)) is not None and rec.ok and not is_empty(rec.output) for s in step_ids)


#: A word written as a name: capitals ("SNDS", "MI0107") or digits ("198.51.100.41", "0039486").
_NAME_LIKE = re.compile(r"^(?:[A-Z][A-Z0-9]+|[\w.-]*\d[\w.-]*)$")


def _words_unfound(searched: str, state: RunState, step_ids: Sequence[str]) -> list[str]:
    """The words of an empty search ``searched`` that no row its narrower searches found holds (as a word)."""
    held: set[str] = set()
    for s in step_ids:
        rec = state.latest.get(s)
        if rec is not None and rec.ok and not is_empty(rec.output):
            text = json.dumps(rec.output, default=str).lower()
            held.update(re.findall(r"[\w.-]+", text))
            held.update(tokenise(text, keep_stop_words=True))
    return [w for w in searched.split() if w.lower() not in held and not set(tokenise(w, keep_stop_words=True)) <= held]


def narrower_plan(
    plan_steps: Sequence[PlanStep], state: RunState, tools: Mapping[str, Tool], narrowing: Narrowing, max_steps: int
) -> Plan | None:
    """The next round of narrower searches for the run's empty searches, or None when there is none."""
    steps: list[PlanStep] = []
    spent = sum(narrowing.calls.values())
    for step in plan_steps:
        tool = tools.get(step.tool)
        rec = state.latest.get(step.id)
        if tool is None or rec is None or not rec.ok or (param := _search_param(tool, step)) is None:
            continue
        if step.id in narrowing.auxiliary:
            continue
        rounds = narrowing.rounds.get(step.id, [])
        if not is_empty(rec.output) or (rounds and _found(state, rounds[-1])):
            continue
        words = str(step.arguments[param]).split()
        width = len(words) - 1 - len(rounds)
        used = narrowing.calls.get(step.id, 0)
        if width < 1 or used >= MAX_NARROWER_CALLS:
            continue
        ids: list[str] = []
        for start in range(len(words) - width + 1):
            if used + len(ids) >= MAX_NARROWER_CALLS or len(steps) >= max_steps:
                break
            if spent + len(steps) >= MAX_NARROWER_CALLS_PER_RUN:
                break
            args: dict[str, Any] = {**step.arguments, param: " ".join(words[start : start + width])}
            sid = f"{step.id}-n{width}-{start + 1}"
            ids.append(sid)
            steps.append(PlanStep(sid, step.tool, args, (), f"the search for {step.arguments[param]!r} found nothing"))
        if ids:
            narrowing.rounds.setdefault(step.id, []).append(ids)
            narrowing.calls[step.id] = used + len(ids)
    return Plan(tuple(steps), planner="narrower search", rationale="fewer words for empty searches") if steps else None


def empty_searches(
    plan_steps: Sequence[PlanStep],
    state: RunState,
    tools: Mapping[str, Tool],
    narrowing: Narrowing,
    question: str = "",
) -> list[AnswerStatusReason]:
    """NOT_COVERED for each search of the plan that found nothing, with all its narrower searches; for the names
    of ``question`` (written in capitals or with digits: "SNDS", "198.51.100.41") that an empty search looked for
    and no row of its narrower searches nor of another step holds; and for the words of an empty search, when the
    rows its narrower searches found hold fewer than half of them ("sla credit owe helix render" answered by a page
    on "sla")."""
    names = {w.lower() for w in re.findall(r"[\w.-]+", question[:2000]) if _NAME_LIKE.match(w)}
    out = []
    for step in plan_steps:
        tool = tools.get(step.tool)
        rec = state.latest.get(step.id)
        if tool is None or rec is None or not rec.ok or (param := _search_param(tool, step)) is None:
            continue
        if step.id in narrowing.auxiliary:
            continue
        tried = [step.id, *(s for r in narrowing.rounds.get(step.id, []) for s in r)]
        if _found(state, tried):
            searched = str(step.arguments[param]).split()
            unfound = _words_unfound(" ".join(searched), state, tried)
            if 2 * len(unfound) <= len(searched):  # most of its words found: only its names must all be, in the
                # rows of this search or of another step ("NOC" of "castellane towers NOC number" in the directory's;
                # not a short number, which any time or count holds), read once for all of them
                unfound = [w for w in unfound if w.lower() in names]
                others = [s for s in state.latest if s not in tried]
                held = set(_words_unfound(" ".join(unfound), state, others)) if unfound else set()
                unfound = [w for w in unfound if w in held or (w.isdigit() and len(w) <= 4)]
            if unfound:
                # "microsoft snds 198.51.100.41" found only "microsoft": the rest is in no document found.
                out.append(
                    AnswerStatusReason(
                        AnswerReason.NOT_COVERED,
                        f"the search {step.tool}({param}={step.arguments[param]}) found nothing on "
                        f"{', '.join(unfound)}: only narrower searches found rows, and none of them mentions it",
                        step.tool,
                        step.id,
                    )
                )
            continue
        if (
            "document" not in tool.tags
            and not asks_how_to(question)
            and _told_elsewhere(str(step.arguments[param]), state, tried, tools, plan_steps)
        ):
            continue
        narrower = " (nor did any narrower search)" if len(tried) > 1 else ""
        out.append(
            AnswerStatusReason(
                AnswerReason.NOT_COVERED,
                f"the search {step.tool}({param}={step.arguments[param]}) found nothing{narrower}",
                step.tool,
                step.id,
            )
        )
    return out


def _told_elsewhere(
    text: str, state: RunState, tried: Sequence[str], tools: Mapping[str, Tool], plan_steps: Sequence[PlanStep]
) -> bool:
    """Whether every word an empty search of records looked for names another step's tool that returned rows (its
    name, parameters, enum values) or a column of those rows ("which ATA chapter had the most tech log entries": the
    tech log searched for "chapter", the count per ``ata_chapter`` answered; "whats open on the repeat defect list":
    ``repeat_defects`` answered "repeat"). Such a search asked for what the other tools are about, not for something
    only its text holds. Never for a document search or a how-to question (the caller's): there the documents are
    what is asked. A search for what another step looked up whole and found ("latest on CVX-00318822": the vendor
    case asked by that ref) is told by that step."""
    by_id = {st.id: st.tool for st in plan_steps}
    key = name_key(text.strip())
    for sid, rec in state.latest.items():
        took = any(isinstance(v, str) and name_key(v.strip()) == key for v in rec.arguments.values())
        if key and took and sid not in tried and rec.ok and not is_empty(rec.output):
            return True
    vocab: set[str] = set()
    for sid, rec in state.latest.items():
        if sid in tried or not rec.ok or is_empty(rec.output) or (name := by_id.get(sid, "")) not in tools:
            continue
        vocab |= strong_tokens(tools[name])
        rows = rec.output.get("rows") if isinstance(rec.output, Mapping) else rec.output
        for row in (rows if isinstance(rows, list) else [])[:50]:
            if isinstance(row, Mapping):
                vocab.update(tokenise(" ".join(map(str, row)), keep_stop_words=True))
    words = tokenise(text, keep_stop_words=False)
    return bool(vocab and words) and all(w in vocab or stem(w) in vocab for w in words)


def auxiliary_searches(
    question: str, plan_steps: Sequence[PlanStep], state: RunState, tools: Mapping[str, Tool]
) -> frozenset[str]:
    """The search steps of the main plan that only add to an answer other steps gave: the question names
    nothing of their tool (name, tags, parameters, enum values; with the ranking synonyms: "runbook" names a
    ``document`` tool) and another step, no search (a search for a record id is a look-up), returned data.
    None in a how-to question: the documents are what it asks for."""
    if asks_how_to(question):
        return frozenset()
    # (an id's letters, "DBA" of DBA-1042, name the record's kind, not the search tool of the same team)
    words = set(tokenise(" ".join(w for w in question.split() if not TICKET_ID.fullmatch(w.strip("?.,!;:"))),
                         keep_stop_words=True))  # fmt: skip
    words |= {x for w in list(words) for extra in DEFAULT_SYNONYMS.get(w, ()) for x in tokenise(extra)}
    searches: list[PlanStep] = []
    answered = False
    for step in plan_steps:
        tool = tools.get(step.tool)
        rec = state.latest.get(step.id)
        if tool is None:
            continue
        param = _search_param(tool, step)
        if param is not None and not TICKET_ID.fullmatch(str(step.arguments[param])):
            searches.append(step)  # (a search for a record's id is a look-up: "DBA-1042" found is an answer)
        elif rec is not None and rec.ok and not is_empty(rec.output):
            answered = True
    if not answered:
        return frozenset()
    # A search for a word no other tool knows ("how long were the signals dark": "dark") is the only step that
    # could answer that part: never auxiliary.
    vocab = vocabulary([t for t in tools.values() if t.name not in {s.tool for s in searches}])
    # (a name another step takes, "deck" of pool=deck, is what that step answers about)
    vocab |= {str(v).lower() for st in plan_steps if st not in searches for v in st.arguments.values()}
    return frozenset(
        s.id
        for s in searches
        if not _named(strong_tokens(tools[s.tool]), words) and not _only_searched(s, tools[s.tool], vocab)
    )


def _named(tokens: frozenset[str] | set[str], words: set[str]) -> bool:
    """Whether ``words`` hold one of ``tokens``, or a misspelling of a long one ("proceedure": procedures)."""
    if tokens & words:
        return True
    return any(len(w) >= 6 and typo_of(w, (t,)) for w in words for t in tokens if len(t) >= 6 and w[0] == t[0])


def _only_searched(step: PlanStep, tool: Tool, vocab: frozenset[str]) -> bool:
    """Whether ``step`` searches for a word (of four letters or more) no other tool's vocabulary holds."""
    param = _search_param(tool, step)
    text = str(step.arguments[param]) if param is not None else ""
    return any(
        len(w) >= 4
        and w.isalpha()
        and not is_verb_or_adverb(w)  # "who's working on X": how, not what a document would say
        and stem(w) not in vocab
        and w not in vocab
        and stem(w) not in DEFAULT_SYNONYMS
        for w in text.lower().split()
    )
