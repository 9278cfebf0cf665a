"""Negated words: "which nodes aren't active", "hosts not in maintenance", "non-production clusters".

A word right after a negator ("not", "aren't", "arent", "isn't", "never", "non-") is what the question does
*not* want: a filter naming it must take the other values (:func:`fill_words.enum_choices` picks the rest of
the enum), never that value itself. Up to two words in between are skipped when they are only adverbs or
filler ("aren't currently active", "not yet rebuilt", "isn't in maintenance"). English question form only.
"""

from __future__ import annotations

import re

__all__ = ["negated_words"]

#: Negators, with and without the apostrophe operators often leave out ("arent", "isnt", "dont").
_NEGATOR = (
    r"not|never|no\s+longer|non|(?:are|is|was|were|do|does|did|has|have|had|wo|ca|could|should|would)n'?t|"
    r"cannot|aint"
)
#: Words that may stand between a negator and the word it negates.
_FILLER = r"(?:(?:currently|yet|even|really|fully|all|in|at|on|the|a|an|being|been|be|marked|set|as)\s+){0,2}"
_NEGATED = re.compile(rf"\b(?:{_NEGATOR})[\s-]+{_FILLER}([a-z][a-z0-9_]*)", re.IGNORECASE)


def negated_words(question: str) -> frozenset[str]:
    """The (lower-case) words ``question`` negates (see the module docstring)."""
    text = question.replace("\u2019", "'")
    return frozenset(m.group(1).lower() for m in _NEGATED.finditer(text))
