"""Identifiers no step looks up, and searches that cannot answer a measure.

Two honesty checks on a plan, whatever the estate:

* :func:`unlooked_identifiers`: a question naming an identifier of its own shape (a phone number
  "+1 555 010 0199") asks about that one thing; when no planned step takes it as an argument, the rows the
  steps return are about everything else, so that part is NOT_COVERED ("no tool looks up +1 555 010 0199").
* :func:`search_cannot_answer`: a document search for the words of a ranking or a count ("which operator had
  the longest session time", "how many calls") returns documents, not the measure: its hits never cover it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.aggregate import asks_count, asks_ranking
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, PlanStep

__all__ = ["phone_numbers", "search_cannot_answer", "unlooked_identifiers"]

# A phone number: an optional "+", then digit groups split by spaces, dots, dashes or brackets, 7-15 digits.
_PHONE = re.compile(r"(?<![\w.])(\+\d[\d ().-]{5,}\d|\(?\d{2,5}\)?[ .-]\d{3,4}[ .-]\d{3,6})(?![\w.])")
_DIGITS = re.compile(r"\d")


def _digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


def phone_numbers(question: str) -> tuple[str, ...]:
    """The phone numbers ``question`` names (as written), 7 to 15 digits each."""
    found = (m.group(1).strip() for m in _PHONE.finditer(question))
    return tuple(dict.fromkeys(p for p in found if 7 <= len(_digits(p)) <= 15))


def _argument_digits(value: Any) -> list[str]:
    if isinstance(value, str):
        return [_digits(value)]
    if isinstance(value, Mapping):
        return [d for v in value.values() for d in _argument_digits(v)]
    if isinstance(value, list | tuple):
        return [d for v in value for d in _argument_digits(v)]
    return []


def unlooked_identifiers(question: str, steps: Sequence[PlanStep]) -> list[AnswerStatusReason]:
    """A NOT_COVERED reason for each phone number of ``question`` no step takes in an argument."""
    taken = [d for s in steps for d in _argument_digits(dict(s.arguments)) if d]
    reasons = []
    for number in phone_numbers(question):
        digits = _digits(number)
        if any(digits.endswith(t) or t.endswith(digits[-9:]) for t in taken if len(t) >= 7):
            continue
        reasons.append(AnswerStatusReason(AnswerReason.NOT_COVERED, f"no tool looks up {number}"))
    return reasons


def search_cannot_answer(question: str) -> bool:
    """Whether ``question`` asks for a ranking or a count: a document search's hits do not answer it."""
    return asks_ranking(question) is not None or asks_count(question)
