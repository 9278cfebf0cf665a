"""What a token of a question is, by its shape and its neighbours (the helpers of :mod:`extract`).

Two words the tools know as one are joined before reading ("fail over" is a failover); a verb form a clause
asks for ("what are those runners costing") is its topic; a name's shape suggests its kind where no
inventory says (a trailing number makes a host); the kind word after a token names its kind ("dba team");
a separated token may be an inventory value or a dotted setting key.
"""

from __future__ import annotations

import re
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, is_verb_or_adverb, stem
from opsuite_ops.domain.entities import Inventory

__all__ = [
    "AUXILIARIES",
    "DO_SUPPORT",
    "PORT_PATH",
    "SEPARATED",
    "VERSION_RE",
    "asked_verbs",
    "close_to_known",
    "compounds",
    "is_key",
    "kind_cue",
    "record_number",
    "shape_kind",
    "slash_names",
    "value_of",
    "word_shape",
]


#: Auxiliaries opening a yes/no question whose main verb then stands bare ("did the load succeed").
DO_SUPPORT = frozenset({"did", "does", "do", "will", "can", "could", "would", "should"})


#: Forms of "be", "get" and "have" before a participle: "were rebooted" asks for the act itself.
AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten", "has", "have", "had"]
)

VERSION_RE = re.compile(r"^v?\d+(?:[._-]\d+)*[a-z]?$", re.IGNORECASE)
SEPARATED = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[._/-][A-Za-z0-9]+)+$")
_TRAILING_NUMBER = re.compile(r"[._-]\d+[a-z]?$", re.IGNORECASE)


#: Opening a clause that asks for a verb's object: "what are X costing", "how much is X using".
_ASKING = frozenset({"what", "much"})
_CLAUSE_BREAK = re.compile(r"[,;?.!|]")


def asked_verbs(lows: list[str], gaps: list[str]) -> set[int]:
    """Positions of verb forms a clause asks for: in a clause opening with "what" or "how much" and an
    auxiliary ("what are those runners costing us", "what's it doing"), the verb is the question's topic,
    not what its subject did; "how many 502s is X returning" asks for the 502s."""
    out: set[int] = set()
    asking = False
    for k, word in enumerate(lows):
        if k and (_CLAUSE_BREAK.search(gaps[k - 1]) or word in ("and", "but", "also")):
            asking = False
        nxt = lows[k + 1] if k + 1 < len(lows) and not _CLAUSE_BREAK.search(gaps[k]) else ""
        if word in ("whats", "wats"):  # "whats it costing us": the auxiliary is in the word
            asking = True
        elif word in _ASKING and (word == "what" or (k and lows[k - 1] == "how")):
            asking = asking or nxt in AUXILIARIES | DO_SUPPORT | {"s", "re"}
        elif asking and is_verb_or_adverb(word) and word.endswith(("ing", "ed")):
            out.add(k)
    return out


_WORD_RE = re.compile(r"[A-Za-z0-9]+")


#: Form words typed with two neighbouring letters swapped ("on teh hsms"), read as themselves; a list, as most
#: swaps of a short word are words of their own ("aws", "form", "dose").
_SLIPS = {"teh": "the", "hte": "the", "adn": "and", "nad": "and", "waht": "what", "whta": "what", "taht": "that",
          "wiht": "with", "wehn": "when", "whne": "when", "hwo": "how", "thier": "their", "tehre": "there",
          "thsi": "this", "jsut": "just"}  # fmt: skip
_SLIP_RE = re.compile(r"\b(?:" + "|".join(sorted(_SLIPS, key=len, reverse=True)) + r")\b")


def _unslipped(word: str, vocab: frozenset[str], inv: Inventory) -> str:
    """The form word a slip in :data:`_SLIPS` stands for, unless a tool or the inventory knows the word as typed."""
    if word in vocab or inv.lookup(word) is not None or inv.value(word) is not None:
        return word
    return _SLIPS[word]


def compounds(text: str, vocab: frozenset[str], inv: Inventory) -> str:
    """``text`` with two words written apart joined where the tools know them as one ("fail over" and
    "fail-over" are "failover", "back up" is "backup"): the joined word, or its stem, is a word of the tools'
    vocabulary and no name the inventory knows. Both words are letters, the first at least 3. First, a form
    word typed with two letters swapped is read as itself ("on teh hsms": the hsms)."""
    text = _SLIP_RE.sub(lambda m: _unslipped(m.group(0), vocab, inv), text)
    if not vocab:
        return text
    words = list(_WORD_RE.finditer(text))
    out, last, k = [], 0, 0
    while k < len(words) - 1:
        a, b = words[k], words[k + 1]
        gap = text[a.end() : b.start()]
        joined = (a.group(0) + b.group(0)).lower()
        if (
            gap in (" ", "-")
            and a.group(0).isalpha()
            and b.group(0).isalpha()
            and len(a.group(0)) >= 3
            and (joined in vocab or stem(joined) in vocab)
            and a.group(0).lower() not in STOP_WORDS
            and inv.lookup(f"{a.group(0)}{gap}{b.group(0)}") is None
        ):
            out.append(text[last : a.start()] + a.group(0) + b.group(0))
            last = b.end()
            k += 2
            continue
        k += 1
    return "".join(out) + text[last:]


