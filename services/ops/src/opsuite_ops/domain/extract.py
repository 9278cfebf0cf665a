"""Entities found in a question: names (hosts, services), ids, times, numbers, quoted strings, key terms.

:func:`extract_entities` reads the question once. Names are kept whole (``payments-api``, ``pay-api-1``)
and resolved against the estate's :class:`~opsuite_ops.domain.entities.Inventory` (names its own tools
reported this run, plus operator-configured ones): a known name is a host or a service as the estate
says; a name-like word the estate does not have is an :class:`~opsuite_ops.domain.entities.UnknownName`
with its closest matches. Ticket-like ids (``INC-4211``) are ids, never hosts.

Values of the inventory's other columns are filters of that column (a kind: "ams" is a site), a word
before a kind word is a value of that kind ("the dba team"), and an unknown name takes the kind and close
matches of the known name or value of its shape ("rtr-ams-05": no router named rtr-ams-05).

When no tool listed names of a kind, that kind falls back to generic shapes (no estate's naming): a
hyphenated name ending in digits is a host, a name after "service"/"on"/"for"... is a service.
:mod:`fill` then fills each tool's parameters from the result.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from opsuite_ops.domain.bm25 import ON_CALL, STOP_WORDS, is_verb_or_adverb, stem
from opsuite_ops.domain.entities import ENTITY_CONCEPTS, TICKET_ID, Inventory, UnknownName, column_concept, name_key

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

#: Words of a question's form, not of its subject: never a metric, a name, or a search term.
GENERIC_WORDS = frozenset(
    """happening happened happen going wrong look looks check ok okay fine problem problems
    issue issues doing anything something everything currently current right like see need know value values
    number data info information detail details overview summary compare comparison between vs versus
    than both each every same other others trend level why seem seems getting got going right now latest
    current please thanks hi hello whats what's tell us it's is isn't are aren't start started starting begin
    began begun""".split()  # noqa: SIM905
)
# "host X" names a host, "X service" a service; "hosts running X" and "a web host" do not name the word next to them.
_HOST_CUES = frozenset({"host", "server", "node", "machine", "instance"})
_SERVICE_CUES = frozenset({"service", "app", "application", "svc", "component"})
_SERVICE_AFTER = frozenset({"service", "services", "app", "application"})
_PLACE_CUES = frozenset({"on", "for", "of", "in", "about", "from", "run", "runs", "running", "serving", "to"})
#: Auxiliaries opening a yes/no question whose main verb then stands bare ("did the load succeed").
_DO_SUPPORT = frozenset({"did", "does", "do", "will", "can", "could", "would", "should"})
_JOINERS = frozenset({"and", "or", "vs", "versus", "&", "with"})

_ISO_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b", re.IGNORECASE
)
_UNITS = {
    "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600,
    "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800,
}  # fmt: skip
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "ten": 10, "twelve": 12, "fifteen": 15, "thirty": 30, "few": 3, "couple": 2}  # fmt: skip
_UNIT_ALT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|[smhdw])"
_REL_RE = re.compile(
    r"\b(?:(?:last|past|previous|in the last|over the last)\s+(?:(?P<n>\d+|a|an|one|two|three|four|five|six|"
    r"ten|twelve|fifteen|thirty|few|couple(?: of)?)\s*)?(?P<u>" + _UNIT_ALT + r")\b"
    r"|(?P<n2>\d+)\s*(?P<u2>" + _UNIT_ALT + r")\s+ago\b)",
    re.IGNORECASE,
)
_DAY_RE = re.compile(r"\b(?:since |from )?(today|yesterday)\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.-])")
_QUOTED_RE = re.compile(r"\"([^\"]+)\"|'([^']{2,})'(?!\w)")
_TOKEN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|&")
_ID_RE = TICKET_ID
_VERSION_RE = re.compile(r"^v?\d+(?:[._-]\d+)*[a-z]?$", re.IGNORECASE)
_SEPARATED = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)+$")
_SEPARATORS_RE = re.compile(r"[\s._/-]+")
_TRAILING_NUMBER = re.compile(r"[._-]\d+[a-z]?$", re.IGNORECASE)
#: ``key=value`` labels (an alert's): the key says what the value is.
_LABEL_RE = re.compile(r"(?<![\w.-])([A-Za-z_][\w.-]*)=([^\s,;]+)")
#: A rule's or alert's own name ("alert checkout-error-rate") is words, not a host or service.
_RULE_NAME_RE = re.compile(
    r"\b(alert|alerts|rule|alarm|monitor|check|dashboard|job)\s+([A-Za-z][\w]*(?:[._-][\w]+)+)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A time window mentioned in the question; ``text`` is the phrase it came from."""

    since: datetime
    until: datetime
    text: str

    @property
    def seconds(self) -> float:
        """Length of the window in seconds."""
        return (self.until - self.since).total_seconds()


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
    #: in it is what is asked, not a filter (see :func:`fill.enum_choices`).
    asks_whether: bool = False

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
    if n.endswith("_id") or n.endswith("_key"):
        return "id"
    return n


