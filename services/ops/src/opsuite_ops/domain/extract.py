"""Entities found in a question: names (hosts, services), ids, times, numbers, quoted strings, key terms.

:func:`extract_entities` reads the question once. Names are kept whole (``payments-api``, ``pay-api-1``)
and resolved against the estate's :class:`~opsuite_ops.domain.entities.Inventory` (names its own tools
reported this run, plus operator-configured ones): a known name is a host or a service as the estate
says; a name-like word the estate does not have is an :class:`~opsuite_ops.domain.entities.UnknownName`
with its closest matches. Ticket-like ids (``INC-4211``) are ids, never hosts.

Values of the inventory's other columns are filters of that column (a kind: "ams" is a site), a word
before a kind word is a value of that kind ("the dba team") unless the estate lists that kind (then "the
video property" is no property named video), a dotted name also names the known values it ends with
("api.example.org": the zone ``example.org``), and an unknown name takes the kind and close matches of the
known name or value of its shape ("rtr-ams-05": no router named rtr-ams-05). A typo of a known name (the
same digits, very close, clearly closer than any other: "og-meida-eu") is still reported, and the answer
is for the name it misspells. A word that is a part of a known value ("media" of ``og-media-eu``) is left
to :mod:`values`; a misspelt word of the tools ("capacty") is read as the word it misspells (a few per
question, each compared with the vocabulary's words of its length and first letter).

A short name of one listed value (its last path segment, "billing-svc" for ``quill/billing-svc``; a part
no other value has, "billing"; a code and its number run together, "rtm2" for ``DC-RTM-02``; a misspelt
segment) is read as that value and the reading kept for the answer (:mod:`shortnames`); a version string
("2.31.0") is a value, never a term; chat words ("rn") are form words (:mod:`words`). In a clause opening "what
are ..." the verb form is asked for, not a qualifier. When no tool listed names of a kind, that kind falls back
to generic shapes (no estate's naming): a hyphenated name ending in digits is a host, a name after
"service"/"on"/"for"... is a service. :mod:`fill` then fills each tool's parameters from the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from opsuite_ops.domain.bm25 import ON_CALL, STOP_WORDS, is_verb_or_adverb
from opsuite_ops.domain.entities import (
    ENTITY_CONCEPTS,
    PADDED_NUMBER,
    TICKET_ID,
    Inventory,
    UnknownName,
    column_concept,
)
from opsuite_ops.domain.negation import mixed_or, negated_words, unsure_words
from opsuite_ops.domain.people import row_names_people
from opsuite_ops.domain.reader import Reader
from opsuite_ops.domain.shortnames import Reading
from opsuite_ops.domain.timerange import DAY_RE, ISO_RE, REL_RE, TimeRange, human_duration
from opsuite_ops.domain.timerange import time_range as parse_time_range
from opsuite_ops.domain.token_kinds import (
    AUXILIARIES,
    DO_SUPPORT,
    PORT_PATH,
    SEPARATED,
    VERSION_RE,
    asked_verbs,
    close_to_known,
    compounds,
    is_key,
    kind_cue,
    record_number,
    shape_kind,
    slash_names,
    value_of,
)
from opsuite_ops.domain.typos import MIN_TYPO_LENGTH, typo_of
from opsuite_ops.domain.values import asks_across, enclosing_values
from opsuite_ops.domain.words import GENERIC_WORDS, NON_TOPIC_WORDS, WORTH_WORDS

#: Words after which the word before stands apart, like before a stop word ("forecast thru DAV": not a forecast of
#: DAV); not stop words themselves: "through" may be a value ("the through movement").
_APART_AFTER = frozenset({"through", "thru"})

__all__ = [
    "GENERIC_WORDS",
    "HOST_PARAMS",
    "SERVICE_PARAMS",
    "SINCE_PARAMS",
    "UNTIL_PARAMS",
    "Entities",
    "TimeRange",
    "canonical_param",
    "extract_entities",
    "human_duration",
    "is_verb_or_adverb",
]

HOST_PARAMS = ENTITY_CONCEPTS["host"]
SERVICE_PARAMS = ENTITY_CONCEPTS["service"]
SINCE_PARAMS = frozenset({"since", "start", "start_time", "from", "from_time", "begin", "after"})
UNTIL_PARAMS = frozenset({"until", "end", "end_time", "to", "to_time", "before"})
ID_PARAMS = frozenset({"id", "ticket", "ticket_id", "incident", "incident_id", "issue", "issue_id", "key", "ref"})

# "host X" names a host, "X service" a service; "hosts running X" and "a web host" do not name the word next to them.
_HOST_CUES = frozenset({"host", "server", "node", "machine", "instance"})
_SERVICE_CUES = frozenset({"service", "app", "application", "svc", "component"})
_SERVICE_AFTER = frozenset({"service", "services", "app", "application"})
_PLACE_CUES = frozenset({"on", "for", "of", "in", "about", "from", "run", "runs", "running", "serving", "to"})
_JOINERS = frozenset({"and", "or", "vs", "versus", "&", "with"})
#: Prepositions of a move: a verb form before one says where its subject went ("added to", "moved into").
_TOWARDS = frozenset({"to", "into", "onto", "from"})

_NUMBER_RE = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.-])")
_QUOTED_RE = re.compile(r"\"([^\"]+)\"|'([^']{2,})'(?!\w)")
#: "how bad did the lag get": a judgement of the measure asked (how high), no topic of its own.
_HOW_BAD = frozenset({("how", "bad"), ("how", "good")})
_TOKEN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:#\d+)?|&")
_ID_RE = TICKET_ID
_VERSION_SEP = re.compile(r"\d[._-]\d")
#: ``key=value`` labels (an alert's): the key says what the value is.
_LABEL_RE = re.compile(r"(?<![\w.-])([A-Za-z_][\w.-]*)=([^\s,;]+)")
#: Labels of an alert about the alert itself (Prometheus/Alertmanager conventions), not about its subject.
_ALERT_LABELS = frozenset({"severity", "priority", "urgency", "alertname", "alertstate"})
#: A rule's or alert's own name ("alert checkout-error-rate") is words, not a host or service.
_RULE_NAME_RE = re.compile(
    r"\b(alert|alerts|rule|alarm|monitor|check|dashboard|job)\s+([A-Za-z][\w]*(?:[._-][\w]+)+)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Entities:
    """What the question mentions, in order of appearance.

    ``terms`` are its content words (no names, ids, stop words, times or quoted text): what tools are
    ranked and checked for coverage with; ``keywords`` are the terms without the question's form words.
    """

    hosts: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    time_range: TimeRange | None = None
    numbers: tuple[float, ...] = ()
    #: Numbers saying how many to show ("top 3", "first 10"): a limit, never a window or a threshold.
    counts: tuple[float, ...] = ()
    quoted: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    keywords: str = ""
    ids: tuple[str, ...] = ()
    unknown: tuple[UnknownName, ...] = ()
    terms: tuple[str, ...] = ()
    #: Known names also read as words ("search" is a service and a tool word): (word, kind), kept as terms.
    ambiguous: tuple[tuple[str, str], ...] = ()
    #: Values that are no names: (inventory column or "", text) ("zone", "zone-a-1"), a key "a.b_c".
    values: tuple[tuple[str, str], ...] = ()
    #: Names read by their shape alone, of kinds no inventory lists: they may be names of any kind ("billing-sre").
    guessed: tuple[str, ...] = ()
    #: What the inventory rows of the names and values found say besides ("billing-worker": namespace
    #: "billing"): (column, value), for a required parameter the question gives no other way.
    related: tuple[tuple[str, str], ...] = ()
    #: The question asks whether something happened ("did the job succeed?", "does it fail"): a bare verb
    #: in it is what is asked, not a filter (see :func:`fill_words.enum_choices`).
    asks_whether: bool = False
    #: Words the question negates ("aren't active"): a filter takes the other values (:mod:`negation`).
    negated: frozenset[str] = frozenset()
    #: "or" joins a wanted and a negated phrase ("offline or not in maintenance"): no filter says that.
    negation_mixed: bool = False
    #: Words after a negator in the same clause not read as negated: no filter takes them (:mod:`negation`).
    unsure: frozenset[str] = frozenset()
    #: Terms no tool's words include and that are no verb forms ("504s", "timeout"): what a log or ticket
    #: search looks for (a document search takes every key term).
    rare: tuple[str, ...] = ()
    #: Verb forms right after a word that is no auxiliary nor "and"/"or" ("maintenance planned", "is X
    #: returning"): they say what their subject did, unlike "were rebooted" or "NotReady or cordoned".
    qualifiers: tuple[str, ...] = ()
    #: Terms not followed by another word of the subject (the question's end, "of", "on"...): "spend" in
    #: "spend on cdn" is a part of its own, unlike "high" in "high cpu".
    apart: tuple[str, ...] = ()
    #: The question asks when something last happened ("when did ledger last fail over"), with no window: a
    #: required look-back covers a long window (:data:`fill.LATEST_WINDOW`), not the default day.
    latest_occurrence: bool = False
    #: The question asks across the values of a kind ("which pool is the slowest"), see :mod:`values`.
    across: bool = False
    #: Version strings ("2.31.0", "v1.9"): values the question gives (a search looks for them), never topics.
    versions: tuple[str, ...] = ()
    #: Words read as the one listed value they stand for ("billing" is quill/billing-svc), said in the answer.
    readings: tuple[Reading, ...] = ()
    #: The inventory the names were resolved against (its values fill parameters, see :mod:`values`).
    inventory: Inventory | None = field(default=None, compare=False, repr=False)
    #: The question as written (its capitals: a key "OCC-DN" is written so, see :mod:`param_kinds`).
    question: str = field(default="", compare=False, repr=False)

    @property
    def record_ids(self) -> tuple[str, ...]:
        """The ids of records the question names: those read as ids, and values of an inventory column of ids
        ("case-0042" that a listing's ``case_id`` column holds)."""
        return (*self.ids, *(v for c, v in self.values if c and canonical_param(c) == "id" and v not in self.ids))

    def names(self, concept: str) -> tuple[str, ...]:
        """The names filling parameters of ``concept`` (host, service, id)."""
        both = (*self.hosts, *self.services)
        return {"host": self.hosts, "service": self.services, "id": self.ids, "entity": both}.get(concept, ())

    def unknown_of(self, concept: str) -> tuple[UnknownName, ...]:
        """Unknown names that were meant as a ``concept`` (or could have been)."""
        if concept == "entity":
            return tuple(u for u in self.unknown if u.kind in ("host", "service", "host or service"))
        return tuple(u for u in self.unknown if u.kind in (concept, "host or service"))


def canonical_param(name: str) -> str:
    """The concept a parameter name stands for: host, service, since, until, id, or the name itself."""
    n = name.lower()
    for concept, names in (("host", HOST_PARAMS), ("service", SERVICE_PARAMS), ("since", SINCE_PARAMS),
                           ("until", UNTIL_PARAMS), ("id", ID_PARAMS)):  # fmt: skip
        if n in names:
            return concept
    if (entity := column_concept(n)) is not None:
        return entity
    if n.endswith(("_id", "_key", "_ref")):
        return "id"
    return n


def _plain_labels(text: str) -> str:
    """``service=checkout`` -> "service checkout" (a cue), ``metric=error_rate`` -> "error rate" (words)."""

    def label(m: re.Match[str]) -> str:
        key, value = m.group(1), m.group(2)
        if key.lower() in _ALERT_LABELS:
            return " "  # how urgent the alert is says nothing of what to look at ("severity=critical")
        concept = canonical_param(key)
        if concept in ("host", "service"):
            return f"{concept} {value}"
        if concept == "id":
            return value
        return re.sub(r"[._-]+", " ", value)

    text = _LABEL_RE.sub(label, text)
    return _RULE_NAME_RE.sub(lambda m: f"{m.group(1)} {re.sub(r'[._-]+', ' ', m.group(2))}", text)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` turned into a break (spaces around a "|")."""
    return pattern.sub(lambda m: " | " + " " * max(0, len(m.group(0)) - 3), text)


def _cue_kind(prev: str, nxt: str) -> str | None:
    if prev in _HOST_CUES:
        return "host"
    if prev in _SERVICE_CUES or nxt in _SERVICE_AFTER:
        return "service"
    return None


def extract_entities(
    text: str,
    *,
    now: datetime,
    inventory: Inventory | None = None,
    known_hosts: Iterable[str] = (),
    known_services: Iterable[str] = (),
    vocabulary: Iterable[str] = (),
    as_names: Iterable[str] = (),
    kinds: Iterable[str] = (),
) -> Entities:
    """Find names, ids, a time range, free numbers, quoted strings and the key terms of ``text``.

    ``vocabulary`` is the stemmed tool vocabulary: a word that names a tool concept ("cpu", "error") is
    a name only when the estate has it and the question points at it ("on search", "checkout or search"),
    or when it is in ``as_names`` (the planner's second reading, see :attr:`Entities.ambiguous`).
    ``kinds`` are the words naming a kind of thing a tool takes or lists (its parameter and inventory column
    names: "team", "site"): a non-word next to one is a value of that kind ("the dba team", "ams site").
    """
    inv = (inventory or Inventory()).merged(known_hosts, known_services)
    text = ON_CALL.sub("oncall", text)  # one word: "on call" is a rota, not "call"
    vocab = frozenset(vocabulary)
    text = compounds(text, vocab, inv)  # "fail over" is a failover where the tools say so
    text = _PLURAL_CODE.sub(lambda m: m.group(1) if m.group(1).lower() in vocab else m.group(0), text)  # P1s: P1
    time_range = parse_time_range(text, now)
    quoted = tuple(a or b for a, b in _QUOTED_RE.findall(text))
    masked = _plain_labels(_blank(_blank(_blank(_blank(text, _QUOTED_RE), ISO_RE), REL_RE), DAY_RE))
    reader = Reader(inv, frozenset(vocabulary), [], [], [], [], [])
    names = frozenset(n.lower() for n in as_names)
    kind_words = frozenset(k.lower() for k in kinds) | frozenset(c.lower() for c, _s in inv.values.values())
    matches = slash_names(masked, list(_TOKEN_RE.finditer(masked)))
    tokens = [m.group(0) for m in matches]
    lows = [t.lower() for t in tokens]
    # (a break "|", where a time phrase or quote was, separates tokens: no bigram or cue across it)
    gaps = [masked[matches[i].end() : matches[i + 1].start()] for i in range(len(matches) - 1)] + [""]
    consumed: list[tuple[int, int]] = []
    asked, fixes, last_entity, i = asked_verbs(lows, gaps), dict[str, str](), -10, 0
    while i < len(tokens):
        tok, low = tokens[i], lows[i]
        prev = lows[i - 1] if i and "|" not in gaps[i - 1] else ""
        nxt = lows[i + 1] if i + 1 < len(tokens) and "|" not in gaps[i] else ""
        joined_cue = prev in _JOINERS and last_entity == i - 2
        pointed = prev in _PLACE_CUES or _cue_kind(prev, nxt) is not None or joined_cue
        if nxt and reader.joined_pair(tok, tokens[i + 1]):  # "web 1", "icu b", "GEN 2": one listed name
            consumed.append((matches[i].start(), matches[i + 1].end()))
            last_entity, i = i + 1, i + 2
            continue
        found = inv.lookup(tok)
        explicit = _cue_kind(prev, nxt)
        if (found is not None and not (reader.is_word(low) and not pointed)) or (found is not None and low in names):
            reader.add(*found)
        elif _ID_RE.match(tok) or "#" in tok or PADDED_NUMBER.match(tok) or record_number(tok, prev, nxt, vocab):
            if tok not in reader.ids:
                reader.ids.append(tok)
        elif VERSION_RE.match(low) and _VERSION_SEP.search(low):
            reader.versions.append(tok)  # "2.31.0": a value the question gives, not a topic
        elif (known := value_of(tok, inv, not reader.is_word(low) or joined_cue)) is not None or is_key(tok, inv):
            # A value of another inventory column ("zone-a-1", a zone) or a setting's key
            # ("pool.max_size"): what the question filters on or asks about, never a host or service.
            reader.values.append((known[0] if known else "", tok))
        elif PORT_PATH.match(tok):
            # "0/1/9" where a listing's column holds ports ("0/1/1"...): no such port; else a port whose
            # parameter's example may name it (never three numbers).
            if (port := next((c for c, v in inv.values.values() if PORT_PATH.match(v)), None)) is not None:
                reader.unknown.append(UnknownName(tok, port, inv.closest_of_kind(tok, port)))
            else:
                reader.terms.append(tok)
        elif SEPARATED.match(tok) and (short := reader.shorts().ending(tok)) is not None:
            reader.short(tok, short, "whose name ends so", explicit or shape_kind(tok))  # "billing-svc"
        elif not reader.is_word(low) and (short := reader.shorts().squeezed(low)) is not None:
            reader.short(tok, short, "with its code and number", explicit)  # "rtm2": DC-RTM-02
        elif (cue := kind_cue(prev, nxt, kind_words)) and (whole := inv.containing(low, cue)) is not None:
            reader.values.append(whole)  # a part of one name of that kind: "the rollup job" -> nightly_rollup
        elif (
            (cue := kind_cue(prev, nxt, kind_words))
            and (not reader.is_word(low) or low in names)
            and not inv.lists(cue)  # a kind the estate lists takes its known values (or parts of them) only
            and not VERSION_RE.match(low)
            and not inv.closest_value(low)[1]
            and inv.best_ratio(low) < 0.6
        ):
            reader.values.append((cue, tok))  # "the dba team": a team, whether or not anything lists teams
        elif (
            (cue := kind_cue(prev, nxt, kind_words)) in (nxt, nxt.removesuffix("s"))
            and inv.lists(cue)
            and not reader.is_word(low)
            and low not in NON_TOPIC_WORDS  # "the biggest buckets": a degree, never a name
            and not inv.part_of(low, lows)
            and not VERSION_RE.match(low)
            and reader.typo(low) is None
        ):
            # "the video property" where the estate lists its properties and none is called so: unknown.
            if not any(u.name == low for u in reader.unknown):
                close = inv.closest_of_kind(low, cue)
                # "the cellr room": one listed room is clearly the one meant; the answer is for it (still reported)
                assumed = typo_of(low, close) if len(low) >= MIN_TYPO_LENGTH else ""
                if assumed:
                    reader.values.append((cue, assumed))
                reader.unknown.append(UnknownName(low, cue, close, assumed))
        elif SEPARATED.match(tok) and low in reader.vocabulary and explicit is None:
            # A name the tools' own descriptions spell out ("the sidecar-proxy"): its words are tool words.
            reader.terms.extend(p for p in re.split(r"[-_.]+", low) if p and p not in STOP_WORDS)
        elif SEPARATED.match(tok) and not VERSION_RE.match(tok):
            guess = explicit or shape_kind(tok)
            if (short := reader.shorts().typo(low)) is not None:
                # "serach-indexer": a misspelt last segment of one listed value; still reported, answered for it.
                reader.unknown.append(UnknownName(low, short[0], (short[1],), short[1]))
                reader.short(tok, short, "closest to it", guess)
            elif reader.misspelt_name(low):
                pass
            elif not inv.knows(guess):
                reader.guess(guess, low)
            elif explicit is None and inv.knows("host") and inv.knows("service"):
                reader.add_unknown(low, "host or service")
            else:
                reader.add_unknown(low, guess)
        elif len(low) < 2 or low.isdigit() or low in STOP_WORDS or low in _JOINERS or (prev, low) in _HOW_BAD:
            i += 1
            continue
        elif explicit is None and not reader.is_word(low) and inv.part_of(low, lows):
            reader.part_words.append(low)  # a part of a known value ("the media eu pool"): it names that value
            i += 1
            continue
        elif explicit is None and len(low) > 3 and not reader.is_word(low) and (one := inv.only_value_with(low)):
            reader.values.append(one)  # no word of the tools, part of one listed value: "sonnblick" (Hotel Sonnblick)
        elif (
            not reader.is_word(low)
            and low not in NON_TOPIC_WORDS
            and len(low) > 3  # "dev", "svc": too short to stand for one name
            and (short := reader.shorts().part(low)) is not None
        ):
            reader.short(tok, short, "with it in its name", explicit or "service")  # "billing": quill/billing-svc
        elif pointed and not reader.is_word(low) and not VERSION_RE.match(low):
            kind = explicit or ("host" if prev in _HOST_CUES else "service")
            if not inv.knows(kind):
                reader.guess(kind, low)
            elif explicit is not None or close_to_known(low, inv):
                reader.add_unknown(low, explicit or "host or service")
            else:
                reader.terms.append(low)
                i += 1
                continue
        elif (
            not reader.is_word(low)
            and len(low) >= MIN_TYPO_LENGTH
            and low.isalpha()
            and 0.8 <= inv.closest_value(low)[2] < 1.0
            and reader.misspelt_value(low, None)
        ):
            pass  # "the catalgo replicas": a misspelt value of an inventory column (reported, read as it if clear)
        elif lows[0] == "who" and low.endswith("ing") and is_verb_or_adverb(low) and row_names_people(inv.row_of(nxt)):
            # "who is running case-0042", "who is handling web-02": the gerund is the person's part in a record
            # the estate lists; that record's row (its commander, owner) says who, not a tool reporting "running".
            # A row naming nobody ("who's captaining G-TRNE", an aircraft's row) keeps the gerund as asked.
            i += 1
            continue
        else:
            if not reader.is_word(low) and (fixed := reader.typo(low)) is not None:
                if fixed:
                    reader.terms.append(fixed)  # "capacty" is "capacity"; "recnt" only a form word
                    fixes[low] = fixed  # and an enum value it misspells is named ("faild" backups: failed)
            elif low not in GENERIC_WORDS or (low in ("value", "values") and prev in WORTH_WORDS):  # "stock value"
                reader.terms.append(low)
                if (
                    is_verb_or_adverb(low)
                    and prev
                    and (prev not in _JOINERS | AUXILIARIES or nxt in _TOWARDS)
                    and i not in asked  # "what are those runners costing": the verb is what is asked
                ):
                    # "maintenance planned", "is X returning", not "were rebooted"; "were added to the pool" says
                    # where its subject went: the listing of that pool (and since when) answers it.
                    reader.qualifiers.append(low)
                if not nxt or nxt in STOP_WORDS or nxt in _APART_AFTER or gaps[i].startswith(("'", "’")):
                    # "spend on cdn": no qualifier of the next word; "customers' orders": a thing of its own
                    reader.apart.append(low)
                if found is not None:
                    reader.ambiguous.append((low, found[0]))
                elif (cue := kind_cue(prev, nxt, kind_words)) and not nxt.endswith("s") and not inv.lists(cue):
                    # A tool word before a kind may name one ("the warehouse area"); before a plural it only
                    # qualifies them ("kafka brokers").
                    reader.ambiguous.append((low, cue))
            i += 1
            continue
        consumed.append((matches[i].start(), matches[i].end()))
        last_entity = i
        i += 1
    parts = [*reader.part_words, *reader.terms]  # "large", "linux" are tool words too (an enum's linux-large)
    if parts and (implied := reader.shorts().implied(parts, lows)) is not None and implied not in reader.values:
        said = " ".join(p for p in parts if p in re.split(r"[/:._-]+", implied[1].lower()))
        reader.short(said or implied[1], implied, "having those words in its name", None)
    read_parts = {w for _c, v in reader.values for w in re.split(r"[\s/:._+-]+", v.lower())}
    # parts of no value read ("battery" of "mains + battery", "battery 2h"): words again
    reader.terms.extend(p for p in dict.fromkeys(reader.part_words) if p not in read_parts and p not in reader.terms)
    for tok in dict.fromkeys(t for t in tokens if "." in t):
        # A dotted name names the known values it ends with: "api.example.org" is in the zone "example.org".
        reader.values.extend(v for v in enclosing_values(tok, inv) if v not in reader.values)
    free = list(masked)
    for start, end in consumed:
        free[start:end] = " " * (end - start)
    numbers = tuple(float(n) for n in _NUMBER_RE.findall("".join(free)))
    words = tuple(fixes.get(w, w) for w in lows if w not in STOP_WORDS and w != "&")
    return Entities(
        hosts=tuple(reader.hosts),
        services=tuple(reader.services),
        time_range=time_range,
        numbers=numbers,
        counts=tuple(float(n) for n in _COUNT_RE.findall(text)),
        quoted=quoted,
        words=words,
        # "did any jobs fail": which ones did (a filter), unlike "did the job fail" (yes or no of one thing).
        asks_whether=bool(lows) and lows[0] in DO_SUPPORT and lows[1:2] not in (["any"], ["anything"]),
        negated=negated_words(text),
        negation_mixed=mixed_or(text),
        unsure=unsure_words(text),
        latest_occurrence=time_range is None and bool(_LAST_TIME.search(text)),
        across=asks_across(lows),
        inventory=inv,
        question=text,
        keywords=" ".join(reader.terms),
        ids=tuple(reader.ids),
        unknown=tuple(reader.unknown),
        terms=tuple(reader.terms),
        qualifiers=tuple(reader.qualifiers),
        apart=tuple(reader.apart),
        rare=tuple(
            t for t in reader.terms if not reader.is_word(t) and not is_verb_or_adverb(t) and t not in NON_TOPIC_WORDS
        ),
        versions=tuple(reader.versions),
        readings=tuple(reader.readings),
        ambiguous=tuple(reader.ambiguous),
        values=tuple(reader.values),
        guessed=tuple(reader.guessed),
        related=tuple(
            dict.fromkeys(
                pair
                for name in (*reader.hosts, *reader.services, *(v for _c, v in reader.values))
                for pair in inv.row_of(name)
            )
        ),
    )


#: "top 3 buckets", "the first 10 jobs": how many to show ("the first 30 minutes" is a window, not a count).
_COUNT_RE = re.compile(
    r"\b(?:top|first|bottom|last)\s+(\d+)\s+"
    r"(?!(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|[smhdw])\b)[a-z]",
    re.IGNORECASE,
)
_PLURAL_CODE = re.compile(r"\b([A-Za-z]{1,4}\d{1,3})s\b")
#: "when did X last ...", "the last time", "most recent": the latest occurrence, whenever it was.
_LAST_TIME = re.compile(
    r"\bwhen\s+(?:did|was|were|has|have)\b[^?.;]*\blast\b(?!\s+(?:\d|an?\b|one|two|few|couple|hour|day|week|"
    r"month|minute|night|year))|\blast\s+time\b|\bmost\s+recent(?:ly)?\b",
    re.IGNORECASE,
)
_PAIR_RE = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+)?")
