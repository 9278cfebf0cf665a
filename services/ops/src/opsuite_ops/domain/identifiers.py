"""Identifiers no step looks up, and searches that cannot answer a measure.

Two honesty checks on a plan, whatever the estate:

* :func:`unlooked_identifiers`: a question naming an identifier of its own shape (a phone number
  "+1 555 010 0199") asks about that one thing; when no planned step takes it as an argument, the rows the
  steps return are about everything else, so that part is NOT_COVERED ("no tool looks up +1 555 010 0199").
* :func:`unmentioned_ids`: a record id or a name of letters and digits the question names ("who implemented
  CHG0004480", "is wtg-15 ok") that no output of the run mentions and no call returning rows took: the rows are
  about other things, so that one may not exist (ENTITY_UNKNOWN).
* :func:`search_cannot_answer`: a document search for the words of a ranking or a count ("which operator had
  the longest session time", "how many calls") returns documents, not the measure: its hits never cover it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.aggregate import asks_count, asks_ranking
from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.entities import PADDED_NUMBER, TICKET_ID, Inventory, is_empty, name_key
from opsuite_ops.domain.extract import Entities
from opsuite_ops.domain.listed_codes import described_names
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord, PlanStep, Tool
from opsuite_ops.domain.timerange import ISO_RE
from opsuite_ops.domain.token_kinds import VERSION_RE

__all__ = [
    "id_letters",
    "looks_up",
    "output_strings",
    "phone_numbers",
    "search_cannot_answer",
    "spaced_ids",
    "takes_named",
    "unlooked_identifiers",
    "unmentioned_ids",
]

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


#: A name of letters and digits with a separator ("wtg-15", "amr.rtm2.0999", "SRT/C/9"): a thing's name.
_NAME = re.compile(r"^(?=[^\s]*[A-Za-z])(?=[^\s]*\d)[A-Za-z0-9]+(?:[-./:][A-Za-z0-9]+)+$")


def unmentioned_ids(
    question: str,
    records: Sequence[CallRecord],
    reported: Sequence[AnswerStatusReason],
    inventory: Inventory | None = None,
) -> list[AnswerStatusReason]:
    """ENTITY_UNKNOWN for each record id or name of ``question`` that no successful call's output mentions and no
    call returning rows took (none when no call succeeded: the failures say why); ``reported`` are the reasons
    already given (a name they hold is not reported again), and a name the ``inventory`` lists exists."""
    ok = [r for r in records if r.ok]
    if not ok:
        return []
    said = " ".join(r.detail for r in reported).lower()
    words = [w.strip("?.,!;:()'\"") for w in question[:2000].split()]
    asked = [w for w in dict.fromkeys(words) if _asks_about(w) and w.lower() not in said]
    if inventory is not None:
        asked = [w for w in asked if inventory.lookup(w) is None and inventory.value(w) is None]
    if not asked:
        return []
    # Every name the outputs hold, once (not once per word of the question): as entities.mentions reads them.
    held: set[str] = set()
    for r in ok:
        for text in output_strings(r.output):
            held.add(name_key(text))
            held.update(name_key(w) for w in _TOKENS.findall(text))
            if "." in text and len(text) <= 255:  # "s3.lds1" of s3.lds1.skellan.cloud: a dotted name's short form
                parts = text.split(".")[:8]
                held.update(name_key(".".join(parts[:k])) for k in range(2, len(parts)))
    took = {name_key(str(v)) for r in ok if not is_empty(r.output) for v in r.arguments.values()}
    out = []
    tools = ", ".join(dict.fromkeys(r.tool for r in ok))
    for word in asked:
        key = name_key(word)
        if key not in held and key not in took:
            out.append(
                AnswerStatusReason(
                    AnswerReason.ENTITY_UNKNOWN,
                    f"no data names {word}: {tools} returned no record of it, so it may not exist",
                )
            )
    return out


def _asks_about(word: str) -> bool:
    """Whether ``word`` is a record id or a thing's name, not a time, a date, a version or a pair ("HTTP/2")."""
    if not (TICKET_ID.match(word) or PADDED_NUMBER.match(word) or _NAME.match(word)):
        return False
    return not (ISO_RE.match(word) or _CLOCK.match(word) or VERSION_RE.match(word) or _PAIR.match(word))


