"""Empty results: a call that returned no rows for what was asked is no complete answer.

A successful call that returned nothing says nothing about the thing asked, unless nothing *is* the answer.
:func:`empty_results` gives a NOT_COVERED reason for each step of the main plan whose call succeeded
with no data, except when the emptiness answers the question:

* the question asks whether any exist ("are any hosts down", "any maintenance planned for X"): "none
  found" is the answer (:func:`asks_whether_any`);
* the call lists or filters with nothing named ("hosts with status=down", "changes since T"): no row
  matching the filter is the answer. A call of a time series (a ``metric`` tool taking a window) is never
  such a listing: an empty series is missing data;
* the question compares named things ("A vs B") and a listing of the run holds A and not B (:mod:`comparison`):
  the call for B found none, as the listing did;
* another call of the plan returned data about the same named thing ("details of node X" came back, its
  database connections did not), or rows that name it (a listing with a row for X): the empty call only adds
  to an answer that stands;
* the call's own name was already reported as unknown, or it is a free-text search (reported by
  :mod:`broaden` after its narrower searches).

:func:`reported_in_rows` is the other way round: a word no tool's name or description knows ("no tool
reports sourdough") that the rows of the calls made do hold, as a word of their names or notes
("note=sourdough trial"), of a listing (no change history) is reported by those rows: the data answer it, and the answer
is no less complete for the catalogue not saying so; so is a word of the names of the rows' columns of numbers ("avg rx"
by an ``avg_rx_dbm`` column). Only a topic of plain words (no measure such as "usage": a value the rows would have to
measure); only the words no tool knows need be held, not the known ones the phrase quotes beside them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.comparison import none_in_listings
from opsuite_ops.domain.entities import is_empty, name_key
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.investigate import SERIES, role
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, CallRecord, PlanStep, Tool
from opsuite_ops.domain.param_kinds import is_search_param, names_a_thing
from opsuite_ops.domain.shortnames import last_segment
from opsuite_ops.domain.timeline import lists_changes

__all__ = ["asks_whether_any", "empty_results", "reported_in_rows", "subject_values"]

#: "any", "is there", "are there any", "none": the question asks whether something exists (English form).
_ANY = re.compile(r"\b(any|anything|anyone|anybody|none|is there|are there|was there|were there)\b", re.IGNORECASE)


def asks_whether_any(question: str) -> bool:
    """Whether ``question`` asks if anything of a kind exists: then "none found" answers it."""
    return bool(_ANY.search(question[:2000]))


def subject_values(tool: Tool, arguments: Mapping[str, Any]) -> set[str]:
    """The names a call asks about: its arguments naming things (:func:`~opsuite_ops.domain.fill.names_a_thing`),
    not its enum values, times, durations or search text; a parameter left at its default names nothing."""
    out: set[str] = set()
    for name, value in arguments.items():
        schema = tool.properties.get(name, {})
        if isinstance(value, str) and value and value != schema.get("default") and names_a_thing(tool, name, schema):
            out.add(value.lower())
    return out


def _row_values(data: Any) -> set[str]:
    """The short text values of an output's rows (lower case): the names its rows are about."""
    rows = data.get("rows") if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        return set()
    return {
        v.strip().lower()
        for row in rows
        if isinstance(row, Mapping)
        for v in row.values()
        if isinstance(v, str) and 0 < len(v.strip()) <= _NAME_LENGTH
    }


#: Longest text value read as a name a row is about (longer ones are notes and messages).
_NAME_LENGTH = 80


_NO_TOOL_REPORTS = "no tool reports "
_MEASURES = frozenset({"usage", "rate", "size", "count", "percent", "level", "utilisation", "utilization"})
#: "how much diesel", "how many spare pumps": the words of an amount asked for.
_AMOUNT = re.compile(r"\bhow\s+(?:much|many)\s+((?:[a-z][\w-]*\s+){0,1}[a-z][\w-]*)", re.IGNORECASE)


