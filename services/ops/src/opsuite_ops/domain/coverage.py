"""Which parts of a question the catalogue covers: never answer "disk usage" with memory data.

A question's *terms* (its content words, see :mod:`extract`) are checked against the catalogue's own
vocabulary: the words of every tool's name, description, tags and parameters, and its enum values,
with the planner's synonyms. A term no tool knows ("disk") is *uncovered*. When a question has one,
a tool that matches it only through words of its description ("usage" in "Memory usage of a host") or
through measure words (:data:`MEASURE_WORDS`: "usage" in ``mem_usage``) is answering something else and
is left out; the tools the question names (a term in the tool's name, tags, parameters or enum values:
"cpu" for ``cpu_by_host``) stay. The answer then says "no tool reports
disk usage". Only words that can name a topic are uncovered (:func:`is_topic`): adverbs and verb forms
that say what happened or how ("went", "safely", "running") are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.entities import ENTITY_CONCEPTS
from opsuite_ops.domain.extract import GENERIC_WORDS, canonical_param, is_verb_or_adverb
from opsuite_ops.domain.fill import ENUM_SYNONYMS
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.timeline import is_trouble_word

#: Words that measure something rather than name it: "disk usage" is not answered by a tool named ``mem_usage``.
MEASURE_WORDS = frozenset(
    """usage use used utilisation utilization free space size level levels percent percentage consumption
    capacity amount total count number value values metric metrics stat stats statistics""".split()  # noqa: SIM905
)

#: Words that never name a measured thing or a topic, so no tool has to "report" them: parts of time
#: expressions ("last night", "up to date", "just now", "this morning") and function words ("just", "still").
#: Generic English, no estate's vocabulary.
NON_TOPIC_WORDS = frozenset(
    """night nights tonight overnight morning mornings afternoon evening evenings noon midnight weekend
    just up still yet already ever again also only even lately soon far""".split()  # noqa: SIM905
)

#: Words naming only the kind of a name ("the checkout service"): they point at an entity, not at a tool.
CONCEPT_WORDS = frozenset(w for names in ENTITY_CONCEPTS.values() for n in names for w in (n, f"{n}s") if "_" not in n)

__all__ = [
    "CONCEPT_WORDS",
    "MEASURE_WORDS",
    "NON_TOPIC_WORDS",
    "CoverageCheck",
    "asks_how_to",
    "enum_words",
    "is_topic",
    "strong_tokens",
    "term_tokens",
    "vocabulary",
]


#: "how do I ...", "how can we ...", "how to ...": a question asking for a procedure (English form only).
_HOW_TO = re.compile(r"^\s*how\s+(?:(?:do|can|could|should|would|shall|must)\s+(?:i|we|you|one)\b|to\b)", re.I)


def asks_how_to(question: str) -> bool:
    """Whether ``question`` asks how to do something: documents (a runbook search) answer it, not a listing."""
    return bool(_HOW_TO.search(question))


def enum_words(tool: Tool) -> set[str]:
    """The (stemmed) words of a tool's enum values."""
    out: set[str] = set()
    for schema in tool.properties.values():
        for source in (schema.get("enum"), (schema.get("items") or {}).get("enum")):
            if isinstance(source, list):
                for v in source:
                    out.update(tokenise(str(v), keep_stop_words=True))
                    if str(v).isalnum():
                        out.update({str(v).lower(), stem(str(v).lower())})  # "NotReady" is also one word
    return out


def strong_tokens(tool: Tool) -> set[str]:
    """The words that name what a tool is about: its name, tags, parameter names and enum values."""
    out = set(tokenise(tool.name, keep_stop_words=True))
    for tag in tool.tags:
        out.update(tokenise(tag, keep_stop_words=True))
    for param in subject_params(tool):
        out.update(tokenise(param, keep_stop_words=True))
    return out | enum_words(tool)


def subject_params(tool: Tool) -> list[str]:
    """A tool's parameters but its time-window bounds (``since``, ``after``, ``start_time``...): those name
    when, not what, so "start" or "after" in a question do not make it match."""
    return [p for p in tool.properties if canonical_param(p) not in ("since", "until")]


def vocabulary(tools: Iterable[Tool]) -> frozenset[str]:
    """Every (stemmed) word of the catalogue: names, descriptions, tags, parameters, enum values."""
    out: set[str] = set()
    for tool in tools:
        out |= strong_tokens(tool)
        out.update(tokenise(tool.description, keep_stop_words=True))
    return frozenset(out)


