"""Questions answered over the rows rather than by one of them: which thing ranks first, and how many.

A *ranking* question ("which pool is closest to maxed out", "highest disk usage % across the fleet",
"which cluster has gone longest without a restore test", "which replica is furthest behind") names a
superlative; :func:`asks_ranking` reads its direction and what it measures, and :func:`ranking` computes
the order over a tool's rows (a plain table: each row's value; a series table: each series' latest
value), across every call of the tool, and states the first few: "Highest used_pct: 91 for
instance=sessions-my-1; then 89 for instance=warehouse-pg-1, ...".

The column ranked is the numeric column whose name shares most words with the question (stemmed, with the
planner's synonyms: "behind" is ``lag``), helped by what the superlative itself implies:

* "closest to" (or "nearest to") a limit ("maxed out", "full", "its quota", "capacity"), "%", "percent",
  "utilisation": a ratio column (``used_pct``, ``utilisation_pct``), highest first; the limit's own word
  ("maxed") does not pick the limit's column (``max_conns``);
* "first", "soonest": a time-until column (``days_until_full``), lowest first;
* "longest without", "longest since": an age column (``days_since_test``), highest first;
* "longest", "slowest", "shortest", "fastest": a duration or latency column.

No column sharing a word or a hint means no ranking: the rows are shown as they are. Nothing depends on a
tool's or an estate's names: only the question's English form and the columns' own names.

A *count* question ("how many backups failed in the last 7 days") is answered by :func:`count`: the rows a
call returned in the asked window, or those of them whose value in some column is a state the question
names ("failed" for ``status=failed``) when the call did not filter on it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, is_verb_or_adverb, stem, value_stem
from opsuite_ops.domain.timerange import REL_RE
from opsuite_ops.domain.typos import misspelt
from opsuite_ops.domain.words import NON_TOPIC_WORDS

__all__ = [
    "Ranked",
    "RankingAsk",
    "asks_count",
    "asks_ranking",
    "asks_sum",
    "count",
    "counted_about",
    "counted_by_name",
    "counted_head",
    "counted_named",
    "counted_words",
    "counts_initials",
    "not_additive",
    "rank_column",
    "rank_score",
    "ranked_key",
    "ranking",
    "summed_over_window",
    "summed_per",
    "uncounted",
]

_HIGH = frozenset(
    """highest most max maximum biggest largest longest furthest farthest heaviest busiest hottest fullest
    greatest slowest""".split()  # noqa: SIM905
)
_LOW = frozenset("lowest least min minimum smallest shortest fewest fastest soonest first".split())  # noqa: SIM905
_CLOSEST = frozenset({"closest", "nearest"})
#: Words of a limit a thing gets close to ("closest to maxed out", "closest to its quota").
_LIMITS = ("max", "full", "limit", "capacit", "quota", "cap", "saturat", "exhaust", "ceiling")
#: Column-name parts of a ratio to a limit.
_RATIO = ("pct", "percent", "util", "ratio", "usage", "saturat", "fill")
#: Column-name parts of a time left until something.
_UNTIL = ("until", "left", "remaining", "eta", "ttl", "expir")
#: Column-name parts of an age, a time since something.
_SINCE = ("since", "age", "ago", "stale")
#: Column-name parts of a duration or a latency.
_DURATION = ("time", "duration", "ms", "sec", "seconds", "s", "min", "minutes", "hours", "days", "wait", "latency",
             "lag", "p95", "p99", "p50")  # fmt: skip
#: Units of time a ranking question counts in ("the most hrs of downtime").
_TIME_UNITS = frozenset({"hrs", "hr", "hours", "hour", "minutes", "mins", "min", "seconds", "secs", "downtime"})
#: Question words that also name a column's words ("usage" is ``used``).
_WORD_FORMS = {"usage": ("used", "use", "util"), "used": ("usage",), "utilisation": ("util",),
               "utilization": ("util",), "percent": ("pct",), "percentage": ("pct",)}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: Entities a ranking line states (the first and the next ones).
RANKED_SHOWN = 4


@dataclass(frozen=True, slots=True)
class RankingAsk:
    """What a ranking question asks: the superlative, its direction, and column hints with their weight."""

    word: str
    highest: bool
    words: frozenset[str]
    hints: tuple[str, ...] = ()
    hint_weight: int = 1
    #: Only a column one of the hints names will do ("first" is no ranking without a time-until column).
    needs_hint: bool = False
    #: Initials of three or four words of the question in a row ("soh" of "state of health", see :func:`_acronyms`).
    acronyms: frozenset[str] = frozenset()


def _acronyms(words: Sequence[str]) -> set[str]:
    """The initials of three or four words in a row ("state of health": ``soh``, "round trip time": ``rtt``), which
    columns are often named by; fewer words' initials ("ts", "id") are too often other words."""
    out = set()
    for n in (3, 4):
        for k in range(len(words) - n + 1):
            run = words[k : k + n]
            if all(w.isalpha() for w in run) and run[0] not in STOP_WORDS and run[-1] not in STOP_WORDS:
                out.add("".join(w[0] for w in run))
    return out


