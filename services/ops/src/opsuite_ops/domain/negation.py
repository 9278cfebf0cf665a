"""Negated words: "which nodes aren't active", "hosts not in maintenance or rebuilding", "non-production clusters".

A word right after a negator ("not", "aren't", "arent", "isn't", "never", "non-", "neither") is what the question
does *not* want: a filter naming it must take the other values (:func:`fill_words.choose_enum` picks the rest of
the enum), never that value itself. Adverbs may stand in between ("aren't currently active", "not yet rebuilt"),
and a preposition with its article ("not in the maintenance state"). The negation carries across "or", "nor" and
commas of the same phrase ("not in maintenance or rebuilding", "neither X nor Y": both are negated).

A negator that negates the verb phrase, not a value, negates no word: an auxiliary's at the start of the
question (or of one of its sentences or a colon's clause), one right after "why", "how", "when" or "where"
anywhere ("so why aren't the failed backups retried?"), and an inverted auxiliary before "the", "a", "it"...
("after the failover, isn't the replica lagging?") unless it follows "who", "which" or "that" (with a noun);
right after a bare "what" ("what aren't the replica nodes reporting?") its words are unsure. A bare "not" at
the start negates the next word ("not healthy nodes?"). After any other wh-word the negator negates the next
word ("what isn't running", "who isn't healthy"); an article after it is filler ("which host isn't a replica":
``replica``), and so are verbs of reporting ("not reporting healthy", "not shown as healthy"). "excluding",
"except", "exclude(s)", "other than", "besides", "apart from", "anything but" (and "without" opening the question)
negate like "not", and their negation carries across "and" too ("excluding healthy and down"); a comma's item ending in
"only" is not carried into ("other than the primary, healthy ones only": unsure). :func:`unsure_words` gives
the words that stand after a negator in the same clause but were not read as negated: a filter must not take
them as wanted (the caller reports it cannot exclude them); "without" later in the question makes its clause's
words unsure ("nodes without a healthy status"). "excluded" ending a clause negates the word before it ("nodes,
healthy ones excluded"). :func:`mixed_or` says when a negated phrase and a
wanted one are joined by "or" ("offline or not in maintenance"): no filter expresses that. English question form only.
"""

from __future__ import annotations

import re

__all__ = ["mixed_or", "negated_words", "unsure_words"]

