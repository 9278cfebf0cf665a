"""Short names: a name in the question that stands for one value an inventory lists under a longer name.

Inventories list things by their full identifiers (a project ``quill/billing-svc``, a team
``search-core``); operators type a short form ("billing-svc", "billing", "the large rye pool").
:class:`ShortNames` indexes the inventory's values (:attr:`Inventory.values`; free text with spaces, a
ticket's title or an operator's note, names nothing and is left out) so that a word of the question is
read as the one value it stands for:

* by the value's **last path segment** (after the last ``/`` or ``:``): "billing-svc" is
  ``quill/billing-svc`` when exactly one listed value ends so (:meth:`ShortNames.ending`);
* by a **whole part** (split at ``/ : . _ -``) no other listed value has: "billing" is
  ``quill/billing-svc`` (:meth:`ShortNames.part`; the extractor never asks for a word of the tools'
  vocabulary, a form word or a size word: "search", "large" stay words);
* by **the words of a kind the question names**: "the large rye pool" is ``rye-large``, the one pool
  having the most of those words as parts (:meth:`ShortNames.implied`);
* by **a code and its number run together**: "rtm2" is ``DC-RTM-02`` when exactly one listed value has the
  parts ``rtm`` and ``02`` side by side (the number's leading zeros dropped; :meth:`ShortNames.squeezed`);
* by a **misspelt last segment**: "serach-indexer" is ``quill/search-indexer`` under the rules of
  :func:`typos.typo_of` (the same digits, very close, clearly closer than the next), still reported as an
  unknown name (:meth:`ShortNames.typo`).

Each reading is a :class:`Reading` the answer states ("billing" is read as quill/billing-svc, the one
project with it in its name; the answer is for quill/billing-svc), so a wrong guess is visible. No
estate's names: everything comes from the inventory the estate's own tools listed this run. The index is
built once per reading of a question; each fuzzy look-up is counted (:data:`MAX_SHORT_TYPOS`).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.entities import MAX_FUZZY_COMPARISONS, Inventory, kind_of, name_key
from opsuite_ops.domain.typos import typo_of

__all__ = ["MAX_SHORT_TYPOS", "Reading", "ShortNames", "last_segment"]

#: Misspelt last segments looked up per reading of a question (each compares a name with every segment, and
#: they compare at most ``entities.MAX_FUZZY_COMPARISONS`` in all).
MAX_SHORT_TYPOS = 8
_PATH = re.compile(r"[/:]")
_PARTS = re.compile(r"[/:._-]+")
_SPACE = re.compile(r"\s")
#: A part of a name that is a code: letters and digits, three characters or more ("mid02", "r3x").
_CODE = re.compile(r"^(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]{3,}$")
#: A code and its number run together ("rtm2", "lej01"): letters, then digits.
SQUEEZED = re.compile(r"^([a-z]{2,6})0*(\d{1,4})$", re.IGNORECASE)
#: A dotted value of a short code with digits (a level, a site: "L2", "BMR1") and a name of its own, letters with a
#: "-" or digits ("L4.W17", "L2.ICU-B"); not a host "db.eu-west-1" nor "db-01.dc-2".
_DOTTED_TAIL = re.compile(r"^[A-Za-z]{0,4}\d{1,3}\.(?=[^.]*[A-Za-z])(?=[^.]*[-\d])[A-Za-z0-9-]+$")


def last_segment(value: str) -> str:
    """The name within its group: ``quill/billing-svc`` -> ``billing-svc`` (a value without a path is itself)."""
    return _PATH.split(value)[-1] or value


@dataclass(frozen=True, slots=True)
class Reading:
    """A word of the question read as a listed value: what was said, the value, its column, and how."""

    said: str
    value: str
    column: str
    how: str

    def sentence(self) -> str:
        """``"billing" is read as quill/billing-svc, the one project with it in its name; the answer is for
        quill/billing-svc``."""
        kind = kind_of(self.column).replace("_", " ") if self.column else "value"
        return f'"{self.said}" is read as {self.value}, the one {kind} {self.how}; the answer is for {self.value}'


class ShortNames:
    """The inventory's values by last path segment and by whole part (see the module docstring)."""

    def __init__(self, inventory: Inventory) -> None:
        self._ends: dict[str, set[tuple[str, str]]] = {}
        self._parts: dict[str, set[tuple[str, str]]] = {}
        self._squeezed: dict[str, set[tuple[str, str]]] = {}
        self._typos_left = MAX_SHORT_TYPOS
        self._comparisons_left = MAX_FUZZY_COMPARISONS
        for column, spelt in inventory.values.values():
            if _SPACE.search(spelt):
                continue  # free text (a title, a note) names nothing
            segments = _PATH.split(spelt)
            if len(segments) > 1 and segments[-1]:
                self._ends.setdefault(name_key(segments[-1]), set()).add((column, spelt))
            elif _DOTTED_TAIL.match(spelt):  # "L2.ICU-B": the area "ICU-B" on its level L2 (no "org" of a domain)
                self._ends.setdefault(name_key(spelt.rsplit(".", 1)[-1]), set()).add((column, spelt))
            low = spelt.lower()
            parts = _PARTS.split(low)
            for part in parts:
                if part and part != low:
                    self._parts.setdefault(part, set()).add((column, spelt))
            for code, number in itertools.pairwise(parts):
                if code.isalpha() and number.isdigit():  # (no int(): a tenant's digits may be any length)
                    self._squeezed.setdefault(f"{code}{number.lstrip('0') or '0'}", set()).add((column, spelt))

        for kind, names in (("host", inventory.hosts), ("service", inventory.services)):
            for name in names:  # a coded part of a host or service name ("mid02" of WH-Mid02) stands for it
                for part in _PARTS.split(name.lower()):
                    if part != name.lower() and _CODE.match(part):
                        self._parts.setdefault(part, set()).add((kind, name))

    @staticmethod
    def _one(found: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
        """``(column, value)`` when every entry is of one value (its last column by name), else None; stops at
        the second value (a part many values share is no reading, however many they are)."""
        one: tuple[str, str] | None = None
        for column, spelt in found:
            if one is None or (spelt == one[1] and column > one[0]):
                one = (column, spelt)
            elif spelt != one[1]:
                return None
        return one

    def ending(self, token: str) -> tuple[str, str] | None:
        """``(column, value)`` of the one listed value whose last path segment ``token`` is, else None."""
        return self._one(self._ends.get(name_key(token), ()))

    def part(self, word: str) -> tuple[str, str] | None:
        """``(column, value)`` of the one listed value having ``word`` as a whole part, else None."""
        return self._one(self._parts.get(word.lower(), ()))

    def squeezed(self, token: str) -> tuple[str, str] | None:
        """``(column, value)`` of the one listed value having ``token``'s letters and number as two parts side by
        side ("rtm2": ``DC-RTM-02``), else None."""
        m = SQUEEZED.match(token)
        return self._one(self._squeezed.get(f"{m.group(1).lower()}{m.group(2).lstrip('0') or '0'}", ())) if m else None

    def implied(self, parts: Iterable[str], words: Iterable[str]) -> tuple[str, str] | None:
        """The one value of a kind ``words`` name ("pool") having the most of ``parts`` as whole parts ("large",
        "rye" -> ``rye-large``); None when no value has any, or two tie. The kind's own word is no such part
        ("the x1 pool" is not ``rack-pool-r3`` for its "pool": the word says which kind, not which one)."""
        named = ({w.removesuffix("s") for w in words} | set(words)) - STOP_WORDS  # "to" names no ``spill_to``
        hits: dict[tuple[str, str], int] = {}
        for part in dict.fromkeys(p.lower() for p in parts):
            for column, spelt in self._parts.get(part, ()):
                kinds = {kind_of(column), kind_of(column).rsplit("_", 1)[-1]}
                if kinds & named and part.removesuffix("s") not in kinds:
                    hits[(column, spelt)] = hits.get((column, spelt), 0) + 1
        if not hits:
            return None
        best = max(hits.values())
        top = {spelt: column for (column, spelt), n in sorted(hits.items()) if n == best}
        return next(((c, s) for s, c in top.items()), None) if len(top) == 1 else None

    def typo(self, token: str) -> tuple[str, str] | None:
        """``(column, value)`` of the one listed value whose last path segment ``token`` misspells (see
        :func:`typos.typo_of`), else None; at most :data:`MAX_SHORT_TYPOS` look-ups per reading."""
        if self._typos_left <= 0 or not self._ends or self._comparisons_left < len(self._ends):
            return None
        self._typos_left -= 1
        self._comparisons_left -= len(self._ends)
        close = difflib.get_close_matches(name_key(token), list(self._ends), n=2, cutoff=0.8)
        spelt = {key: last_segment(next(iter(sorted(self._ends[key])))[1]) for key in close}
        assumed = typo_of(token, tuple(spelt[k] for k in close))
        if not assumed:
            return None
        return self._one(self._ends.get(name_key(assumed), ()))