def _words(text: str) -> list[str]:
    return _WORD.findall(_CAMEL.sub(" ", text).lower())


def asks_ranking(question: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> RankingAsk | None:
    """The ranking ``question`` asks for (see the module docstring), or None when it names no superlative."""
    ask = _asks_ranking(question, synonyms)
    return None if ask is None else dataclasses.replace(ask, acronyms=frozenset(_acronyms(_words(question))))


def _asks_ranking(question: str, synonyms: Mapping[str, tuple[str, ...]] | None) -> RankingAsk | None:
    words = _words(question)
    for k, word in enumerate(words):
        after = words[k + 1 : k + 4]
        if word in _CLOSEST and after[:1] in (["to"], ["of"]):
            # "closest to maxed out", "closest to its quota": a ratio to a limit, highest first; "closest to
            # expiry": the least time left.
            limit = any(w.startswith(_LIMITS) for w in after[1:])
            rest = [w for i, w in enumerate(words) if not (k < i <= k + 3)]
            if limit:
                return RankingAsk(word, True, _terms(rest, synonyms), _RATIO, 3, needs_hint=True)
            return RankingAsk(word, False, _terms(rest, synonyms), _UNTIL, 3, needs_hint=True)
        if word in _HIGH or word in _LOW:
            highest = word in _HIGH
            hints: tuple[str, ...] = ()
            weight = 1
            if word in ("first", "soonest"):
                hints, weight = _UNTIL, 3
            elif word in ("longest", "shortest") and ({"without", "since"} & set(words[k + 1 : k + 4])):
                hints, weight = _SINCE, 3
            elif word in ("longest", "shortest", "slowest", "fastest"):
                hints = _DURATION
            elif word in ("fullest",):
                hints, weight = _RATIO, 3
            if "%" in question or {"percent", "percentage", "pct"} & set(words):
                hints, weight = (*hints, *_RATIO), 3
            elif _TIME_UNITS & set(words):  # "lost the most hrs to stops": a duration column
                hints, weight = (*hints, *_DURATION), max(weight, 2)
            needs = word in ("first", "soonest")
            return RankingAsk(word, highest, _terms(words, synonyms), hints, weight, needs_hint=needs)
    return None


def _terms(words: Sequence[str], synonyms: Mapping[str, tuple[str, ...]] | None) -> frozenset[str]:
    out: set[str] = set()
    for w in words:
        if w in STOP_WORDS or w in _HIGH or w in _LOW or w in _CLOSEST or len(w) < 2 or w.isdigit():
            continue
        out.update({w, stem(w), *_WORD_FORMS.get(w, ())})
        for extra in (synonyms or {}).get(stem(w), ()):
            out.update(_words(extra))
    return frozenset(out)


def _matches(part: str, words: frozenset[str]) -> bool:
    s = stem(part)
    if part in words or s in words:
        return True
    return any((len(w) >= 4 and len(s) >= 4 and (w.startswith(s) or s.startswith(w))) or _one_off(w, part)
               for w in words)  # fmt: skip


def _one_off(word: str, part: str) -> bool:
    """Whether ``word`` misspells ``part`` by one letter left out, added or changed ("complants": complaints) or two
    neighbours swapped ("ticekts": tickets), for words of six letters or more with the same first letter."""
    if min(len(word), len(part)) < 6 or word[0] != part[0] or abs(len(word) - len(part)) > 1 or word == part:
        return False
    short, long_ = sorted((word, part), key=len)
    if len(short) == len(long_):
        off = [k for k, (a, b) in enumerate(zip(short, long_, strict=True)) if a != b]
        swapped = (
            len(off) == 2 and off[1] == off[0] + 1 and short[off[0]] == long_[off[1]] and short[off[1]] == long_[off[0]]
        )
        return len(off) == 1 or swapped
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def rank_column(ask: RankingAsk, columns: Sequence[str]) -> str | None:
    """The numeric column (of ``columns``) the ranking is over: most words shared with the question (each
    counts 2) plus the superlative's hints (each counts its weight); None when no column scores."""
    best, best_score = None, 0
    for col in columns:
        score = rank_score(ask, col)
        if score > best_score:
            best, best_score = col, score
    return best


def rank_score(ask: RankingAsk, column: str) -> int:
    """How well ``column`` names what the ranking is over (0: not at all; see :func:`rank_column`)."""
    parts = _words(column)
    hinted = sum(any(p == h or (len(h) > 2 and p.startswith(h)) for h in ask.hints) for p in parts)
    if ask.needs_hint and not hinted:
        return 0
    # A part the question spells out ("soh": "state of health") counts as the words it stands for.
    spelt = sum(2 * len(p) for p in parts if p in ask.acronyms)
    return 2 * sum(_matches(p, ask.words) for p in parts) + spelt + ask.hint_weight * hinted


@dataclass(frozen=True, slots=True)
class Ranked:
    """One entity's value in a ranking: its label (``pool=orders_app``) and value."""

    label: str
    value: float


def ranking(ask: RankingAsk, column: str, entries: Sequence[Ranked], source: str, how: str) -> str:
    """The sentence stating the order: "Highest used_pct of disk_daily() (latest of each of 14 series): 91 for
    instance=sessions-my-1; then 89 for ..." (empty when fewer than two entities have a value)."""
    if len(entries) < 2:
        return ""
    ordered = sorted(entries, key=lambda e: e.value, reverse=ask.highest)
    top = [e for e in ordered if e.value == ordered[0].value]
    rest = ordered[len(top) : len(top) + RANKED_SHOWN - 1]
    head = " and ".join(e.label for e in top)
    text = f"{'Highest' if ask.highest else 'Lowest'} {column} of {source} ({how}): {_fmt(top[0].value)} for {head}"
    if rest:
        text += "; then " + ", ".join(f"{_fmt(e.value)} for {e.label}" for e in rest)
    return text


_WHICH = re.compile(
    r"\b(?:which|what)\s+(?:(?:is|are|was|were|s|has|had)\s+)?(?:(?:the|a|an)\s+)?([a-z][\w-]*)", re.IGNORECASE
)
#: Column-name parts of a measure that does not add up over rows (a mean, a ratio, a percentile, an extreme).
_NOT_ADDITIVE = ("pct", "percent", "ratio", "avg", "mean", "rate", "median", "min", "max", "p50", "p90", "p95",
                 "p99", "util", "score", "level")  # fmt: skip


#: A window the question asks about besides :data:`~opsuite_ops.domain.timerange.REL_RE`'s ("today").
_WINDOW = re.compile(r"\b(?:today|yesterday|this\s+morning)\b", re.IGNORECASE)


def summed_over_window(question: str, column: str, rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether "the most X this past week" sums ``column`` over each series' points: a count (whole numbers, no
    mean, ratio, percentile or extreme in its name) and a window the question asks about. "the highest cpu" and
    a count asked with no window ("most failures") rank the latest value."""
    if not asks_sum(question) or not_additive(column):
        return False
    values = [row.get(column) for row in rows]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return (
        bool(numbers)
        and len(numbers) == len([v for v in values if v is not None])
        and all(float(v).is_integer() for v in numbers)
    )


def asks_sum(question: str) -> bool:
    """Whether a ranking question asks about a window ("this wk", "in the last 24h"): its counts add up over it."""
    return REL_RE.search(question) is not None or _WINDOW.search(question) is not None


def _hashable(value: Any) -> Any:
    """A key cell as something a set holds (an object cell as its JSON text)."""
    return value if isinstance(value, str | int | float | bool) or value is None else json.dumps(value, default=str)


def not_additive(column: str) -> bool:
    """Whether ``column`` holds values that do not add up (a mean, ratio, percentile, extreme); a last part "min"
    after another word is minutes ("duration_min"), not a minimum ("min_rx_dbm")."""
    parts = _words(column)
    return any(
        any(p.startswith(n) for n in _NOT_ADDITIVE) and not (p == "min" and k == len(parts) - 1 and k > 0)
        for k, p in enumerate(parts)
    )


def ranked_key(question: str, columns: Sequence[str]) -> str | None:
    """The column of the thing a ranking asks for ("which zone has had the most complaints": ``zone``), or None."""
    m = _WHICH.search(question)
    word = stem(m.group(1).lower()) if m is not None else ""
    return next((c for c in columns if word and word in {stem(p) for p in _words(c)}), None)


def summed_per(key: str, column: str, rows: Sequence[Mapping[str, Any]]) -> list[Ranked] | None:
    """Per value of ``key``, the sum of ``column`` over its rows, when ``key`` repeats across rows (a zone's rows,
    one per category) and ``column`` is a count (whole numbers, no mean, ratio, percentile or extreme in its
    name): "which zone has had the most complaints" ranks zones, not their rows. None otherwise."""
    rows = [r for r in rows if r.get(column) is not None]  # (a stop still going has no duration yet)
    keys = [_hashable(r.get(key)) for r in rows]
    values = [float(v) for r in rows if isinstance(v := r.get(column), (int, float)) and not isinstance(v, bool)]
    if len(set(keys)) == len(keys) or not_additive(column):
        return None
    if not values or len(values) < len(rows) or not all(v.is_integer() for v in values):
        return None
    sums: dict[Any, float] = {}
    for k, v in zip(keys, values, strict=True):
        sums[k] = sums.get(k, 0.0) + v
    return [Ranked(f"{key}={k}", v) for k, v in sums.items()]


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def asks_count(question: str) -> bool:
    """Whether ``question`` asks how many ("how many backups failed", "number of open tickets")."""
    return _COUNTED.search(question) is not None


def counted_head(question: str) -> tuple[str, tuple[str, ...]]:
    """The head of what ``question`` counts ("trays") and the words before it ("oven",); ("", ()) for none. A
    verb or a time word after the thing is no head ("how many backups failed overnight": backups)."""
    words = [w for w in counted_words(question) if w.isalnum()]
    while words and (is_verb_or_adverb(words[-1]) or words[-1] in NON_TOPIC_WORDS):
        words.pop()
    if not words:
        return "", ()
    return words[-1], tuple(words[:-1])


def uncounted(question: str, said: Iterable[str]) -> str | None:
    """For a "how many" question that no count, total or ranking answered: what is not worked out, when no word
    ``said`` of the run's calls (their tools' names, descriptions and tags, their rows' columns) is the thing
    counted, nor spelt nearly so ("turbnes": turbines), and it is no value ("504s"): "how many pages have they had"
    over an on-call rota's rows. None when one is, or nothing is counted."""
    head, before = counted_head(question)
    low = head.lower()
    if not low or any(c.isdigit() for c in low):
        return None
    stems = {stem(w) for text in said for w in re.findall(r"[a-z]+", text.lower()[:2000])}
    if stem(low) in stems or misspelt(low, stems, frozenset()) is not None:  # "pipleines": pipelin
        return None
    return f"how many {' '.join((*before, head))} is not worked out: no tool of the run reports them"


def counted_by_name(question: str, tool: str) -> bool:
    """Whether the first word of what is counted (:func:`counted_words`: "backups") or its head
    (:func:`counted_head`: "heating *complaints* came in": ``comfort_complaints``) is a word of ``tool``'s name
    (``backup_runs``)."""
    head, before = counted_head(question)
    first = before[0] if before else head
    return bool(head) and any(stem(w) in {stem(first), stem(head)} for w in _row_words(tool))


def _row_words(tool: str) -> list[str]:
    """The words of ``tool``'s name that say what its rows are: after its last "by"/"per" (``defects_by_ata`` has a
    row per ATA chapter, not per defect), unless the name opens with a look-up verb."""
    words = _words(tool)
    if words[:1] and words[0] in _LOOKUP_VERBS:
        return words  # ``find_devices_by_site``: devices looked up by their site, a row per device
    cut = max((k for k, w in enumerate(words) if w in ("by", "per")), default=-1)
    return words[cut + 1 :]


#: A tool name's first word saying it looks rows up ("find_devices_by_site"), not that it groups them.
_LOOKUP_VERBS = frozenset({"find", "list", "get", "search", "lookup", "fetch", "show", "query", "read", "select"})


def counted_named(question: str, tool: str) -> set[str]:
    """The words of what is counted (:func:`counted_words`) that ``tool``'s name has ("customer tickets":
    ``customer_tickets`` has both, ``customer_cages`` one)."""
    own = {stem(w) for w in _row_words(tool)}
    return {w for w in counted_words(question) if stem(w) in own}


_ABOUT = re.compile(r"\b(?:about|regarding|concerning)\s+(?:the\s+|our\s+)?(?!an?\b)([a-z][\w-]*)", re.IGNORECASE)


def counted_about(question: str) -> str:
    """What a count asks its rows to be about ("how many tickets about temps": temps), "" for none."""
    m = _ABOUT.search(question) if asks_count(question) else None
    return m.group(1).lower() if m is not None else ""


_COUNTED = re.compile(
    r"\bhow\s+many\s+([^?,;.!]*)|\b(?:number|count)\s+of\s+([^?,;.!]*)|\bcount\s+the\s+([^?,;.!]*)",
    re.IGNORECASE,
)
_OF_THE = frozenset({"the", "our", "these", "those", "all"})
_TIME_AFTER_LAST = frozenset(
    """few couple hour hours hr hrs h day days d week weeks wk wks month months year years night nights time
    weekend minute minutes min mins shift shifts monday tuesday wednesday thursday friday saturday sunday
    quarter run cycle""".split()  # noqa: SIM905
)


#: Prepositions no stop word list holds that end what is counted ("how many open defects across the fleet").
_ENDS_COUNTED = frozenset({"across", "throughout", "among", "amongst", "within", "between", "during", "per", "via"})


def counted_words(question: str) -> tuple[str, ...]:
    """The words of what a "how many" (or "number of", "count of", "count the") question counts: those after
    it up to the first stop word or punctuation ("how many relay hosts are in that group" -> relay,
    hosts; "how many of the relay-hosts" too), lower-case; () for no count, or for a count of events
    ("how many times has it restarted": the rows of the act are counted)."""
    m = _COUNTED.search(question)
    if m is None:
        return ()
    out: list[str] = []
    raw = [w for w in re.split(r"[\s-]+", next(g for g in m.groups() if g is not None)) if w]
    words = [w.lower() for w in raw]
    if words[:1] == ["times"]:
        return ()
    if words[:1] == ["of"] and words[1:2] and words[1] in _OF_THE:
        words, raw = words[2:], raw[2:]  # "how many of the servers"
    for k, (word, spelt) in enumerate(zip(words[:4], raw, strict=False)):
        if k == 0 and word == "last" and words[1:2] and words[1].isalpha() and words[1] not in _TIME_AFTER_LAST:
            out.append(word)  # "how many last gasps": a thing so called, not "in the last 6 hours"
            continue
        if word in STOP_WORDS or word in _ENDS_COUNTED or spelt == "r":  # "how many lots r on hold": "r" is "are"
            break
        out.append(word)
    return tuple(out)


def _initials(value: str) -> str:
    """The initials of a value of two words or more ("volatility_interruption": vi); "" for one word."""
    parts = [p for p in re.split(r"[\s_-]+", value.lower()) if p]
    return "".join(p[0] for p in parts) if len(parts) > 1 and all(p.isalpha() for p in parts) else ""


def _initialisms(question: str) -> set[str]:
    """The counted words that may be initials ("VIs": vi), in lower case."""
    return {w.lower().removesuffix("s") for w in counted_words(question) if 2 <= len(w) <= 6 and w.isalpha()}


def counts_initials(question: str, rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a "how many" question counts things by the initials of a value the rows hold ("how many VIs" over
    halts whose ``kind`` is ``VOLATILITY_INTERRUPTION``): those rows are the things counted."""
    short = _initialisms(question)
    return bool(short) and any(isinstance(v, str) and _initials(v) in short for r in rows[:10_000] for v in r.values())


def count(question: str, rows: Sequence[Mapping[str, Any]], arguments: Mapping[str, Any]) -> tuple[int, str]:
    """How many of ``rows`` the question counts, and the filter it took (``status=failed``), "" for every row:
    a column whose values include a state the question names ("failed", "open"), when the call's arguments
    do not already filter on that value."""
    words = {w for w in _words(question) if w not in STOP_WORDS}
    stems = {stem(w) for w in words} | {value_stem(w) for w in words}
    given = {str(v).lower() for v in arguments.values() if isinstance(v, str)}
    short = _initialisms(question)
    for col in dict.fromkeys(c for r in rows for c in r):
        values = {str(r.get(col)).lower() for r in rows if isinstance(r.get(col), str)}
        named = [v for v in values if (v in words or stem(v) in stems or _initials(v) in short) and v not in given]
        if len(named) == 1 and len(values) > 1:
            if (about := counted_about(question)) and named[0].split()[0] == about:
                # "tickets about vardenes": a row is about it when any of its texts names it (a subject "data loss
                # at Vardenes"), not only the one whose column holds it alone
                said = re.compile(rf"\b{re.escape(named[0])}\b", re.IGNORECASE)
                kept = [r for r in rows if any(isinstance(v, str) and said.search(v) for v in r.values())]
                return len(kept), f"'{named[0]}' in any column"
            kept = [r for r in rows if str(r.get(col)).lower() == named[0]]
            return len(kept), f"{col}={named[0]}"
    return len(rows), ""
