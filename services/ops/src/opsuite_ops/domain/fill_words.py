"""What the question's words choose among a tool's parameter values (see :mod:`fill`): the enum values it
names (itself or through an operator synonym: "offline" is ``down``), the boolean filters it names, and the
key terms a free-text search looks for."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, stem, tokenise, value_stem
from opsuite_ops.domain.enum_labels import described_values
from opsuite_ops.domain.extract import Entities, is_verb_or_adverb
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.values import identifier_like
from opsuite_ops.domain.words import NON_TOPIC_WORDS, STRESS_WORDS

__all__ = [
    "ENUM_SYNONYMS",
    "asks_not_ended",
    "choose_enum",
    "enum_choices",
    "flag_value",
    "key_terms",
    "names_the_subject",
    "naming_words",
]


_NUMBER_PLURAL = re.compile(r"^(\d+)s$")


#: Operator words for common status values; an enum value is used only if the tool's schema has it.
ENUM_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "offline": ("down",), "unreachable": ("down",), "dead": ("down",), "failed": ("down",),
    "online": ("up",), "running": ("up",), "healthy": ("up", "ok", "healthy"),
    "unhealthy": ("degraded", "down"), "impaired": ("degraded",), "degrading": ("degraded",),
    "warning": ("warn", "warning"), "error": ("error", "err"), "critical": ("critical", "crit"),
    "red": ("failed", "failing", "failure"), "green": ("success", "succeeded", "passed", "passing"),
    "booked": ("scheduled", "planned"), "down": ("offline",),
}  # fmt: skip


#: Values of a health or status enum that mean all is well, and the words asking for every other value.
_HEALTHY = frozenset({"healthy", "up", "ok", "running", "online", "green", "active", "available"})
_NOT_HEALTHY = frozenset({"unhealthy", "unwell", "problematic"})
#: "is X ok?", "are the syncs healthy?": a yes/no question of health.
_IS_IT = re.compile(r"\s*(?:is|are|isn'?t|aren'?t)\b", re.IGNORECASE)
#: Values of a lifecycle enum that end it, and the words asking for every value before its end: "unresolved",
#: "outstanding", and "open" where no value is literally open or the question says "still open" (an incident
#: still open may be investigating or monitoring; one in status ``open`` has only just been raised).
_ENDED = frozenset({"resolved", "closed", "done", "completed", "complete", "cancelled", "canceled", "finished",
                    "fixed", "rejected", "cleared", "restored", "recovered"})  # fmt: skip
#: "whats been restored so far": what has been done of something still going on (its end is no filter: it has not
#: come); "how many were closed so far" counts the closed ones.
_SO_FAR = re.compile(
    r"\bwhat(?:['’]?s|\s+(?:has|have))\s+(?:been|got)\s+\w+(?:ed|en)\b[^?.;]*\bso\s+far\b", re.IGNORECASE
)
_NOT_ENDED = frozenset({"unresolved", "outstanding", "ongoing", "unfinished", "unclosed"})
#: Words of things not begun yet ("booked"): booked whenever, like what is still open.
_NOT_BEGUN = frozenset({"booked"})


#: Words of a boolean parameter's name that say how it filters, not on what ("open_only": "open").
_FLAG_FORM = frozenset({"only", "include", "is", "show", "with", "has", "filter"})
_FLAG_NEGATIVE = frozenset({"exclude", "hide", "skip", "no", "not", "without", "ignore"})


def flag_value(name: str, words: Sequence[str], negated: Iterable[str] = ()) -> bool | None:
    """True for a boolean filter the question names ("any open P1s": ``open_only``), else None (its default):
    every word of its name but the form words (only, include...) is a word of the question; never a
    negative one (``exclude_resolved``), nor one the question negates ("tickets not open")."""
    words = [w for w in words if w not in frozenset(negated)]
    parts = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()) if w]
    if not parts or set(parts) & _FLAG_NEGATIVE:
        return None
    topic = [p for p in parts if p not in _FLAG_FORM]
    said = set(words) | {stem(w) for w in words}
    return True if topic and all(p in said or stem(p) in said for p in topic) else None


def enum_choices(
    options: Sequence[Any],
    words: Sequence[str],
    *,
    asks_whether: bool = False,
    negated: Iterable[str] = (),
    mixed: bool = False,
    default: Any = None,
) -> list[Any]:
    """Every option the question names, itself or through :data:`ENUM_SYNONYMS` ("degraded or down": both);
    the chosen options of :func:`choose_enum`."""
    return choose_enum(options, words, asks_whether=asks_whether, negated=negated, mixed=mixed, default=default)[0]


#: Values that stand for no filter at all ("all", "any", "*"): never one of the "other" values of a negation.
_SENTINELS = frozenset({"", "all", "any", "*"})


def choose_enum(
    options: Sequence[Any],
    words: Sequence[str],
    *,
    asks_whether: bool = False,
    negated: Iterable[str] = (),
    mixed: bool = False,
    default: Any = None,
    unsure: Iterable[str] = (),
    description: str = "",
    question: str = "",
) -> tuple[list[Any], list[Any]]:
    """The options the question names, and the negated options the choice cannot exclude.

    In a yes/no question (``asks_whether``: "did the load succeed?") a bare verb naming an option only by
    its stem ("succeed" for ``succeeded``) is what is asked, not a filter: it names no option; nor, in an "is ...?"
    question, does a word of health ("is inventory sync ok?": ``ok`` is what is asked, every state answers it).
    An option named by a ``negated`` word ("nodes aren't active", see :mod:`negation`) is what the question
    does not want: every other option is chosen instead, but no sentinel ("all", "any", "*", "") nor the
    schema's ``default`` (both return the excluded rows too). When no other option is left, or a wanted and a
    negated option are joined by "or" (``mixed``), no option is chosen and the negated ones are returned as
    the exclusion no call can express (the caller reports it: the answer is partial). With none named, an option
    whose label the ``description`` writes is named by that label's words (:mod:`enum_labels`); an option of words led
    by a preposition is named by the phrase the ``question`` writes ("on hold": ``on_hold``). An option named only by
    an ``unsure`` word (after a negator but not read as negated, see :func:`negation.unsure_words`) is never
    chosen: it is returned with the ones no call can exclude.
    """
    if _IS_IT.match(question[:200]) and not re.search(r"\b(?:any|anything|there|which|what)\b", question[:200], re.I):
        words = [w for w in words if w not in _HEALTHY]  # "is inventory sync ok?": whether it is ok is asked
    if _SO_FAR.search(question[:2000]):
        words = [w for w in words if w not in _ENDED]  # "whats been restored so far": the progress of what goes on
    if question and any(len(str(o)) == 1 for o in options):
        words = [w for w in words if len(w) != 1 or not w.isalpha()] + single_letters(question)
    negative = frozenset(negated)
    doubt = frozenset(unsure) - negative
    if doubtful := _named(options, [w for w in words if w in doubt], asks_whether=asks_whether) if doubt else []:
        if mixed:  # "not healthy or down": neither the wanted nor the negated values
            negated_named = _named(options, [w for w in words if w in negative], asks_whether=asks_whether)
            return [], negated_named + [o for o in doubtful if o not in negated_named]
        sure = [w for w in words if w not in doubt]
        chosen, shunned = choose_enum(
            options, sure, asks_whether=asks_whether, negated=negative, default=default, question=question
        )
        return chosen, shunned + [o for o in doubtful if o not in chosen and o not in shunned]
    wanted = _named(options, [w for w in words if w not in negative], asks_whether=asks_whether)
    phrased = _phrased(options, question, doubt)  # "on hold": ``on_hold``; "not on hold": every other value
    wanted += [o for o in phrased if o not in wanted and not negative & set(_parts(o))]
    shunned = _named(options, [w for w in words if w in negative], asks_whether=asks_whether) if negative else []
    shunned += [o for o in phrased if o not in shunned and negative & set(_parts(o))]
    if not shunned:
        # "harbour jn" for "FSP/HJ/01 Harbour Junction" in the parameter's description (enum_labels)
        return wanted or described_values(options, description, [w for w in words if w not in negative]), []
    if wanted:
        rest = [o for o in wanted if o not in shunned]
        return ([], shunned) if mixed or not rest else (rest, [])
    rest = [
        o
        for o in options
        if str(o).strip().lower() not in _SENTINELS and o != default and o is not None and o not in shunned
    ]
    return (rest, []) if rest else ([], shunned)


#: A letter standing alone ("cat A", "A-check", "cat b"), not part of "a/c", "w/o", "G-TRNG's", "G-TRNG".
_LETTER = re.compile(r"(?<![\w/&'’.-])(?<!\d\s)([A-Za-z])(?![\w/&'’])(?!-[A-Z0-9])(?!\.\w)")
#: Where a sentence starts: its first letter "A" or "I" is a word ("A list of open items", "I need cat B").
_SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s+)\s*$")
#: Lowercase letters that are words of their own (an article, a pronoun, chat: "n" and, "u" you, "r" are).
_LETTER_WORDS = frozenset("ainurykc")


def single_letters(question: str) -> list[str]:
    """The single letters ``question`` writes as codes, lowercased: a capital standing alone or before a hyphen
    ("cat A", "A-check"), a small one standing alone that is no word of its own ("cat b"; not "a", "n", "u"), never
    a letter of "a/c", "w/o", "e.g." or a unit after a number ("3 d"), nor "I" or a sentence's opening "A". What
    names an enum of letters (MEL categories A-D, checks A and C)."""
    out = []
    for m in _LETTER.finditer(question[:4000]):
        letter = m.group(1)
        opening = (
            _SENTENCE_START.search(question[max(0, m.start() - 4) : m.start()])
            and question[m.end() : m.end() + 1] != "-"
        )
        if letter == "I" or (letter == "A" and opening):
            continue  # "I", or "A" opening a sentence: a word (not "A-check due?")
        if letter.isupper() or letter not in _LETTER_WORDS:
            out.append(letter.lower())
    return out


def _parts(option: Any) -> list[str]:
    return [p for p in re.split(r"[\s_-]+", str(option).lower()[:80]) if p]


def _phrased(options: Sequence[Any], question: str, unsure: frozenset[str]) -> list[Any]:
    """The options of two words or more led by a preposition, which no single word of the question names, that
    ``question`` writes as a phrase ("lots on hold": ``on_hold``, "in progress": ``IN_PROGRESS``, "en route"), none
    of whose words is ``unsure``; not "off air" ("off" leads no such phrase: ``off_air`` is one of the states of
    what is off air)."""
    said = set(re.findall(r"[a-z]+", question.lower()))
    out = []
    for o in options:
        parts = _parts(o)
        if len(parts) < 2 or parts[0] not in _LEADING or not set(parts) <= said or unsure & set(parts):
            continue  # (a set test first: one regex per option only for those whose words are all there)
        if re.search(r"\b" + r"[\s_-]+".join(map(re.escape, parts)) + r"\b", question, re.IGNORECASE):
            out.append(o)
    return out


_LEADING = frozenset({"on", "in", "at", "out", "en", "under", "awaiting"})


def _named(options: Sequence[Any], words: Sequence[str], *, asks_whether: bool = False) -> list[Any]:
    """The options ``words`` name (see :func:`enum_choices`)."""
    if asks_whether:
        own = {str(o).lower() for o in options}
        stems = {stem(v) for v in own}
        words = [w for w in words if w in own or not ({w, stem(w)} & stems)]
    named = set(words) | {stem(w) for w in words} | {value_stem(w) for w in words}
    for w in words:
        named.update(ENUM_SYNONYMS.get(w, ()))
        if w.endswith("ed") and len(root := stem(w)) >= 4 and root != w:
            # a past participle names its doer: "encoded at" asks the ``encoder``, "processed" the ``processor``
            # (not "feed", no participle; nor "routing": a verb of what a thing does, not its kind)
            named.update((f"{root}er", f"{root}or"))
    values = [str(o).lower() for o in options]
    if named & _NOT_HEALTHY and any(v in _HEALTHY for v in values):
        # "unhealthy" on a health enum: every value that is not a healthy one ("impaired", "offline").
        named.update(v for v in values if v and v not in _HEALTHY)
    if any(v in _ENDED for v in values) and (
        named & _NOT_ENDED or ("open" in words and ("still" in words or "open" not in values))
    ):
        named.update(v for v in values if v not in _ENDED and v not in _SENTINELS)
    chosen = [o for o in options if str(o).lower() in named or stem(str(o).lower()) in named]
    return chosen


def asks_not_ended(words: Sequence[str]) -> bool:
    """Whether the question asks for what is still open ("still open", "unresolved", "outstanding") or not begun
    ("booked"): whenever it was opened, so a window the question does not give reaches back far ("open
    connections" is no lifecycle)."""
    said = set(words)
    return bool(said & (_NOT_ENDED | _NOT_BEGUN)) or {"still", "open"} <= said


#: Words asking what comes next ("whens the next collection", "upcoming works", "tmrw"); "next to" is a place.
_AHEAD = re.compile(r"\b(?:next(?!\s+to\b)|upcoming|tomorrow|tmrw|tomoz|tonight)\b", re.IGNORECASE)


#: A tool of things booked ahead ("collections scheduled between two dates"), whose window can lie in the future;
#: readings and logs are of the past whatever the question asks next.
_BOOKED = re.compile(r"\b(?:schedul\w*|planned|booked|upcoming|ahead|due|roster\w*|rota|calendar)\b", re.IGNORECASE)


def looks_ahead(question: str, tool: Tool) -> bool:
    """Whether the question asks what comes next of a tool of things booked ahead (a window the question gives no
    time for then runs forward from now)."""
    about = " ".join((tool.description, *tool.tags))
    return _AHEAD.search(question) is not None and _BOOKED.search(about) is not None


def key_terms(
    tool: Tool,
    entities: Entities,
    synonyms: Mapping[str, tuple[str, ...]] | None = None,
    exclude: Iterable[str] = (),
    *,
    rare: bool = False,
) -> str:
    """The question's key terms for ``tool``'s search: no names, no form words, no words naming the tool,
    none of ``exclude`` (the words that chose one of its enum values). With ``rare`` (a search of records or
    logs, not of documents) only the terms no tool's words include (:attr:`Entities.rare`: "504s", not
    "pops" or "status", which other tools answer)."""
    synonyms = synonyms or {}
    excluded = set(exclude)
    own = {*tokenise(tool.name, keep_stop_words=True)}
    for tag in tool.tags:
        own.update(tokenise(tag, keep_stop_words=True))
    # An unresolved name is what is looked for; in a log or ticket search only one shaped like an identifier.
    out = [n for n in entities.guessed if n not in entities.terms and (not rare or identifier_like(n))]
    out.extend(v for v in entities.versions if v not in out)  # "billing-svc 2.31.0": name and tag
    for term in entities.rare if rare else entities.terms:
        if (is_verb_or_adverb(term) and not term.endswith(("ing", "ed"))) or term in NON_TOPIC_WORDS | STRESS_WORDS:
            continue  # "safely", "went", "how long do we keep": how or that, never what a document is about
        s = stem(term)
        if (
            term in excluded
            or s in own
            or any(x in own for extra in synonyms.get(s, ()) for x in tokenise(extra, keep_stop_words=True))
        ):
            continue
        out.append(_NUMBER_PLURAL.sub(r"\1", term))  # "504s" is looked for as "504"
    text = f" {' '.join(out)} "
    for word in entities.words:  # "no-read" is looked for as the question writes it, not "no read"
        if "-" in word and f" {word.replace('-', ' ')} " in text:
            text = text.replace(f" {word.replace('-', ' ')} ", f" {word} ")
    return text.strip()


def naming_words(chosen: Sequence[Any], words: Sequence[str]) -> set[str]:
    """The question's words that named the chosen enum values (no search term then: "resolved tickets")."""
    values = {str(o).lower() for o in chosen}
    stems = {stem(v) for v in values}
    return {w for w in words if w in values or stem(w) in stems or value_stem(w) in stems}


def names_the_subject(
    option: Any, options: Sequence[Any], words: Sequence[str], question: str, description: str
) -> bool:
    """Whether the question's word naming ``option`` is part of a phrase of the tool's own prose (its description
    without what it puts in brackets, where enum values are listed): "changes on the ground network" of "Ground
    network change requests (...) category (..., network, ...)" names what the tool is about, not a category.
    Not when the prose names another of the ``options`` too ("open incidents and closed incidents": a choice)."""
    prose = re.sub(r"\([^()]*\)", " ", description[:4000].lower())
    if any(o != option and str(o).strip() and re.search(rf"\b{re.escape(str(o).lower())}\b", prose) for o in options):
        return False
    naming = naming_words([option], words)
    tokens = re.findall(r"[a-z0-9]+", question[:2000].lower())
    for k, token in enumerate(tokens):
        if token not in naming:
            continue
        pairs = [(tokens[k - 1], token)] if k else []
        pairs += [(token, tokens[k + 1])] if k + 1 < len(tokens) else []
        if any(a not in STOP_WORDS and b not in STOP_WORDS and re.search(rf"\b{a} {b}\b", prose) for a, b in pairs):
            return True
    return False
