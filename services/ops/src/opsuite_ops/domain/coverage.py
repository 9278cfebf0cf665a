"""Which parts of a question the catalogue covers: never answer "disk usage" with memory data.

A question's *terms* (its content words, see :mod:`extract`) are checked against the catalogue's own
vocabulary: the words of every tool's name, description, tags and parameters, and its enum values,
with the planner's synonyms. A term no tool knows ("disk") is *uncovered*. When a question has one,
a tool that matches it only through words of its description ("usage" in "Memory usage of a host") or
through measure words (:data:`MEASURE_WORDS`: "usage" in ``mem_usage``) is answering something else and
is left out; the tools the question names (a term in the tool's name, tags, parameters or enum values:
"cpu" for ``cpu_by_host``) stay. The answer then says "no tool reports
disk usage". Only words that can name a topic are uncovered (:func:`is_topic`): adverbs and verb forms
that say what happened or how ("went", "safely", "running") are not, nor comparison words ("slowest",
"big"), numbers with a suffix ("504s"), nor a verb form qualifying a subject a tool knows ("any
maintenance planned", "5xx is the pool returning"; but "which hosts were rebooted" asks for the act).
A free-text parameter's name ("query") names no subject: "dns queries" is not covered by a search tool.
Each clause counts: in "..., and what are those runners costing us", the verb form is the topic asked
(see :mod:`extract`), so "costing" is uncovered. A plain word read as a name of a kind no inventory lists
after "in", "on" or "about" ("in scrap") that no step took is checked too (:mod:`guessed_topics`). The word lists
are in :mod:`words`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.entities import ENTITY_CONCEPTS
from opsuite_ops.domain.extract import Entities, canonical_param, is_verb_or_adverb
from opsuite_ops.domain.fill import TEXT_PARAMS
from opsuite_ops.domain.fill_words import ENUM_SYNONYMS
from opsuite_ops.domain.model import PlanStep, Tool
from opsuite_ops.domain.param_kinds import SEARCH_TAGS
from opsuite_ops.domain.people import asks_who, names_people
from opsuite_ops.domain.timeline import is_trouble_word
from opsuite_ops.domain.timerange import time_bound
from opsuite_ops.domain.token_kinds import PORT_PATH
from opsuite_ops.domain.words import GENERIC_WORDS, INTENSIFIERS, MEASURE_WORDS, NON_TOPIC_WORDS, measures

#: Measure words and the forms tools publish them in: an error "rate" is reported as a percent or a ratio of
#: the requests. Only for coverage, only next to a word of trouble the same tool knows (see :func:`_form_known`);
#: ranking keeps the question's own words.
MEASURE_FORMS: dict[str, tuple[str, ...]] = {"rate": ("percent", "pct", "ratio"), "rates": ("percent", "pct", "ratio")}
#: Words of a tool saying it counts per interval ("in 1-minute samples", "per second"): a count per interval is a
#: rate ("request rate"). Stems, as in the vocabulary.
_PER_INTERVAL = frozenset({"sampl", "minut", "second", "per", "rps", "qps", "throughput"})
#: Things that flow, whose rate is a count per interval (stems).
_FLOWS = frozenset(
    stem(w)
    for w in """request call query message event transaction packet order pick parcel job write read connection
    login upload download page view delivery shipment""".split()  # noqa: SIM905
)
#: Words of trouble a rate is of ("error rate", "5xx rate", "failure rate").
_RATE_OF = re.compile(r"^(?:errors?|failures?|fail\w*|timeouts?|rejects?|rejections?|drops?|[45]xx|[45]\d\ds?)$", re.I)
#: Words of a tool saying it records who did something (its actor): "who deleted X" needs one of them ("owner"
#: is not one: who owns a thing is not who acted on it; ``owned_by`` is a ``*_by`` name).
ACTOR_WORDS = frozenset(
    {
        "user", "actor", "author", "principal", "implementer", "requester", "requestor", "initiator",
        "operator", "username", "assignee", "committer", "creator", "submitter",
    }
)  # fmt: skip
#: "deployed_by", "by whom", "what changed and who": a tool's words saying it records the actor.
_BY_NAME = re.compile(r"[a-z]_by\b|\bby\s+whom\b|\bwho\b", re.I)

#: A number with a plural or unit suffix ("504s", "5xx", "10k"): a value the question gives, never a topic.
_NUMBERISH = re.compile(r"^\d+[a-z]{0,2}$|^\d[\dx]*$", re.IGNORECASE)

#: Words naming only the kind of a name ("the checkout service"): they point at an entity, not at a tool.
CONCEPT_WORDS = frozenset(w for names in ENTITY_CONCEPTS.values() for n in names for w in (n, f"{n}s") if "_" not in n)

__all__ = [
    "CONCEPT_WORDS",
    "MEASURE_WORDS",
    "NON_TOPIC_WORDS",
    "CoverageCheck",
    "asks_for_documents",
    "asks_how_to",
    "asks_who",
    "ate_forms",
    "clipped",
    "enum_words",
    "is_topic",
    "known_by_synonym",
    "searched",
    "strong_tokens",
    "term_tokens",
    "vocabulary",
]


#: "how do I ...", "how can we ...", "how to ...", "how long do we keep ...", "how much notice do we need": a
#: question asking for a procedure or a practice (English form only).
_HOW_TO = re.compile(
    r"^\s*how\s+(?:long\s+|often\s+|soon\s+)?(?:(?:do|can|could|should|would|shall|must)\s+(?:i|we|you|one)\b|to\b)"
    # "how much notice do we need to ...", "how many approvals must we get": a practice's requirement
    r"|^\s*how\s+(?:much|many)\s+[a-z]+\s+(?:do|should|must|would)\s+(?:i|we|you|one)\s+"
    r"(?:need|require|leave)\b",
    re.I,
)
#: "is there a runbook for ...", "any docs on ...", "find the playbook for ...", "whats the procedure after ...": a
#: question asking for documents.
_DOCUMENTS = re.compile(
    r"\b(?:is there|are there|do we have|have we got|any|find|where(?:'s| is| are)?)\s+"
    r"(?:(?:a|an|the|some|any|our)\s+)?(?:runbooks?|playbooks?|docs?|documents?|documentation|wiki|guides?|articles?|how-?tos?|procedures?|sops?)\b"
    # "whats the procedure after ...", "what's the SOP for ...": one document (not "what are the procedures")
    r"|\bwhat(?:'?s| is)\s+(?:(?:the|our)\s+)?(?:runbook|playbook|procedure|sop|guide|process)\s+"
    r"(?:for|after|when|if|on|to)\b",
    re.I,
)


def asks_for_documents(question: str) -> bool:
    """Whether ``question`` asks for documents by name ("any docs on Y"): only the document searches answer it."""
    return bool(_DOCUMENTS.search(question))


def asks_how_to(question: str) -> bool:
    """Whether ``question`` asks how to do something, or for documents: a runbook search answers it, no listing."""
    return bool(_HOW_TO.search(question) or _DOCUMENTS.search(question))


def enum_words(tool: Tool) -> set[str]:
    """The (stemmed) words of a tool's enum values."""
    out: set[str] = set()
    for schema in tool.properties.values():
        for source in (schema.get("enum"), (schema.get("items") or {}).get("enum")):
            for v in source if isinstance(source, list) else ():
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
    """A tool's parameters but its time-window bounds (``since``, ``after``, ``start_time``...) and its free
    text (``query``, ``q``): those say when or how to search, not what, so "start", "after" or "queries" in a
    question do not make it match."""
    return [
        p
        for p, schema in tool.properties.items()
        if canonical_param(p) not in ("since", "until")
        and time_bound(p, schema) is None
        and p.lower() not in TEXT_PARAMS
    ]