def shape_kind(token: str) -> str:
    """The kind a name's shape suggests where no inventory says: a trailing number makes a host ("pay-api-1")."""
    return "host" if _TRAILING_NUMBER.search(token) else "service"


def kind_cue(prev: str, nxt: str, kinds: frozenset[str]) -> str:
    """The kind word right after a token, when it names a kind ("dba team" -> "team"), or the last part of
    exactly one compound kind ("warehouse area" -> "service_area")."""
    for word in (nxt, nxt[:-1] if nxt.endswith("s") else ""):
        if word and word in kinds:
            return word
        compound = [k for k in kinds if k.endswith(f"_{word}")] if word else []
        if len(compound) == 1:
            return compound[0]
    return ""


#: Six digits or more ("trust 884377", "incident 884512"): a record number after a word the tools know.
_LONG_NUMBER = re.compile(r"^\d{6,}$")
#: Words before a number that make it a quantity ("over 100000", "the last 250000").
_BOUNDS = frozenset({"than", "over", "under", "above", "below", "about", "around", "top", "first", "last", "next",
                     "past", "least", "most", "to", "from", "between", "and", "or", "by", "x", "times"})  # fmt: skip


def record_number(tok: str, prev: str, nxt: str, vocab: frozenset[str]) -> bool:
    """Whether ``tok`` is a record number: six digits or more after a word the tools know ("trust 884377") that
    bounds no quantity, followed by no plural ("hit 1000000 messages")."""
    if not _LONG_NUMBER.match(tok) or not prev or prev in _BOUNDS or nxt.endswith("s"):
        return False
    return prev in vocab or stem(prev) in vocab


def value_of(token: str, inv: Inventory, pointed: bool) -> tuple[str, str] | None:
    """The inventory value a would-be name is (a separated token, or a pointed non-word: "in fra2")."""
    if not (pointed or SEPARATED.match(token)) or VERSION_RE.match(token):
        return None
    return inv.value(token)


def is_key(token: str, inv: Inventory) -> bool:
    """A dotted setting key ("pool.max_size", "agent.poll_s"): a dot and an underscore (no host
    name has one), or a known name before the first dot that the whole token is not."""
    if "." not in token or VERSION_RE.match(token) or inv.lookup(token) is not None:
        return False
    return "_" in token or (inv.lookup(token.split(".", 1)[0]) is not None and not _TRAILING_NUMBER.search(token))


def close_to_known(word: str, inv: Inventory) -> bool:
    """A plain word is taken for a misspelt name only when it is very close to one the estate has (a fuzzy
    look-up of the reading's budget: once it is spent, nothing is close)."""
    return inv.best_ratio(word) >= 0.8


_ALPHA = re.compile(r"^[A-Za-z]+$")


class _Span:
    """Tokens joined by "/" into one name (``BAY/K/4``, ``model-x/v3``): a match's ``group``, ``start``, ``end``."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def group(self, _n: int = 0) -> str:
        return self._text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def word_shape(part: str) -> str:
    """A word's shape: runs of digits as 9, of letters as a ("12c" -> "9a", "oven-01" -> "a-9")."""
    return re.sub(r"[a-z]+", "a", re.sub(r"\d+", "9", part.lower()))


#: A port's frame/slot/port path ("0/2/5", "1/0/24"): numbers, the first a single digit, three parts or more.
PORT_PATH = re.compile(r"^\d(?:/\d{1,3}){2,}$")


def _one_name(parts: list[str]) -> bool:
    """Whether slash-joined ``parts`` are one name: a port's path ("0/2/5"); else not all of one shape (values of
    one kind: "web-01/web-02", "and/or", "p50/p99", "2.31.0/2.32.0"), and a part has a separator ("model-x/v3",
    "docs/how-to") or there are three parts or more with letters and digits ("BAY/K/4"); two plain parts are a pair
    ("HTTP/2", "100/s", "build/v2")."""
    if PORT_PATH.match("/".join(parts)):
        return True
    if len({word_shape(p) for p in parts}) == 1:
        return False
    if any(re.search(r"[._-]", p) for p in parts):
        return True
    return len(parts) >= 3 and any(_ALPHA.match(p) for p in parts) and any(re.search(r"\d", p) for p in parts)


def slash_names(text: str, matches: list[Any]) -> list[Any]:
    """``matches`` with runs of tokens joined by single slashes kept whole where the run is one name
    (:func:`_one_name`)."""
    out: list[Any] = []
    i = 0
    while i < len(matches):
        j = i
        while j + 1 < len(matches) and text[matches[j].end() : matches[j + 1].start()] == "/":
            j += 1
        parts = [m.group(0) for m in matches[i : j + 1]]
        joined = "/".join(parts)
        if j > i and _one_name(parts):
            out.append(_Span(joined, matches[i].start(), matches[j].end()))
        else:
            out.extend(matches[i : j + 1])
        i = j + 1
    return out
