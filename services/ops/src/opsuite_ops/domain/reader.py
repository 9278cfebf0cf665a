"""One pass over a question's tokens: the state :func:`~opsuite_ops.domain.extract.extract_entities` builds.

:class:`Reader` holds what the pass found so far (names, ids, values, terms, unknown names, the readings of
short names) and the look-ups it makes against the inventory: whether a token is a word of the tools or of
the question's form, a misspelt tool word (:mod:`typos`), a misspelt name or value of the same shape, or a
short name of one listed value (:mod:`shortnames`). Every fuzzy look-up is counted (a hostile question
cannot make the work grow without bound).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from opsuite_ops.domain.bm25 import STOP_WORDS, is_verb_or_adverb, stem
from opsuite_ops.domain.entities import Inventory, UnknownName
from opsuite_ops.domain.shortnames import Reading, ShortNames, last_segment
from opsuite_ops.domain.typos import MAX_TYPO_LOOKUPS, MIN_TYPO_LENGTH, dropped_double, misspelt, typo_of
from opsuite_ops.domain.words import GENERIC_WORDS, NON_TOPIC_WORDS

#: Words of a question's form (never a topic, never a name): what a short slip of the fingers is read as.
_FORM_WORDS = STOP_WORDS | GENERIC_WORDS | NON_TOPIC_WORDS

__all__ = ["Reader", "shape_parts"]

_SEPARATORS_RE = re.compile(r"[\s._/-]+")


def shape_parts(name: str) -> int:
    """How many parts a name has ("rtr-ams-05": 3): a misspelling keeps the shape of what it misspells."""
    return len([p for p in _SEPARATORS_RE.split(name) if p])


#: Inventory values looked at for the names of a numbered kind ("RTG 01" ...), at most.
_MAX_SCANNED = 5000
_NUMBERED = re.compile(r"^([A-Za-z]+) (\d+)$")


@dataclass(slots=True)
class Reader:
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
    qualifiers: list[str] = field(default_factory=list)
    apart: list[str] = field(default_factory=list)
    #: Version strings ("2.31.0"): values the question gives, never topics.
    versions: list[str] = field(default_factory=list)
    #: Words read as one listed value they stand for ("billing" -> quill/billing-svc), see :mod:`shortnames`.
    readings: list[Reading] = field(default_factory=list)
    #: Words that are parts of values of a kind the question names ("large", "rye" of "the large rye pool").
    part_words: list[str] = field(default_factory=list)
    #: Typo look-ups left for this question (each compares a word with the vocabulary's words of its length).
    typos_left: int = MAX_TYPO_LOOKUPS
    short_names: ShortNames | None = None
    #: The inventory's values written as a word, a space and digits ("RTG 01"), by (word, number of digits).
    numbered_names: dict[tuple[str, int], list[tuple[str, str]]] | None = None

    def shorts(self) -> ShortNames:
        """The inventory's values by short name (built on first use, once per reading)."""
        if self.short_names is None:
            self.short_names = ShortNames(self.inventory)
        return self.short_names

    def short(self, said: str, value: tuple[str, str], how: str, guess_as: str | None) -> None:
        """Read ``said`` as the listed ``value`` (column, spelling) and say so. Where no inventory lists names
        of the kind ``guess_as`` (host or service), the value's last path segment is also a name of that kind
        guessed by its shape, as the word itself would have been (a release history takes "billing-svc" for
        the project quill/billing-svc)."""
        if (found := self.inventory.lookup(value[1])) is not None and found[0] == value[0]:
            self.add(*found)  # a host or service by a coded part of its name ("mid02": WH-Mid02)
        elif value not in self.values:
            self.values.append(value)
        if not any(r.value == value[1] for r in self.readings) and said.lower() != value[1].lower():
            self.readings.append(Reading(said, value[1], value[0], how))
        if guess_as is not None and not self.inventory.knows(guess_as):
            self.guess(guess_as, last_segment(value[1]).lower())

    def joined_pair(self, word: str, after: str) -> bool:
        """Read a word and the one after it as one listed name, and say whether it did: a word and a number joined
        by "-" the estate has ("web 1": web-01), written with a space as a listed value ("GEN 2"), or a word and a
        letter or two, joined by "-", ending one listed value ("icu b": the one L2.ICU-B)."""
        if not word.isalpha() or not after.isalnum() or (not after.isdigit() and len(after) > 2):
            return False
        if after.isdigit() and (found := self.inventory.lookup(f"{word}-{after}")) is not None:
            self.add(*found)
        elif after.isdigit() and (listed := self.inventory.value(f"{word} {after}")) is not None and " " in listed[1]:
            self.values.append(listed)
        elif (tail := self.shorts().ending(f"{word}-{after}")) is not None:
            self.short(f"{word} {after}", tail, "whose name ends so", "service")
        elif after.isdigit() and (numbered := self._numbered(word, after)):
            column, close = numbered  # "RTG 21" where the estate lists RTG 01 .. RTG 16: no such unit
            self.unknown.append(UnknownName(f"{word} {after}".upper(), column, close))
        else:
            return False
        return True

    def _numbered(self, word: str, number: str) -> tuple[str, tuple[str, ...]] | None:
        """``(column, closest values)`` when the inventory lists several values written as ``word``, a space and
        as many digits ("RTG 01", "RTG 16"), none of them this one; else None."""
        if self.numbered_names is None:  # built once per reading, whatever the number of pairs in the question
            self.numbered_names = {}
            for column, value in itertools.islice(self.inventory.values.values(), _MAX_SCANNED):
                if (m := _NUMBERED.match(value)) is not None:
                    self.numbered_names.setdefault((m.group(1).lower(), len(m.group(2))), []).append((column, value))
        found = self.numbered_names.get((word.lower(), len(number)), [])
        if len(found) < 2:
            return None
        closest = sorted(found, key=lambda cv: (abs(int(cv[1].split()[-1]) - int(number)), cv[1]))[:3]
        columns = [c for c, _v in found]
        return min(set(columns), key=lambda c: (-columns.count(c), len(c), c)), tuple(v for _c, v in closest)

    def is_word(self, low: str) -> bool:
        """A word of the tools' vocabulary or of the question's form (never taken for a name on its own)."""
        return (
            low in STOP_WORDS
            or low in GENERIC_WORDS
            or stem(low) in self.vocabulary
            or low in self.vocabulary
            or (is_verb_or_adverb(low) and not low.endswith(("ing", "ed")))  # "safely": never a name
        )

    def typo(self, word: str) -> str | None:
        """The tool word (or form word: then "") ``word`` misspells, or None (see :func:`typos.misspelt`)."""
        if self.typos_left <= 0 or not word.isalpha():
            return None
        if word.endswith("in") and len(word) >= 6 and word[:-2] not in STOP_WORDS and self._known_base(word[:-2]):
            return word + "g"  # "bakin", "workin": a gerund with its g dropped, read as the gerund
        if len(word) < MIN_TYPO_LENGTH:  # "stil": only a form word with a doubled letter typed once; shorter
            # ones are names as often ("ben", "ned", "son" are no "been", "need", "soon")
            return "" if len(word) >= 4 and dropped_double(word, _FORM_WORDS) else None
        self.typos_left -= 1
        return misspelt(word, self.vocabulary, STOP_WORDS | GENERIC_WORDS)

    def _known_base(self, base: str) -> bool:
        """Whether ``base`` is a word of the tools or of the question's form ("trend"), as a gerund's base."""
        return base in _FORM_WORDS or base in self.vocabulary or stem(base) in self.vocabulary

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
        close = tuple(c for c in close if shape_parts(c) == shape_parts(name))
        if not close or ratio <= self.inventory.best_ratio(name, kind):
            return False
        partial = bool(self.inventory.subjects) and column not in self.inventory.subjects
        if partial and not typo_of(name, close):
            # "wtg-09" beside an alarm log's assets: that column lists the assets alarms named, not every asset,
            # so it is read as any other name (an output that never names it says so: identifiers.unmentioned_ids)
            return False
        if not any(u.name == name for u in self.unknown):
            assumed = typo_of(name, close)
            if assumed:
                self.values.append((column, assumed))
            self.unknown.append(UnknownName(name, column, close, assumed))
        return True

    def misspelt_name(self, name: str) -> bool:
        """Report a name of no known kind as unknown when a known host or service of the same shape is close
        ("node-a6" next to the estate's "node-a7": no host named node-a6)."""
        if self.misspelt_value(name, None):
            return True
        close = tuple(c for c in self.inventory.closest(name) if shape_parts(c) == shape_parts(name))
        found = self.inventory.lookup(close[0]) if close else None
        if found is None:
            return False
        if not any(u.name == name for u in self.unknown):
            same = tuple(c for c in close if self.inventory.lookup(c) == (found[0], c))
            assumed = typo_of(name, same)
            if assumed:
                self.add(found[0], assumed)
            self.unknown.append(UnknownName(name, found[0], same, assumed))
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