def vocabulary(tools: Iterable[Tool]) -> frozenset[str]:
    """Every (stemmed) word of the catalogue: names, descriptions, tags, parameters, enum values, and the
    hyphenated names the descriptions spell out (whole)."""
    out: set[str] = set()
    for tool in tools:
        out |= strong_tokens(tool)
        out.update(tokenise(tool.description, keep_stop_words=True))
        # The hyphenated names the description spells out ("the sidecar-proxy on the edge nodes"): names the
        # catalogue itself uses, not misspellings of some listed value.
        out.update(_HYPHENATED.findall(tool.description.lower()))
        for param in tool.properties:
            if param.lower() not in TEXT_PARAMS:  # a window's "start_date" too: known words, if weak ones
                out.update(tokenise(param, keep_stop_words=True))
    return frozenset(out)


_HYPHENATED = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)+(?![\w-])")


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
    :data:`fill_words.ENUM_SYNONYMS` ("down" for an enum holding ``offline``)."""
    if word in NON_TOPIC_WORDS or word in INTENSIFIERS or _NUMBERISH.match(word) or PORT_PATH.match(word):
        return False
    if _enum_synonym(word, vocab):
        return False
    if not is_verb_or_adverb(word):
        return True
    bases = _bases(word)
    if not bases:
        return False  # "-ly" adverbs and irregular verb forms
    return not (cause or any(b in vocab or stem(b) in vocab or b in GENERIC_WORDS for b in bases))


#: State words a tool reporting these states covers (not enum synonyms: "down" chooses no ``fault`` value).
_STATES_COVERING = {"down": ("fault", "stopped", "stop"), "shut": ("closed", "stopped", "shutdown"),
                     "stuck": ("error", "blocked", "stalled", "hung", "paused", "queued")}  # fmt: skip


def _enum_synonym(word: str, vocab: frozenset[str]) -> bool:
    """Whether ``word`` is a state word that some enum value of the catalogue (in ``vocab``) stands for, or that a
    tool reporting a fault or stopped state covers ("is anything down")."""
    if any(s in vocab or stem(s) in vocab for s in _STATES_COVERING.get(word, ())):
        return True
    return any(word in words and (value in vocab or stem(value) in vocab) for value, words in ENUM_SYNONYMS.items())


def _kind_known(word: str, vocab: frozenset[str]) -> bool:
    """Whether ``word`` names a kind of name ("node", "servers") whose kind the tools know by another of its
    words ("instance", "host"): "which node is the primary" asks about the estate's instances."""
    low = word.removesuffix("s")
    for names in ENTITY_CONCEPTS.values():
        words = {n for n in names if "_" not in n}
        if low in words and {stem(n) for n in words} & vocab:
            return True
    return False


