"""Phase 1, initialise: normalise the question, apply the operator's aliases (none by default), then read a few chat
forms as meant ("b4", "change-wise", "kicked off", "the NOC number", "primary n backup", "WPs": see
:func:`initialise`).

ops knows no estate's naming: names are resolved against the names the estate's own tools list (see
:mod:`entities`), where "web 1", "WEB_01" and "web-01" already meet. An operator can still add rewrite
rules (``OPSUITE_OPS_ALIASES``): an :class:`Alias` is a case-insensitive regex plus a ``str.format``
template over its named groups, so zero padding is declarative: ``Alias(r"\\bpg(?P<n>\\d+)\\b",
"db-{n:0>2}")`` turns "pg1" into "db-01".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from opsuite_common.errors import ValidationError
from opsuite_common.limits import QUESTION_CHARS

__all__ = ["MAX_QUESTION_CHARS", "Alias", "InitialisedQuestion", "initialise"]

#: Longest question accepted; longer text is almost certainly a paste accident.
MAX_QUESTION_CHARS = QUESTION_CHARS

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_SPACES = re.compile(r"\s+")
#: Chat spellings of plain words ("how long b4 it trips", "2moro"), in lower case and not after a word naming a place
#: ("bay b4", "level B4": a name); the "-wise" of "as regards" written as one word with what it qualifies ("what went
#: in change-wise": the changes), which would otherwise read as a name; "kick in" / "kicked off" is starting.
_CHAT_SPELLINGS = {"b4": "before", "2day": "today", "2nite": "tonight", "2moro": "tomorrow", "2morrow": "tomorrow"}
_CHAT_RE = re.compile(r"\b(" + "|".join(_CHAT_SPELLINGS) + r")\b(?![-/.]\w)")
_PLACES = frozenset(
    {"bay", "level", "block", "building", "floor", "room", "row", "rack", "gate", "zone", "unit", "aisle", "stand",
     "hall", "site", "lot", "cell", "grid", "ward", "pier", "dock", "platform"}
)  # fmt: skip
_WISE_RE = re.compile(r"\b([A-Za-z]{3,40})-wise\b(?![-\w])", re.IGNORECASE)
_KICK_RE = re.compile(r"\bkick(s|ed|ing)?\s+(?:in|off)\b", re.IGNORECASE)
#: "no.2", "No. 3": a number's ordinal mark, written as "#2" (the form a position or a unit number takes).
_NUMBERED_RE = re.compile(r"\b[Nn]o\.\s?(\d{1,3})\b(?![-./]\d)")
#: The plural of a short capitalised abbreviation ("which WPs", "the DDs", "VMs"): its "s" is no letter of it.
_ABBREVIATED_PLURAL_RE = re.compile(r"\b([A-Z]{2,4})s\b(?![-/.']\w)")
#: The "backup" of a "primary" at the end of a clause is its secondary ("on call this wk - primary n backup?"), not
#: a backup of data ("the primary and backup jobs").
_PRIMARY_BACKUP_RE = re.compile(r"(\bprimary\s*(?:and|n|&|\+|/|or)\s*)back-?up\b(?=\s*(?:[?.!,;)]|$))", re.IGNORECASE)
#: A number to call ("the NOC number", "their support no."): a phone number, not a count ("number of"), an id
#: ("support number 12345", "escalation number ESC-9") nor a desk's or a room's number.
_CALL_NUMBER_RE = re.compile(
    r"\b(noc|support|help ?desk|service desk|contact|emergency|escalation|mobile|hotline|duty|call-?out|oncall|"
    r"on-call)\s+(number|no\.|no\b(?=\s*(?:[?!,;]|$))|#)(?!\s*(?:of\b|[#:]?\s*[A-Za-z]*-?\d))",
    re.IGNORECASE,
)


def _chat(text: str) -> str:
    """``text`` with the chat forms above read as meant (see :func:`initialise`)."""

    def spelt(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - 41) : m.start()].split()[-1:]  # the word before it (bounded: no rescan)
        return m.group(0) if before and before[0].lower() in _PLACES else _CHAT_SPELLINGS[m.group(1)]

    text = _WISE_RE.sub(r"\1", _CHAT_RE.sub(spelt, text))
    text = _KICK_RE.sub(lambda m: "start" + {"s": "s", "ed": "ed", "ing": "ing"}.get(m.group(1) or "", ""), text)
    text = _ABBREVIATED_PLURAL_RE.sub(r"\1", _NUMBERED_RE.sub(r"#\1", text))
    text = _CALL_NUMBER_RE.sub(r"\1 phone \2", text)
    return _PRIMARY_BACKUP_RE.sub(r"\1secondary", text)


@dataclass(frozen=True, slots=True)
class Alias:
    """A host/service naming rule: a regex (case-insensitive) and a template over its named groups."""

    pattern: str
    template: str
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            regex = re.compile(self.pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValidationError.for_field("aliases.pattern", f"{self.pattern!r} is not a regex: {exc}") from None
        object.__setattr__(self, "_regex", regex)

    def apply(self, text: str) -> tuple[str, int]:
        """``text`` with every match rewritten, and how many matches there were."""

        def sub(m: re.Match[str]) -> str:
            groups = {k: (v or "") for k, v in m.groupdict().items()}
            # Strip leading zeros so that "{n:0>2}" pads "001" and "1" the same way.
            groups = {k: (v.lstrip("0") or "0") if v.isdigit() else v.lower() for k, v in groups.items()}
            return self.template.format(*[g or "" for g in m.groups()], **groups)

        return self._regex.subn(sub, text)


@dataclass(frozen=True, slots=True)
class InitialisedQuestion:
    """The question as asked, its normalised form, and which aliases changed it."""

    original: str
    text: str
    aliases_applied: tuple[str, ...] = ()


def initialise(question: str, aliases: Iterable[Alias] = ()) -> InitialisedQuestion:
    """Normalise ``question`` (Unicode NFKC, ASCII quotes, single spaces), apply ``aliases`` in order, then read its
    chat forms as meant (``b4``, ``change-wise``, "kicked off", a number to call as a phone number, a primary's
    backup, the plural of an abbreviation: "WPs" is "WP", "no.2" is "#2"); when those would make the text longer than
    :data:`MAX_QUESTION_CHARS`, they are left out."""
    if not question or not question.strip():
        raise ValidationError.for_field("question", "must not be empty; ask something like 'cpu on web-01'")
    if len(question) > MAX_QUESTION_CHARS:
        raise ValidationError.for_field("question", f"must be at most {MAX_QUESTION_CHARS} characters")
    text = unicodedata.normalize("NFKC", question).translate(_QUOTES)
    text = _SPACES.sub(" ", text).strip()
    applied: list[str] = []
    for alias in aliases:
        text, n = alias.apply(text)
        if n:
            applied.append(alias.pattern)
    if len(read := _chat(text)) <= MAX_QUESTION_CHARS:
        text = read
    return InitialisedQuestion(original=question, text=text, aliases_applied=tuple(applied))
