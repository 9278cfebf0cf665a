"""Typos: a question's misspelt word read as the word it misspells, a misspelt name as the name.

:func:`misspelt` reads a word of five letters or more that no tool knows as the tool word it misspells
("orgin" is "origin", "capacty" is "capacity", "chnages" is "changes"), or as a form word ("recnt"): one
letter off or two neighbours swapped (a shorter word only as a form word with a doubled letter typed once:
"stil", :func:`dropped_double`), compared only with the words of its first letter and about its length,
and a few words per question (:data:`MAX_TYPO_LOOKUPS`, counted by the reader of the question).
:func:`typo_of` picks the known name an unknown one misspells: the same digits (another number is another
thing), very close, and clearly closer than the next ("og-meida-eu" is "og-media-eu"; "rtr-ams-05" is no "rtr-ams-02").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from opsuite_ops.domain.bm25 import is_verb_or_adverb, stem
from opsuite_ops.domain.entities import name_key

__all__ = ["MAX_TYPO_LOOKUPS", "MIN_TYPO_LENGTH", "dropped_double", "misspelt", "typo_of"]

#: Words of one question looked up as possible typos of the tools' words.
MAX_TYPO_LOOKUPS = 16
#: Shorter words are not read as typos (one letter off in four is another word: "disk", "dns").
MIN_TYPO_LENGTH = 5
_DIGITS = re.compile(r"\d+")


def misspelt(word: str, vocabulary: Iterable[str], form_words: frozenset[str]) -> str | None:
    """The word of ``vocabulary`` (or of ``form_words``: then "") that ``word`` misspells, or None. The
    vocabulary holds stems ("pipelin"), so a plural's stem is compared too ("pipleines": "piplein"); a verb
    form's is not ("running" is no typo of "run")."""
    vocab = tuple(vocabulary)
    words = (*vocab, *form_words)
    forms = (word,) if is_verb_or_adverb(word) else (word, stem(word))
    for form in dict.fromkeys(forms):
        # A word of four letters or more: "phone" (its stem "phon") is no typo of "pon".
        pool = [w for w in words if w[:1] == form[:1] and abs(len(w) - len(form)) <= 2 and len(w) >= 4 and w.isalpha()]
        found = difflib.get_close_matches(form, pool, n=1, cutoff=0.85) or _transposed(form, pool)
        if not found and len(form) >= 7:
            # A stem spelt out whole as well ("utilis" as "utilisation", "receiv" as "receiver"): a misspelt word
            # keeps its suffix ("utilisaton", "reciever"), which its stem alone is too short to be compared with.
            stems = [w for w in vocab if w[:1] == form[:1] and 4 <= len(w) < len(form) and w.isalpha()]
            whole = {w + end: w for w in stems for end in _ENDINGS}
            if form in whole or stem(form) in whole:
                continue  # a word spelt exactly so is a word of its own the stemmer keeps apart: pickers, not picks
            spelt = [w for w in whole if abs(len(w) - len(form)) <= 1]
            found = [
                whole[w] for w in difflib.get_close_matches(form, spelt, n=1, cutoff=0.9) or _transposed(form, spelt)
            ]
        if found:
            return "" if found[0] in form_words else found[0]
    return None


#: Suffixes a stem is spelt out with to compare a long misspelt word whole (see :func:`misspelt`).
_ENDINGS = ("ation", "ion", "ate", "er", "ers", "e", "es", "ed", "ing", "ment")


def dropped_double(word: str, words: frozenset[str]) -> str | None:
    """The word of ``words`` that ``word`` spells with one of its doubled letters typed once ("stil" for
    "still", "wil" for "will"): a slip short words make too, which :func:`misspelt` leaves to longer ones."""
    for k in range(len(word)):
        whole = word[: k + 1] + word[k] + word[k + 1 :]
        if whole in words:
            return whole
    return None


def _transposed(word: str, pool: Iterable[str]) -> list[str]:
    """The words of ``pool`` that ``word`` spells with two neighbouring letters swapped ("chnages" for
    "changes", "chnag" for the stem "chang"): one slip of the fingers, however short the word (a ratio
    reads a swap in five letters as two letters off)."""
    known = frozenset(pool)
    swaps = (word[:k] + word[k + 1] + word[k] + word[k + 2 :] for k in range(len(word) - 1) if word[k] != word[k + 1])
    return [w for w in dict.fromkeys(swaps) if w in known][:1]


def typo_of(name: str, close: tuple[str, ...]) -> str:
    """The one name of ``close`` (best first) that ``name`` misspells, else "" (see the module docstring)."""
    if not close:
        return ""
    key = name_key(name)
    ratios = [difflib.SequenceMatcher(None, key, name_key(c)).ratio() for c in close[:2]]
    if _DIGITS.findall(name) != _DIGITS.findall(close[0]) or ratios[0] < 0.8:
        return ""
    return close[0] if len(ratios) == 1 or ratios[0] - ratios[1] >= 0.1 else ""