#: Two-letter ends of a stem where a longer word was cut by the stemmer ("utiliz" of utilization).
_DERIVED = frozenset({"iz", "is", "at", "ic", "ur"})  # "utiliz", "configur"
#: Lengths of a clipped word ("cert" of certificate, "repl" of replication): shorter ones are words of their own.
_CLIPPED_LENGTHS = range(4, 7)


def ate_forms(base: str) -> set[str]:
    """The other stem of an "-ate" verb's family: "escalat" (escalate) -> "escal" (escalation), and back; the
    stemmer cuts "-ation" whole but keeps the "at" of "-ate". Long stems only ("format" is no "form")."""
    if not base.isalpha():
        return set()
    if base.endswith("at") and len(base) >= 7:
        return {base[:-2]}
    return {base + "at"} if len(base) >= 5 else set()


def clipped(word: str, vocab: frozenset[str]) -> bool:
    """Whether ``word`` is the clipped form of a longer word of the catalogue ("cert" for certificates, "config"
    for configuration, "util" for utilization): its first letters, at least two letters short of a stem; or
    another form of a word whose stem is one letter short of it ("expire" of "expiry": the stems "expir" and
    "expiry"); or the "-ate" verb of an "-ation" noun or the other way round (:func:`ate_forms`)."""
    if not word.isalpha():
        return False
    base = stem(word)
    if len(base) >= 4 and any(len(v) == len(base) + 1 and v.isalpha() and v.startswith(base) for v in vocab):
        return True
    if ate_forms(base) & vocab:
        return True  # "escalate" of "escalation" (the stems "escalat" and "escal")
    if len(word) not in _CLIPPED_LENGTHS or is_verb_or_adverb(word):
        return False
    # The vocabulary holds stems: "util" of utilization ("utiliz", two letters longer in a derivational stem) is
    # clipped too; "head" of "header", "port" of "portal" are other words.
    return any(
        v.isalpha() and v.startswith(word) and (len(v) >= len(word) + 3 or v[len(word) :] in _DERIVED)
        for v in vocab
        if len(v) >= len(word) + 2
    )


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
    #: Acts whose actor is asked ("who deleted X") that a tool knows: only a planned tool knowing the act and
    #: saying who did it answers it (:meth:`actorless`).
    actor_asked: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        terms: Sequence[str],
        tools: Sequence[Tool],
        synonyms: Mapping[str, tuple[str, ...]],
        vocab: frozenset[str] | None = None,
        cause: bool = False,
        qualifiers: Iterable[str] = (),
        apart: Iterable[str] = (),
        acted: Iterable[str] = (),
        actor_of: Iterable[str] = (),
    ) -> CoverageCheck:
        """Check ``terms`` against the whole catalogue ``tools``.

        Only a word that can name a topic counts (:func:`is_topic`): not an adverb or an irregular verb
        form ("safely", "went"), nor a participle or gerund whose base a tool knows ("running": run,
        "restarted": restart) or that describes the trouble a ``cause`` question asks about ("why are the
        pods crashlooping": the investigation's series and changes answer it), nor a verb form followed by a
        word a tool knows ("seeing CRC errors": it acts on that word). "rebooted" in "which hosts were
        rebooted" is a topic: no tool knowing "reboot", no tool reports it. The words of an act asked about
        and of the thing it was done to (``acted``, see :mod:`acts`) are known: a change history answers them.
        An act whose actor is asked (``actor_of``: "who deleted objects") is a topic whatever follows it: only a
        tool knowing the act says who did it.
        """
        vocab = vocab if vocab is not None else vocabulary(tools)
        qualifiers = frozenset(qualifiers)
        strong = set().union(*(strong_tokens(t) for t in tools)) if tools else set()
        # Words of trouble ("jump", "spike", "rise") are what a series' onset reports, whatever the tool.
        done = frozenset(acted)
        actors = frozenset(actor_of)
        known = [
            (t not in actors and t in done)
            or bool(term_tokens(t, synonyms) & vocab)
            or _form_known(k, terms, tools, synonyms)
            or is_trouble_word(t)
            or _kind_known(t, vocab)
            or clipped(t, vocab)
            for k, t in enumerate(terms)
        ]
        # A verb form followed by a word a tool knows acts on it ("seeing CRC errors"): that word is the topic.
        # A verb form qualifying a known subject says what it did ("maintenance planned", "5xx is X returning",
        # see :attr:`Entities.qualifiers`); "which hosts were rebooted" and "NotReady or cordoned" ask for the act.
        subject = any(
            (known[k] or _NUMBERISH.match(t)) and t not in CONCEPT_WORDS | MEASURE_WORDS and not is_verb_or_adverb(t)
            for k, t in enumerate(terms)
        )
        uncovered = tuple(
            t
            for k, t in enumerate(terms)
            if not known[k]
            and (
                t in actors
                or (
                    is_topic(t, vocab, cause=cause)
                    and not (
                        is_verb_or_adverb(t)
                        and ((t in qualifiers and subject) or (k + 1 < len(terms) and known[k + 1]))
                    )
                )
            )
        )
        missing = frozenset(uncovered)
        # The phrase names what is missing: each unknown word and the words after it that name no tool
        # ("disk usage": "usage" is only in a description).
        runs: list[list[str]] = []
        open_run = False
        for t in terms:
            if t in missing:
                if open_run:
                    runs[-1].append(t)
                else:
                    runs.append([t])
                open_run = True
            elif (
                open_run and not is_trouble_word(t) and (measures(t, runs[-1]) or not term_tokens(t, synonyms) & strong)
            ):
                runs[-1].append(t)
            else:
                open_run = False
        phrase = " and ".join(dict.fromkeys(" ".join(dict.fromkeys(run)) for run in runs))
        measured = any(measures(t, run[:k]) for run in runs for k, t in enumerate(run))
        standalone = False
        alone = frozenset(apart)
        # The first covered term after each position (one pass from the end: a long question stays linear).
        following: list[str | None] = []
        nxt: str | None = None
        for t in reversed(terms):
            following.append(nxt)
            if t not in missing:
                nxt = t
        following.reverse()
        for k, t in enumerate(terms):
            if t not in missing:
                continue
            if t in alone:
                standalone = True  # "spend on cdn": followed by a preposition, not by the word it qualifies
                break
            nxt = following[k]
            named = is_trouble_word(nxt) if nxt is not None else False  # "start to jump": what an onset says
            if nxt is None or nxt in CONCEPT_WORDS or not (named or term_tokens(nxt, synonyms) & strong):
                standalone = True
                break
        # A known act whose actor is asked: only a tool knowing the act and recording who did it answers it.
        actor_asked = tuple(t for k, t in enumerate(terms) if t in actors and known[k])
        return cls(tuple(terms), uncovered, phrase, synonyms, measured, standalone, actor_asked)

    def actorless(self, planned: Sequence[Tool]) -> tuple[str, ...]:
        """The acts whose actor is asked that no ``planned`` tool (the plan's, not the catalogue's) both knows
        and says who did: a part of the question not covered."""
        return tuple(t for t in self.actor_asked if not _actor_known(t, planned, self.synonyms))

    def people_missing(self, question: str, planned: Sequence[Tool]) -> list[str]:
        """The parts asking for people that no ``planned`` tool answers: the acts whose actor is asked
        (:meth:`actorless`), and a question asking who ("whos on the dunmore feed problem") when every planned
        tool is a document search naming nobody (a procedures search): the answer cannot say who. Data tools
        are left alone: "whos down rn" asks which hosts, "who is affected" which customers."""
        if not planned:
            return []
        acts = self.actorless(planned)
        out = [f"no tool says who {act} it" for act in acts]
        documents = all(t.tags & SEARCH_TAGS for t in planned)
        if not acts and documents and asks_who(question) and not any(names_people(t) for t in planned):
            out.append("no tool says who: none of those run names people")
        return out

    def names(self, tool: Tool) -> bool:
        """Whether the question names ``tool``: one of its terms, not a mere measure word ("usage"), is in the
        tool's name, tags, params or enums."""
        strong = strong_tokens(tool)
        return any(
            term_tokens(t, self.synonyms) & strong
            for t in self.terms
            if t not in MEASURE_WORDS and t not in CONCEPT_WORDS
        )