#: Negators, with and without the apostrophe operators often leave out ("arent", "isnt", "dont").
_AUX_NOT = r"(?:are|is|was|were|do|does|did|has|have|had|wo|ca|could|should|would)n'?t"
_VERB_NEGATOR = rf"not|never|cannot|aint|{_AUX_NOT}"
#: List-style negators ("excluding X and Y"): the negation carries across "and" too.
_LIST_NEGATOR = (
    r"excluding|excludes?(?!\s+(?:from|by)\b)|except(?:\s+for)?|other\s+than|besides|apart\s+from|anything\s+but|"
    r"(?<![\s\S])\s*without"
)
_NEGATOR = rf"{_VERB_NEGATOR}|no\s+longer|non|neither|{_LIST_NEGATOR}"
_IS_LIST = re.compile(rf"\s*(?:{_LIST_NEGATOR})", re.IGNORECASE)
#: Adverbs and prepositions (with an article) that may stand between a negator and the word it negates.
_FILLER = (
    r"(?:(?:currently|yet|even|really|fully|being|been|be|marked|set|as|reporting|reported|report|reports|"
    r"showing|shown|shows|show|listed|flagged|labell?ed|tagged|seen|considered)\s+){0,3}"
    r"(?:(?:in|at|on|under)\s+)?(?:(?:the|a|an)\s+)?"
)
_WORD = r"[a-z][a-z0-9_]*"
_NEGATED = re.compile(rf"\b(?:{_NEGATOR})[\s-]+{_FILLER}({_WORD})", re.IGNORECASE)
#: A negator negating the verb phrase: at the start of the question or of a sentence, or right after "why",
#: "how", "when" or "where" (after "what", "who" or "which" it negates the next word: "what isn't running").
_VERB_PHRASE = re.compile(
    rf"(?:^|[.?!;:]\s)\s*(?:{_AUX_NOT}|cannot|aint)\b|\b(?:why|how|when|where)\s+(?:{_VERB_NEGATOR})\b",
    re.IGNORECASE,
)
#: An inverted auxiliary ("..., isn't the replica lagging?"): negates the verb phrase, except after "what",
#: "who", "which" or "that" (with a noun): "which host isn't a replica".
_INVERTED = re.compile(rf"\b(?:{_AUX_NOT})\s+(?=(?:the|a|an|it|they|there|we|you|this|these|those)\b)", re.IGNORECASE)
_RELATIVE_BEFORE = re.compile(rf"\b(?:what|who|whose|which|that)\s+(?:{_WORD}\s+)?$", re.IGNORECASE)
#: Right after a bare "what" an inverted auxiliary may negate either ("what aren't the replica nodes reporting?",
#: "what isn't a replica?"): its words are unsure.
_WHAT_BEFORE = re.compile(r"\bwhat\s+$", re.IGNORECASE)
_DETERMINERS = frozenset(
    [
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
#: After a list-style negator "and" carries too ("excluding healthy and down").
_LIST_CARRY = re.compile(
    rf"\s*(?:,\s*(?:(?:or|nor|and)\s+)?|\s+(?:or|nor|and)\s+)(?:(?:in|at|on|under)\s+)?({_WORD})", re.I
)
#: A comma item ending in "only" is wanted, not negated ("other than the primary, healthy ones only").
_ONLY_AFTER = re.compile(rf"(?:\s+{_WORD}){{0,2}}\s+only\b", re.IGNORECASE)
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
_CARRY_STOP = _CLAUSE | _DETERMINERS | {"the", "a", "an"}
_NEGATOR_AT = re.compile(rf"\b(?:{_NEGATOR})(?=[\s-])", re.IGNORECASE)
#: The end of a clause: a sentence mark or a conjunction starting another clause ("not down but degraded").
_CLAUSE_END = re.compile(r"[;:.?!]|\b(?:and|but|while|whereas|though|although|also|then)\b", re.IGNORECASE)
#: "excluded" ending a clause ("nodes, healthy ones excluded") negates the word before it (past "one(s)").
_EXCLUDED_AFTER = re.compile(
    rf"\b({_WORD})(?:\s+ones?)?\s+(?:excluded|omitted|left\s+out)\s*(?=[,;:.?!]|$)", re.IGNORECASE
)
#: "without" in the middle of a question ("nodes without a healthy status"): its clause's words are unsure.
_WITHOUT_MID = re.compile(r"(?<=\S)\s+without(?=\s)", re.IGNORECASE)
_OR_NOT = re.compile(rf"(\b{_WORD})\s*,?\s+or\s+(?:{_NEGATOR})\b", re.IGNORECASE)


def _normal(question: str) -> str:
    return question.replace("\u2019", "'")


def negated_words(question: str) -> frozenset[str]:
    """The (lower-case) words ``question`` negates (see the module docstring)."""
    text = _normal(question)
    out: set[str] = set()
    for m in _NEGATED.finditer(text):
        if _starts_verb_phrase(text, m.start()) or _after_what(text, m.start()):
            continue
        word = m.group(1).lower()
        if word in _DETERMINERS:
            continue
        out.add(word)
        end = m.end()
        carry = _LIST_CARRY if _IS_LIST.match(text, m.start()) else _CARRY
        while (c := carry.match(text, end)) and c.group(1).lower() not in _CARRY_STOP:
            if _ONLY_AFTER.match(text, c.end()):
                break  # "..., healthy ones only": wanted (the word stays unsure)
            out.add(c.group(1).lower())
            end = c.end()
    out.update(m.group(1).lower() for m in _EXCLUDED_AFTER.finditer(text) if m.group(1).lower() not in _CARRY_STOP)
    return frozenset(out)


def unsure_words(question: str) -> frozenset[str]:
    """The (lower-case) words standing after a negator in the same clause that :func:`negated_words` did not
    read as negated ("hosts not in any healthy state"): whether the question wants or excludes them is unsure.
    A negator of the verb phrase ("why aren't the failed backups retried?") leaves its clause sure."""
    text = _normal(question)
    out: set[str] = set()
    for m in [*_NEGATOR_AT.finditer(text), *_WITHOUT_MID.finditer(text)]:
        if m.group(0).lower() == "non" or _starts_verb_phrase(text, m.start()):
            continue  # ("non-" negates its own compound only)
        end = m.end()
        stop = _CLAUSE_END.search(text, end)
        while stop and _IS_LIST.match(text, m.start()) and stop.group(0).lower() == "and":
            stop = _CLAUSE_END.search(text, stop.end())  # ("excluding healthy and degraded")
        out.update(w.lower() for w in re.findall(_WORD, text[end : stop.start() if stop else len(text)], re.I))
    return frozenset(out - negated_words(text))


def _starts_verb_phrase(text: str, at: int) -> bool:
    """Whether the negator at ``at`` negates the verb phrase (see :data:`_VERB_PHRASE`)."""
    if any(m.start() <= at < m.end() for m in _VERB_PHRASE.finditer(text)):
        return True
    return any(m.start() == at and not _RELATIVE_BEFORE.search(text[:at]) for m in _INVERTED.finditer(text))


def _after_what(text: str, at: int) -> bool:
    """Whether the negator at ``at`` is an inverted auxiliary right after a bare "what" (see :data:`_WHAT_BEFORE`)."""
    return any(m.start() == at and _WHAT_BEFORE.search(text[:at]) for m in _INVERTED.finditer(text))


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