#: "10:30am", "09:15": a time of day.
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?$", re.IGNORECASE)
#: "HTTP/2", "p95/p99": two parts of a pair, no name.
_PAIR = re.compile(r"^[A-Za-z]+/\d{1,2}$|^[A-Za-z]\d+/[A-Za-z]\d+$")
_TOKENS = re.compile(r"[\w.-]+")


def output_strings(data: object, depth: int = 0) -> list[str]:
    """The text values of an output (nested at most 6 deep)."""
    if isinstance(data, str):
        return [data]
    if depth > 6:
        return []
    if isinstance(data, dict):
        return [t for v in data.values() for t in output_strings(v, depth + 1)]
    if isinstance(data, list):
        return [t for v in data for t in output_strings(v, depth + 1)]
    return []


#: A word of letters and a number after a space ("EV 3130", "CASE 2026-0113", "boa 77312").
_SPACED = re.compile(r"\b([A-Za-z]{2,5})\s+(\d[\d-]{2,}\d)\b")


def spaced_ids(entities: Entities, question: str, tools: Sequence[Tool]) -> Entities:
    """``entities`` with each id written as letters, a space and a number ("EV 3130", "CASE 2026-0113") read as one
    record id, when a tool writes ids of those letters so ("alarm code (e.g. EV 3130)", "(BOA nnnnn)"): its
    number is then no quantity and its letters no topic."""
    found: list[tuple[str, str, str]] = []
    texts = [t.description for t in tools] + [
        str(sc.get("description", "")) for t in tools for sc in t.properties.values()
    ]
    for m in _SPACED.finditer(question[:2000]):
        letters, number = m.group(1), m.group(2)
        if letters.lower() in STOP_WORDS:
            continue  # "or 5000", "over 10000": a quantity
        # The tool writes the letters in capitals before a number or its placeholder ("EV 3130", "BOA nnnnn").
        written = re.compile(rf"\b{re.escape(letters.upper())}\s+(?:n{{2,}}|\d)")
        if any(written.search(x) for x in texts):
            found.append((f"{letters.upper()} {number}", letters.lower(), number))
    if not found:
        return entities
    ids = (*entities.ids, *(i for i, _l, _n in found if i not in entities.ids))
    letters = {lt for _i, lt, _n in found}
    numbers = {float(n) for _i, _l, n in found if n.isdigit()}
    return dataclasses.replace(
        entities,
        ids=ids,
        terms=tuple(t for t in entities.terms if t not in letters),
        numbers=tuple(n for n in entities.numbers if n not in numbers),
    )


def search_cannot_answer(question: str) -> bool:
    """Whether ``question`` asks for a ranking or a count: a document search's hits do not answer it."""
    return asks_ranking(question) is not None or asks_count(question)


#: The number an id ends with (and the numbers before it): what :func:`id_letters` takes off.
_ID_NUMBER = re.compile(r"[-/]?\d+(?:[-/]\d+)*$")


def id_letters(record_id: str) -> str:
    """The letters of a record id that name its kind ("INC" of INC-4211, INC/2026/0042 and "MI" of MI0107)."""
    return _ID_NUMBER.sub("", record_id)


def looks_up(tool: Tool, ids: Sequence[str]) -> bool:
    """Whether ``tool`` says it holds records of the kind of one of ``ids``: its description writes ids with the
    same letters ("DBA team tickets (DBA-nnnn)" for DBA-1042, "(INC/yyyy/nnnn)" for INC/2026/0042, "(MInnnn)" for
    MI0107): the question
    names it through the id."""
    text = tool.description.lower()
    prefixes = {p for i in ids if (p := id_letters(i).strip().lower()) and p[0].isalpha()}
    # "(MInnnn)", "CHG0001234": letters written on to the number (or its placeholder).
    return any(re.search(rf"\b{re.escape(p)}[-/]", text) for p in prefixes) or any(
        re.search(rf"\b{re.escape(p)}(?:n{{3,}}|\d{{3,}})\b", text) for p in prefixes
    )


def takes_named(tool: Tool, entities: Entities) -> bool:
    """Whether an enum parameter of ``tool`` takes a name the question gives ("p99 on ep_dough_mix" for a
    latency tool whose ``endpoint`` lists it): the question names the tool through that name."""
    named = {n.lower() for n in (*entities.hosts, *entities.services, *(v for _c, v in entities.values))}
    return any(
        str(v).lower() in named
        for schema in tool.properties.values()
        for v in (schema.get("enum") or (schema.get("items") or {}).get("enum") or ())
    ) or any(described_names(tool, p, entities.question) for p in tool.properties)