def _time_range(text: str, now: datetime) -> TimeRange | None:
    m = _REL_RE.search(text)
    if m:
        raw_n = (m.group("n") or m.group("n2") or "1").lower().removesuffix(" of")
        n = int(raw_n) if raw_n.isdigit() else _WORD_NUMBERS.get(raw_n, 1)
        unit = (m.group("u") or m.group("u2") or "h").lower()
        key = unit if unit in _UNITS else unit.rstrip("s")
        seconds = n * _UNITS.get(key, _UNITS.get(key[:3], 3600))
        return TimeRange(now - timedelta(seconds=seconds), now, m.group(0))
    isos = _ISO_RE.findall(text)
    if isos:
        stamps = [_parse_iso(s) for s in isos]
        valid = [s for s in stamps if s is not None]
        if valid:
            return TimeRange(valid[0], valid[1] if len(valid) > 1 else now, " .. ".join(isos[:2]))
    m = _DAY_RE.search(text)
    if m:
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if m.group(1).lower() == "today":
            return TimeRange(midnight, now, "today")
        # "since yesterday" runs to now; "yesterday" alone is the day before today.
        until = now if m.group(0).lower().startswith(("since", "from")) else midnight
        return TimeRange(midnight - timedelta(days=1), until, m.group(0))
    return None


