"""A small BM25 ranker with tokenisation that splits snake_case, kebab-case and camelCase.

Tokens are lower-cased, stop words dropped and lightly stemmed (plural, -ed, -ing, -ment...), so
"deployments", "deployed" and "deploy" meet, and so do "changed" and "changes".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["ON_CALL", "STOP_WORDS", "BM25Index", "is_verb_or_adverb", "stem", "tokenise", "value_stem"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
#: "on call", "on-call", "On-Call": one word.
ON_CALL = re.compile(r"\bon[- ]call\b", re.IGNORECASE)

#: Words that carry no signal for picking a tool (question words, time words, fillers).
STOP_WORDS = frozenset(
    """a an the is are was were be been of on in at to for from by with and or not what which who whom how
    why when where there this that these those it its me my i we our you your do does did show tell give
    get list find over last past since before after during until about any all some much many per hour
    hours minute minutes day days week weeks ago today yesterday now recent recently please can could
    would should has have had than then into out they them their theirs he him his she her hers""".split()  # noqa: SIM905
)

#: Common irregular verb forms ("went", "ran"): what happened, never a topic or a name.
_IRREGULAR_VERBS = frozenset(
    """went gone ran run runs done did does made make makes took taken came come comes gave given got gotten
    broke broken fell fallen kept left lost put set sent seen saw shown showed told thought brought bought
    became become began begun held meant spent stood understood wrote written found say says said threw thrown
    go goes""".split()  # noqa: SIM905
)


def is_verb_or_adverb(word: str) -> bool:
    """Whether ``word`` is, by simple English morphology, a verb form or an adverb rather than a noun:
    an adverb in "-ly" ("safely"), a participle or gerund in "-ed"/"-ing" ("cordoned", "crashlooping"), or
    a common irregular form ("went"). Such words say what happened or how, not what is measured or asked
    about, so no tool has to "report" them. (A noun in "-ing" like "billing" is then never flagged as
    uncovered either: the coverage check errs on the side of not flagging a word.)"""
    low = word.lower()
    if low in _IRREGULAR_VERBS:
        return True
    if not low.isalpha():
        return False
    if len(low) == 5 and low.endswith("ed") and not low.endswith("eed"):
        return True  # "added", "moved", "fixed" (but "speed", "breed" are nouns)
    return (len(low) > 5 and low.endswith("ly")) or (len(low) > 5 and low.endswith(("ing", "ed")))


_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "es", "ed", "s")


def stem(word: str) -> str:
    """A light suffix-stripping stem; stable for the same word family, never shorter than 3 chars."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def value_stem(word: str) -> str:
    """:func:`stem`, and then, as in Porter's step 1b, a double consonant left by "-ed" or "-ing" undone
    ("tripped", "stopping": trip, stop; not "spilled", "passed"): for matching a word of the question to a value
    a column or an enum holds (``trip``), not for ranking tools (where "running" must not find "the service it
    runs")."""
    s = stem(word)
    if word.endswith(("ed", "ing", "ings")) and len(s) > 3 and s[-1] == s[-2] and s[-1] not in "aeiouylsz":
        return s[:-1]
    return s


def tokenise(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """Lower-case stemmed tokens of ``text``; ``cpu_by_host`` -> cpu, host; ``errorRate`` -> error, rat.

    "on-call" / "on call" is one word, ``oncall`` (a rota, not a call between services).
    """
    words = _WORD.findall(ON_CALL.sub("oncall", _CAMEL.sub(" ", text)).lower())
    return [stem(w) for w in words if keep_stop_words or w not in STOP_WORDS]


class BM25Index:
    """Okapi BM25 over pre-tokenised documents; :meth:`scores` ranks every document for a query."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._tfs = [Counter(doc) for doc in documents]
        self._lens = [len(doc) for doc in documents]
        n = len(documents)
        self._avg = (sum(self._lens) / n) if n else 0.0
        df: Counter[str] = Counter()
        for tf in self._tfs:
            df.update(tf.keys())
        # The "+1" variant keeps idf positive even for terms present in most documents.
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def __len__(self) -> int:
        return len(self._tfs)

    def scores(self, query: Sequence[str]) -> list[float]:
        """BM25 score of every document for ``query`` tokens (repeated query tokens count once)."""
        terms = [t for t in dict.fromkeys(query) if t in self._idf]
        out = [0.0] * len(self._tfs)
        if not terms or not self._avg:
            return out
        k1, b, avg = self.k1, self.b, self._avg
        for i, tf in enumerate(self._tfs):
            norm = k1 * (1 - b + b * self._lens[i] / avg)
            s = 0.0
            for t in terms:
                f = tf.get(t)
                if f:
                    s += self._idf[t] * f * (k1 + 1) / (f + norm)
            out[i] = s
        return out

    def max_score(self, query: Sequence[str]) -> float:
        """An upper bound of any score for ``query`` (each term at saturation), for relative floors."""
        terms = [t for t in dict.fromkeys(query) if t in self._idf]
        return sum(self._idf[t] * (self.k1 + 1) for t in terms)