def reported_in_rows(
    reason: AnswerStatusReason, records: Sequence[CallRecord], tools: Mapping[str, Tool], question: str = ""
) -> bool:
    """Whether ``reason`` is a "no tool reports X" whose every word the rows of the successful ``records`` of
    listings hold as a word of a short text value (see the module docstring); a change history's rows are no
    listing of what is: their summaries speak of anything ("cut idle spend"). Never an amount the ``question``
    asks for ("how much diesel is left": a model "diesel-electric" says no amount of diesel)."""
    if reason.reason is not AnswerReason.NOT_COVERED or not reason.detail.startswith(_NO_TOOL_REPORTS):
        return False
    phrase = set(re.findall(r"[a-z0-9]+", reason.detail.removeprefix(_NO_TOOL_REPORTS).lower())) - {"and"}
    if not phrase or phrase & _MEASURES:
        return False
    amount = _AMOUNT.search(question)
    if amount is not None and set(amount.group(1).lower().split()) & phrase:
        return False
    words = {t.lower() for t in reason.terms} or phrase
    held: set[str] = set()
    for rec in records:
        tool = tools.get(rec.tool)
        if tool is None or lists_changes(tool.name, tool.description, tool.tags):
            continue
        if rec.ok and not is_empty(rec.output):
            for value in _row_values(rec.output):
                held.update(re.findall(r"[a-z0-9]+", value))
            held.update(_column_words(rec.output))
    return all(w in held or stem(w) in held for w in words)


#: Parts of a numeric column's name that make it an id, not a measure ("billing_account", "order_no").
_ID_PARTS = frozenset({"id", "ref", "no", "num", "number", "account", "code", "key"})


def _parts(column: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column).lower())


def _column_words(data: Any) -> set[str]:
    """The words of an output's measure columns' names ("avg_rx_dbm": avg, rx, dbm): what its tool measures,
    if its description does not say so. Only columns of numbers: a text column's name ("name") says what its
    values are of, not which thing's (the customer's name is no POP's)."""
    rows = data.get("rows") if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        return set()
    columns = {
        k
        for row in rows[:50]
        if isinstance(row, Mapping)
        for k, v in row.items()
        if isinstance(k, str)
        and isinstance(v, int | float)
        and not isinstance(v, bool)
        and not _ID_PARTS & set(_parts(k))
    }
    return {w for c in columns for w in tokenise(c, keep_stop_words=True)} | {c.lower() for c in columns}


def _latest_ok(state: RunState, step_id: str) -> CallRecord | None:
    rec = state.latest.get(step_id)
    return rec if rec is not None and rec.ok else None


def empty_results(
    question: str,
    plan_steps: Sequence[PlanStep],
    state: RunState,
    tools: Mapping[str, Tool],
    reported: Sequence[AnswerStatusReason] = (),
) -> list[AnswerStatusReason]:
    """NOT_COVERED for each main-plan call that returned no data for what was asked (see the module
    docstring); ``reported`` are the reasons already given (a step named there is not reported again)."""
    if asks_whether_any(question):
        return []
    done = {r.step_id for r in reported if r.step_id}
    with_data: set[str] = set()
    empty: list[tuple[PlanStep, CallRecord, Tool, set[str]]] = []
    for step in plan_steps:
        tool = tools.get(step.tool)
        rec = _latest_ok(state, step.id)
        if tool is None or rec is None:
            continue
        subjects = subject_values(tool, rec.arguments)
        if not is_empty(rec.output):
            with_data |= subjects | _row_values(rec.output)
            continue
        if step.id in done or any(
            is_search_param(tool, n, tool.properties.get(n, {})) and isinstance(v, str) and v
            for n, v in rec.arguments.items()
        ):
            continue
        empty.append((step, rec, tool, subjects))
    out = []
    none_of = none_in_listings(question, state.records) if empty else set()
    for step, rec, tool, subjects in empty:
        if not subjects and role(tool) != SERIES:
            continue  # a listing: no row matches its filters, which is the answer
        if subjects and {name_key(s) for s in subjects} <= none_of:
            continue  # "A vs B": a listing holding A and not B says B has none, and so does this call
        if {last_segment(s) for s in subjects} & {last_segment(s) for s in with_data}:
            continue  # another call answered about the same thing (quill/billing-svc is billing-svc)
        args = ", ".join(f"{k}={v}" for k, v in rec.arguments.items())
        what = f" for {', '.join(sorted(subjects))}" if subjects else ""
        out.append(
            AnswerStatusReason(
                AnswerReason.NOT_COVERED,
                f"{tool.name}({args}) returned no data{what}; the answer has nothing for it",
                tool.name,
                step.id,
            )
        )
    return out