def _bases(word: str) -> set[str]:
    """Base forms of a regular participle or gerund ("running" -> run, runn, rune; "restarted" -> restart)."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            root = word[: -len(suffix)]
            out = {root, root + "e"}
            if len(root) > 2 and root[-1] == root[-2]:
                out.add(root[:-1])  # a doubled consonant
            return out
    return set()


def is_topic(word: str, vocab: frozenset[str], *, cause: bool = False) -> bool:
    """Whether ``word`` could name what a question asks about (see :meth:`CoverageCheck.of`): not a time or
    function word (:data:`NON_TOPIC_WORDS`), nor a state word that names a value of some tool's enum through
    :data:`fill.ENUM_SYNONYMS` ("down" for an enum holding ``offline``)."""
    if word in NON_TOPIC_WORDS or _enum_synonym(word, vocab):
        return False
    if not is_verb_or_adverb(word):
        return True
    bases = _bases(word)
    if not bases:
        return False  # "-ly" adverbs and irregular verb forms
    return not (cause or any(b in vocab or stem(b) in vocab or b in GENERIC_WORDS for b in bases))


def _enum_synonym(word: str, vocab: frozenset[str]) -> bool:
    """Whether ``word`` is a state word that some enum value of the catalogue (in ``vocab``) stands for."""
    return any(word in words and (value in vocab or stem(value) in vocab) for value, words in ENUM_SYNONYMS.items())


def term_tokens(term: str, synonyms: Mapping[str, tuple[str, ...]]) -> set[str]:
    """A term's stem and its synonyms' tokens ("changed" -> chang, deploy, releas, change)."""
    s = stem(term)
    out = {s, term}
    for extra in synonyms.get(s, ()):
        out.update(tokenise(extra, keep_stop_words=True))
    return out


@dataclass(frozen=True, slots=True)
class CoverageCheck:
    """The uncovered terms of a question, and which tools match it only weakly."""

    terms: tuple[str, ...]
    uncovered: tuple[str, ...]
    phrase: str
    synonyms: Mapping[str, tuple[str, ...]]
    #: The unknown words come with a measure word ("disk usage"): a metric was asked for, not a qualifier ("high").
    measured: bool = False
    #: An unknown word is not followed by a word a tool knows ("error rate and who is oncall", "who owns the
    #: checkout service"): it is a part of the question of its own, not a qualifier of the next word ("high cpu").
    standalone: bool = False

    @classmethod
    def of(
        cls,
        terms: Sequence[str],
        tools: Sequence[Tool],
        synonyms: Mapping[str, tuple[str, ...]],
        vocab: frozenset[str] | None = None,
        cause: bool = False,
    ) -> CoverageCheck:
        """Check ``terms`` against the whole catalogue ``tools``.

        Only a word that can name a topic counts (:func:`is_topic`): not an adverb or an irregular verb
        form ("safely", "went"), nor a participle or gerund whose base a tool knows ("running": run,
        "restarted": restart) or that describes the trouble a ``cause`` question asks about ("why are the
        pods crashlooping": the investigation's series and changes answer it), nor a verb form followed by a
        word a tool knows ("seeing CRC errors": it acts on that word). "rebooted" in "which hosts were
        rebooted" is a topic: no tool knowing "reboot", no tool reports it.
        """
        vocab = vocab if vocab is not None else vocabulary(tools)
        strong = set().union(*(strong_tokens(t) for t in tools)) if tools else set()
        # Words of trouble ("jump", "spike", "rise") are what a series' onset reports, whatever the tool.
        known = [bool(term_tokens(t, synonyms) & vocab) or is_trouble_word(t) for t in terms]
        # A verb form followed by a word a tool knows acts on it ("seeing CRC errors"): that word is the topic.
        uncovered = tuple(
            t
            for k, t in enumerate(terms)
            if not known[k]
            and is_topic(t, vocab, cause=cause)
            and not (is_verb_or_adverb(t) and k + 1 < len(terms) and known[k + 1])
        )
        # The phrase names what is missing: each unknown word and the words after it that name no tool
        # ("disk usage": "usage" is only in a description).
        runs: list[list[str]] = []
        open_run = False
        for t in terms:
            if t in uncovered:
                if open_run:
                    runs[-1].append(t)
                else:
                    runs.append([t])
                open_run = True
            elif open_run and not is_trouble_word(t) and (t in MEASURE_WORDS or not term_tokens(t, synonyms) & strong):
                runs[-1].append(t)
            else:
                open_run = False
        phrase = " and ".join(dict.fromkeys(" ".join(dict.fromkeys(run)) for run in runs))
        measured = any(t in MEASURE_WORDS for run in runs for t in run)
        standalone = False
        for k, t in enumerate(terms):
            if t in uncovered:
                nxt = next((x for x in terms[k + 1 :] if x not in uncovered), None)
                named = is_trouble_word(nxt) if nxt is not None else False  # "start to jump": what an onset says
                if nxt is None or nxt in CONCEPT_WORDS or not (named or term_tokens(nxt, synonyms) & strong):
                    standalone = True
        return cls(tuple(terms), uncovered, phrase, synonyms, measured, standalone)

    def names(self, tool: Tool) -> bool:
        """Whether the question names ``tool``: one of its terms, not a mere measure word ("usage"), is in the
        tool's name, tags, params or enums."""
        strong = strong_tokens(tool)
        return any(
            term_tokens(t, self.synonyms) & strong
            for t in self.terms
            if t not in MEASURE_WORDS and t not in CONCEPT_WORDS
        )
