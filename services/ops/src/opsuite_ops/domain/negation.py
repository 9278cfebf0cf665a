"""Negated words: "which nodes aren't active", "hosts not in maintenance or rebuilding", "non-production clusters".

A word right after a negator ("not", "aren't", "arent", "isn't", "never", "non-", "neither") is what the question
does *not* want: a filter naming it must take the other values (:func:`fill_words.choose_enum` picks the rest of
the enum), never that value itself. Adverbs may stand in between ("aren't currently active", "not yet rebuilt"),
and a preposition with its article ("not in the maintenance state"). The negation carries across "or", "nor" and
commas of the same phrase ("not in maintenance or rebuilding", "neither X nor Y": both are negated).

A negator that negates the verb phrase, not a value, negates no word: one at the question's start or right
after a wh-word ("why aren't the failed backups retried?", "isn't the primary cluster almost full?", "what
isn't running"), or an inverted auxiliary followed by a determiner or a pronoun ("aren't the ...", "isn't
it"): the question asks whether or why, the words after it name the subject. :func:`mixed_or` says when a
negated phrase and a wanted one are joined by "or" ("offline or not in maintenance"): no filter expresses
that. English question form only.
"""

from __future__ import annotations

import re

__all__ = ["mixed_or", "negated_words"]

#: Negators, with and without the apostrophe operators often leave out ("arent", "isnt", "dont").
_AUX_NOT = r"(?:are|is|was|were|do|does|did|has|have|had|wo|ca|could|should|would)n'?t"
_NEGATOR = rf"not|never|no\s+longer|non|neither|{_AUX_NOT}|cannot|aint"
#: Adverbs and prepositions (with an article) that may stand between a negator and the word it negates.
_FILLER = (
    r"(?:(?:currently|yet|even|really|fully|being|been|be|marked|set|as)\s+){0,2}"
    r"(?:(?:in|at|on|under)\s+(?:(?:the|a|an)\s+)?)?"
)
_WORD = r"[a-z][a-z0-9_]*"
_NEGATED = re.compile(rf"\b(?:{_NEGATOR})[\s-]+{_FILLER}({_WORD})", re.IGNORECASE)
#: A negator negating the verb phrase: at the start (after a wh-word or not), or an inverted auxiliary before a
#: determiner or a pronoun.
_WH = r"(?:who|whom|what|which|why|when|where|how|whose)"
_VERB_PHRASE = re.compile(
    rf"^\s*(?:{_WH}\s+)?(?:not|never|cannot|aint|{_AUX_NOT})\b"
    rf"|\b{_AUX_NOT}\s+(?:the|a|an|any|all|some|these|those|this|that|our|my|your|their|its|his|her|"
    r"we|they|it|you|i|he|she|there)\b",
    re.IGNORECASE,
)
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "any",
        "all",
        "some",
        "these",
        "those",
        "this",
        "that",
        "our",
        "my",
        "your",
        "their",
        "its",
        "his",
        "her",
    ]
)
#: "..., or X", "nor X", ", X": the next item of the same negated phrase.
_CARRY = re.compile(rf"\s*(?:,\s*(?:(?:or|nor)\s+)?|\s+(?:or|nor)\s+)(?:(?:in|at|on|under)\s+)?({_WORD})", re.I)
#: Words after "or" that start a clause of their own ("or are down"): the negation does not carry into it.
_CLAUSE = frozenset(
    [
        "are",
        "is",
        "was",
        "were",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "be",
        "being",
        "can",
        "will",
        "may",
        "might",
    ]
)
_OR_NOT = re.compile(rf"(\b{_WORD})\s*,?\s+or\s+(?:{_NEGATOR})\b", re.IGNORECASE)


def _normal(question: str) -> str:
    return question.replace("\u2019", "'")


def negated_words(question: str) -> frozenset[str]:
    """The (lower-case) words ``question`` negates (see the module docstring)."""
    text = _normal(question)
    out: set[str] = set()
    for m in _NEGATED.finditer(text):
        if _starts_verb_phrase(text, m.start()):
            continue
        word = m.group(1).lower()
        if word in _DETERMINERS:
            continue
        out.add(word)
        end = m.end()
        while (c := _CARRY.match(text, end)) and c.group(1).lower() not in _CLAUSE | _DETERMINERS:
            out.add(c.group(1).lower())
            end = c.end()
    return frozenset(out)


def _starts_verb_phrase(text: str, at: int) -> bool:
    """Whether the negator at ``at`` negates the verb phrase (see :data:`_VERB_PHRASE`)."""
    return any(m.start() <= at < m.end() for m in _VERB_PHRASE.finditer(text))


def mixed_or(question: str) -> bool:
    """Whether "or" joins a wanted phrase and a negated one ("offline or not in maintenance", "not healthy or
    are down"): no single filter says that (the caller applies none)."""
    text = _normal(question)
    negated = negated_words(text)
    if not negated:
        return False
    if any(m.group(1).lower() not in negated for m in _OR_NOT.finditer(text)):
        return True
    # a negated item followed by "or <clause>" ("aren't healthy or are down")
    for m in _NEGATED.finditer(text):
        if m.group(1).lower() in negated and re.match(r"\s*,?\s+or\s+(?:are|is|was|were|has|have)\b", text[m.end() :]):
            return True
    return False
