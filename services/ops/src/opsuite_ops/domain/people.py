"""Questions asking who, and the tools that can say who: a person's words in a question and in a tool.

"whos on site at X", "who is handling Y" ask for a person (:func:`asks_who`): the ranking looks for the words tools
name people by beside the question's own, and an answer whose tools name nobody cannot say who
(:func:`names_people`, used by :meth:`coverage.CoverageCheck.people_missing`). "what have they found" asks what
those people noted (:func:`asks_findings`): the ranking looks for the tools keeping notes (a shift log) too, and
the plan has one of them (:func:`keeps_notes`) however the question's other words rank it.
"""

from __future__ import annotations

import re

from opsuite_ops.domain.model import Tool

__all__ = ["asks_findings", "asks_who", "keeps_notes", "names_people", "row_names_people"]

#: "who's on site", "who is handling X": a question asking for a person.
_WHO = re.compile(r"^\s*who(?:'?s|\s+is|\s+are|\s+was)?\b", re.IGNORECASE)
#: Words a tool's description names people by (what a "who" question looks for beside its own words).
_PERSON_WORDS = ("technician", "engineer", "assignee", "owner", "implementer", "lead", "operator", "oncall")
#: A tool's words naming people: an actor (``*_by``, "who", the coverage's actor words), a role or a rota.
_PEOPLE = re.compile(
    r"[a-z]_by\b|\bby\s+whom\b|\bwho\b|\b(?:technicians?|engineers?|assignees?|owners?|implementers?|leads?|"
    r"operators?|on[-_ ]?call|contacts?|coordinators?|managers?|supervisors?|staff|people|persons?|users?|"
    r"actors?|authors?|request[eo]rs?|approvers?|initiators?|committers?|creators?|submitters?|crews?|teams?|"
    r"rotas?|rosters?|shifts?|inspectors?|agents?|reporters?|reported|raised|signed)\b",
    re.IGNORECASE,
)


#: "what have they found", "what did the night shift find": what the people working on it noted.
_FINDINGS = re.compile(
    r"\bwhat(?:\s+(?:have|has|did)\s+(?:\w+\s+){1,3}?|(?:['’]?s|\s+(?:has|have|was|were|is))\s+been\s+|\s+was\s+)"
    r"(?:found|find)\b",
    re.IGNORECASE,
)
#: Words of the tools that keep what people noted (a shift log, handover notes).
_NOTES_WORDS = ("notes", "handover", "findings")


def keeps_notes(tool: Tool) -> bool:
    """Whether ``tool`` keeps what people noted: tagged for notes, a handover or findings, or named for a handover
    (not ``release_notes``: notes of another kind)."""
    return bool(set(tool.tags) & set(_NOTES_WORDS) or set(re.split(r"[^a-z]+", tool.name.lower())) & {"handover"})


def asks_findings(question: str) -> tuple[str, ...]:
    """The words of the tools keeping people's notes, when ``question`` asks what was found; else none."""
    return _NOTES_WORDS if _FINDINGS.search(question) else ()


def asks_who(question: str) -> tuple[str, ...]:
    """The words of the tools that name people, when ``question`` asks who ("whos on site at X"); else none."""
    return _PERSON_WORDS if _WHO.match(question) else ()


#: A column of a record naming the person in a part ("commander" of an incident) beside :data:`_PEOPLE`'s words.
_ROLE_COLUMN = re.compile(
    r"(?:^|_)(?:commanders?|handlers?|handled|responders?|captains?|pilots?|drivers?|leaders?|assigned)(?:_|$)"
)


def row_names_people(row: tuple[tuple[str, str], ...]) -> bool:
    """Whether a listed record's ``(column, value)`` pairs name a person in some part: an ``owner``, a
    ``commander``, an ``assigned_to`` (so "who is handling cs-0042" is answered by its row; "who's captaining
    G-TRNE" is not, when the aircraft's row names nobody)."""
    return any(
        _PEOPLE.search(column) or _PEOPLE.search(column.replace("_", " ")) or _ROLE_COLUMN.search(column.lower())
        for column, _v in row
    )


def names_people(tool: Tool) -> bool:
    """Whether ``tool`` says who: its name, description, parameters or output hints name people (:data:`_PEOPLE`)."""
    return bool(_PEOPLE.search(" ".join([tool.name, tool.description, *tool.properties, *tool.output_hints])))