def _actor_known(act: str, tools: Sequence[Tool], synonyms: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether a tool knows the act ("deleted") and records who did it (:data:`ACTOR_WORDS`, a ``*_by`` name,
    or its description saying "who")."""
    for tool in tools:
        text = " ".join([tool.name, tool.description, *tool.properties, *tool.output_hints])
        words = vocabulary([tool])
        if not term_tokens(act, synonyms) & words:
            continue
        if words & ACTOR_WORDS or {stem(w) for w in ACTOR_WORDS} & words or _BY_NAME.search(text):
            return True
    return False


def _form_known(k: int, terms: Sequence[str], tools: Sequence[Tool], synonyms: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether a measure word is known in the form tools publish it (:data:`MEASURE_FORMS`): an "error rate" by
    a tool knowing both the error and a percent, a "request rate" by a tool counting requests per interval
    (:data:`_PER_INTERVAL`), an "abandon rate" by a tool knowing abandons and a percent. A rate of nothing
    ("rated", "the rate of change") is not, nor a "hit rate" by a tool giving only hits per minute."""
    term = terms[k]  # by position: "the request rate and the hit rate" judges each rate by its own word
    forms = set(MEASURE_FORMS.get(term, ()))
    if not forms:
        return False
    troubles = [u for u in terms if u != term and _RATE_OF.match(u)]
    if any(
        forms & (words := vocabulary([tool])) and any(term_tokens(u, synonyms) & words for u in troubles)
        for tool in tools
    ):
        return True
    # "request rate": the word before it, a flow of things, counted per interval by a tool ("requests in
    # 1-minute samples"); a "hit rate" is a ratio, which a count of hits per minute does not give.
    # An "abandon rate" by a tool knowing abandons and publishing a percent or a ratio (of what it counts).
    counted = terms[k - 1] if k > 0 else ""
    if not counted:
        return False
    of_counted = term_tokens(counted, synonyms)
    return any(
        of_counted & (words := vocabulary([tool]))
        and (forms & words or (stem(counted) in _FLOWS and _PER_INTERVAL & words))
        for tool in tools
    )


def known_by_synonym(entities: Entities, synonyms: Mapping[str, tuple[str, ...]], vocab: frozenset[str]) -> Entities:
    """``entities`` without the rare terms that a synonym makes known ("traffic" is egress): those are what
    other tools answer, not words to look for in a log."""
    rare = tuple(t for t in entities.rare if not (term_tokens(t, synonyms) - {t, stem(t)}) & vocab)
    return entities if rare == entities.rare else dataclasses.replace(entities, rare=rare)


def searched(steps: Sequence[PlanStep], words: Sequence[str], tools: Sequence[Tool], also: Iterable[str] = ()) -> bool:
    """Whether every word is in a free-text argument of a document search step (a search for "missing
    heartbeat"; a log search for "spend" does not say what was spent), or of the tools ``also`` names (the log
    people write findings in, for "what has leontine found": a search for leontine)."""
    documents = {t.name for t in tools if t.tags & {"document", "search"}} | set(also)
    searched: set[str] = set()
    for step in steps:
        if step.tool not in documents:
            continue
        for value in step.arguments.values():
            if isinstance(value, str) and not value.startswith("$steps."):
                searched.update(tokenise(value, keep_stop_words=True))
    return bool(words) and all(stem(w) in searched or w in searched for w in words)