def _parse_iso(s: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(s.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _plain_labels(text: str) -> str:
    """``service=checkout`` -> "service checkout" (a cue), ``metric=error_rate`` -> "error rate" (words)."""

    def label(m: re.Match[str]) -> str:
        key, value = m.group(1), m.group(2)
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


@dataclass(slots=True)
class _Reader:
    """One pass over the question's tokens (local state of :func:`extract_entities`)."""

    inventory: Inventory
    vocabulary: frozenset[str]
    hosts: list[str]
    services: list[str]
    ids: list[str]
    unknown: list[UnknownName]
    terms: list[str]
    ambiguous: list[tuple[str, str]] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)

    def is_word(self, low: str) -> bool:
        """A word of the tools' vocabulary or of the question's form (never taken for a name on its own)."""
        return (
            low in STOP_WORDS
            or low in GENERIC_WORDS
            or stem(low) in self.vocabulary
            or low in self.vocabulary
            or (is_verb_or_adverb(low) and not low.endswith(("ing", "ed")))  # "safely": never a name
        )

    def add(self, kind: str, name: str) -> None:
        target = self.hosts if kind == "host" else self.services
        if name not in target:
            target.append(name)

    def guess(self, kind: str, name: str) -> None:
        """A name of a kind no inventory lists, by its shape alone (it may be a name of any other kind too)."""
        self.add(kind, name)
        if name not in self.guessed:
            self.guessed.append(name)

    def misspelt_value(self, name: str, kind: str | None) -> bool:
        """Report ``name`` as unknown when it looks more like a value of an inventory column than like any
        host/service name ("rtr-ams-05" next to the router column's "rtr-ams-02": no router named rtr-ams-05).

        A misspelling keeps the name's shape: a value with another number of parts ("billing" for
        "billing-sre") is another name, not a close match."""
        column, close, ratio = self.inventory.closest_value(name)
        close = tuple(c for c in close if _parts(c) == _parts(name))
        if not close or ratio <= self.inventory.best_ratio(name, kind):
            return False
        if not any(u.name == name for u in self.unknown):
            self.unknown.append(UnknownName(name, column, close))
        return True

    def misspelt_name(self, name: str) -> bool:
        """Report a name of no known kind as unknown when a known host or service of the same shape is close
        ("node-a6" next to the estate's "node-a7": no host named node-a6)."""
        if self.misspelt_value(name, None):
            return True
        close = tuple(c for c in self.inventory.closest(name) if _parts(c) == _parts(name))
        found = self.inventory.lookup(close[0]) if close else None
        if found is None:
            return False
        if not any(u.name == name for u in self.unknown):
            self.unknown.append(
                UnknownName(name, found[0], tuple(c for c in close if self.inventory.lookup(c) == (found[0], c)))
            )
        return True

    def add_unknown(self, name: str, kind: str) -> None:
        if any(u.name == name for u in self.unknown):
            return
        if self.misspelt_value(name, None if kind == "host or service" else kind):
            return
        if kind == "host or service":
            # The kind of the best match decides; the suggestions are names of that kind.
            best = self.inventory.closest(name, n=1)
            found = self.inventory.lookup(best[0]) if best else None
            kind = found[0] if found else kind
        suggestions = self.inventory.closest(name, None if kind == "host or service" else kind)
        self.unknown.append(UnknownName(name, kind, suggestions))


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
    time_range = _time_range(text, now)
    quoted = tuple(a or b for a, b in _QUOTED_RE.findall(text))
    masked = _plain_labels(_blank(_blank(_blank(_blank(text, _QUOTED_RE), _ISO_RE), _REL_RE), _DAY_RE))
    reader = _Reader(inv, frozenset(vocabulary), [], [], [], [], [])
    names = frozenset(n.lower() for n in as_names)
    kind_words = frozenset(k.lower() for k in kinds) | frozenset(c.lower() for c, _s in inv.values.values())
    matches = list(_TOKEN_RE.finditer(masked))
    tokens = [m.group(0) for m in matches]
    lows = [t.lower() for t in tokens]
    # A break ("|", where a time phrase or quote was) separates tokens: no bigram or cue across it.
    gaps = [masked[matches[i].end() : matches[i + 1].start()] for i in range(len(matches) - 1)] + [""]
    consumed: list[tuple[int, int]] = []
    last_entity = -10
    i = 0
    while i < len(tokens):
        tok, low = tokens[i], lows[i]
        prev = lows[i - 1] if i and "|" not in gaps[i - 1] else ""
        nxt = lows[i + 1] if i + 1 < len(tokens) and "|" not in gaps[i] else ""
        joined_cue = prev in _JOINERS and last_entity == i - 2
        pointed = prev in _PLACE_CUES or _cue_kind(prev, nxt) is not None or joined_cue
        # "web 1" -> the estate's "web-01": a word and a number, joined, when the estate has that name.
        if nxt.isdigit() and tok.isalpha() and (found := inv.lookup(f"{tok}-{nxt}")) is not None:
            reader.add(*found)
            consumed.append((matches[i].start(), matches[i + 1].end()))
            last_entity = i + 1
            i += 2
            continue
        found = inv.lookup(tok)
        explicit = _cue_kind(prev, nxt)
        if (found is not None and not (reader.is_word(low) and not pointed)) or (found is not None and low in names):
            reader.add(*found)
        elif _ID_RE.match(tok):
            if tok not in reader.ids:
                reader.ids.append(tok)
        elif (known := _value_of(tok, inv, not reader.is_word(low))) is not None or _is_key(tok, inv):
            # A value of another inventory column ("zone-a-1", a zone) or a setting's key
            # ("pool.max_size"): what the question filters on or asks about, never a host or service.
            reader.values.append((known[0] if known else "", tok))
        elif (cue := _kind_cue(prev, nxt, kind_words)) and (whole := inv.containing(low, cue)) is not None:
            reader.values.append(whole)  # a part of one name of that kind: "the rollup job" -> nightly_rollup
        elif (
            (cue := _kind_cue(prev, nxt, kind_words))
            and (not reader.is_word(low) or low in names)
            and not _VERSION_RE.match(low)
            and not inv.closest_value(low)[1]
            and inv.best_ratio(low) < 0.6
        ):
            reader.values.append((cue, tok))  # "the dba team": a team, whether or not anything lists teams
        elif _SEPARATED.match(tok) and not _VERSION_RE.match(tok):
            guess = explicit or ("host" if _TRAILING_NUMBER.search(tok) else "service")
            if reader.misspelt_name(low):
                pass
            elif not inv.knows(guess):
                reader.guess(guess, low)
            elif explicit is None and inv.knows("host") and inv.knows("service"):
                reader.add_unknown(low, "host or service")
            else:
                reader.add_unknown(low, guess)
        elif len(low) < 2 or low.isdigit() or low in STOP_WORDS or low in _JOINERS:
            i += 1
            continue
        elif pointed and not reader.is_word(low) and not _VERSION_RE.match(low):
            kind = explicit or ("host" if prev in _HOST_CUES else "service")
            if not inv.knows(kind):
                reader.guess(kind, low)
            elif explicit is not None or _close(low, inv):
                reader.add_unknown(low, explicit or "host or service")
            else:
                reader.terms.append(low)
                i += 1
                continue
        else:
            if low not in GENERIC_WORDS:
                reader.terms.append(low)
                if found is not None:
                    reader.ambiguous.append((low, found[0]))
                elif (cue := _kind_cue(prev, nxt, kind_words)) and not nxt.endswith("s"):
                    # A tool word before a kind may name one ("the warehouse area"); before a plural it only
                    # qualifies them ("kafka brokers").
                    reader.ambiguous.append((low, cue))
            i += 1
            continue
        consumed.append((matches[i].start(), matches[i].end()))
        last_entity = i
        i += 1
    free = list(masked)
    for start, end in consumed:
        free[start:end] = " " * (end - start)
    numbers = tuple(float(n) for n in _NUMBER_RE.findall("".join(free)))
    words = tuple(w for w in lows if w not in STOP_WORDS and w != "&")
    return Entities(
        hosts=tuple(reader.hosts),
        services=tuple(reader.services),
        time_range=time_range,
        numbers=numbers,
        quoted=quoted,
        words=words,
        asks_whether=bool(lows) and lows[0] in _DO_SUPPORT,
        keywords=" ".join(reader.terms),
        ids=tuple(reader.ids),
        unknown=tuple(reader.unknown),
        terms=tuple(reader.terms),
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


def _parts(name: str) -> int:
    return len([p for p in _SEPARATORS_RE.split(name) if p])


def _kind_cue(prev: str, nxt: str, kinds: frozenset[str]) -> str:
    """The kind word right after a token, when it names a kind ("dba team" -> "team"), or the last part of
    exactly one compound kind ("warehouse area" -> "service_area")."""
    for word in (nxt, nxt[:-1] if nxt.endswith("s") else ""):
        if word and word in kinds:
            return word
        compound = [k for k in kinds if k.endswith(f"_{word}")] if word else []
        if len(compound) == 1:
            return compound[0]
    return ""


def _value_of(token: str, inv: Inventory, pointed: bool) -> tuple[str, str] | None:
    """The inventory value a would-be name is (a separated token, or a pointed non-word: "in fra2")."""
    if not (pointed or _SEPARATED.match(token)) or _VERSION_RE.match(token):
        return None
    return inv.value(token)


def _is_key(token: str, inv: Inventory) -> bool:
    """A dotted setting key ("pool.max_size", "agent.poll_s"): a dot and an underscore (no host
    name has one), or a known name before the first dot that the whole token is not."""
    if "." not in token or _VERSION_RE.match(token) or inv.lookup(token) is not None:
        return False
    return "_" in token or (inv.lookup(token.split(".", 1)[0]) is not None and not _TRAILING_NUMBER.search(token))


def _close(word: str, inv: Inventory) -> bool:
    """A plain word is taken for a misspelt name only when it is very close to one the estate has."""
    keys = [name_key(n) for n in (*inv.hosts, *inv.services)]
    return bool(difflib.get_close_matches(name_key(word), keys, n=1, cutoff=0.8))


def human_duration(delta: timedelta) -> str:
    """ "2 hours", "hour", "30 minutes"."""
    seconds = delta.total_seconds()
    if seconds < 3600:
        return f"{seconds / 60:g} minutes"
    hours = seconds / 3600
    return f"{hours:g} hours" if hours != 1 else "hour"
